"""The node lifecycle controller: node health from Leases and status, taints, zone states.

Models pkg/controller/nodelifecycle/node_lifecycle_controller.go (1.32). Every
nodeMonitorPeriod (5 s) `monitor_node_health` runs `tryUpdateNodeHealth` for each node: the
probe time moves when the Ready condition's lastHeartbeatTime changes or the node's Lease in
kube-node-lease is renewed; once it is older than nodeMonitorGracePeriod (50 s in 1.32;
nodeStartupGracePeriod 60 s for a node that never posted Ready) the Ready, MemoryPressure,
DiskPressure and PIDPressure conditions turn Unknown (NodeStatusUnknown, "Kubelet stopped posting
node status."). A node whose Ready went from True to not True gets a NodeNotReady event and its
pods' Ready conditions set False (MarkPodsNotReady). `processTaintBaseEviction` then queues the
node, from the condition observed before this pass, for the NoExecute taint
`node.kubernetes.io/not-ready` (Ready False) or `unreachable` (Unknown), applied per zone through
a token bucket (nodeEvictionRate 0.1/s, burst 1) every nodeEvictionPeriod (100 ms) while work is
queued; a Ready node loses both. Zones are Normal, PartialDisruption (more than 2 and at least
unhealthyZoneThreshold 55 % not ready: secondaryNodeEvictionRate 0.01/s above
largeClusterSizeThreshold 50 nodes, else 0) or FullDisruption (none ready: the normal rate, but
when every zone is fully disrupted all NoExecute taints are lifted and tainting stops).
NoSchedule taints follow the conditions on every node change (doNoScheduleTaintingPass).

A pass visits only the nodes whose outcome could differ from "healthy, nothing to do": nodes that
changed since the last pass (informer events), nodes that are not Ready or carry a NoExecute
taint or wait in the taint queue, and nodes whose Lease is not renewed by a standing renewal of
the in-process API server (sim/apiserver/renewals.py; a Lease renewed every 10 s cannot age past
the 50 s grace). For every node it skips, upstream's tryUpdateNodeHealth would only move the
probe time forward: when such a node is visited again, its probe time is the first pass at or
after the renewal it then shows (`_seen_at`), which is what visiting it every pass would have
recorded. Zone states come from per-zone counts kept up to date as nodes are visited. With a
remote API server, or a grace period too short for that argument, every pass visits every node.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.api.kinds import REGISTRY
from sim.apiserver.keys import object_key
from sim.client.informer import index_by_node_name
from sim.controllers.base import Controller
from sim.controllers.util import pod_condition

if TYPE_CHECKING:
    from sim.cluster import Cluster

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
NO_SCHEDULE_BY_CONDITION = {
    ("MemoryPressure", "True"): "node.kubernetes.io/memory-pressure",
    ("DiskPressure", "True"): "node.kubernetes.io/disk-pressure",
    ("PIDPressure", "True"): "node.kubernetes.io/pid-pressure",
    ("NetworkUnavailable", "True"): "node.kubernetes.io/network-unavailable",
    ("Ready", "False"): NOT_READY,
    ("Ready", "Unknown"): UNREACHABLE,
}
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
NODE_EVICTION_PERIOD_S = 0.1
PASS_HISTORY = 128  # pass instants kept for `_seen_at` (covers a 5 min heartbeat period)
ZONE_LABEL = "topology.kubernetes.io/zone"
UNKNOWN_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")


@dataclass
class NodeHealth:
    probe_s: float
    heartbeat: str | None
    lease_renew: str | None
    visited_s: float = -1e18  # the last pass that looked at this node


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


def grace_s(cfg: Any) -> float:
    return float(cfg.nodeMonitorGracePeriod)


def zone_of(node: Any) -> str:
    return (node["metadata"].get("labels") or {}).get(ZONE_LABEL, "")


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"
    resource = "nodes"

    def __init__(self, cluster: Cluster, cfg: Any):
        super().__init__(cluster, 8, user="system:serviceaccount:kube-system:node-controller")
        self.cfg = cfg
        self.node_informer = self.informer("nodes")
        self.lease_informer = self.informer("leases", namespace="kube-node-lease")
        self.pod_informer = self.informer("pods", indexers={"nodeName": index_by_node_name})
        self.node_informer.add_event_handler(self._added, self._updated, self._deleted)
        self.health: dict[str, NodeHealth] = {}
        self.zone_states: dict[str, str] = {}
        self.buckets: dict[str, _Bucket] = {}
        self.taint_queue: dict[str, dict[str, None]] = {}  # zone -> node names, in order
        self._tainter_wake: Any = None
        self._renewals = getattr(getattr(self.client, "server", None), "renewals", None)
        self._lease_kind = REGISTRY.resolve("leases")
        self._node_kind = REGISTRY.resolve("nodes")
        self._passes: deque[float] = deque(maxlen=PASS_HISTORY)
        self._dirty: dict[str, None] = {}  # nodes to visit at the next pass
        self._attention: dict[str, None] = {}  # nodes visited every pass
        self._state: dict[str, tuple[str, bool]] = {}  # node -> (zone, Ready True)
        self._zone_counts: dict[str, list[int]] = {}  # zone -> [nodes, ready]
        if self._renewals is not None:
            self._renewals.add_listener(self._renewal_changed)

    def _added(self, node: Any) -> None:
        self._dirty[node["metadata"]["name"]] = None
        self.enqueue(node)

    def _updated(self, _old: Any, node: Any) -> None:
        self._dirty[node["metadata"]["name"]] = None
        self.enqueue(node)

    def _renewal_changed(self, key: str) -> None:
        """A Lease or Node heartbeat started or stopped being renewed by the API server."""
        name = key.rsplit("/", 1)[-1]
        self._dirty[name] = None

    def _deleted(self, node: Any) -> None:
        name = node["metadata"]["name"]
        self.health.pop(name, None)
        self._dirty.pop(name, None)
        self._attention.pop(name, None)
        self._set_state(name, None)
        for q in self.taint_queue.values():
            q.pop(name, None)

    def start(self) -> None:
        super().start()
        self.clock.process(self._monitor_loop())
        self.clock.process(self._tainter_loop())

    # -- NoSchedule taints (doNoScheduleTaintingPass), one node per key --------------------------
    def sync(self, key: str) -> Generator[Any, Any, None]:
        node = self.node_informer.indexer.get(key)
        if node is None:
            return
        want: dict[str, None] = {}
        for c in (node.get("status") or {}).get("conditions") or ():
            taint = NO_SCHEDULE_BY_CONDITION.get((c.get("type"), c.get("status")))
            if taint:
                want[taint] = None
        if node["spec"].get("unschedulable"):
            want[UNSCHEDULABLE] = None
        managed = set(NO_SCHEDULE_BY_CONDITION.values()) | {UNSCHEDULABLE}
        taints = node["spec"].get("taints") or []
        have = {t["key"] for t in taints if t.get("effect") == "NoSchedule" and t["key"] in managed}
        if have == set(want):
            return
        new_taints = [
            thaw(t)
            for t in taints
            if not (
                t.get("effect") == "NoSchedule" and t["key"] in managed and t["key"] not in want
            )
        ]
        for k in want:
            if k not in have:
                new_taints.append(
                    {"key": k, "effect": "NoSchedule", "timeAdded": self.clock.timestamp()}
                )
        yield from self._write_taints(node, new_taints, f"NoSchedule {sorted(want)}")

    def _write_taints(self, node: Any, taints: list[Any], why: str) -> Generator[Any, Any, None]:
        new = thaw(node)
        new["spec"]["taints"] = taints
        if not taints:
            del new["spec"]["taints"]
        yield self.client.update("nodes", new)
        self.record("taint", node["metadata"]["name"], why)

    # -- health (monitorNodeHealth) ------------------------------------------------------------
    def _monitor_loop(self) -> Generator[Any, Any, None]:
        for inf in self.informers:
            if not inf.has_synced:
                yield inf.wait_for_sync()
        while True:
            try:
                yield from self.monitor_node_health()
            except ApiError as e:
                self.record("monitor-error", "", e.message)
            yield self.clock.timeout(self.cfg.nodeMonitorPeriod)

    def monitor_node_health(self) -> Generator[Any, Any, None]:
        self._passes.append(self.clock.now)
        visit = self._to_visit()
        for name in visit:
            node = self.node_informer.indexer.get(name)
            if node is None:
                continue
            observed, current = yield from self.try_update_node_health(node)
            ready = current is not None and current.get("status") == "True"
            self._set_state(name, zone_of(node), ready)
            if current is not None:
                self.process_taint_based_eviction(node, observed)
                if current.get("status") != "True" and observed.get("status") == "True":
                    self.recorder.event(
                        node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady"
                    )
                    self.record("not-ready", name, f"Ready={current.get('status')}")
                    yield from self.mark_pods_not_ready(name)
            if self._skippable(node, observed, ready):
                self._attention.pop(name, None)
            else:
                self._attention[name] = None
        self.handle_disruption()

    def _to_visit(self) -> list[str]:
        """The nodes this pass must look at, by name (see the module docstring)."""
        self._dirty.update(self._attention)
        if self._renewals is None:
            self._dirty = {}
            return sorted(n["metadata"]["name"] for n in self.node_informer.indexer.list())
        names = sorted(self._dirty)
        self._dirty = {}
        return names

    def _skippable(self, node: Any, observed: Any, ready: bool) -> bool:
        name = node["metadata"]["name"]
        if not ready or observed.get("status") != "True" or self._renewals is None:
            return False
        entry = self._renewals.by_key.get(self._lease_key(name))
        # a Lease renewed every period cannot age past the grace between two visits
        if entry is None or entry.period_s + self.cfg.nodeMonitorPeriod >= grace_s(self.cfg):
            return False
        if any(name in q for q in self.taint_queue.values()):
            return False
        return not any(
            t.get("effect") == "NoExecute" and t["key"] in (NOT_READY, UNREACHABLE)
            for t in node["spec"].get("taints") or ()
        )

    def _set_state(self, name: str, zone: str | None, ready: bool = False) -> None:
        """Keep the per-zone node and ready counts that zone states are computed from."""
        old = self._state.pop(name, None)
        if old is not None:
            counts = self._zone_counts[old[0]]
            counts[0] -= 1
            counts[1] -= old[1]
            if counts[0] == 0:
                del self._zone_counts[old[0]]
        if zone is not None:
            self._state[name] = (zone, ready)
            counts = self._zone_counts.setdefault(zone, [0, 0])
            counts[0] += 1
            counts[1] += ready

    def _seen_at(self, instant: str, health: NodeHealth) -> float:
        """The first monitor pass after the node's last visit and at or after `instant` (a
        renewal a skipped node now shows): when visiting every pass would have seen it."""
        t = self.clock.seconds_of(instant)
        passes = self._passes
        i = max(
            bisect.bisect_left(passes, t - 1e-9),
            bisect.bisect_right(passes, health.visited_s + 1e-9),
        )
        return passes[i] if i < len(passes) else self.clock.now

    def try_update_node_health(self, node: Any) -> Generator[Any, Any, tuple[Any, Any]]:
        name = node["metadata"]["name"]
        now = self.clock.now
        ready = ready_condition(node)
        if ready is None:
            observed = {"type": "Ready", "status": "Unknown"}
            grace = self.cfg.nodeStartupGracePeriod
        else:
            observed = ready
            grace = self.cfg.nodeMonitorGracePeriod
        health = self.health.get(name)
        heartbeat = self._renewed(self._node_key(name)) or (ready or {}).get("lastHeartbeatTime")
        if health is None:
            created = node["metadata"].get("creationTimestamp")
            probe = self.clock.seconds_of(created) if ready is None and created else now
            health = self.health[name] = NodeHealth(probe, heartbeat, None)
        elif heartbeat != health.heartbeat:
            health.heartbeat = heartbeat
            health.probe_s = self._seen_at(heartbeat, health) if heartbeat else now
        renew = self._renewed(self._lease_key(name))
        if renew is None:
            lease = self.lease_informer.indexer.get_by("kube-node-lease", name)
            renew = (lease or {}).get("spec", {}).get("renewTime") if lease else None
        if renew and (health.lease_renew is None or renew > health.lease_renew):
            health.lease_renew = renew
            health.probe_s = max(health.probe_s, self._seen_at(renew, health))
        health.visited_s = now
        if now <= health.probe_s + grace:
            return observed, ready
        new = thaw(node)
        conds = new["status"].setdefault("conditions", [])
        ts = self.clock.timestamp()
        if ready is None:
            conds.append(
                {
                    "type": "Ready",
                    "status": "Unknown",
                    "reason": "NodeStatusNeverUpdated",
                    "message": "Kubelet never posted node status.",
                    "lastHeartbeatTime": node["metadata"].get("creationTimestamp"),
                    "lastTransitionTime": ts,
                }
            )
        for c in conds:
            if c.get("type") in UNKNOWN_CONDITIONS and c.get("status") != "Unknown":
                c.update(
                    {
                        "status": "Unknown",
                        "reason": "NodeStatusUnknown",
                        "message": "Kubelet stopped posting node status.",
                        "lastTransitionTime": ts,
                    }
                )
        current = ready_condition(new)
        if current == ready:
            return observed, ready
        out = yield self.client.update_status("nodes", new)
        self.record(
            "status-unknown",
            name,
            f"no heartbeat for {now - health.probe_s:.1f}s",
            out["metadata"]["resourceVersion"],
        )
        return observed, current

    def _renewed(self, key: str) -> str | None:
        """A standing renewal's current stamp (sim/apiserver/renewals.py): the informers of an
        in-process control plane do not get an event per renewal, so the renewed fields
        (Lease renewTime, the conditions' lastHeartbeatTime) are read where they are kept."""
        registry = self._renewals
        return None if registry is None else registry.current(key)

    def _lease_key(self, name: str) -> str:
        return object_key(self._lease_kind, "kube-node-lease", name)

    def _node_key(self, name: str) -> str:
        return object_key(self._node_kind, None, name)

    def mark_pods_not_ready(self, node_name: str) -> Generator[Any, Any, None]:
        for pod in self.pod_informer.indexer.by_index("nodeName", node_name):
            cond = pod_condition(pod, "Ready")
            if (
                cond is None
                or cond.get("status") == "False"
                or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
            ):
                continue
            new = thaw(pod)
            for c in new["status"]["conditions"]:
                if c["type"] == "Ready":
                    c.update({"status": "False", "lastTransitionTime": self.clock.timestamp()})
            try:
                yield self.client.update_status("pods", new)
            except ApiError as e:
                if e.code not in (404, 409):
                    raise

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
                self.cluster.clock.process(self._set_no_execute(name, None))
            return
        want = NOT_READY if status == "False" else UNREACHABLE
        if want in no_exec and len(no_exec & {NOT_READY, UNREACHABLE}) == 1:
            return
        if no_exec & {NOT_READY, UNREACHABLE}:
            self.cluster.clock.process(self._set_no_execute(name, want))  # swap at once
            return
        self.taint_queue.setdefault(zone, {})[name] = None
        if self._tainter_wake is not None and not self._tainter_wake.triggered:
            self._tainter_wake.succeed()

    def _tainter_loop(self) -> Generator[Any, Any, None]:
        while True:
            if not any(self.taint_queue.values()):
                self._tainter_wake = self.clock.event()
                yield self._tainter_wake
            for zone in sorted(self.taint_queue):
                q = self.taint_queue[zone]
                bucket = self._bucket(zone)
                while q:
                    name = next(iter(q))
                    node = self.node_informer.indexer.get(name)
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
        node = self.node_informer.indexer.get(name)
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
            yield from self._write_taints(node, taints, f"NoExecute {key or 'removed'}")
        except ApiError as e:
            if e.code == 409:
                self.enqueue(node)
            elif e.code != 404:
                raise

    # -- zones (handleDisruption) ---------------------------------------------------------------
    def handle_disruption(self) -> None:
        new_states = {
            z: self.compute_zone_state(ready, total)
            for z, (total, ready) in sorted(self._zone_counts.items())
        }
        all_full_new = bool(new_states) and all(s == "FullDisruption" for s in new_states.values())
        all_full_old = bool(self.zone_states) and all(
            s == "FullDisruption" for s in self.zone_states.values()
        )
        if all_full_new and not all_full_old:
            nodes = sorted(self.node_informer.indexer.list(), key=lambda n: n["metadata"]["name"])
            for node in nodes:
                self.process_taint_based_eviction(node, {"status": "True"})
            for z in new_states:
                self._bucket(z).qps = 0.0
            self.record("full-disruption", "", "all zones fully disrupted: no evictions")
        elif not all_full_new:
            for z, state in new_states.items():
                if all_full_old or self.zone_states.get(z) != state:
                    self._bucket(z).qps = self.zone_rate(state, self._zone_counts[z][0])
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
