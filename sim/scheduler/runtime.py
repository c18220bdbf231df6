"""One profile's framework runtime: its plugins per extension point, and running them (PreEnqueue,
PreFilter, Filter over candidate nodes, PreScore, Score with normalization and weights).

Follows pkg/scheduler/framework/runtime/framework.go (NewFramework, expandMultiPointPlugins,
getScoreWeights, RunPreFilterPlugins, RunFilterPlugins, RunScorePlugins). Filters run on the
candidate nodes that all earlier filters passed, so each rejected node carries the status of
the first plugin that rejected it, as upstream's per-node loop stops there. The scheduling
algorithm over a framework (schedulePod) is in framework.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.scheduler.config import EXTENSION_POINTS, NO_OP_PLUGINS, ConfigError, Profile
from sim.scheduler.diagnosis import Diagnosis
from sim.scheduler.incremental import LocalScorers, Ring, is_node_local, raw_scores
from sim.scheduler.interface import MAX_NODE_SCORE, REGISTRY, CycleState, NodeVerdicts, implements
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import (
    ERROR,
    OK_STATUS,
    SKIP,
    UNRESOLVABLE,
    VECTOR_OF_CODE,
    Status,
)


class SchedulingError(RuntimeError):
    """A plugin returned Error: the cycle is aborted and the pod retried after backoff."""


class ProfileHandle:
    """What a plugin of one profile sees: the scheduler's handle plus its own framework."""

    def __init__(self, base: Any, framework: Framework):
        self._base = base
        self.framework = framework

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


class NoOp:
    """Volume plugins and others kubesim has nothing for: enabled by name, always pass."""

    def __init__(self, name: str):
        self.name = name


class Framework:
    """runtime.frameworkImpl, one profile's: see the module docstring. `handle` is what plugins get
    (snapshot, client, clock...)."""

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
        self.filter_splits: dict[
            tuple[frozenset[str], bool], tuple[list[Any], tuple[str, ...], list[Any]]
        ] = {}
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
                live = (codes == 0).nonzero()[0]
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

    def filter_split(self, state: CycleState) -> tuple[list[Any], tuple[str, ...], list[Any]]:
        """This cycle's filter plugins (not skipped, not no-ops) split into the node-local ones,
        their names, and the others; resolved once per (skipped set, nominated)."""
        key = (frozenset(state.skip_filter), state.nominated is None)
        parts = self.filter_splits.get(key)
        if parts is None:
            active = [
                pl
                for pl in self.filter_plugins
                if pl.name not in state.skip_filter and not isinstance(pl, NoOp)
            ]
            local = [pl for pl in active if is_node_local(pl, state)]
            other = [pl for pl in active if not is_node_local(pl, state)]
            parts = _remember(
                self.filter_splits, key, (local, tuple(pl.name for pl in local), other)
            )
        return parts

    # -- scoring ------------------------------------------------------------------------------
    def _score_plan(self, state: CycleState) -> _ScorePlan:
        """Which score plugins run this cycle, resolved once per (skipped set, nominated)."""
        key = (frozenset(state.skip_score), state.nominated is None)
        plan = self.score_plans.get(key)
        if plan is None:
            plan = _remember(self.score_plans, key, _ScorePlan(self, state))
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
            rows = raw_scores(self, plan.scorers, state, pod, *window)
        if rows is not None and plan.all_local:
            matrix = rows.take(slots, axis=1)  # 2-d fancy indexing costs 3x more
        else:
            matrix = np.empty((len(plan.active), len(slots)), np.int64)
            if rows is not None:
                matrix[plan.local_rows] = rows.take(slots, axis=1)
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

    def filter_one(self, state: CycleState, pod: PodInfo, snap: Snapshot, slot: int) -> Status:
        """All filters (after PreFilter, which the caller ran) on one node: the first rejection."""
        d, _ = self.filter_slots(state, pod, snap, np.array([slot], dtype=np.int64))
        return d.status_of_slot(0)


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    """`cache[key] = value`, the cache emptied first once it holds 64 entries (a profile has
    a handful of cycle kinds: skipped sets, with or without nominated pods)."""
    if len(cache) >= 64:
        cache.clear()
    cache[key] = value
    return value


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
        self.scorers = LocalScorers(self.local)
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
