"""One profile's framework: its plugins per extension point, and the scheduling algorithm.

Follows pkg/scheduler/framework/runtime/framework.go (NewFramework, expandMultiPointPlugins,
getScoreWeights, RunPreFilterPlugins, RunFilterPlugins, RunScorePlugins) and
pkg/scheduler/schedule_one.go (schedulePod, findNodesThatFitPod, evaluateNominatedNode,
numFeasibleNodesToFind, findNodesThatPassFilters, prioritizeNodes, selectHost).

The scheduling algorithm is upstream's, evaluated over numpy arrays: every filter runs on the
candidate nodes that all earlier filters passed (so each rejected node carries the status of
the first plugin that rejected it, as upstream's per-node loop stops there), then the first
`numFeasibleNodesToFind` feasible nodes in node-tree order from the rotating start index are
kept, exactly the nodes upstream's loop would have found, and only those are scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scheduler.config import EXTENSION_POINTS, NO_OP_PLUGINS, ConfigError, Profile
from sim.scheduler.incremental import Ring, find_feasible, is_node_local, raw_scores
from sim.scheduler.interface import MAX_NODE_SCORE, REGISTRY, CycleState, NodeVerdicts, implements
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import (
    CODE_OF_VECTOR,
    ERROR,
    OK_STATUS,
    SKIP,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    VECTOR_OF_CODE,
    Status,
    fit_error_message,
)

MIN_FEASIBLE_NODES_TO_FIND = 100  # schedule_one.go
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50


class SchedulingError(RuntimeError):
    """A plugin returned Error: the cycle is aborted and the pod retried after backoff."""


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


class ProfileHandle:
    """What a plugin of one profile sees: the scheduler's handle plus its own framework."""

    def __init__(self, base: Any, framework: Framework):
        self._base = base
        self.framework = framework

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


class NoOp:
    """Volume plugins and others kubesim has nothing for: enabled by name, always pass."""

    no_op = True

    def __init__(self, name: str):
        self.name = name


@dataclass
class Diagnosis:
    """Why nodes were rejected: per candidate slot the first rejecting plugin and its verdict."""

    snapshot: Snapshot
    slots: np.ndarray
    codes: np.ndarray
    plugin_idx: np.ndarray
    reason_ids: np.ndarray
    plugins: list[str]
    tables: list[list[tuple[str, ...]]]
    num_all_nodes: int
    prefilter_status: Status | None = None
    prefilter_msg: str = ""
    postfilter_msg: str = ""
    unschedulable_plugins: set[str] = field(default_factory=set)

    def status_of_slot(self, i: int) -> Status:
        code = int(self.codes[i])
        if code == 0:
            return OK_STATUS
        p = int(self.plugin_idx[i])
        return Status(
            CODE_OF_VECTOR[code], self.tables[p][int(self.reason_ids[i])], self.plugins[p]
        )

    def statuses(self) -> dict[str, Status]:
        """Per node name, the rejecting status (every node when PreFilter rejected)."""
        nodes = self.snapshot.nodes
        if self.prefilter_status is not None:
            return {ni.name: self.prefilter_status for ni in nodes if ni is not None}
        out: dict[str, Status] = {}
        for i in np.flatnonzero(self.codes):
            ni = nodes[int(self.slots[i])]
            assert ni is not None
            out[ni.name] = self.status_of_slot(int(i))
        return out

    def slots_with_code(self, code: str) -> np.ndarray:
        if self.prefilter_status is not None:
            return self.snapshot.order() if self.prefilter_status.code == code else self.slots[:0]
        return self.slots[self.codes == VECTOR_OF_CODE[code]]

    def message(self) -> str:
        if self.prefilter_status is not None:
            return fit_error_message(
                self.num_all_nodes, {}, self.prefilter_msg, self.postfilter_msg
            )
        counts: dict[str, int] = {}
        rejected = self.codes > 0
        for p, table in enumerate(self.tables):
            sel = rejected & (self.plugin_idx == p)
            if not sel.any():
                continue
            hist = np.bincount(self.reason_ids[sel], minlength=len(table))
            for rid in np.flatnonzero(hist):
                for r in table[int(rid)]:
                    counts[r] = counts.get(r, 0) + int(hist[rid])
        msg = f"0/{self.num_all_nodes} nodes are available:"
        if counts:
            msg += " " + ", ".join(sorted(f"{v} {k}" for k, v in counts.items())) + "."
        if self.postfilter_msg:
            msg += f" {self.postfilter_msg}."
        return msg


