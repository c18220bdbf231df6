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
"""

from __future__ import annotations

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
ZONE_LABEL = "topology.kubernetes.io/zone"
UNKNOWN_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")


@dataclass
class NodeHealth:
    probe_s: float
    heartbeat: str | None
    lease_renew: str | None


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


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"
    resource = "nodes"

    def __init__(self, cluster: Cluster, cfg: Any):
        super().__init__(cluster, 8, user="system:serviceaccount:kube-system:node-controller")
        self.cfg = cfg
        self.node_informer = self.informer("nodes")
        self.lease_informer = self.informer("leases", namespace="kube-node-lease")
        self.pod_informer = self.informer("pods", indexers={"nodeName": index_by_node_name})
        self.node_informer.add_event_handler(
            self.enqueue, lambda o, n: self.enqueue(n), self._deleted
        )
        self.health: dict[str, NodeHealth] = {}
        self.zone_states: dict[str, str] = {}
        self.buckets: dict[str, _Bucket] = {}
        self.taint_queue: dict[str, dict[str, None]] = {}  # zone -> node names, in order
        self._tainter_wake: Any = None
        self._renewals = getattr(getattr(self.client, "server", None), "renewals", None)
        self._lease_kind = REGISTRY.resolve("leases")
        self._node_kind = REGISTRY.resolve("nodes")

    def _deleted(self, node: Any) -> None:
        name = node["metadata"]["name"]
        self.health.pop(name, None)
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
        nodes = sorted(self.node_informer.indexer.list(), key=lambda n: n["metadata"]["name"])
        zone_conditions: dict[str, list[Any]] = {}
        for node in nodes:
            name = node["metadata"]["name"]
            observed, current = yield from self.try_update_node_health(node)
            zone_conditions.setdefault(zone_of(node), []).append(current)
            if current is None:
                continue
            self.process_taint_based_eviction(node, observed)
            if current.get("status") != "True" and observed.get("status") == "True":
                self.recorder.event(
                    node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady"
                )
                self.record("not-ready", name, f"Ready={current.get('status')}")
                yield from self.mark_pods_not_ready(name)
        self.handle_disruption(zone_conditions, nodes)

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
            health.heartbeat, health.probe_s = heartbeat, now
        renew = self._renewed(self._lease_key(name))
        if renew is None:
            lease = self.lease_informer.indexer.get_by("kube-node-lease", name)
            renew = (lease or {}).get("spec", {}).get("renewTime") if lease else None
        if renew and (health.lease_renew is None or renew > health.lease_renew):
            health.lease_renew, health.probe_s = renew, now
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
    def handle_disruption(self, zone_conditions: dict[str, list[Any]], nodes: list[Any]) -> None:
        new_states = {
            z: self.compute_zone_state(conds) for z, conds in sorted(zone_conditions.items())
        }
        all_full_new = bool(new_states) and all(s == "FullDisruption" for s in new_states.values())
        all_full_old = bool(self.zone_states) and all(
            s == "FullDisruption" for s in self.zone_states.values()
        )
        sizes = {z: len(c) for z, c in zone_conditions.items()}
        if all_full_new and not all_full_old:
            for node in nodes:
                self.process_taint_based_eviction(node, {"status": "True"})
            for z in new_states:
                self._bucket(z).qps = 0.0
            self.record("full-disruption", "", "all zones fully disrupted: no evictions")
        elif not all_full_new:
            for z, state in new_states.items():
                if all_full_old or self.zone_states.get(z) != state:
                    self._bucket(z).qps = self.zone_rate(state, sizes[z])
                    self.record("zone-state", z or "<none>", f"{state} rate={self._bucket(z).qps}")
        self.zone_states = new_states

    def compute_zone_state(self, conditions: list[Any]) -> str:
        ready = sum(1 for c in conditions if c is not None and c.get("status") == "True")
        not_ready = len(conditions) - ready
        if not_ready > 0 and ready == 0:
            return "FullDisruption"
        if not_ready > 2 and not_ready / len(conditions) >= self.cfg.unhealthyZoneThreshold:
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
