"""Watch fan-out: one store watch per kind, many filtered API watches (upstream's cacher).

Follows k8s.io/apiserver/pkg/storage/cacher (cacher.go, cache_watcher.go): the server holds one
store watch per resource and dispatches each change to the API watches whose namespace, label
selector and field selector it concerns. An object that starts matching is ADDED, one that
stops matching is DELETED (carrying its new state), as upstream's cacheWatcher.convertToWatchEvent
does. Watches on `spec.nodeName=<node>` (every kubelet's) are indexed by node, so a pod change
costs O(watchers of that node), not O(all watchers).

A watch that asks for a resourceVersion is first replayed from the store's retained log, then
joins the live fan-out; both happen synchronously, so no change is missed or repeated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from sim.api.fields import FieldSelector, object_fields
from sim.api.frozen import FrozenDict
from sim.api.kinds import Kind
from sim.api.labels import Selector
from sim.store import Store, WatchEvent

ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"
BOOKMARK = "BOOKMARK"
ERROR = "ERROR"


class ApiWatchEvent(NamedTuple):
    type: str
    object: Any


Send = Callable[[ApiWatchEvent], None]
_new_event = tuple.__new__  # ApiWatchEvent(type, object) without the NamedTuple's Python __new__


def with_resource_version(obj: Any, rv: str) -> Any:
    """A frozen copy of `obj` whose metadata.resourceVersion is `rv` (sharing everything else)."""
    meta = dict(obj["metadata"])
    meta["resourceVersion"] = rv
    out = dict(obj)
    out["metadata"] = FrozenDict(meta)
    return FrozenDict(out)


class ApiWatch:
    """One client's watch: a filter and where to send what passes it."""

    __slots__ = (
        "kind",
        "namespace",
        "labels",
        "fields",
        "send",
        "hub",
        "active",
        "node",
        "strict",
        "unfiltered",
    )

    def __init__(
        self,
        kind: Kind,
        namespace: str | None,
        labels: Selector | None,
        fields: FieldSelector | None,
        send: Send,
    ):
        self.kind = kind
        self.namespace = namespace
        self.labels = labels if labels is not None and not labels.empty() else None
        self.fields = fields if fields is not None and not fields.empty() else None
        self.send = send
        self.hub: KindHub | None = None
        self.active = True
        self.strict = True  # needs every standing renewal as an event (sim/apiserver/renewals.py)
        self.node: str | None = None
        self.unfiltered = self.namespace is None and self.labels is None and self.fields is None
        if self.fields is not None and kind.kind == "Pod":
            for fld, op, value in self.fields.requirements:
                if fld == "spec.nodeName" and op in ("=", "=="):
                    self.node = value

    def matches(self, obj: Any) -> bool:
        meta = obj["metadata"]
        if self.namespace and meta.get("namespace") != self.namespace:
            return False
        if self.labels is not None and not self.labels.matches(meta.get("labels") or {}):
            return False
        if self.fields is not None and not self.fields.matches(object_fields(self.kind.kind, obj)):
            return False
        return True

    def deliver(self, cur: Any, prev: Any, events: _Events) -> None:
        """Turn one change into at most one event for this watch."""
        if self.unfiltered:
            self.send(events.modified() if prev is not None else events.added())
            return
        cur_ok = self.matches(cur)
        prev_ok = prev is not None and self.matches(prev)
        if cur_ok:
            self.send(events.modified() if prev_ok else events.added())
        elif prev_ok:
            self.send(ApiWatchEvent(DELETED, cur))

    def deliver_deleted(self, deleted: Any, event: ApiWatchEvent) -> None:
        if self.matches(deleted):
            self.send(event)

    def cancel(self) -> None:
        if self.active:
            self.active = False
            if self.hub is not None:
                self.hub.remove(self)


class KindHub:
    """Fan-out of one kind's store changes to its API watches."""

    def __init__(self, kind: Kind, store: Store, prefix: str):
        self.kind = kind
        self.prefix = prefix
        self._store = store
        self._watches: list[ApiWatch] = []
        self._by_node: dict[str, list[ApiWatch]] = {}
        self.strict = 0  # open watches that need an event per standing renewal
        self._store_watch = store.watch(prefix, store.revision + 1, self._on_store_event)

    def __len__(self) -> int:
        return len(self._watches) + sum(len(v) for v in self._by_node.values())

    def add(self, w: ApiWatch) -> None:
        w.hub = self
        self.strict += w.strict
        if w.node is not None:
            self._by_node.setdefault(w.node, []).append(w)
        else:
            self._watches.append(w)

    def remove(self, w: ApiWatch) -> None:
        self.strict -= w.strict
        if w.node is not None:
            lst = self._by_node.get(w.node, [])
            self._by_node[w.node] = [x for x in lst if x is not w]
            if not self._by_node[w.node]:
                del self._by_node[w.node]
        else:
            self._watches = [x for x in self._watches if x is not w]

    def replay(self, w: ApiWatch, start_revision: int) -> None:
        """Send `w` every retained change from `start_revision` on (raises CompactedError)."""
        prefix = self.prefix
        if w.namespace and self.kind.namespaced:
            prefix = f"{prefix}{w.namespace}/"
        replay = self._store.watch(prefix, start_revision, lambda ev: _dispatch(ev, [w]))
        replay.cancel()

    def _on_store_event(self, ev: WatchEvent) -> None:
        targets = self._watches
        if self._by_node:
            nodes = set()
            for obj in (ev.kv.value, ev.prev_kv.value if ev.prev_kv else None):
                if obj is not None:
                    n = obj.get("spec", {}).get("nodeName")
                    if n and n in self._by_node:
                        nodes.add(n)
            if nodes:
                targets = targets + [w for n in sorted(nodes) for w in self._by_node[n]]
        if not targets:
            return
        w = targets[0]
        if len(targets) == 1 and ev.type != "DELETE" and w.unfiltered:
            # _dispatch of a put to a single watch with no filter (the common case), inline
            if w.active:
                prev_kv = ev.prev_kv
                prev = prev_kv.value if prev_kv else None
                w.send(
                    _new_event(ApiWatchEvent, (ADDED if prev is None else MODIFIED, ev.kv.value))
                )
            return
        _dispatch(ev, targets)


class _Events:
    """The ADDED and MODIFIED events of one change, built once and shared by every watch."""

    __slots__ = ("obj", "_added", "_modified")

    def __init__(self, obj: Any):
        self.obj = obj
        self._added: ApiWatchEvent | None = None
        self._modified: ApiWatchEvent | None = None

    def added(self) -> ApiWatchEvent:
        if self._added is None:
            self._added = ApiWatchEvent(ADDED, self.obj)
        return self._added

    def modified(self) -> ApiWatchEvent:
        if self._modified is None:
            self._modified = ApiWatchEvent(MODIFIED, self.obj)
        return self._modified


def _dispatch(ev: WatchEvent, watches: list[ApiWatch]) -> None:
    if ev.type == "DELETE":
        prev = ev.prev_kv.value if ev.prev_kv else None
        if prev is None:
            return
        deleted = with_resource_version(prev, str(ev.kv.mod_revision))
        event = ApiWatchEvent(DELETED, deleted)
        for w in watches:
            if w.active:
                w.deliver_deleted(deleted, event)
        return
    prev = ev.prev_kv.value if ev.prev_kv else None
    events = _Events(ev.kv.value)
    for w in watches:
        if w.active:
            w.deliver(ev.kv.value, prev, events)
