"""explain(): why a pod would (not) land on each node, from Kubernetes JSON.

`explain(pod, nodes, pods=(), config=None, objects=())` builds a fresh snapshot from the given
objects (no admission, no defaulting: what you pass is what the plugins read), runs one
scheduling cycle of the profile named by the pod's schedulerName (the first profile if none
matches) and reports every filter plugin's verdict on every node (not only the first
rejection, unlike the scheduler's own diagnosis), the normalized score of every score plugin
on the feasible nodes that percentageOfNodesToScore keeps, the weighted totals and the node
the scheduler would pick (ties: the first in node-tree order; the live scheduler picks
among ties at random with its seeded stream). When nothing fits, DefaultPreemption (if
enabled) is dry-run and its nominated node and victims are reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import sim.scheduler.plugins  # noqa: F401  (registers the in-tree plugins)
from sim.core.clock import epoch_seconds
from sim.scheduler.config import parse_configuration
from sim.scheduler.framework import Framework, num_feasible_nodes_to_find
from sim.scheduler.interface import CycleState
from sim.scheduler.podinfo import PodInfo, ShapeCache
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import CODE_OF_VECTOR, OK_STATUS, UNRESOLVABLE, Status


@dataclass
class Explanation:
    pod: str
    profile: str
    filters: dict[str, dict[str, Status]]
    scores: dict[str, dict[str, int]]
    total: dict[str, int]
    selected: str | None
    weights: dict[str, int]
    prefilter: dict[str, Status] = field(default_factory=dict)
    message: str = ""
    nominated_node: str | None = None
    victims: list[str] = field(default_factory=list)

    def feasible(self) -> list[str]:
        return [n for n, per in self.filters.items() if all(s.is_success() for s in per.values())]

    def table(self) -> str:
        """The filters, then the scores, as kubectl-style text tables."""
        out = [f"pod {self.pod} (profile {self.profile})"]
        for name, st in self.prefilter.items():
            if st.is_rejected():
                out.append(f"PreFilter {name}: {st.code} {st.message}")
        plugins = (
            sorted(
                {p for per in self.filters.values() for p in per},
                key=list(next(iter(self.filters.values()), {})).index,
            )
            if self.filters
            else []
        )
        rows = [["NODE", *plugins]]
        for node, per in self.filters.items():
            rows.append([node, *(_cell(per.get(p, OK_STATUS)) for p in plugins)])
        out.append("FILTERS")
        out.append(_render(rows))
        if self.scores:
            splugins = list(next(iter(self.scores.values())))
            rows = [["NODE", *(f"{p}(x{self.weights.get(p, 1)})" for p in splugins), "TOTAL"]]
            for node, scores in self.scores.items():
                rows.append([node, *(str(scores[p]) for p in splugins), str(self.total[node])])
            out.append("SCORES (normalized, before weights)")
            out.append(_render(rows))
        if self.selected:
            out.append(f"selected: {self.selected}")
        else:
            out.append(f"unschedulable: {self.message}")
            if self.nominated_node:
                out.append(
                    f"preemption: nominate {self.nominated_node}, evict {', '.join(self.victims)}"
                )
        return "\n".join(out) + "\n"


def _cell(st: Status) -> str:
    if st.is_success():
        return "ok"
    short = "Unresolvable" if st.code == UNRESOLVABLE else st.code
    return f"{short}: {st.message}"


def _render(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "   ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


class _Handle:
    client = None
    preemption_rng = None

    # preemption orders victims by status.startTime (util.GetPodStartTime) in explain as in
    # the running scheduler
    seconds_of = staticmethod(epoch_seconds)


def build_snapshot(
    nodes: Iterable[Mapping[str, Any]],
    pods: Iterable[Mapping[str, Any]],
    objects: Iterable[Mapping[str, Any]] = (),
    shapes: ShapeCache | None = None,
) -> Snapshot:
    """A snapshot of `nodes`, the bound ones of `pods` (their shapes from `shapes`, a new
    cache by default) and the namespaces, services and replicasets among `objects`."""
    shapes = ShapeCache() if shapes is None else shapes
    snap = Snapshot()
    for n in nodes:
        snap.add_node(n)
    for p in pods:
        info = PodInfo(p, shapes)
        if info.node_name:
            snap.add_pod(info)
    for o in objects:
        kind = o.get("kind")
        meta = o.get("metadata") or {}
        if kind == "Namespace":
            snap.namespaces[str(meta.get("name"))] = meta.get("labels") or {}
        elif kind == "Service":
            snap.services.append(o)
        elif kind == "ReplicaSet":
            snap.replicasets[f"{meta.get('namespace', 'default')}/{meta.get('name')}"] = o
    return snap


def explain(
    pod: Mapping[str, Any],
    nodes: Iterable[Mapping[str, Any]],
    pods: Iterable[Mapping[str, Any]] = (),
    config: Mapping[str, Any] | None = None,
    objects: Iterable[Mapping[str, Any]] = (),
) -> Explanation:
    """See the module docstring. Raises ConfigError (a ValueError) for a bad config."""
    cfg = parse_configuration(config)
    shapes = ShapeCache()
    info = PodInfo(pod, shapes)
    profile = next(
        (p for p in cfg.profiles if p.scheduler_name == info.scheduler_name), cfg.profiles[0]
    )
    fwk = Framework(profile, _Handle(), global_percentage=cfg.percentage_of_nodes_to_score)
    snap = build_snapshot(nodes, pods, objects, shapes)
    state = CycleState()
    order = snap.order()
    names = [snap.nodes[int(s)].name for s in order]  # type: ignore[union-attr]
    filters: dict[str, dict[str, Status]] = {n: {} for n in names}
    prefilter: dict[str, Status] = {}
    allowed: set[str] | None = None
    rejected: Status | None = None
    for pl in fwk.points["preFilter"]:
        got, st = pl.pre_filter(state, info, snap)
        st = st or OK_STATUS
        prefilter[pl.name] = st.with_plugin(pl.name)
        if st.is_skip():
            state.skip_filter.add(pl.name)
        elif not st.is_success() and rejected is None:
            rejected = st.with_plugin(pl.name)
        elif got is not None:
            allowed = set(got) if allowed is None else allowed & set(got)
    result = Explanation(
        info.key, profile.scheduler_name, filters, {}, {}, None, dict(fwk.weights), prefilter
    )
    if rejected is not None:
        for n in names:
            filters[n][rejected.plugin] = rejected
        result.message = f"0/{len(names)} nodes are available: {rejected.message}."
        return result
    cand = order
    keep = np.ones(len(order), bool)
    if allowed is not None:
        keep = np.array([n in allowed for n in names], bool)
        absent = Status(UNRESOLVABLE, ("node(s) didn't satisfy plugin(s) [PreFilter]",))
        for n in np.array(names)[~keep].tolist():
            filters[n]["PreFilter"] = absent
    diag, per_plugin = fwk.filter_slots(state, info, snap, cand, every=True)
    for pname, v in per_plugin.items():
        for i, s in enumerate(cand.tolist()):
            code = int(v.codes[i])
            st = (
                OK_STATUS
                if code == 0
                else Status(CODE_OF_VECTOR[code], v.table[int(v.reason_ids[i])], pname)
            )
            filters[snap.nodes[s].name][pname] = st  # type: ignore[union-attr]
    for pl in fwk.filter_plugins:
        if pl.name in state.skip_filter:
            for s in cand.tolist():
                filters[snap.nodes[s].name][pl.name] = OK_STATUS  # type: ignore[union-attr]
    order_of = {pl.name: i for i, pl in enumerate(fwk.filter_plugins)}
    for n in filters:
        filters[n] = dict(sorted(filters[n].items(), key=lambda kv: order_of.get(kv[0], -1)))
    diag.codes[~keep & (diag.codes == 0)] = 2
    ok = np.flatnonzero(diag.codes == 0)
    want = num_feasible_nodes_to_find(fwk.percentage, int(keep.sum()))
    feasible = cand[ok[:want]]
    if len(feasible) == 0:
        diag.num_all_nodes = len(names)
        post = fwk.points["postFilter"]
        for pl in post:
            node, st = pl.post_filter(state, info, diag)
            diag.postfilter_msg = st.message if not st.is_success() else ""
            if node:
                result.nominated_node = node
                victims = state.read("DefaultPreemption/victims")
                result.victims = [p.key for p in victims[1]] if victims else []
                break
        result.message = diag.message()
        return result
    scores = fwk.score_slots(state, info, snap, feasible)
    totals = np.zeros(len(feasible), np.int64)
    for pname, s in scores.items():
        totals += s * fwk.weights.get(pname, 1)
    for pl in fwk.score_plugins:
        if pl.name not in scores and hasattr(pl, "name"):
            scores[pl.name] = np.zeros(len(feasible), np.int64)
    for i, s in enumerate(feasible.tolist()):
        n = snap.nodes[s].name  # type: ignore[union-attr]
        result.scores[n] = {
            p: int(scores[p][i]) for p in [pl.name for pl in fwk.score_plugins] if p in scores
        }
        result.total[n] = int(totals[i])
    result.selected = snap.nodes[int(feasible[int(np.argmax(totals))])].name  # type: ignore[union-attr]
    return result
