"""The scheduling algorithm (schedulePod) over one profile's framework: PreFilter, the filters
over as many nodes as upstream visits, the scores of the feasible ones, selectHost.

Follows pkg/scheduler/schedule_one.go (schedulePod, findNodesThatFitPod, evaluateNominatedNode,
numFeasibleNodesToFind, findNodesThatPassFilters, prioritizeNodes, selectHost), functions of
the scheduler there and functions of the profile's `Framework` here; the framework itself, its
plugins and running them (pkg/scheduler/framework/runtime/framework.go), is `Framework` in
runtime.py (re-exported here), the diagnosis of a cycle that found no node (framework/types.go)
is in diagnosis.py.

The scheduling algorithm is upstream's, evaluated over numpy arrays: every filter runs on the
candidate nodes that all earlier filters passed (so each rejected node carries the status of
the first plugin that rejected it, as upstream's per-node loop stops there), then the first
`numFeasibleNodesToFind` feasible nodes in node-tree order from the rotating start index are
kept, exactly the nodes upstream's loop would have found, and only those are scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scheduler.diagnosis import Diagnosis
from sim.scheduler.incremental import find_feasible
from sim.scheduler.interface import CycleState
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.runtime import Framework, NoOp, ProfileHandle, SchedulingError
from sim.scheduler.snapshot import Snapshot

__all__ = [
    "Diagnosis",
    "Framework",
    "NoOp",
    "ProfileHandle",
    "ScheduleResult",
    "SchedulingError",
    "find_nodes_that_pass_filters",
    "num_feasible_nodes_to_find",
    "schedule_pod",
]

MIN_FEASIBLE_NODES_TO_FIND = 100  # schedule_one.go
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50


def num_feasible_nodes_to_find(percentage: int | None, num_all_nodes: int) -> int:
    """schedule_one.go numFeasibleNodesToFind: all nodes below 100; else the percentage
    (adaptive when 0: 50 - nodes/125, at least 5) of the nodes, at least 100."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    pct = percentage or 0
    if pct >= 100:
        return num_all_nodes
    if pct <= 0:
        pct = BASE_PERCENTAGE_OF_NODES_TO_SCORE - num_all_nodes // 125
        if pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND:
            pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND
    n = num_all_nodes * pct // 100
    return max(n, MIN_FEASIBLE_NODES_TO_FIND)


@dataclass
class ScheduleResult:
    node: str | None
    feasible: int
    evaluated: int
    processed: int
    diagnosis: Diagnosis | None = None
    feasible_slots: np.ndarray | None = None
    totals: np.ndarray | None = None
    score_names: tuple[str, ...] = ()
    score_rows: np.ndarray | None = None  # normalized scores, one row per name in score_names
    state: CycleState | None = None
    selected: int = -1  # index of `node` in feasible_slots, when scored


