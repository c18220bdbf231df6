"""NodeResourcesFit and NodeResourcesBalancedAllocation, vectorised over nodes.

Follows pkg/scheduler/framework/plugins/noderesources/: fit.go (fitsRequest: "Too many pods",
"Insufficient <resource>", always Unschedulable in 1.32: UnschedulableAndUnresolvable for a
request above the node's whole allocatable came later, kubernetes/kubernetes#131345),
resource_allocation.go (requested = the node's non-zero requests plus the
pod's for cpu and memory when scoring fit; real requests for balanced allocation; a scalar
resource the pod does not request is skipped), least_allocated.go, most_allocated.go,
requested_to_capacity_ratio.go with helper/shape_score.go, balanced_allocation.go; args
defaults from apis/config/v1/defaults.go (LeastAllocated over cpu and memory, weight 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.scheduler.config import ConfigError
from sim.scheduler.interface import (
    MAX_NODE_SCORE,
    CycleState,
    NodeVerdicts,
    Plugin,
    register_plugin,
)
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.snapshot import BASE_RESOURCES, Snapshot

STRATEGIES = ("LeastAllocated", "MostAllocated", "RequestedToCapacityRatio")
DEFAULT_RESOURCES = (("cpu", 1), ("memory", 1))
MAX_CUSTOM_PRIORITY_SCORE = 10
MAX_MEMO_SHAPES = 8192


def _resources(raw: Any, path: str) -> list[tuple[str, int]]:
    if not raw:
        return list(DEFAULT_RESOURCES)
    out = []
    for i, r in enumerate(raw):
        if not isinstance(r, Mapping) or not r.get("name"):
            raise ConfigError(f"{path}[{i}].name", "a resource name is required")
        w = r.get("weight") or 1
        if not isinstance(w, int) or not 1 <= w <= 100:
            raise ConfigError(
                f"{path}[{i}].weight", "resource weight of cpu should be in the range of 1-100"
            )
        out.append((str(r["name"]), int(w)))
    return out


def _is_scalar(name: str) -> bool:
    return name not in BASE_RESOURCES


def _columns(
    snap: Snapshot, pod: PodInfo, slots: np.ndarray, names: list[str], *, use_requested: bool
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """resource_allocation.go calculateResourceAllocatableRequest: per resource of `names`
    that counts for this pod, (its index in `names`, allocatable, requested) over `slots`;
    the resources left out count as allocatable 0."""
    out = []
    sh = pod.shape
    for j, name in enumerate(names):
        pod_req = sh.requests.get(name, 0)
        if not use_requested and name == "cpu":
            pod_req = sh.nonzero_cpu
        elif not use_requested and name == "memory":
            pod_req = sh.nonzero_memory
        if pod_req == 0 and _is_scalar(name):
            continue
        col = snap.col.get(name)
        if col is None:
            continue
        if not use_requested and name in ("cpu", "memory"):
            req = snap.nonzero[:, 0 if name == "cpu" else 1][slots] + pod_req
        else:
            req = snap.req[:, col][slots] + pod_req
        out.append((j, snap.alloc[:, col][slots], req))
    return out


def _alloc_and_requested(
    snap: Snapshot, pod: PodInfo, slots: np.ndarray, names: list[str], *, use_requested: bool
) -> tuple[np.ndarray, np.ndarray]:
    """`_columns` as (node, resource) matrices over every resource of `names`."""
    n = len(slots)
    alloc = np.zeros((n, len(names)), np.int64)
    req = np.zeros((n, len(names)), np.int64)
    for j, a, r in _columns(snap, pod, slots, names, use_requested=use_requested):
        alloc[:, j] = a
        req[:, j] = r
    return alloc, req


def least_allocated(
    cols: list[tuple[int, np.ndarray, np.ndarray]], weights: np.ndarray, n: int
) -> np.ndarray:
    """least_allocated.go leastResourceScorer over `_columns` (resource index, allocatable,
    requested) of `n` nodes: per resource (allocatable - requested) * 100 / allocatable, 0
    when more is requested than allocatable; their mean weighted by `weights` over the
    resources a node has (allocatable > 0), in integer arithmetic as upstream."""
    score = np.zeros(n, np.int64)
    total: Any = 0
    for j, a, r in cols:
        w = int(weights[j])
        per = (a - r) * MAX_NODE_SCORE // np.maximum(a, 1)
        per[r > a] = 0
        if n and int(a.min()) > 0:
            score += per * w
            total = total + w
        else:
            wa = np.where(a > 0, w, 0)
            score += per * wa
            total = total + wa
    if isinstance(total, int):
        return score // total if total > 0 else np.zeros(n, np.int64)
    return np.where(total > 0, score // np.maximum(total, 1), 0)


def _weighted(per: np.ndarray, alloc: np.ndarray, weights: np.ndarray) -> np.ndarray:
    w = np.where(alloc > 0, weights, 0)
    total = w.sum(axis=1)
    score = (per * w).sum(axis=1)
    return np.where(total > 0, score // np.maximum(total, 1), 0)


def most_allocated(alloc: np.ndarray, req: np.ndarray, weights: np.ndarray) -> np.ndarray:
    safe = np.maximum(alloc, 1)
    per = np.minimum(req, alloc) * MAX_NODE_SCORE // safe
    return _weighted(per, alloc, weights)


def broken_linear(shape: list[tuple[int, int]], p: np.ndarray) -> np.ndarray:
    """helper.BuildBrokenLinearFunction, elementwise (integer arithmetic as upstream)."""
    out = np.full(p.shape, shape[-1][1], np.int64)
    done = np.zeros(p.shape, bool)
    for i, (u, s) in enumerate(shape):
        hit = ~done & (p <= u)
        if i == 0:
            out[hit] = s
        else:
            u0, s0 = shape[i - 1]
            delta = (s - s0) * (p[hit] - u0)
            out[hit] = s0 + np.trunc(delta / (u - u0)).astype(np.int64)
        done |= hit
    return out


def requested_to_capacity_ratio(
    shape: list[tuple[int, int]], alloc: np.ndarray, req: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    safe = np.maximum(alloc, 1)
    util = np.where(req > alloc, 100, req * 100 // safe)
    per = broken_linear(shape, util)
    w = np.where((alloc > 0) & (per > 0), weights, 0)
    total = w.sum(axis=1)
    score = (per * w).sum(axis=1)
    return np.where(total > 0, np.floor(score / np.maximum(total, 1) + 0.5), 0).astype(np.int64)


@register_plugin("NodeResourcesFit")
class NodeResourcesFit(Plugin):
    node_local = True
    reads_nominated = True
    scores_in_range = True

    def __init__(self, args: dict[str, Any] | None = None, handle: Any = None):
        super().__init__(args, handle)
        self.ignored = set(self.args.get("ignoredResources") or ())
        self.ignored_groups = set(self.args.get("ignoredResourceGroups") or ())
        strat = self.args.get("scoringStrategy") or {}
        self.strategy = strat.get("type") or "LeastAllocated"
        if self.strategy not in STRATEGIES:
            raise ConfigError(
                "scoringStrategy.type",
                f"invalid strategy {self.strategy!r}, expected one of {', '.join(STRATEGIES)}",
            )
        self.resources = _resources(strat.get("resources"), "scoringStrategy.resources")
        self._checks_by_shape: dict[bytes, list[tuple[str, int]]] = {}
        self.names = [n for n, _ in self.resources]
        self.weights = np.array([w for _, w in self.resources], np.int64)
        self.shape: list[tuple[int, int]] = []
        if self.strategy == "RequestedToCapacityRatio":
            raw = (strat.get("requestedToCapacityRatio") or {}).get("shape") or []
            if not raw:
                raise ConfigError(
                    "scoringStrategy.requestedToCapacityRatio.shape",
                    "at least one point must be specified",
                )
            last = -1
            for i, pt in enumerate(raw):
                u, s = int(pt.get("utilization", 0)), int(pt.get("score", 0))
                if not 0 <= u <= 100 or u <= last:
                    raise ConfigError(
                        f"scoringStrategy.requestedToCapacityRatio.shape[{i}].utilization",
                        "utilization values must be sorted in increasing order and within 0..100",
                    )
                if not 0 <= s <= MAX_CUSTOM_PRIORITY_SCORE:
                    raise ConfigError(
                        f"scoringStrategy.requestedToCapacityRatio.shape[{i}].score",
                        "score must be within 0..10",
                    )
                last = u
                self.shape.append((u, s * (MAX_NODE_SCORE // MAX_CUSTOM_PRIORITY_SCORE)))

    def _skip(self, name: str) -> bool:
        if name in self.ignored:
            return True
        return "/" in name and name.split("/", 1)[0] in self.ignored_groups

    def _checks(self, sh: Any) -> list[tuple[str, int]]:
        """The (resource, amount) pairs fitsRequest checks for this pod shape, in its order
        (cpu, memory, ephemeral-storage, then scalars by name); memoized per shape."""
        checks = self._checks_by_shape.get(sh.key)
        if checks is None:
            reqs = sorted(
                sh.requests.items(),
                key=lambda kv: (
                    kv[0] not in BASE_RESOURCES,
                    BASE_RESOURCES.index(kv[0]) if kv[0] in BASE_RESOURCES else 0,
                    kv[0],
                ),
            )
            checks = [
                (name, amount)
                for name, amount in reqs
                if amount > 0 and not (_is_scalar(name) and self._skip(name))
            ]
            if len(self._checks_by_shape) >= MAX_MEMO_SHAPES:
                self._checks_by_shape.clear()
            self._checks_by_shape[sh.key] = checks
        return checks

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> NodeVerdicts:
        n = len(slots)
        num_pods = snap.num_pods[slots]
        extra = state.nominated
        if extra is not None:
            num_pods = num_pods + extra[1][slots]
        bits = (num_pods + 1 > snap.allowed_pods[slots]).astype(np.int64)
        names = ["pods"]
        for name, amount in self._checks(pod.shape):
            col = snap.col.get(name)
            if col is None:
                short: Any = np.full(n, amount > 0)
            else:
                have = snap.req[:, col][slots]
                if extra is not None and col < extra[0].shape[1]:
                    have = have + extra[0][slots, col]
                short = amount > snap.alloc[:, col][slots] - have
            bits |= short.astype(np.int64) << len(names)
            names.append(name)
        if not bits.any():
            return NodeVerdicts(np.zeros(n, np.int8), np.zeros(n, np.int32), [()])
        uniq, ids = np.unique(bits, return_inverse=True)
        table = [
            tuple(
                ("Too many pods" if i == 0 else f"Insufficient {names[i]}")
                for i in range(len(names))
                if int(b) >> i & 1
            )
            for b in uniq.tolist()
        ]
        codes = np.where(bits > 0, 1, 0).astype(np.int8)  # Unschedulable, as fit.go in 1.32
        return NodeVerdicts(codes, ids.astype(np.int32).reshape(-1), table)

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> np.ndarray:
        if self.strategy == "LeastAllocated":
            cols = _columns(snap, pod, slots, self.names, use_requested=False)
            return least_allocated(cols, self.weights, len(slots))
        alloc, req = _alloc_and_requested(snap, pod, slots, self.names, use_requested=False)
        if self.strategy == "MostAllocated":
            return most_allocated(alloc, req, self.weights)
        return requested_to_capacity_ratio(self.shape, alloc, req, self.weights)

    def events_to_register(self) -> tuple[str, ...]:
        return ("Node/Add", "Node/Update", "Pod/Delete", "Pod/Update")


@register_plugin("NodeResourcesBalancedAllocation")
class NodeResourcesBalancedAllocation(Plugin):
    node_local = True
    scores_in_range = True

    def __init__(self, args: dict[str, Any] | None = None, handle: Any = None):
        super().__init__(args, handle)
        self.names = [n for n, _ in _resources(self.args.get("resources"), "resources")]

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> np.ndarray:
        if len(self.names) == 2:
            return self._score_two(snap, pod, slots)
        return self._score_any(snap, pod, slots)

    def _score_any(self, snap: Snapshot, pod: PodInfo, slots: np.ndarray) -> np.ndarray:
        """balanced_allocation.go balancedResourceScorer for any number of resources: per
        node, (1 - the standard deviation of the requested fractions of the resources it
        has) * 100 (|f0 - f1| / 2 for two)."""
        alloc, req = _alloc_and_requested(snap, pod, slots, self.names, use_requested=True)
        valid = alloc > 0
        frac = np.where(valid, np.minimum(req / np.maximum(alloc, 1), 1.0), 0.0)
        std = np.zeros(len(slots))
        for i in range(len(slots)):
            f = frac[i][valid[i]]
            if len(f) == 2:
                std[i] = abs(f[0] - f[1]) / 2
            elif len(f) > 2:
                std[i] = float(np.sqrt(((f - f.mean()) ** 2).sum() / len(f)))
        return ((1 - std) * MAX_NODE_SCORE).astype(np.int64)

    def _score_two(self, snap: Snapshot, pod: PodInfo, slots: np.ndarray) -> np.ndarray:
        """`_score_any` for two resources, column by column: (1 - |f0 - f1| / 2) * 100 where
        both resources count, 100 elsewhere (tests/scheduler/test_fit.py holds the two alike)."""
        fracs: list[Any] = [None, None]
        for j, a, r in _columns(snap, pod, slots, self.names, use_requested=True):
            valid = a > 0
            fracs[j] = (valid, np.where(valid, np.minimum(r / np.maximum(a, 1), 1.0), 0.0))
        if fracs[0] is None or fracs[1] is None:
            return np.full(len(slots), MAX_NODE_SCORE, np.int64)
        (v0, f0), (v1, f1) = fracs
        std = np.where(v0 & v1, np.abs(f0 - f1) / 2, 0.0)
        return ((1 - std) * MAX_NODE_SCORE).astype(np.int64)

    def events_to_register(self) -> tuple[str, ...]:
        return ()
