"""The node lifecycle controller's NoExecute tainting and zone states.

Models the taint-based eviction half of pkg/controller/nodelifecycle/node_lifecycle_controller.go
(1.32): `processTaintBaseEviction` queues a node, from the Ready condition observed before this
monitor pass, for the NoExecute taint `node.kubernetes.io/not-ready` (Ready False) or
`unreachable` (Unknown); `doNoExecuteTaintingPass` applies them per zone through a token bucket
(nodeEvictionRate 0.1/s, burst 1) every nodeEvictionPeriod (100 ms) while work is queued, and a
Ready node loses both. `handleDisruption` computes zone states (Normal, PartialDisruption,
FullDisruption) and their eviction rates.

Upstream keeps this as state of the controller (`zoneNoExecuteTainter`, one RateLimitedTimedQueue
per zone, and `zoneStates`); here it is `NoExecuteTainter`, a collaborator that
`NodeLifecycleController` (sim/controllers/nodelifecycle.py) owns and hands its client, clock,
node lister, configuration and trace; the controller supplies the per-zone node counts.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.client.informer import Indexer
from sim.client.interface import Client
from sim.core import Clock

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
NODE_EVICTION_PERIOD_S = 0.1
ZONE_LABEL = "topology.kubernetes.io/zone"


class _Bucket:
    """flowcontrol token bucket with burst 1 (evictionLimiterBurst)."""

    def __init__(self, qps: float, now_s: float):
        self.qps, self.tokens, self.last_s = qps, 1.0, now_s

    def take(self, now_s: float) -> bool:
        self.tokens = min(1.0, self.tokens + (now_s - self.last_s) * self.qps)
        self.last_s = now_s
        if self.qps > 0 and self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


def ready_condition(node: Any) -> Any:
    for c in (node.get("status") or {}).get("conditions") or ():
        if c.get("type") == "Ready":
            return c
    return None


def zone_of(node: Any) -> str:
    return (node["metadata"].get("labels") or {}).get(ZONE_LABEL, "")


def write_taints(
    client: Client, record: Callable[..., None], node: Any, taints: list[Any], why: str
) -> Generator[Any, Any, None]:
    """Update the node with these taints (none: the field goes) and trace why."""
    new = thaw(node)
    new["spec"]["taints"] = taints
    if not taints:
        del new["spec"]["taints"]
    yield client.update("nodes", new)
    record("taint", node["metadata"]["name"], why)


class NoExecuteTainter:
    """processTaintBaseEviction, doNoExecuteTaintingPass and handleDisruption (module docstring).

    `record(verb, key, detail)` is the controller's trace line; `enqueue(node)` retries a node
    whose taint write conflicted through the controller's queue."""

    def __init__(
        self,
        clock: Clock,
        client: Client,
        cfg: Any,
        nodes: Indexer,
        record: Callable[..., None],
        enqueue: Callable[[Any], None],
    ):
        self.clock = clock
        self.client = client
        self.cfg = cfg
        self.nodes = nodes
        self.record = record
        self.enqueue = enqueue
        self.zone_states: dict[str, str] = {}
        self.buckets: dict[str, _Bucket] = {}
        self.taint_queue: dict[str, dict[str, None]] = {}  # zone -> node names, in order
        self._wake: simpy.Event | None = None

    def is_queued(self, name: str) -> bool:
        return any(name in q for q in self.taint_queue.values())

    def forget(self, name: str) -> None:
        """The node is gone: drop it from every zone's queue."""
        for q in self.taint_queue.values():
            q.pop(name, None)

    # -- NoExecute taints (processTaintBaseEviction, doNoExecuteTaintingPass) -------------------
    def process_taint_based_eviction(self, node: Any, observed: Any) -> None:
        name, zone = node["metadata"]["name"], zone_of(node)
        status = observed.get("status")
        no_exec = {
            t["key"] for t in node["spec"].get("taints") or () if t.get("effect") == "NoExecute"
        }
        if status == "True":
            self.taint_queue.get(zone, {}).pop(name, None)
            if no_exec & {NOT_READY, UNREACHABLE}:
                self.clock.process(self._set_no_execute(name, None))
            return
        want = NOT_READY if status == "False" else UNREACHABLE
        if want in no_exec and len(no_exec & {NOT_READY, UNREACHABLE}) == 1:
            return
        if no_exec & {NOT_READY, UNREACHABLE}:
            self.clock.process(self._set_no_execute(name, want))  # swap at once
            return
        self.taint_queue.setdefault(zone, {})[name] = None
        if self._wake is not None and not self._wake.triggered:
            self._wake.succeed()

    def run(self) -> Generator[Any, Any, None]:
        """doNoExecuteTaintingPass every nodeEvictionPeriod while nodes wait; idle otherwise."""
        while True:
            if not any(self.taint_queue.values()):
                self._wake = self.clock.event()
                yield self._wake
            for zone in sorted(self.taint_queue):
                q = self.taint_queue[zone]
                bucket = self._bucket(zone)
                while q:
                    name = next(iter(q))
                    node = self.nodes.get(name)
                    status = (
                        (ready_condition(node) or {}).get("status") if node is not None else None
                    )
                    if status not in ("False", "Unknown"):
                        del q[name]
                        continue
                    if not bucket.take(self.clock.now):
                        break
                    del q[name]
                    yield from self._set_no_execute(
                        name, NOT_READY if status == "False" else UNREACHABLE
                    )
            yield self.clock.timeout(NODE_EVICTION_PERIOD_S)

    def _bucket(self, zone: str) -> _Bucket:
        b = self.buckets.get(zone)
        if b is None:
            b = self.buckets[zone] = _Bucket(self.cfg.nodeEvictionRate, self.clock.now)
        return b

    def _set_no_execute(self, name: str, key: str | None) -> Generator[Any, Any, None]:
        node = self.nodes.get(name)
        if node is None:
            return
        taints = [
            thaw(t)
            for t in node["spec"].get("taints") or ()
            if not (t.get("effect") == "NoExecute" and t["key"] in (NOT_READY, UNREACHABLE))
        ]
        if key is not None:
            taints.append({"key": key, "effect": "NoExecute", "timeAdded": self.clock.timestamp()})
        try:
            yield from write_taints(
                self.client, self.record, node, taints, f"NoExecute {key or 'removed'}"
            )
        except ApiError as e:
            if e.code == 409:
                self.enqueue(node)
            elif e.code != 404:
                raise

    # -- zones (handleDisruption) ---------------------------------------------------------------
    def handle_disruption(self, zone_counts: dict[str, list[int]]) -> None:
        """Zone states from `zone_counts` (zone -> [nodes, ready]) and their eviction rates."""
        new_states = {
            z: self.compute_zone_state(ready, total)
            for z, (total, ready) in sorted(zone_counts.items())
        }
        all_full_new = bool(new_states) and all(s == "FullDisruption" for s in new_states.values())
        all_full_old = bool(self.zone_states) and all(
            s == "FullDisruption" for s in self.zone_states.values()
        )
        if all_full_new and not all_full_old:
            nodes = sorted(self.nodes.list(), key=lambda n: n["metadata"]["name"])
            for node in nodes:
                self.process_taint_based_eviction(node, {"status": "True"})
            for z in new_states:
                self._bucket(z).qps = 0.0
            self.record("full-disruption", "", "all zones fully disrupted: no evictions")
        elif not all_full_new:
            for z, state in new_states.items():
                if all_full_old or self.zone_states.get(z) != state:
                    self._bucket(z).qps = self.zone_rate(state, zone_counts[z][0])
                    self.record("zone-state", z or "<none>", f"{state} rate={self._bucket(z).qps}")
        self.zone_states = new_states

    def compute_zone_state(self, ready: int, total: int) -> str:
        not_ready = total - ready
        if not_ready > 0 and ready == 0:
            return "FullDisruption"
        if not_ready > 2 and not_ready / total >= self.cfg.unhealthyZoneThreshold:
            return "PartialDisruption"
        return "Normal"

    def zone_rate(self, state: str, size: int) -> float:
        if state == "PartialDisruption":
            return (
                self.cfg.secondaryNodeEvictionRate
                if size > self.cfg.largeClusterSizeThreshold
                else 0.0
            )
        return self.cfg.nodeEvictionRate
