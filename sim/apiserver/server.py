"""The API server: every verb, with no transport in it (`ApiServer`).

kube-apiserver's request path, without HTTP, as one object composed of collaborators named as
upstream names them: one storage (sim/apiserver/storage.py, the shared part of
k8s.io/apiserver/pkg/registry/generic/registry/store.go: the store, the kinds, admission,
observers, the trace) and one handler per verb (k8s.io/apiserver/pkg/endpoints/handlers):
`Creater` (create.py), `Getter` and `Lister` (reads.py: GET, LIST, WATCH), `Updater`
(update.py: PUT, PATCH, status), `Deleter` (deletion.py), and the pods/binding, pods/eviction
and scale subresources (subresources.py). Standing renewals (renewals.py) write through the
`Updater`.

Requests name their kind any way kubectl does. Objects go in as Kubernetes JSON dicts (never
kept: the server copies them) and come out as frozen (read-only) dicts shared with the store and
every cache. Every committed write is one trace record. The verbs are the handlers' own bound
methods, set on the instance once: a request costs no extra call to reach its handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.api.kinds import REGISTRY, Kind, KindRegistry
from sim.apiserver.admission import AdmissionPlugin, default_chain
from sim.apiserver.create import Creater
from sim.apiserver.deletion import Deleter
from sim.apiserver.reads import Getter, Lister
from sim.apiserver.renewals import Renewals
from sim.apiserver.storage import RegistryStore
from sim.apiserver.subresources import BindingREST, EvictionREST, ScaleREST
from sim.apiserver.update import Updater
from sim.apiserver.watch import ApiWatch, KindHub, Send
from sim.core import Clock, RandomStreams, TraceRecorder
from sim.store import Store


class ApiServer:
    """kube-apiserver without HTTP: registries, admission, optimistic concurrency, watch."""

    def __init__(
        self,
        clock: Clock,
        store: Store,
        streams: RandomStreams,
        trace: TraceRecorder,
        *,
        registry: KindRegistry = REGISTRY,
        admission: list[AdmissionPlugin] | None = None,
    ):
        self.clock = clock
        self.store = store
        self.registry = registry
        self.trace = trace
        chain = default_chain() if admission is None else admission
        storage = self._storage = RegistryStore(clock, store, trace, registry, chain)
        self.renewals = storage.renewals = Renewals(clock, store, trace, storage.hubs)
        creater = Creater(storage, streams)
        updater = Updater(storage, creater.create)
        self.renewals.update = updater.update
        deleter = Deleter(storage)
        lister = Lister(storage)
        self._lister = lister
        # the verbs: each handler's bound method (a request reaches its handler in one lookup)
        self.kind = storage.kind
        self.create = creater.create
        self.get = Getter(storage).get
        self.list = lister.list
        self.update = updater.update
        self.patch = updater.patch
        self.delete = deleter.delete
        self.bind = BindingREST(storage).bind
        self.evict = EvictionREST(storage, deleter.delete).evict
        scale = ScaleREST(storage, self.get, updater.update)
        self.get_scale = scale.get_scale
        self.update_scale = scale.update_scale

    @property
    def admission(self) -> list[AdmissionPlugin]:
        """The admission chain, in order (a list that may be changed in place or replaced)."""
        return self._storage.admission

    @admission.setter
    def admission(self, chain: list[AdmissionPlugin]) -> None:
        self._storage.admission = chain

    def observe(self, fn: Callable[[str, Kind, Any], None]) -> None:
        """Call fn(verb, kind, object) after each committed write (for metrics and tests)."""
        self._storage.observers.append(fn)

    def watch(
        self,
        kind: str | Kind,
        send: Send,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> ApiWatch:
        """Send every later change that passes the filters to `send`, in revision order
        (`Lister.watch`); standing renewals of the kind are written as they fall due while the
        watch is open, so it sees one event per renewal, as upstream's watchers do."""
        return self._lister.watch(
            kind,
            send,
            namespace=namespace,
            resource_version=resource_version,
            label_selector=label_selector,
            field_selector=field_selector,
            tolerate_renewals=False,
        )

    def watch_tolerating_renewals(
        self,
        kind: str | Kind,
        send: Send,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> ApiWatch:
        """`watch`, for a modelled component's client (sim/apiserver/front.py): standing
        renewals are not written for it; its owner reads renewed fields through the renewer."""
        return self._lister.watch(
            kind,
            send,
            namespace=namespace,
            resource_version=resource_version,
            label_selector=label_selector,
            field_selector=field_selector,
            tolerate_renewals=True,
        )

    def _hub(self, k: Kind) -> KindHub:
        """The watch fan-out of a kind (tests look at its watchers)."""
        return self._storage.hub(k)
