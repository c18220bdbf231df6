"""Standing renewals: periodic writes that only happen when someone could see them.

A kubelet renews its Lease (`kube-node-lease/<node>`) every 10 s (k8s.io/component-helpers/
apimachinery/lease/controller.go: renewInterval = 0.25 * leaseDuration) and, with nothing else
to report, posts its Node status every nodeStatusReportFrequency (5 min) just to move the
conditions' lastHeartbeatTime (pkg/kubelet/kubelet_node_status.go): 5,000 quiet nodes make ~517
writes per simulated second that change one timestamp and that nobody reads between two looks.
Here a writer may instead register a *standing renewal*: "stamp this object with the renewal
instant (a Lease's `spec.renewTime`, a Node's conditions' `lastHeartbeatTime`) every `period_s`,
at `phase_s + k * period_s`, as user U". The registry writes nothing while nobody looks; whoever
looks sees what upstream would show:

- a GET, LIST, UPDATE, PATCH or DELETE of such an object (or a LIST of its kind) first writes the
  latest due renewal through the ordinary update path (admission, validation, a new
  resourceVersion, a trace record), so readers see a renewTime at most one period old, and a
  writer holding an older resourceVersion gets 409 Conflict exactly as it would upstream;
- while any watch of the kind is open, renewals are written as they fall due (one timer per
  renewal instant for all of them, not one process per object), so a watcher sees one MODIFIED
  event per renewal, in order;
- `current(key)` answers the stamp a reader would see now without writing. Watches of the
  in-process client (the modelled components' informers, sim/apiserver/front.py) tolerate
  renewals (they get every other change as usual) and the one component that reads renewed
  fields, the node lifecycle controller, reads them here through its client's renewer
  (sim/apiserver/renewer.py): it sees each renewal at its instant, as an informer with no watch
  delay would.

Writes that were never observed are coalesced: the store's revision count differs from an eager
run, never what any reader or watcher saw. Stopping a renewal (the kubelet dies, powers off or
loses its network) first writes the last renewal that happened before it stopped, so the object
is left exactly as upstream leaves it. A standing object deleted by someone is dropped and its
owner told (`on_lost`), so it can create it again as upstream's lease controller does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.apiserver.keys import kind_prefix, object_key
from sim.store import WatchEvent

if TYPE_CHECKING:
    from sim.api.kinds import Kind
    from sim.apiserver.watch import KindHub
    from sim.core import Clock, TraceRecorder
    from sim.store import Store

__all__ = ["LEASE_RENEW_TIME", "NODE_HEARTBEAT", "Renewals", "StandingRenewal", "Stamp"]

EPSILON_S = 1e-9


class Stamp:
    """What a renewal writes: the field set to the instant, its precision, the subresource."""

    def __init__(self, name: str, micro: bool, subresource: str, apply: Callable[[Any, str], None]):
        self.name = name
        self.micro = micro
        self.subresource = subresource
        self.apply = apply


def _renew_time(obj: Any, ts: str) -> None:
    obj.setdefault("spec", {})["renewTime"] = ts


def _heartbeat(obj: Any, ts: str) -> None:
    for c in (obj.get("status") or {}).get("conditions") or ():
        c["lastHeartbeatTime"] = ts


# Lease spec.renewTime is a MicroTime; NodeCondition.lastHeartbeatTime a Time (seconds).
LEASE_RENEW_TIME = Stamp("spec.renewTime", True, "", _renew_time)
NODE_HEARTBEAT = Stamp("status.conditions[*].lastHeartbeatTime", False, "status", _heartbeat)


class StandingRenewal:
    """One registered renewal: which object, whose, how often, and the last instant written."""

    __slots__ = (
        "key",
        "kind",
        "namespace",
        "user",
        "period_s",
        "phase_s",
        "written_s",
        "stamp",
        "start_s",
    )

    def __init__(
        self,
        key: str,
        kind: Kind,
        namespace: str | None,
        user: str,
        period_s: float,
        phase_s: float,
        written_s: float,
        stamp: Stamp,
    ):
        self.key = key
        self.kind = kind
        self.namespace = namespace
        self.user = user
        self.period_s = period_s
        self.phase_s = phase_s
        self.written_s = written_s
        self.stamp = stamp
        self.start_s = written_s  # registered then; instants before it are the owner's

    def latest_s(self, now_s: float) -> float:
        """The last renewal instant (`phase_s + k * period_s`, k >= 0) at or before `now_s`,
        or -inf before the first."""
        k = math.floor((now_s - self.phase_s) / self.period_s + EPSILON_S)
        return self.phase_s + k * self.period_s if k >= 0 else -math.inf

    def next_s(self, now_s: float) -> float:
        latest = self.latest_s(now_s)
        return self.phase_s if latest == -math.inf else latest + self.period_s


class Renewals:
    """The API server's registry of standing renewals (see the module docstring)."""

    def __init__(self, clock: Clock, store: Store, trace: TraceRecorder, hubs: dict[str, KindHub]):
        self.clock = clock
        self._store = store
        self._trace = trace
        self._hubs = hubs  # the server's watch hubs, by group_resource (read, never written)
        # the server's PUT, through which every renewal is written (set once the handler exists)
        self.update: Callable[..., Any]
        self.enabled = True  # False: owners write every renewal themselves (tests compare both)
        self.by_key: dict[str, StandingRenewal] = {}
        self._on_lost: dict[str, Callable[[], None]] = {}
        self._listeners: list[Callable[[str], None]] = []
        self._kinds: dict[str, int] = {}  # group_resource -> standing count
        self._store_watches: dict[str, Any] = {}
        self._eager: dict[str, Any] = {}  # group_resource -> running eager process
        self.written = 0  # renewals materialised (for benchmarks)

    # -- registration ----------------------------------------------------------------------------
    def start(
        self,
        kind: Kind,
        namespace: str | None,
        name: str,
        *,
        user: str,
        period_s: float,
        phase_s: float = 0.0,
        stamp: Stamp = LEASE_RENEW_TIME,
        on_lost: Callable[[], None] | None = None,
    ) -> StandingRenewal:
        """Stamp an existing object at every `phase_s + k * period_s` after now (the owner has
        just written it)."""
        key = object_key(kind, namespace, name)
        now = self.clock.now
        if key in self.by_key:
            self._forget(key)
        entry = StandingRenewal(key, kind, namespace, user, period_s, phase_s, now, stamp)
        self.by_key[key] = entry
        if on_lost is not None:
            self._on_lost[key] = on_lost
        gr = kind.group_resource
        self._kinds[gr] = self._kinds.get(gr, 0) + 1
        if gr not in self._store_watches:
            store = self._store
            self._store_watches[gr] = store.watch(
                kind_prefix(kind), store.revision + 1, self._on_store_event
            )
        self._maybe_eager(kind)
        self._changed(key)
        return entry

    def add_listener(self, fn: Callable[[str], None]) -> None:
        """Call fn(key) whenever a key starts or stops being renewed here."""
        self._listeners.append(fn)

    def _changed(self, key: str) -> None:
        for fn in self._listeners:
            fn(key)

    def stop(self, key: str) -> None:
        """The renewer stopped now: write its last renewal, then forget it."""
        entry = self.by_key.get(key)
        if entry is None:
            return
        self.settle_key(key)
        self._forget(key)

    def _forget(self, key: str) -> None:
        entry = self.by_key.pop(key, None)
        self._on_lost.pop(key, None)
        if entry is not None:
            gr = entry.kind.group_resource
            self._kinds[gr] -= 1
            self._changed(key)

    def handles(self, kind: Kind) -> bool:
        return self._kinds.get(kind.group_resource, 0) > 0

    # -- reading without writing ----------------------------------------------------------------
    def current(self, key: str) -> str | None:
        """The stamp a reader would see now, or None when `key` is not standing."""
        entry = self.by_key.get(key)
        if entry is None:
            return None
        t = entry.latest_s(self.clock.now)
        if t < entry.start_s:
            return None  # no renewal since the owner's own write: the stored value holds
        return self._format(t, entry.stamp.micro)

    def _format(self, t: float, micro: bool) -> str:
        return self.clock.micro_timestamp(t) if micro else self.clock.timestamp(t)

    def supersede(self, key: str) -> None:
        """The owner writes the object itself now (with a fresh stamp): the renewals due so far
        were never seen and need not be written."""
        entry = self.by_key.get(key)
        if entry is not None:
            entry.written_s = max(entry.written_s, entry.latest_s(self.clock.now))

    # -- materialising ------------------------------------------------------------------------------
    def settle_key(self, key: str) -> None:
        """Write the latest due renewal of `key`, if one is due and not yet written."""
        entry = self.by_key.get(key)
        if entry is None:
            return
        due = entry.latest_s(self.clock.now)
        if due <= entry.written_s + EPSILON_S:
            return
        entry.written_s = due  # before the write: the update path settles this key again
        kv = self._store.get(key)
        if kv is None:
            self._lost(key)
            return
        obj = thaw(kv.value)
        entry.stamp.apply(obj, self._format(due, entry.stamp.micro))
        try:
            self.update(
                entry.kind,
                obj,
                namespace=entry.namespace,
                subresource=entry.stamp.subresource,
                user=entry.user,
            )
        except ApiError as e:
            self._trace.record(entry.user, "renewal-error", key, "", e.message[:120])
            self._lost(key)
            return
        self.written += 1

    def settle_prefix(self, kind: Kind, prefix: str) -> None:
        """Settle every standing object of `kind` whose key starts with `prefix`, in key order."""
        if not self.handles(kind):
            return
        for key in sorted(k for k in self.by_key if k.startswith(prefix)):
            self.settle_key(key)

    def _lost(self, key: str) -> None:
        fn = self._on_lost.get(key)
        self._forget(key)
        if fn is not None:
            fn()

    def _on_store_event(self, ev: WatchEvent) -> None:
        if ev.type == "DELETE" and ev.kv.key in self.by_key:
            self._lost(ev.kv.key)

    # -- watched kinds renew eagerly ------------------------------------------------------------
    def watched(self, kind: Kind) -> None:
        """A watch of `kind` that needs every renewal opened (its caller settled the kind
        first): write renewals as they fall due from now on."""
        self._maybe_eager(kind)

    def _maybe_eager(self, kind: Kind) -> None:
        gr = kind.group_resource
        hub = self._hubs.get(gr)
        if gr in self._eager or hub is None or hub.strict <= 0 or not self.handles(kind):
            return
        self._eager[gr] = self.clock.process(self._eager_loop(kind, hub))

    def _eager_loop(self, kind: Kind, hub: Any) -> Any:
        """One timer per renewal instant writes every renewal due then, while anyone watches."""
        prefix = kind_prefix(kind)
        try:
            while hub.strict > 0 and self.handles(kind):
                now = self.clock.now
                gr = kind.group_resource
                wake = min(
                    e.next_s(now) for e in self.by_key.values() if e.kind.group_resource == gr
                )
                yield self.clock.timeout(wake - now)
                if hub.strict > 0:
                    self.settle_prefix(kind, prefix)
        finally:
            self._eager.pop(kind.group_resource, None)
