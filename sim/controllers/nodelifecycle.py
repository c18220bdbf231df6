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
NoSchedule taints follow the conditions on every node change (doNoScheduleTaintingPass). The
NoExecute tainting and the zone states are a collaborator the controller owns, as upstream's
zoneNoExecuteTainter and zoneStates: `NoExecuteTainter` (sim/controllers/nodeeviction.py).

A pass visits only the nodes whose outcome could differ from "healthy, nothing to do": nodes that
changed since the last pass (informer events), nodes that are not Ready or carry a NoExecute
taint or wait in the taint queue, and nodes whose Lease is not renewed by a standing renewal of
the in-process API server (read through the client's renewer, the `LeaseRenewer` port of
sim/client/interface.py; a Lease renewed every 10 s cannot age past the 50 s grace). For every node it skips, upstream's tryUpdateNodeHealth would only move the
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
from sim.client.informer import index_by_node_name
from sim.controllers.base import Controller
from sim.controllers.nodeeviction import (
    NOT_READY,
    UNREACHABLE,
    NoExecuteTainter,
    ready_condition,
    write_taints,
    zone_of,
)
from sim.controllers.util import pod_condition

if TYPE_CHECKING:
    from sim.client.interface import LeaseRenewer
    from sim.client.runtime import Runtime

NO_SCHEDULE_BY_CONDITION = {
    ("MemoryPressure", "True"): "node.kubernetes.io/memory-pressure",
    ("DiskPressure", "True"): "node.kubernetes.io/disk-pressure",
    ("PIDPressure", "True"): "node.kubernetes.io/pid-pressure",
    ("NetworkUnavailable", "True"): "node.kubernetes.io/network-unavailable",
    ("Ready", "False"): NOT_READY,
    ("Ready", "Unknown"): UNREACHABLE,
}
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
PASS_HISTORY = 128  # pass instants kept for `_seen_at` (covers a 5 min heartbeat period)
UNKNOWN_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")


@dataclass
class NodeHealth:
    probe_s: float
    heartbeat: str | None
    lease_renew: str | None
    visited_s: float = -1e18  # the last pass that looked at this node


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"
    resource = "nodes"

    def __init__(self, runtime: Runtime, cfg: Any):
        super().__init__(runtime, 8, user="system:serviceaccount:kube-system:node-controller")
        self.cfg = cfg
        self.node_informer = self.informer("nodes")
        self.lease_informer = self.informer("leases", namespace="kube-node-lease")
        self.pod_informer = self.informer("pods", indexers={"nodeName": index_by_node_name})
        self.node_informer.add_event_handler(self._added, self._updated, self._deleted)
        self.health: dict[str, NodeHealth] = {}
        # zoneNoExecuteTainter and zoneStates: the rate-limited NoExecute tainting per zone
        self.tainter = NoExecuteTainter(
            self.clock, self.client, cfg, self.node_informer.indexer, self.record, self.enqueue
        )
        self._process_taint_based_eviction = self.tainter.process_taint_based_eviction
        self._renewer: LeaseRenewer | None = self.client.renewer
        self._passes: deque[float] = deque(maxlen=PASS_HISTORY)
        self._dirty: dict[str, None] = {}  # nodes to visit at the next pass
        self._attention: dict[str, None] = {}  # nodes visited every pass
        self._state: dict[str, tuple[str, bool]] = {}  # node -> (zone, Ready True)
        self._zone_counts: dict[str, list[int]] = {}  # zone -> [nodes, ready]
        if self._renewer is not None:
            self._renewer.add_listener(self._renewal_changed)

    def _added(self, node: Any) -> None:
        self._dirty[node["metadata"]["name"]] = None
        self.enqueue(node)

    def _updated(self, _old: Any, node: Any) -> None:
        self._dirty[node["metadata"]["name"]] = None
        self.enqueue(node)

    def _renewal_changed(self, name: str) -> None:
        """A Lease or Node heartbeat started or stopped being renewed by the API server."""
        self._dirty[name] = None

    def _deleted(self, node: Any) -> None:
        name = node["metadata"]["name"]
        self.health.pop(name, None)
        self._dirty.pop(name, None)
        self._attention.pop(name, None)
        self._set_state(name, None)
        self.tainter.forget(name)

    def start(self) -> None:
        super().start()
        self.clock.process(self._monitor_loop())
        self.clock.process(self.tainter.run())

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
        yield from write_taints(
            self.client, self.record, node, new_taints, f"NoSchedule {sorted(want)}"
        )

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
                self._process_taint_based_eviction(node, observed)
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
        self.tainter.handle_disruption(self._zone_counts)

    def _to_visit(self) -> list[str]:
        """The nodes this pass must look at, by name (see the module docstring)."""
        self._dirty.update(self._attention)
        if self._renewer is None:
            self._dirty = {}
            return sorted(n["metadata"]["name"] for n in self.node_informer.indexer.list())
        names = sorted(self._dirty)
        self._dirty = {}
        return names

    def _skippable(self, node: Any, observed: Any, ready: bool) -> bool:
        name = node["metadata"]["name"]
        renewer = self._renewer
        if not ready or observed.get("status") != "True" or renewer is None:
            return False
        entry = renewer.renewal("leases", name, namespace="kube-node-lease")
        # a Lease renewed every period cannot age past the grace between two visits
        grace_s = self.cfg.nodeMonitorGracePeriod
        if entry is None or entry.period_s + self.cfg.nodeMonitorPeriod >= grace_s:
            return False
        if self.tainter.is_queued(name):
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
        heartbeat = self._renewed("nodes", name, None) or (ready or {}).get("lastHeartbeatTime")
        if health is None:
            created = node["metadata"].get("creationTimestamp")
            probe = self.clock.seconds_of(created) if ready is None and created else now
            health = self.health[name] = NodeHealth(probe, heartbeat, None)
        elif heartbeat != health.heartbeat:
            health.heartbeat = heartbeat
            health.probe_s = self._seen_at(heartbeat, health) if heartbeat else now
        renew = self._renewed("leases", name, "kube-node-lease")
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

    def _renewed(self, resource: str, name: str, namespace: str | None) -> str | None:
        """A standing renewal's current stamp (sim/apiserver/renewals.py): the informers of an
        in-process control plane do not get an event per renewal, so the renewed fields
        (Lease renewTime, the conditions' lastHeartbeatTime) are read from the renewer."""
        renewer = self._renewer
        return None if renewer is None else renewer.current(resource, name, namespace=namespace)

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
