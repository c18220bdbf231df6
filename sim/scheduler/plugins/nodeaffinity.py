"""NodeAffinity: nodeSelector and required/preferred node affinity, plus the profile's
addedAffinity (pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go), evaluated over
the snapshot's per-label value codes (component-helpers/scheduling/corev1/nodeaffinity).

A NodeSelector matches a node if any term matches; a term matches if all its expressions and
fields do; a term with neither matches nothing. `Gt`/`Lt` compare integers; a label that is
not an integer never matches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.scheduler.config import ConfigError
from sim.scheduler.interface import (
    CycleState,
    NodeVerdicts,
    Plugin,
    passing,
    register_plugin,
    verdicts,
)
from sim.scheduler.plugins.basic import default_normalize
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import SKIP_STATUS, Status, unresolvable

ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
ERR_REASON_CONFLICT = "pod affinity terms conflict"


def _int(text: Any) -> int | None:
    try:
        return int(str(text), 10)
    except ValueError:
        return None


def _label_numbers(snap: Snapshot, key: str) -> np.ndarray:
    names = snap.label_names.get(key, [])
    out = np.full(len(names) + 1, np.nan)
    for i, v in enumerate(names):
        n = _int(v)
        if n is not None:
            out[i] = n
    return out


_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def expression_mask(snap: Snapshot, req: Mapping[str, Any], slots: np.ndarray) -> np.ndarray:
    """One NodeSelectorRequirement; an invalid value makes its term match nothing, as
    nodeSelectorRequirementsAsSelector's error does."""
    key = str(req.get("key", ""))
    op = req.get("operator")
    values = [str(v) for v in req.get("values") or ()]
    if op in ("In", "NotIn") and any(len(v) > 63 or not _LABEL_VALUE.match(v) for v in values):
        return np.zeros(len(slots), bool)
    codes = snap.codes(key)[slots]
    if op in ("In", "NotIn"):
        table = snap.label_values.get(key, {})
        wanted = np.array([table[v] for v in values if v in table], dtype=np.int32)
        hit = np.isin(codes, wanted)
        return hit if op == "In" else ~hit
    if op == "Exists":
        return codes >= 0
    if op == "DoesNotExist":
        return codes < 0
    if op in ("Gt", "Lt"):
        bound = _int(values[0]) if len(values) == 1 else None
        if bound is None:
            return np.zeros(len(slots), bool)
        nums = _label_numbers(snap, key)[np.where(codes >= 0, codes, -1)]
        with np.errstate(invalid="ignore"):
            res = nums > bound if op == "Gt" else nums < bound
        return res & (codes >= 0)
    return np.zeros(len(slots), bool)


def field_mask(snap: Snapshot, req: Mapping[str, Any], slots: np.ndarray) -> np.ndarray:
    if req.get("key") != "metadata.name":
        return np.zeros(len(slots), bool)
    wanted = np.array(
        [snap.by_name[v] for v in req.get("values") or () if v in snap.by_name], dtype=np.int64
    )
    hit = np.isin(slots, wanted)
    if req.get("operator") == "In":
        return hit
    if req.get("operator") == "NotIn":
        return ~hit
    return np.zeros(len(slots), bool)


def term_mask(snap: Snapshot, term: Mapping[str, Any], slots: np.ndarray) -> np.ndarray:
    exprs = term.get("matchExpressions") or ()
    fields = term.get("matchFields") or ()
    if not exprs and not fields:
        return np.zeros(len(slots), bool)
    mask = np.ones(len(slots), bool)
    for e in exprs:
        mask &= expression_mask(snap, e, slots)
    for f in fields:
        mask &= field_mask(snap, f, slots)
    return mask


def node_selector_mask(
    snap: Snapshot, terms: Sequence[Mapping[str, Any]], slots: np.ndarray
) -> np.ndarray:
    mask = np.zeros(len(slots), bool)
    for t in terms:
        mask |= term_mask(snap, t, slots)
    return mask


