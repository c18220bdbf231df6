"""The scheduler's view of the cluster: per-node numpy arrays plus per-node info.

Models pkg/scheduler/backend/cache (cache.go, snapshot.go, node_tree.go) and
framework/types.go (NodeInfo). One `Snapshot` holds every node in a slot; the arrays are indexed
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
from sim.api.quantity import QuantityError, parse_quantity
from sim.scheduler.podinfo import AffinityTerm, PodInfo

ZONE_LABEL = "topology.kubernetes.io/zone"
REGION_LABEL = "topology.kubernetes.io/region"
BASE_RESOURCES = ("cpu", "memory", "ephemeral-storage")
MAX_COUNTERS = 512
MAX_CHANGES = 8192  # the change log keeps at most this many entries (then forgets the oldest half)
_EMPTY: Mapping[str, Any] = {}


def _quantity(name: str, value: Any) -> int:
    try:
        q = parse_quantity(value)
    except (QuantityError, ValueError, TypeError):
        return 0
    return q.milli_value() if name == "cpu" else -(-q.milli_value() // 1000)


class NodeInfo:
    """framework.NodeInfo for one node: the Node object, its pods and what they use."""

    __slots__ = (
        "slot",
        "name",
        "node",
        "labels",
        "taints",
        "unschedulable",
        "pods",
        "used_ports",
        "images",
        "allocatable",
        "zone_key",
    )

    def __init__(self, slot: int, node: Mapping[str, Any]):
        self.slot = slot
        self.pods: dict[str, PodInfo] = {}
        self.used_ports: dict[tuple[str, str, int], int] = {}
        self.set_node(node)

    def set_node(self, node: Mapping[str, Any]) -> None:
        meta = node.get("metadata") or _EMPTY
        spec = node.get("spec") or _EMPTY
        status = node.get("status") or _EMPTY
        self.node = node
        self.name = str(meta.get("name", ""))
        self.labels: Mapping[str, str] = meta.get("labels") or _EMPTY
        self.taints = tuple(spec.get("taints") or ())
        self.unschedulable = bool(spec.get("unschedulable"))
        alloc = status.get("allocatable") or status.get("capacity") or _EMPTY
        self.allocatable = {str(k): _quantity(str(k), v) for k, v in alloc.items()}
        self.images: dict[str, int] = {}
        for img in status.get("images") or ():
            for n in img.get("names") or ():
                self.images[str(n)] = int(img.get("sizeBytes") or 0)
        # node_tree.go GetZoneKey: region and zone joined by ":\x00:"
        region, zone = self.labels.get(REGION_LABEL, ""), self.labels.get(ZONE_LABEL, "")
        self.zone_key = "" if not region and not zone else f"{region}:\x00:{zone}"

    @property
    def pod_list(self) -> list[Any]:
        return [p.pod for p in self.pods.values()]

    def __repr__(self) -> str:
        return f"NodeInfo({self.name}, pods={len(self.pods)})"


class _Counter:
    """Per node, how many pods match (namespaces, selector); maintained incrementally."""

    __slots__ = ("namespaces", "selector", "exclude_terminating", "counts")

    def __init__(self, namespaces: frozenset[str] | None, selector: Selector, excl: bool, cap: int):
        self.namespaces = namespaces
        self.selector = selector
        self.exclude_terminating = excl
        self.counts = np.zeros(cap, dtype=np.int64)

    def matches(self, p: PodInfo) -> bool:
        if self.exclude_terminating and p.terminating:
            return False
        if self.namespaces is not None and p.namespace not in self.namespaces:
            return False
        return self.selector.matches(p.labels)


class TermCounts:
    """Per node, how many existing pods carry one affinity term (with one weight)."""

    __slots__ = ("term", "weight", "counts", "total")

    def __init__(self, term: AffinityTerm, weight: int, cap: int):
        self.term = term
        self.weight = weight
        self.counts = np.zeros(cap, dtype=np.int64)
        self.total = 0


TERM_KINDS = ("required_anti", "required_affinity", "preferred_affinity", "preferred_anti")


class Snapshot:
    """See the module docstring."""

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
        self.counters: OrderedDict[tuple[Any, ...], _Counter] = OrderedDict()
        self.terms: dict[str, dict[tuple[bytes, int], TermCounts]] = {k: {} for k in TERM_KINDS}
        self.image_nodes: dict[str, int] = {}
        self.node_generation = 0  # bumps on any change to node objects (labels, taints...)
        self.pod_generation = 0
        self._order: np.ndarray | None = None
        self._order_pos: dict[int, int] | None = None
        self.namespaces: dict[str, Mapping[str, str]] = {}
        self.services: list[Mapping[str, Any]] = []
        self.replicasets: dict[str, Mapping[str, Any]] = {}
        # the change log: slots whose node or pods changed, in order, so that per-shape arrays
        # (incremental.py) recompute only those; `epoch` bumps when every slot must be redone
        self.changes: list[int] = []
        self.changes_base = 0  # the sequence number of changes[0]
        self.epoch = 0
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
        for c in self.counters.values():
            c.counts = grow(c.counts)
        for kind in self.terms.values():
            for t in kind.values():
                t.counts = grow(t.counts)
        self.cap = new
        self.epoch += 1

    def resource_col(self, name: str) -> int:
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
            self.epoch += 1
        return col

    @property
    def num_nodes(self) -> int:
        return len(self.by_name)

    @property
    def change_seq(self) -> int:
        """The sequence number the next change will get."""
        return self.changes_base + len(self.changes)

    def mark(self, slot: int) -> None:
        """Log that the node in `slot` (or its pods) changed."""
        changes = self.changes
        changes.append(slot)
        if len(changes) > MAX_CHANGES:
            half = len(changes) // 2
            del changes[:half]
            self.changes_base += half

    def changed_since(self, epoch: int, seq: int) -> list[int] | None:
        """The slots changed since change number `seq` of `epoch` (with repeats), or None
        when the log no longer reaches back that far (recompute every slot)."""
        if epoch != self.epoch or seq < self.changes_base:
            return None
        return self.changes[seq - self.changes_base :]

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
        self.mark(slot)

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
        self.mark(s)

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
        for c in self.counters.values():
            if c.matches(p):
                c.counts[slot] += sign
        if sh.has_affinity:
            self._account_terms(slot, p, sign)
        self.pod_generation += 1
        self.mark(slot)

    def _account_terms(self, slot: int, p: PodInfo, sign: int) -> None:
        sh = p.shape
        groups = (
            ("required_anti", ((1, t) for t in sh.required_anti_affinity)),
            ("required_affinity", ((1, t) for t in sh.required_affinity)),
            ("preferred_affinity", iter(sh.preferred_affinity)),
            ("preferred_anti", iter(sh.preferred_anti_affinity)),
        )
        for kind, terms in groups:
            table = self.terms[kind]
            for weight, term in terms:
                k = (term.key, weight)
                tc = table.get(k)
                if tc is None:
                    tc = table[k] = TermCounts(term, weight, self.cap)
                tc.counts[slot] += sign
                tc.total += sign
                if tc.total <= 0:
                    del table[k]

    def pod_counts(
        self, namespaces: frozenset[str] | None, selector: Selector, exclude_terminating: bool
    ) -> np.ndarray:
        """Per slot, the number of pods on the node in `namespaces` (None: any) matching."""
        key = (namespaces, selector, exclude_terminating)
        c = self.counters.get(key)
        if c is not None:
            self.counters.move_to_end(key)
            return c.counts
        c = _Counter(namespaces, selector, exclude_terminating, self.cap)
        for slot, p in self.pods.values():
            if slot >= 0 and c.matches(p):
                c.counts[slot] += 1
        self.counters[key] = c
        if len(self.counters) > MAX_COUNTERS:
            self.counters.popitem(last=False)
        return c.counts

    def term_counts(self, kind: str) -> Iterable[TermCounts]:
        return list(self.terms[kind].values())

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