@dataclass
class ScheduleResult:
    node: str | None
    feasible: int
    evaluated: int
    processed: int
    diagnosis: Diagnosis | None = None
    feasible_slots: np.ndarray | None = None
    totals: np.ndarray | None = None
    plugin_scores: dict[str, np.ndarray] = field(default_factory=dict)
    state: CycleState | None = None
    selected: int = -1  # index of `node` in feasible_slots, when scored


class Framework:
    """See the module docstring. `handle` is what plugins get (snapshot, client, clock...)."""

    def __init__(
        self,
        profile: Profile,
        handle: Any,
        *,
        path: str = "profiles[0]",
        registry: Mapping[str, Any] | None = None,
        global_percentage: int | None = None,
    ):
        self.profile = profile
        self.name = profile.scheduler_name
        self.handle = ProfileHandle(handle, self)
        handle = self.handle
        registry = REGISTRY if registry is None else registry
        plugins: dict[str, Any] = {}
        names: list[tuple[str, str]] = []
        for point, ps in profile.plugins.items():
            for i, ref in enumerate(ps.enabled):
                names.append((ref.name, f"{path}.plugins.{point}.enabled[{i}].name"))
        for name, where in names:
            if name in plugins:
                continue
            factory = registry.get(name)
            if factory is None:
                if name in NO_OP_PLUGINS:
                    plugins[name] = NoOp(name)
                    continue
                raise ConfigError(where, f"unknown plugin {name!r}")
            try:
                plugins[name] = factory(profile.plugin_config.get(name, {}), handle)
            except ConfigError as e:
                raise ConfigError(f"{path}.pluginConfig[{name}].args.{e.path}", e.what) from None
            if not getattr(plugins[name], "name", ""):
                plugins[name].name = name
        self.plugins = plugins
        self.points: dict[str, list[Any]] = {}
        for point, methods in EXTENSION_POINTS:
            self.points[point] = self._expand(point, methods, path)
        self.weights: dict[str, int] = {}
        for ref in [*profile.plugins["score"].enabled, *profile.plugins["multiPoint"].enabled]:
            pl = plugins.get(ref.name)
            if (
                pl is None
                or not implements(pl, ("score", "score_nodes"))
                or ref.name in self.weights
            ):
                continue
            self.weights[ref.name] = ref.weight or 1
        for pl in self.points["score"]:
            self.weights.setdefault(pl.name, 1)
        self.percentage = (
            profile.percentage_of_nodes_to_score
            if profile.percentage_of_nodes_to_score is not None
            else global_percentage
        )
        self.filter_plugins = self.points["filter"]
        self.score_plugins = self.points["score"]
        # use the per-shape arrays of incremental.py where plugins allow (same results)
        self.incremental = True
        self.filter_split: dict[tuple[frozenset[str], bool], tuple[list[Any], list[Any]]] = {}
        self.score_plans: dict[tuple[frozenset[str], bool], _ScorePlan] = {}

    def _expand(self, point: str, methods: tuple[str, ...], path: str) -> list[Any]:
        """framework.go expandMultiPointPlugins: explicitly configured plugins that are also
        in MultiPoint first (in their own order), then the MultiPoint ones, then the rest."""
        ps = self.profile.plugins[point]
        specific = [r.name for r in ps.enabled]
        disabled = set(ps.disabled)
        for n in specific:
            if not implements(self.plugins[n], methods):
                raise ConfigError(
                    f"{path}.plugins.{point}", f"plugin {n!r} does not extend {point}"
                )
        if "*" in disabled:
            return [self.plugins[n] for n in dict.fromkeys(specific)]
        overrides: list[str] = []
        multi: list[str] = []
        for ref in self.profile.plugins["multiPoint"].enabled:
            pl = self.plugins[ref.name]
            if not implements(pl, methods) or ref.name in disabled:
                continue
            if ref.name in specific:
                overrides.append(ref.name)
                continue
            if ref.name in multi:
                raise ConfigError(
                    f"{path}.plugins.multiPoint", f"plugin {ref.name!r} already registered"
                )
            multi.append(ref.name)
        order = [n for n in specific if n in overrides] + multi
        order += [n for n in specific if n not in overrides]
        return [self.plugins[n] for n in dict.fromkeys(order)]

    # -- queue-side extension points -------------------------------------------------------
    def run_pre_enqueue(self, pod: PodInfo) -> Status:
        for pl in self.points["preEnqueue"]:
            st = pl.pre_enqueue(pod)
            if st is not None and not st.is_success():
                return st.with_plugin(pl.name)
        return OK_STATUS

    # -- filtering ----------------------------------------------------------------------------
    def run_pre_filter(
        self, state: CycleState, pod: PodInfo, snap: Snapshot
    ) -> tuple[set[str] | None, Status]:
        allowed: set[str] | None = None
        for pl in self.points["preFilter"]:
            names, st = pl.pre_filter(state, pod, snap)
            if st is not None and st.code == SKIP:
                state.skip_filter.add(pl.name)
                continue
            if st is not None and not st.is_success():
                if st.code == ERROR:
                    raise SchedulingError(f"running PreFilter plugin {pl.name!r}: {st.message}")
                return None, st.with_plugin(pl.name)
            if names is not None:
                allowed = set(names) if allowed is None else allowed & set(names)
                if not allowed:
                    return None, Status(
                        UNRESOLVABLE,
                        ("node(s) didn't satisfy plugin(s) [" + pl.name + "]",),
                        pl.name,
                    )
        return allowed, OK_STATUS

    def run_filter(
        self, pl: Any, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> NodeVerdicts:
        fn = getattr(pl, "filter_nodes", None)
        if fn is not None:
            return fn(state, pod, snap, slots)
        codes = np.zeros(len(slots), np.int8)
        ids = np.zeros(len(slots), np.int32)
        table: list[tuple[str, ...]] = [()]
        index: dict[tuple[str, ...], int] = {(): 0}
        for i, s in enumerate(slots.tolist()):
            st = pl.filter(state, pod, snap.nodes[s])
            if st is None or st.is_success():
                continue
            if st.code == ERROR:
                raise SchedulingError(f"running Filter plugin {pl.name!r}: {st.message}")
            codes[i] = VECTOR_OF_CODE.get(st.code, 1)
            rid = index.get(st.reasons)
            if rid is None:
                rid = index[st.reasons] = len(table)
                table.append(st.reasons)
            ids[i] = rid
        return NodeVerdicts(codes, ids, table)

    def filter_slots(
        self,
        state: CycleState,
        pod: PodInfo,
        snap: Snapshot,
        slots: np.ndarray,
        *,
        every: bool = False,
        plugins: list[Any] | None = None,
    ) -> tuple[Diagnosis, dict[str, NodeVerdicts]]:
        """Run the filters (or `plugins` of them) on `slots`. With `every`, each plugin sees
        every slot (explain)."""
        n = len(slots)
        codes = np.zeros(n, np.int8)
        pidx = np.full(n, -1, np.int32)
        rids = np.zeros(n, np.int32)
        names: list[str] = []
        tables: list[list[tuple[str, ...]]] = []
        per_plugin: dict[str, NodeVerdicts] = {}
        diag = Diagnosis(snap, slots, codes, pidx, rids, names, tables, snap.num_nodes)
        any_rejected = False
        for pl in self.filter_plugins if plugins is None else plugins:
            if pl.name in state.skip_filter or isinstance(pl, NoOp):
                continue
            if n == 0:
                break
            if every or not any_rejected:
                live = None  # every slot is still live: no index arrays to build
                v = self.run_filter(pl, state, pod, snap, slots)
            else:
                live = np.flatnonzero(codes == 0)
                if len(live) == 0:
                    break
                v = self.run_filter(pl, state, pod, snap, slots[live])
            if every:
                per_plugin[pl.name] = v
            rejected = v.codes > 0
            if not rejected.any():
                continue
            any_rejected = True
            if live is None:
                live = np.arange(n)
            p = len(names)
            names.append(pl.name)
            tables.append(v.table)
            diag.unschedulable_plugins.add(pl.name)
            first = rejected & (codes[live] == 0)
            tgt = live[first]
            codes[tgt] = v.codes[first]
            pidx[tgt] = p
            rids[tgt] = v.reason_ids[first]
        return diag, per_plugin

    # -- scoring ------------------------------------------------------------------------------
    def _score_plan(self, state: CycleState) -> _ScorePlan:
        """Which score plugins run this cycle, resolved once per (skipped set, nominated)."""
        key = (frozenset(state.skip_score), state.nominated is None)
        plan = self.score_plans.get(key)
        if plan is None:
            if len(self.score_plans) >= 64:
                self.score_plans.clear()
            plan = self.score_plans[key] = _ScorePlan(self, state)
        return plan

    def run_pre_score(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> None:
        for pl in self.points["preScore"]:
            st = pl.pre_score(state, pod, snap, slots)
            if st is not None and st.code == SKIP:
                state.skip_score.add(pl.name)
            elif st is not None and not st.is_success():
                raise SchedulingError(f"running PreScore plugin {pl.name!r}: {st.message}")

    def score_slots(
        self,
        state: CycleState,
        pod: PodInfo,
        snap: Snapshot,
        slots: np.ndarray,
        *,
        window: tuple[Ring, int] | None = None,
    ) -> dict[str, np.ndarray]:
        """Normalized (0..100, before weights) score per score plugin over `slots`. With a
        `window` (the ring, and how far from its start `slots` reach), node-local plugins'
        raw scores come from the per-shape arrays."""
        plan, matrix = self.score_matrix(state, pod, snap, slots, window=window)
        return dict(zip(plan.names, matrix, strict=True))

    def score_matrix(
        self,
        state: CycleState,
        pod: PodInfo,
        snap: Snapshot,
        slots: np.ndarray,
        *,
        window: tuple[Ring, int] | None = None,
    ) -> tuple[_ScorePlan, np.ndarray]:
        """score_slots as one (plugins x slots) int64 matrix, rows in `plan.names` order."""
        self.run_pre_score(state, pod, snap, slots)
        plan = self._score_plan(state)
        rows = None
        if window is not None and plan.local:
            rows = raw_scores(self, plan.local, state, pod, *window)
        if rows is not None and plan.all_local:
            matrix = rows[:, slots]
        else:
            matrix = np.empty((len(plan.active), len(slots)), np.int64)
            if rows is not None:
                matrix[plan.local_rows] = rows[:, slots]
            for i, pl in enumerate(plan.active):
                if rows is not None and plan.is_local[i]:
                    continue
                fn = getattr(pl, "score_nodes", None)
                if fn is not None:
                    matrix[i] = np.asarray(fn(state, pod, snap, slots), dtype=np.int64)
                else:
                    matrix[i] = [int(pl.score(state, pod, snap.nodes[s])) for s in slots.tolist()]
        for i, norm in plan.norms:
            norm(state, pod, matrix[i])
        if len(slots):
            for i in plan.checked:
                scores = matrix[i]
                if scores.max() > MAX_NODE_SCORE or scores.min() < 0:
                    raise SchedulingError(
                        f"plugin {plan.names[i]!r} returns an invalid score, it should in the range of [0, 100] after normalizing"
                    )
        return plan, matrix

    # -- the algorithm -----------------------------------------------------------------------
    def schedule(
        self,
        pod: PodInfo,
        snap: Snapshot,
        *,
        start_index: int = 0,
        rng: Any = None,
        nominated_node: str = "",
        state: CycleState | None = None,
    ) -> ScheduleResult:
        """schedule_one.go schedulePod: a node name, or a diagnosis of why none fits."""
        state = state or CycleState()
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
        allowed, st = self.run_pre_filter(state, pod, snap)
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
                d, _ = self.filter_slots(state, pod, snap, np.array([slot], dtype=np.int64))
                if d.codes[0] == 0:
                    return ScheduleResult(nominated_node, 1, 1, 0, d, np.array([slot]), state=state)
        n = len(cands)
        want = num_feasible_nodes_to_find(self.percentage, n)
        start = start_index % n if n else 0
        found = None
        if allowed is None and self.incremental:
            found = find_feasible(self, state, pod, snap, start, want)
        window = None
        if found is not None:
            feasible, processed, window = found
            diag = _empty_diagnosis(snap, order)
        else:
            rotated = np.concatenate([cands[start:], cands[:start]]) if start else cands
            feasible, processed, full_diag = self.find_nodes_that_pass_filters(
                state, pod, snap, rotated, want
            )
            assert full_diag is not None
            diag = full_diag
            if len(feasible) == 0:
                return ScheduleResult(None, 0, n, processed, diag, state=state)
        if len(feasible) == 1:
            name = snap.nodes[int(feasible[0])].name  # type: ignore[union-attr]
            return ScheduleResult(name, 1, processed, processed, diag, feasible, state=state)
        plan, matrix = self.score_matrix(state, pod, snap, feasible, window=window)
        scores = dict(zip(plan.names, matrix, strict=True))
        totals = plan.weights @ matrix
        ties = np.flatnonzero(totals == totals.max())
        pick = (
            int(ties[0]) if len(ties) == 1 or rng is None else int(ties[rng.integers(0, len(ties))])
        )
        name = snap.nodes[int(feasible[pick])].name  # type: ignore[union-attr]
        return ScheduleResult(
            name, len(feasible), processed, processed, diag, feasible, totals, scores, state, pick
        )

    def find_nodes_that_pass_filters(
        self,
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
        pays for the nodes upstream's loop would visit, not for all of them; when nothing
        fits, every node is filtered for the diagnosis (unless not `diagnose`)."""
        n = len(rotated)
        parts: list[np.ndarray] = []
        found = 0
        pos = 0
        size = max(want + want // 4 + 16, 64)
        diag: Diagnosis | None = None
        processed = n
        while pos < n:
            sub = rotated[pos : pos + size]
            d, _ = self.filter_slots(state, pod, snap, sub, plugins=plugins)
            if pos == 0 and len(sub) == n:
                diag = d
            ok = np.flatnonzero(d.codes == 0)
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
        if not diagnose:
            return feasible, processed, None
        if diag is None and found == 0:
            diag, _ = self.filter_slots(state, pod, snap, rotated)
        if diag is None:
            diag = _empty_diagnosis(snap, rotated)
        return feasible, processed, diag

    def filter_one(self, state: CycleState, pod: PodInfo, snap: Snapshot, slot: int) -> Status:
        """All filters (after PreFilter, which the caller ran) on one node: the first rejection."""
        d, _ = self.filter_slots(state, pod, snap, np.array([slot], dtype=np.int64))
        return d.status_of_slot(0)


class _ScorePlan:
    """One cycle's score plugins (those not skipped), which of them are node-local (their raw
    scores may come from the per-shape arrays), their normalizers, and their weights."""

    def __init__(self, fwk: Framework, state: CycleState):
        self.active = [
            pl
            for pl in fwk.score_plugins
            if pl.name not in state.skip_score and not isinstance(pl, NoOp)
        ]
        self.names = tuple(pl.name for pl in self.active)
        self.is_local = [
            is_node_local(pl, state) and hasattr(pl, "score_nodes") for pl in self.active
        ]
        self.local = [pl for pl, loc in zip(self.active, self.is_local, strict=True) if loc]
        self.local_rows = np.flatnonzero(np.array(self.is_local, bool))
        self.all_local = bool(self.active) and len(self.local) == len(self.active)
        self.norms = [
            (i, pl.normalize_score)
            for i, pl in enumerate(self.active)
            if getattr(pl, "normalize_score", None) is not None
        ]
        self.checked = [
            i for i, pl in enumerate(self.active) if not getattr(pl, "scores_in_range", False)
        ]
        self.weights = np.array([fwk.weights.get(n, 1) for n in self.names], np.int64)


_NONE_I8 = np.zeros(0, np.int8)
_NONE_I32 = np.zeros(0, np.int32)
_NONE_I8.flags.writeable = False
_NONE_I32.flags.writeable = False


def _empty_diagnosis(snap: Snapshot, slots: np.ndarray) -> Diagnosis:
    """The diagnosis of a cycle that found nodes without filtering all of them."""
    return Diagnosis(snap, slots[:0], _NONE_I8, _NONE_I32, _NONE_I32, [], [], snap.num_nodes)


def plugin_status_codes() -> tuple[str, ...]:
    return (UNSCHEDULABLE, UNRESOLVABLE)