def required_node_affinity_mask(snap: Snapshot, pod: PodInfo, slots: np.ndarray) -> np.ndarray:
    """nodeaffinity.GetRequiredNodeAffinity(pod).Match: nodeSelector AND required terms;
    cached per pod shape until node labels change."""

    def compute(all_slots: np.ndarray) -> np.ndarray:
        mask = np.ones(len(all_slots), bool)
        for k, v in pod.shape.node_selector.items():
            mask &= expression_mask(snap, {"key": k, "operator": "In", "values": [v]}, all_slots)
        if pod.shape.required_node_affinity is not None:
            mask &= node_selector_mask(snap, pod.shape.required_node_affinity, all_slots)
        return mask

    if not pod.shape.node_selector and pod.shape.required_node_affinity is None:
        return np.ones(len(slots), bool)
    return snap.static_mask(pod.shape, "required_node_affinity", compute, slots)


def preferred_score(
    snap: Snapshot, terms: Sequence[tuple[int, Mapping[str, Any]]], slots: np.ndarray
) -> np.ndarray:
    score = np.zeros(len(slots), np.int64)
    for weight, pref in terms:
        if weight == 0:
            continue
        score += weight * term_mask(snap, pref, slots)
    return score


@register_plugin("NodeAffinity")
class NodeAffinity(Plugin):
    node_local = True
    reads_pods_on_node = False

    def __init__(self, args: dict[str, Any] | None = None, handle: Any = None):
        super().__init__(args, handle)
        added = self.args.get("addedAffinity") or {}
        if not isinstance(added, Mapping):
            raise ConfigError("addedAffinity", "expected a NodeAffinity")
        req = added.get("requiredDuringSchedulingIgnoredDuringExecution")
        self.added_required = (
            list((req or {}).get("nodeSelectorTerms") or []) if req is not None else None
        )
        self.added_preferred = [
            (int(t.get("weight", 0)), t.get("preference") or {})
            for t in added.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        ]

    def pre_filter(
        self, state: CycleState, pod: PodInfo, snap: Snapshot
    ) -> tuple[set[str] | None, Status | None]:
        sh = pod.shape
        if (
            sh.required_node_affinity is None
            and self.added_required is None
            and not sh.node_selector
        ):
            return None, SKIP_STATUS
        terms = sh.required_node_affinity
        if not terms:
            return None, None
        names: set[str] | None = None
        for t in terms:
            term_names: set[str] | None = None
            for f in t.get("matchFields") or ():
                if f.get("key") == "metadata.name" and f.get("operator") == "In":
                    s = set(f.get("values") or ())
                    term_names = s if term_names is None else term_names & s
            if term_names is None:
                return None, None
            names = term_names if names is None else names | term_names
        if names is not None and not names:
            return None, unresolvable(ERR_REASON_CONFLICT)
        return names, None

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> NodeVerdicts:
        codes = np.zeros(len(slots), np.int8)
        ids = np.zeros(len(slots), np.int32)
        if self.added_required is not None:
            enforced = node_selector_mask(snap, self.added_required, slots)
            codes[~enforced] = 2
            ids[~enforced] = 1
        if pod.shape.node_selector or pod.shape.required_node_affinity is not None:
            ok = required_node_affinity_mask(snap, pod, slots)
            fail = ~ok & (codes == 0)
            codes[fail] = 2
            ids[fail] = 2
        return NodeVerdicts(codes, ids, [(), (ERR_REASON_ENFORCED,), (ERR_REASON_POD,)])

    def pre_score(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> Status | None:
        if not pod.shape.preferred_node_affinity and not self.added_preferred:
            return SKIP_STATUS
        return None

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> np.ndarray:
        score = preferred_score(snap, self.added_preferred, slots)
        return score + preferred_score(snap, pod.shape.preferred_node_affinity, slots)

    def normalize_score(self, state: CycleState, pod: PodInfo, scores: np.ndarray) -> None:
        default_normalize(scores, reverse=False)

    def events_to_register(self) -> tuple[str, ...]:
        return ("Node/Add", "Node/Update", "Pod/Update")


__all__ = ["NodeAffinity", "passing", "verdicts", "required_node_affinity_mask"]