def schedule_pod(
    fwk: Framework,
    pod: PodInfo,
    snap: Snapshot,
    *,
    start_index: int = 0,
    rng: Any = None,
    nominated_node: str = "",
    state: CycleState | None = None,
) -> ScheduleResult:
    """schedule_one.go schedulePod: a node name for `pod` in `snap` under the profile's
    framework `fwk`, or a diagnosis of why none fits."""
    state = state or CycleState()
    diag: Diagnosis | None
    order = snap.order()
    if len(order) == 0:
        diag = Diagnosis(
            snap,
            order,
            np.zeros(0, np.int8),
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            [],
            [],
            0,
        )
        return ScheduleResult(None, 0, 0, 0, diag, state=state)
    allowed, st = fwk.run_pre_filter(state, pod, snap)
    if not st.is_success():
        diag = Diagnosis(
            snap,
            order,
            np.zeros(0, np.int8),
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            [],
            [],
            snap.num_nodes,
        )
        diag.prefilter_status = st
        diag.prefilter_msg = st.message
        diag.unschedulable_plugins.add(st.plugin)
        return ScheduleResult(None, 0, 0, 0, diag, state=state)
    cands = order
    if allowed is not None:
        slots = [snap.by_name[n] for n in allowed if n in snap.by_name]
        keep = np.isin(order, np.array(slots, dtype=np.int64))
        cands = order[keep]
    if nominated_node and nominated_node in snap.by_name:
        slot = snap.by_name[nominated_node]
        if allowed is None or nominated_node in allowed:
            d, _ = fwk.filter_slots(state, pod, snap, np.array([slot], dtype=np.int64))
            if d.codes[0] == 0:
                return ScheduleResult(nominated_node, 1, 1, 0, d, np.array([slot]), state=state)
    n = len(cands)
    want = num_feasible_nodes_to_find(fwk.percentage, n)
    start = start_index % n if n else 0
    found = None
    if allowed is None and fwk.incremental:
        found = find_feasible(fwk, state, pod, snap, start, want, find_nodes_that_pass_filters)
    window = None
    diag = None  # a cycle that found nodes needs no diagnosis
    if found is not None:
        feasible, processed, window = found
    else:
        rotated = np.concatenate([cands[start:], cands[:start]]) if start else cands
        feasible, processed, diag = find_nodes_that_pass_filters(
            fwk, state, pod, snap, rotated, want
        )
        if len(feasible) == 0:
            return ScheduleResult(None, 0, n, processed, diag, state=state)
    if len(feasible) == 1:
        name = snap.nodes[int(feasible[0])].name  # type: ignore[union-attr]
        return ScheduleResult(name, 1, processed, processed, diag, feasible, state=state)
    plan, matrix = fwk.score_matrix(state, pod, snap, feasible, window=window)
    totals = plan.weights @ matrix
    # argmax and nonzero are C calls; max() and flatnonzero go through Python wrappers
    ties = (totals == totals[totals.argmax()]).nonzero()[0]
    pick = int(ties[0]) if len(ties) == 1 or rng is None else int(ties[rng.integers(0, len(ties))])
    name = snap.nodes[int(feasible[pick])].name  # type: ignore[union-attr]
    return ScheduleResult(
        name,
        len(feasible),
        processed,
        processed,
        diag,
        feasible,
        totals,
        plan.names,
        matrix,
        state,
        pick,
    )


def find_nodes_that_pass_filters(
    fwk: Framework,
    state: CycleState,
    pod: PodInfo,
    snap: Snapshot,
    rotated: np.ndarray,
    want: int,
    *,
    plugins: list[Any] | None = None,
    diagnose: bool = True,
) -> tuple[np.ndarray, int, Diagnosis | None]:
    """findNodesThatPassFilters: the first `want` feasible nodes in rotated order. Filters
    run on chunks (a little more than `want` nodes, then doubling), so a large cluster
    pays for the nodes upstream's loop would visit, not for all of them. Only when nothing
    fits is there a diagnosis (every node filtered for it), unless not `diagnose`."""
    n = len(rotated)
    parts: list[np.ndarray] = []
    found = 0
    pos = 0
    size = max(want + want // 4 + 16, 64)
    diag: Diagnosis | None = None
    processed = n
    while pos < n:
        sub = rotated[pos : pos + size]
        d, _ = fwk.filter_slots(state, pod, snap, sub, plugins=plugins)
        if pos == 0 and len(sub) == n:
            diag = d
        ok = (d.codes == 0).nonzero()[0]
        need = want - found
        if len(ok) >= need:
            parts.append(sub[ok[:need]])
            found = want
            processed = pos + int(ok[need - 1]) + 1
            break
        parts.append(sub[ok])
        found += len(ok)
        pos += len(sub)
        size *= 2
    feasible = np.concatenate(parts) if parts else rotated[:0]
    if not diagnose or found:
        return feasible, processed, None
    if diag is None:
        diag, _ = fwk.filter_slots(state, pod, snap, rotated)
    return feasible, processed, diag
