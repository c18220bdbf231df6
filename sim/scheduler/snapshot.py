"""The scheduler's view of the cluster: per-node numpy arrays plus per-node info, and the pods
accounted on them (the change log and the selector and term counts it owns are in
accounting.py, `NodeInfo` in nodeinfo.py).

Models pkg/scheduler/backend/cache (cache.go, snapshot.go, node_tree.go) and
framework/types.go (NodeInfo, NodeInfo.AddPod/RemovePod: requested and non-zero requested
resources, used ports; cache.go AddPod/RemovePod/AssumePod). One `Snapshot` holds every node in a slot; the arrays are indexed
by slot: allocatable and requested per resource column (cpu in millicores, memory and the
rest in units), the non-zero requests used by scoring, pod counts, and for every label key the
code of each node's value. Nodes are visited in node-tree order: zones round-robin, nodes of a
zone in the order they were added (node_tree.go), which is the order `percentageOfNodesToScore`
walks from its rotating start index.

The live scheduler keeps one snapshot updated incrementally by informer events and assumed
pods; `explain` builds a fresh one from JSON. Counts that plugins need per label selector
(`pod_counts`) and per existing pod's affinity term (`term_counts`) are kept incrementally,
created on first use and bounded in number, so a cycle costs O(distinct shapes), not O(pods).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from sim.api.labels import Selector
from sim.scheduler.accounting import TERM_KINDS, ChangeLog, PodCounts, TermCounts
from sim.scheduler.nodeinfo import REGION_LABEL, ZONE_LABEL, NodeInfo
from sim.scheduler.podinfo import PodInfo

BASE_RESOURCES = ("cpu", "memory", "ephemeral-storage")

__all__ = [
    "BASE_RESOURCES",
    "REGION_LABEL",
    "TERM_KINDS",
    "ZONE_LABEL",
    "NodeInfo",
    "Snapshot",
    "TermCounts",
]


class Snapshot:
    """See the module docstring. `log` records the slots that changed (for the per-shape
    arrays of incremental.py), `counts` the pods per selector and affinity term."""

    _serials = iter(range(1, 1 << 62))

    def __init__(self, capacity: int = 64):
        self.serial = next(Snapshot._serials)
        self.cap = capacity
        self.nodes: list[NodeInfo | None] = []
        self.by_name: dict[str, int] = {}
        self.free: list[int] = []
        self.resources: list[str] = list(BASE_RESOURCES)
        self.col: dict[str, int] = {r: i for i, r in enumerate(self.resources)}
        r = len(self.resources)
        self.alloc = np.zeros((capacity, r), dtype=np.int64)
        self.req = np.zeros((capacity, r), dtype=np.int64)
        self.nonzero = np.zeros((capacity, 2), dtype=np.int64)
        self.num_pods = np.zeros(capacity, dtype=np.int64)
        self.allowed_pods = np.zeros(capacity, dtype=np.int64)
        self.unschedulable = np.zeros(capacity, dtype=bool)
        self.alive = np.zeros(capacity, dtype=bool)
        self.label_codes: dict[str, np.ndarray] = {}
        self.label_values: dict[str, dict[str, int]] = {}
        self.label_names: dict[str, list[str]] = {}
        self.taint_sig = np.zeros(capacity, dtype=np.int64)
        self.taint_sigs: dict[tuple[Any, ...], int] = {(): 0}
        self.taint_list: list[tuple[Any, ...]] = [()]
        self.pods: dict[str, tuple[int, PodInfo]] = {}
        self.counts = PodCounts(self.pods, capacity)
        self.image_nodes: dict[str, int] = {}
        self.node_generation = 0  # bumps on any change to node objects (labels, taints...)
        self.pod_generation = 0
        self._order: np.ndarray | None = None
        self._order_pos: dict[int, int] | None = None
        self.namespaces: dict[str, Mapping[str, str]] = {}
        self.services: list[Mapping[str, Any]] = []
        self.replicasets: dict[str, Mapping[str, Any]] = {}
        self.log = ChangeLog()
        self._mark = self.log.mark  # bound once: called per node and pod change
        self._mark_pods = self.log.mark_pods
        self.shape_arrays: OrderedDict[Any, Any] = OrderedDict()

    # -- shape ---------------------------------------------------------------------------------
    def _grow(self, need: int) -> None:
        if need <= self.cap:
            return
        new = max(need, self.cap * 2)

        def grow(a: np.ndarray) -> np.ndarray:
            shape = (new, *a.shape[1:])
            b = np.zeros(shape, dtype=a.dtype)
            if a.dtype == np.int32:
                b[:] = -1
            b[: self.cap] = a
            return b

        for attr in (
            "alloc",
            "req",
            "nonzero",
            "num_pods",
            "allowed_pods",
            "unschedulable",
            "alive",
            "taint_sig",
        ):
            setattr(self, attr, grow(getattr(self, attr)))
        for k, v in self.label_codes.items():
            self.label_codes[k] = grow(v)
        self.counts.grow(new, grow)
        self.cap = new
        self.log.mark_all()

    @property
    def num_nodes(self) -> int:
        return len(self.by_name)

    def node_info(self, name: str) -> NodeInfo | None:
        slot = self.by_name.get(name)
        return None if slot is None else self.nodes[slot]

    def order(self) -> np.ndarray:
        """Slots in node-tree order (zones round-robin, then order of addition)."""
        if self._order is None:
            zones: dict[str, list[int]] = {}
            for ni in self.nodes:
                if ni is not None:
                    zones.setdefault(ni.zone_key, []).append(ni.slot)
            lists = list(zones.values())
            out: list[int] = []
            i = 0
            while len(out) < self.num_nodes:
                for lst in lists:
                    if i < len(lst):
                        out.append(lst[i])
                i += 1
            self._order = np.array(out, dtype=np.int64)
            self._order_pos = None
        return self._order

    def order_positions(self) -> dict[int, int]:
        """Per live slot, its position in `order()`."""
        order = self.order()
        if self._order_pos is None:
            self._order_pos = {s: i for i, s in enumerate(order.tolist())}
        return self._order_pos

    # -- nodes ---------------------------------------------------------------------------------
    def add_node(self, node: Mapping[str, Any]) -> NodeInfo:
        name = str(node["metadata"]["name"])
        if name in self.by_name:
            return self.update_node(node)
        slot = self.free.pop() if self.free else len(self.nodes)
        self._grow(slot + 1)
        ni = NodeInfo(slot, node)
        if slot == len(self.nodes):
            self.nodes.append(ni)
        else:
            self.nodes[slot] = ni
        self.by_name[name] = slot
        self.alive[slot] = True
        self._index_node(ni)
        # pods that arrived before their node (informer order) were parked; adopt them
        for key, (s, p) in list(self.pods.items()):
            if s == -1 and p.node_name == name:
                del self.pods[key]
                self.add_pod(p)
        self._order = None
        return ni

    def update_node(self, node: Mapping[str, Any]) -> NodeInfo:
        slot = self.by_name[str(node["metadata"]["name"])]
        ni = self.nodes[slot]
        assert ni is not None
        old = (ni.zone_key, ni.labels, ni.taints, ni.unschedulable, ni.images)
        gen = self.node_generation
        self._unindex_images(ni)
        ni.set_node(node)
        self._index_node(ni)
        if ni.zone_key != old[0]:
            self._order = None
        if (ni.labels, ni.taints, ni.unschedulable, ni.images) == old[1:]:
            self.node_generation = gen  # only allocatable or status changed: static masks hold
        return ni

    def remove_node(self, name: str) -> None:
        slot = self.by_name.pop(name, None)
        if slot is None:
            return
        ni = self.nodes[slot]
        assert ni is not None
        for p in list(ni.pods.values()):
            self.remove_pod(p.key)
            self.pods[p.key] = (-1, p)  # the pod objects outlive their node until deleted
        self._unindex_images(ni)
        self.nodes[slot] = None
        self.free.append(slot)
        self.alive[slot] = False
        self.alloc[slot] = 0
        self.unschedulable[slot] = False
        self.allowed_pods[slot] = 0
        for codes in self.label_codes.values():
            codes[slot] = -1
        self.taint_sig[slot] = 0
        self.node_generation += 1
        self._order = None
        self._mark(slot)

    def _index_node(self, ni: NodeInfo) -> None:
        s = ni.slot
        for name in ni.allocatable:
            if name not in self.col and name != "pods":
                self.resource_col(name)
        self.alloc[s] = 0
        for name, col in self.col.items():
            self.alloc[s, col] = ni.allocatable.get(name, 0)
        self.allowed_pods[s] = ni.allocatable.get("pods", 0)
        self.unschedulable[s] = ni.unschedulable
        for codes in self.label_codes.values():
            codes[s] = -1
        for k, v in ni.labels.items():
            self._codes(k)[s] = self.value_code(k, v)
        sig = tuple((t.get("key", ""), t.get("value", ""), t.get("effect", "")) for t in ni.taints)
        code = self.taint_sigs.get(sig)
        if code is None:
            code = self.taint_sigs[sig] = len(self.taint_list)
            self.taint_list.append(tuple(ni.taints))
        self.taint_sig[s] = code
        for img in ni.images:
            self.image_nodes[img] = self.image_nodes.get(img, 0) + 1
        self.node_generation += 1
        self._mark(s)

    def _unindex_images(self, ni: NodeInfo) -> None:
        for img in ni.images:
            n = self.image_nodes.get(img, 0) - 1
            if n <= 0:
                self.image_nodes.pop(img, None)
            else:
                self.image_nodes[img] = n

    def _codes(self, key: str) -> np.ndarray:
        codes = self.label_codes.get(key)
        if codes is None:
            codes = self.label_codes[key] = np.full(self.cap, -1, dtype=np.int32)
            self.label_values[key] = {}
            self.label_names[key] = []
        return codes

    def value_code(self, key: str, value: str) -> int:
        self._codes(key)
        values = self.label_values[key]
        code = values.get(value)
        if code is None:
            code = values[value] = len(values)
            self.label_names[key].append(value)
        return code

    def codes(self, key: str) -> np.ndarray:
        """Per slot, the code of the node's value for label `key` (-1: no such label)."""
        return self._codes(key)

    # -- pods ----------------------------------------------------------------------------------
    def resource_col(self, name: str) -> int:
        """The column of resource `name` in `alloc` and `req`, added on first use."""
        col = self.col.get(name)
        if col is None:
            col = self.col[name] = len(self.resources)
            self.resources.append(name)
            self.alloc = np.concatenate([self.alloc, np.zeros((self.cap, 1), np.int64)], axis=1)
            self.req = np.concatenate([self.req, np.zeros((self.cap, 1), np.int64)], axis=1)
            for i, ni in enumerate(self.nodes):
                if ni is not None:
                    self.alloc[i, col] = ni.allocatable.get(name, 0)
                    for p in ni.pods.values():
                        self.req[i, col] += p.shape.requests.get(name, 0)
            self.log.mark_all()
        return col

    def add_pod(self, p: PodInfo) -> None:
        """Account a pod bound (or assumed) to p.node_name."""
        old = self.pods.get(p.key)
        if old is not None:
            q = old[1]
            if (
                old[0] >= 0
                and q.node_name == p.node_name
                and q.shape is p.shape
                and q.namespace == p.namespace
                and q.terminating == p.terminating
                and q.labels == p.labels
            ):
                # the same accounting (an assumed pod confirmed): swap the PodInfo in place,
                # keeping the order removing and re-adding it would give
                ni = self.nodes[old[0]]
                assert ni is not None
                del self.pods[p.key]
                self.pods[p.key] = (old[0], p)
                del ni.pods[p.key]
                ni.pods[p.key] = p
                self.pod_generation += 2
                return
            self.remove_pod(p.key)
        for name in p.shape.requests:
            if name not in self.col:
                self.resource_col(name)
        slot = self.by_name.get(p.node_name, -1)
        self.pods[p.key] = (slot, p)
        if slot < 0:
            return
        ni = self.nodes[slot]
        assert ni is not None
        ni.pods[p.key] = p
        self._account(slot, ni, p, 1)

    def remove_pod(self, key: str) -> PodInfo | None:
        entry = self.pods.pop(key, None)
        if entry is None:
            return None
        slot, p = entry
        if slot >= 0:
            ni = self.nodes[slot]
            assert ni is not None
            ni.pods.pop(key, None)
            self._account(slot, ni, p, -1)
        return p

    def _account(self, slot: int, ni: NodeInfo, p: PodInfo, sign: int) -> None:
        sh = p.shape
        for name, amount in sh.requests.items():
            self.req[slot, self.col[name]] += sign * amount
        self.nonzero[slot, 0] += sign * sh.nonzero_cpu
        self.nonzero[slot, 1] += sign * sh.nonzero_memory
        self.num_pods[slot] += sign
        for port in sh.host_ports:
            n = ni.used_ports.get(port, 0) + sign
            if n <= 0:
                ni.used_ports.pop(port, None)
            else:
                ni.used_ports[port] = n
        self.counts.account(slot, p, sign)
        self.pod_generation += 1
        self._mark_pods(slot)

    def pod_counts(
        self, namespaces: frozenset[str] | None, selector: Selector, exclude_terminating: bool
    ) -> np.ndarray:
        """Per slot, the number of pods on the node in `namespaces` (None: any) matching."""
        return self.counts.pod_counts(namespaces, selector, exclude_terminating)

    def term_counts(self, kind: str) -> Iterable[TermCounts]:
        """The affinity terms of kind `kind` (TERM_KINDS) carried by existing pods, counted."""
        return self.counts.term_counts(kind)

    def request_vector(self, p: PodInfo) -> np.ndarray:
        vec = np.zeros(len(self.resources), dtype=np.int64)
        for name, amount in p.shape.requests.items():
            vec[self.resource_col(name)] = amount
        return vec

    # -- other objects plugins read ------------------------------------------------------------
    def namespaces_matching(self, selector: Selector) -> list[str]:
        return sorted(n for n, labels in self.namespaces.items() if selector.matches(labels))

    def all_slots(self) -> np.ndarray:
        return self.order()

    def static_mask(self, shape: Any, key: str, fn: Any, slots: np.ndarray) -> np.ndarray:
        """fn(all slots) for this pod shape, cached until a node's labels, taints or
        unschedulable flag change (results reused across replicas of one controller)."""
        entry = shape.cache.get(key)
        stamp = (self.serial, self.node_generation, self.cap)
        if entry is None or entry[0] != stamp:
            full = fn(np.arange(self.cap, dtype=np.int64))
            entry = shape.cache[key] = (stamp, full)
        return entry[1][slots]
