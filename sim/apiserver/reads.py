"""GET, LIST and WATCH: reads, with the storage layer's resourceVersion semantics.

Models k8s.io/apiserver/pkg/endpoints/handlers/get.go (GetResource; ListResource, which also
serves watches) and watch.go over k8s.io/apiserver/pkg/registry/generic/registry/store.go (Get,
List, Watch) and the cacher (k8s.io/apiserver/pkg/storage/cacher): an unknown object is 404, a
compacted resourceVersion 410 Gone (reason Expired). Objects come out frozen (read-only), shared
with the store and every cache. A read of an object (or a kind) that a standing renewal keeps
(sim/apiserver/renewals.py) writes the renewal due first, so readers see what upstream shows.
"""

from __future__ import annotations

from typing import Any

from sim.api.errors import bad_request, gone
from sim.api.kinds import Kind
from sim.apiserver.keys import kind_prefix, list_prefix
from sim.apiserver.lists import ListRequest, list_objects
from sim.apiserver.storage import RegistryStore
from sim.apiserver.watch import ADDED, ApiWatch, ApiWatchEvent, Send
from sim.store import CompactedError


class Getter:
    """GET of one object."""

    def __init__(self, storage: RegistryStore):
        self._kind = storage.kind
        self._ns = storage.ns
        self._get_kv = storage.get_kv

    def get(self, kind: str | Kind, name: str, *, namespace: str | None = None) -> Any:
        k = self._kind(kind)
        return self._get_kv(k, self._ns(k, namespace), name).value


class Lister:
    """LIST, and WATCH (upstream's ListResource serves both)."""

    def __init__(self, storage: RegistryStore):
        self._storage = storage

    def list(
        self,
        kind: str | Kind,
        *,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int = 0,
        continue_: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
    ) -> dict[str, Any]:
        """A `<Kind>List` dict (items frozen) with metadata.resourceVersion and continue."""
        storage = self._storage
        k = storage.kind(kind)
        req = ListRequest(
            kind=k,
            prefix=list_prefix(k, namespace if k.namespaced else None),
            labels=storage.labels(label_selector),
            fields=storage.fields(k, field_selector),
            limit=limit,
            continue_=continue_,
            resource_version=resource_version,
            resource_version_match=resource_version_match,
        )
        renewals = storage.renewals
        if renewals.handles(k):
            renewals.settle_prefix(k, req.prefix)
        return list_objects(storage.store, req)

    def watch(
        self,
        kind: str | Kind,
        send: Send,
        *,
        namespace: str | None,
        resource_version: str | None,
        label_selector: str | None,
        field_selector: str | None,
        tolerate_renewals: bool,
    ) -> ApiWatch:
        """Send every later change that passes the filters to `send`, in revision order.

        resource_version "" or "0": first the current state as ADDED events, then changes
        (upstream "get state and start at most recent"). A number N: every change after N,
        or 410 Expired if N has been compacted away.

        While a watch of a kind without `tolerate_renewals` is open, standing renewals of that
        kind are written as they fall due, so it sees one event per renewal. A watch that
        tolerates renewals (a modelled component's, sim/apiserver/front.py) gets every other
        change as usual; its owner reads renewed fields through its client's renewer.
        """
        storage = self._storage
        k = storage.kind(kind)
        w = ApiWatch(
            k,
            namespace if k.namespaced else None,
            storage.labels(label_selector),
            storage.fields(k, field_selector),
            send,
        )
        w.strict = not tolerate_renewals
        hub = storage.hub(k)
        renewals = storage.renewals
        if w.strict:
            renewals.settle_prefix(k, kind_prefix(k))
        if resource_version in (None, "", "0"):
            listing = self.list(k, namespace=namespace)
            for item in listing["items"]:
                if w.matches(item):
                    send(ApiWatchEvent(ADDED, item))
        else:
            try:
                start = int(resource_version) + 1
            except ValueError:
                raise bad_request(f'invalid resource version "{resource_version}"') from None
            try:
                hub.replay(w, start)
            except CompactedError as e:
                raise gone(
                    f"too old resource version: {resource_version} ({e.compact_revision})"
                ) from None
        hub.add(w)
        if w.strict:
            renewals.watched(k)
        return w
