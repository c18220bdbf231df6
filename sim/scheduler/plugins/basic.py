"""The small in-tree plugins: PrioritySort, SchedulingGates, NodeUnschedulable, NodeName,
TaintToleration, NodePorts, ImageLocality, DefaultBinder.

Each follows its upstream file under pkg/scheduler/framework/plugins/:
queuesort/priority_sort.go, schedulinggates/scheduling_gates.go,
nodeunschedulable/node_unschedulable.go, nodename/node_name.go,
tainttoleration/taint_toleration.go, nodeports/node_ports.go, imagelocality/image_locality.go,
defaultbinder/default_binder.go; reason strings are upstream's.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from sim.scheduler.interface import (
    MAX_NODE_SCORE,
    CycleState,
    NodeVerdicts,
    Plugin,
    passing,
    register_plugin,
    verdicts,
)
from sim.scheduler.podinfo import PodInfo, find_untolerated_taint, tolerates
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import (
    SKIP_STATUS,
    Status,
    unresolvable,
)


def default_normalize(scores: np.ndarray, reverse: bool) -> None:
    """helper.DefaultNormalizeScore(MaxNodeScore, reverse, scores), in place."""
    top = int(scores[scores.argmax()]) if len(scores) else 0  # argmax: no Python wrapper
    if top == 0:
        if reverse:
            scores[:] = MAX_NODE_SCORE
        return
    scores[:] = MAX_NODE_SCORE * scores // top
    if reverse:
        scores[:] = MAX_NODE_SCORE - scores


@register_plugin("PrioritySort")
class PrioritySort(Plugin):
    """Higher priority first, then the earlier queue timestamp."""

    def less(self, a: Any, b: Any) -> bool:
        pa, pb = a.pod.priority, b.pod.priority
        return pa > pb or (pa == pb and a.timestamp < b.timestamp)

    @staticmethod
    def sort_key(q: Any) -> tuple[int, float]:
        """`less` as a key: the queue compares these tuples instead of calling `less`."""
        return (-q.pod.priority, q.timestamp)


@register_plugin("SchedulingGates")
class SchedulingGates(Plugin):
    def pre_enqueue(self, pod: PodInfo) -> Status | None:
        gates = pod.shape.scheduling_gates
        if not gates:
            return None
        return unresolvable(f"waiting for scheduling gates: [{' '.join(gates)}]")

    def events_to_register(self) -> tuple[str, ...]:
        return ("Pod/Update",)


UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


@register_plugin("NodeUnschedulable")
class NodeUnschedulable(Plugin):
    node_local = True
    reads_pods_on_node = False
    REASON = "node(s) were unschedulable"

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> NodeVerdicts:
        if any(tolerates(t, UNSCHEDULABLE_TAINT) for t in pod.shape.tolerations):
            return passing(len(slots))
        return verdicts(snap.unschedulable[slots] * 2, (self.REASON,))

    def events_to_register(self) -> tuple[str, ...]:
        return ("Node/Add", "Node/Update")


@register_plugin("NodeName")
class NodeName(Plugin):
    node_local = True
    reads_pods_on_node = False
    REASON = "node(s) didn't match the requested node name"

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> NodeVerdicts:
        want = pod.node_name
        if not want:
            return passing(len(slots))
        slot = snap.by_name.get(want, -1)
        return verdicts((slots != slot) * 2, (self.REASON,))

    def events_to_register(self) -> tuple[str, ...]:
        return ("Node/Add",)


def _taint_reason(t: Any) -> tuple[str, ...]:
    return (f"node(s) had untolerated taint {{{t.get('key', '')}: {t.get('value', '')}}}",)


@register_plugin("TaintToleration")
class TaintToleration(Plugin):
    """Filter on NoSchedule/NoExecute taints; score by PreferNoSchedule taints not tolerated."""

    node_local = True
    reads_pods_on_node = False
    scores_in_range = True

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> NodeVerdicts:
        sigs = snap.taint_sig[slots]
        if not sigs.any():
            return passing(len(slots))
        table: list[tuple[str, ...]] = [()]
        bad = np.zeros(len(snap.taint_list), np.int32)
        cache = pod.shape.cache
        for sig in np.unique(sigs).tolist():
            if sig == 0:
                continue
            key = ("TaintToleration", snap.serial, sig)
            taint = cache.get(key, False)
            if taint is False:
                taint = cache[key] = find_untolerated_taint(
                    snap.taint_list[sig], pod.shape.tolerations
                )
            if taint is not None:
                bad[sig] = len(table)
                table.append(_taint_reason(taint))
        ids = bad[sigs]
        return NodeVerdicts(((ids > 0) * 2).astype(np.int8), ids, table)

    def pre_score(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> Status | None:
        cache = pod.shape.cache
        prefer = cache.get("TaintToleration/prefer")
        if prefer is None:
            prefer = cache["TaintToleration/prefer"] = [
                t
                for t in pod.shape.tolerations
                if (t.get("effect") or "") in ("", "PreferNoSchedule")
            ]
        state.write("TaintToleration/prefer", prefer)
        return None

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> np.ndarray:
        sigs = snap.taint_sig[slots]
        if len(snap.taint_list) == 1 or not sigs.any():
            return np.zeros(len(slots), np.int64)  # no node here has a taint
        per_sig = np.zeros(len(snap.taint_list), np.int64)
        tols = state.read("TaintToleration/prefer") or []
        for sig in np.unique(sigs).tolist():
            per_sig[sig] = sum(
                1
                for t in snap.taint_list[sig]
                if t.get("effect") == "PreferNoSchedule" and not any(tolerates(x, t) for x in tols)
            )
        return per_sig[sigs]

    def normalize_score(self, state: CycleState, pod: PodInfo, scores: np.ndarray) -> None:
        default_normalize(scores, reverse=True)

    def events_to_register(self) -> tuple[str, ...]:
        return ("Node/Add", "Node/Update", "Pod/Update")


def _port_conflict(used: dict[tuple[str, str, int], int], want: tuple[str, str, int]) -> bool:
    """HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every IP on that protocol and port."""
    ip, proto, port = want
    if ip == "0.0.0.0":
        return any(p == port and pr == proto for (_i, pr, p) in used)
    return (ip, proto, port) in used or ("0.0.0.0", proto, port) in used


@register_plugin("NodePorts")
class NodePorts(Plugin):
    node_local = True
    REASON = "node(s) didn't have free ports for the requested pod ports"

    def pre_filter(
        self, state: CycleState, pod: PodInfo, snap: Snapshot
    ) -> tuple[None, Status | None]:
        return None, (None if pod.shape.host_ports else SKIP_STATUS)

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> NodeVerdicts:
        want = pod.shape.host_ports
        codes = np.zeros(len(slots), np.int8)
        for i, s in enumerate(slots.tolist()):
            used = snap.nodes[s].used_ports  # type: ignore[union-attr]
            if used and any(_port_conflict(used, w) for w in want):
                codes[i] = 1
        return verdicts(codes, (self.REASON,))

    def events_to_register(self) -> tuple[str, ...]:
        return ("Node/Add", "Pod/Delete")


MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


@register_plugin("ImageLocality")
class ImageLocality(Plugin):
    """Favor nodes that already have the pod's images, scaled by how widely they are spread."""

    node_local = True
    reads_pods_on_node = False  # the spread is a global input (node_local_stamp)
    scores_in_range = True

    def node_local_stamp(self, pod: PodInfo, snap: Snapshot) -> tuple[int, ...]:
        """The spread of the pod's images (how many nodes have each, of how many): a change
        rescales every node's score."""
        image_nodes = snap.image_nodes
        return (snap.num_nodes, *[image_nodes.get(img, 0) for img in pod.shape.images])

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> np.ndarray:
        present = [img for img in pod.shape.images if img in snap.image_nodes]
        max_threshold = MAX_CONTAINER_THRESHOLD * pod.shape.num_containers
        if not present or max_threshold <= MIN_THRESHOLD:
            # sums of 0 clip to MIN_THRESHOLD, which scores 0
            return np.zeros(len(slots), np.int64)
        total = snap.num_nodes
        sums = np.zeros(len(slots), np.int64)
        for i, s in enumerate(slots.tolist()):
            ni = snap.nodes[s]
            assert ni is not None
            for img in present:
                size = ni.images.get(img)
                if size is not None:
                    sums[i] += int(size * (snap.image_nodes[img] / total))
        clipped = np.clip(sums, MIN_THRESHOLD, max_threshold)
        return MAX_NODE_SCORE * (clipped - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


@register_plugin("DefaultBinder")
class DefaultBinder(Plugin):
    """POST pods/<name>/binding through the scheduler's client."""

    def bind(
        self, state: CycleState, pod: PodInfo, node_name: str
    ) -> Generator[Any, Any, Status | None]:
        yield self.bind_request(state, pod, node_name)
        return None

    def bind_request(self, state: CycleState, pod: PodInfo, node_name: str) -> Any:
        """The pods/binding request (a SimPy event that fails with the ApiError); the
        scheduler waits on it by callback instead of running `bind` as a process."""
        binding = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": pod.name, "namespace": pod.namespace, "uid": pod.uid},
            "target": {"apiVersion": "v1", "kind": "Node", "name": node_name},
        }
        return self.handle.client.bind(pod.name, binding, namespace=pod.namespace)
