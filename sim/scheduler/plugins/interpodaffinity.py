"""InterPodAffinity: required and preferred pod affinity and anti-affinity, both ways.

Follows pkg/scheduler/framework/plugins/interpodaffinity/ (filtering.go, scoring.go,
plugin.go). Counts per topology pair come from the snapshot's incremental counters: for the
incoming pod's terms, the pods matching each term per node (`pod_counts`); for existing pods'
terms, how many pods carrying each distinct term sit on each node (`term_counts`). A cycle
therefore costs one numpy pass per distinct term, whatever the number of pods.

Namespace selectors of the incoming pod's terms are resolved to namespace names first
(mergeAffinityTermNamespacesIfNotEmpty); existing pods' terms are matched against the incoming
pod's namespace labels. Filter order and reasons are upstream's: affinity
(UnschedulableAndUnresolvable), then the pod's anti-affinity, then existing pods'
anti-affinity (both Unschedulable). Scores are normalized min-max over the scored nodes.
"""

from __future__ import annotations

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
from sim.scheduler.podinfo import AffinityTerm, PodInfo
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import SKIP_STATUS, Status

ERR_EXISTING_ANTI = "node(s) didn't satisfy existing pods anti-affinity rules"
ERR_AFFINITY = "node(s) didn't match pod affinity rules"
ERR_ANTI = "node(s) didn't match pod anti-affinity rules"
STATE = "InterPodAffinity/prefilter"
SCORE_STATE = "InterPodAffinity/prescore"


def topology_values_with(snap: Snapshot, key: str, per_node: np.ndarray) -> np.ndarray:
    """Per value code of label `key`, the sum of `per_node` over nodes having that value."""
    codes = snap.codes(key)[: len(per_node)]
    nvals = len(snap.label_names.get(key, ()))
    has = codes >= 0
    return np.bincount(codes[has], weights=per_node[has], minlength=nvals).astype(np.int64)


def _per_slot(snap: Snapshot, key: str, per_value: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """per_value looked up for each slot's value of `key` (0 where the node lacks the key)."""
    codes = snap.codes(key)[slots]
    padded = np.append(per_value, 0)
    return padded[np.where(codes >= 0, codes, len(per_value))]


def matches_all(terms: tuple[AffinityTerm, ...], pod: PodInfo) -> bool:
    """podMatchesAllAffinityTerms (namespace labels nil, as upstream)."""
    return bool(terms) and all(t.matches(pod.namespace, pod.labels, None) for t in terms)


@register_plugin("InterPodAffinity")
class InterPodAffinity(Plugin):
    def __init__(self, args: dict[str, Any] | None = None, handle: Any = None):
        super().__init__(args, handle)
        w = self.args.get("hardPodAffinityWeight", 1)
        if not isinstance(w, int) or not 0 <= w <= 100:
            raise ConfigError("hardPodAffinityWeight", "not in valid range [0, 100]")
        self.hard_weight = w
        self.ignore_preferred_of_existing = bool(
            self.args.get("ignorePreferredTermsOfExistingPods")
        )

    def _resolve(self, snap: Snapshot, terms: tuple[AffinityTerm, ...]) -> list[AffinityTerm]:
        return [t.resolved(snap.namespaces_matching) for t in terms]

    def _counts(self, snap: Snapshot, term: AffinityTerm) -> np.ndarray:
        per_node = snap.pod_counts(term.namespace_key(), term.selector, False)
        return topology_values_with(snap, term.topology_key, per_node)

    # -- filter ------------------------------------------------------------------------------
    def pre_filter(
        self, state: CycleState, pod: PodInfo, snap: Snapshot
    ) -> tuple[None, Status | None]:
        sh = pod.shape
        existing = []
        if snap.counts.terms[
            "required_anti"
        ]:  # some existing pod has a required anti-affinity term
            ns_labels = snap.namespaces.get(pod.namespace)
            existing = [
                tc
                for tc in snap.term_counts("required_anti")
                if tc.term.matches(pod.namespace, pod.labels, ns_labels)
            ]
        if not existing and not sh.required_affinity and not sh.required_anti_affinity:
            return None, SKIP_STATUS
        aff = self._resolve(snap, sh.required_affinity)
        anti = self._resolve(snap, sh.required_anti_affinity)
        # affinity counts only count pods matching *all* the terms (podMatchesAllAffinityTerms)
        aff_counts: list[np.ndarray] = []
        if aff:
            both = np.ones(snap.cap, np.int64)
            per_term = [snap.pod_counts(t.namespace_key(), t.selector, False) for t in aff]
            if len(per_term) == 1:
                both = per_term[0]
            else:
                both = self._all_terms_counts(snap, aff)
            aff_counts = [topology_values_with(snap, t.topology_key, both) for t in aff]
        anti_counts = [self._counts(snap, t) for t in anti]
        existing_blocked: dict[str, np.ndarray] = {}
        for tc in existing:
            key = tc.term.topology_key
            per = topology_values_with(snap, key, tc.counts)
            existing_blocked[key] = existing_blocked.get(key, 0) + per
        state.write(STATE, (aff, aff_counts, anti, anti_counts, existing_blocked))
        return None, None

    @staticmethod
    def _all_terms_counts(snap: Snapshot, terms: list[AffinityTerm]) -> np.ndarray:
        out = np.zeros(snap.cap, np.int64)
        for slot, p in snap.pods.values():
            if slot >= 0 and all(t.matches(p.namespace, p.labels, None) for t in terms):
                out[slot] += 1
        return out

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> NodeVerdicts:
        aff, aff_counts, anti, anti_counts, existing_blocked = state.read(STATE)
        n = len(slots)
        codes = np.zeros(n, np.int8)
        ids = np.zeros(n, np.int32)
        if aff:
            exist = np.ones(n, bool)
            missing_key = np.zeros(n, bool)
            for t, counts in zip(aff, aff_counts, strict=True):
                has_key = snap.codes(t.topology_key)[slots] >= 0
                missing_key |= ~has_key
                exist &= _per_slot(snap, t.topology_key, counts, slots) > 0
            no_pods_anywhere = all(int(c.sum()) == 0 for c in aff_counts)
            if no_pods_anywhere and matches_all(tuple(aff), pod):
                exist[:] = True  # the first pod of a group that matches its own affinity
            fail = missing_key | ~exist
            codes[fail] = 2
            ids[fail] = 1
        for t, counts in zip(anti, anti_counts, strict=True):
            fail = (_per_slot(snap, t.topology_key, counts, slots) > 0) & (codes == 0)
            codes[fail] = 1
            ids[fail] = 2
        for key, counts in existing_blocked.items():
            fail = (_per_slot(snap, key, counts, slots) > 0) & (codes == 0)
            codes[fail] = 1
            ids[fail] = 3
        return NodeVerdicts(codes, ids, [(), (ERR_AFFINITY,), (ERR_ANTI,), (ERR_EXISTING_ANTI,)])

    # -- score -------------------------------------------------------------------------------
    def pre_score(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> Status | None:
        sh = pod.shape
        has_constraints = bool(sh.preferred_affinity or sh.preferred_anti_affinity)
        if self.ignore_preferred_of_existing and not has_constraints:
            return SKIP_STATUS
        terms = snap.counts.terms
        if not (
            has_constraints
            or (self.hard_weight > 0 and terms["required_affinity"])
            or terms["preferred_affinity"]
            or terms["preferred_anti"]
        ):
            return SKIP_STATUS  # no term of the pod's or of any existing pod: nothing found
        ns_labels = snap.namespaces.get(pod.namespace)
        topo: dict[str, np.ndarray] = {}
        found = False

        def add(key: str, per_node: np.ndarray, mult: int) -> None:
            nonlocal found
            if not per_node.any():
                return
            found = True
            v = topology_values_with(snap, key, per_node) * mult
            topo[key] = topo[key] + v if key in topo else v

        for weight, term in sh.preferred_affinity:
            t = term.resolved(snap.namespaces_matching)
            add(t.topology_key, snap.pod_counts(t.namespace_key(), t.selector, False) * weight, 1)
        for weight, term in sh.preferred_anti_affinity:
            t = term.resolved(snap.namespaces_matching)
            add(t.topology_key, snap.pod_counts(t.namespace_key(), t.selector, False) * weight, -1)
        if self.hard_weight > 0:
            for tc in snap.term_counts("required_affinity"):
                if tc.term.matches(pod.namespace, pod.labels, ns_labels):
                    add(tc.term.topology_key, tc.counts * self.hard_weight, 1)
        if not self.ignore_preferred_of_existing:
            for kind, mult in (("preferred_affinity", 1), ("preferred_anti", -1)):
                for tc in snap.term_counts(kind):
                    if tc.term.matches(pod.namespace, pod.labels, ns_labels):
                        add(tc.term.topology_key, tc.counts * tc.weight, mult)
        if not found:
            return SKIP_STATUS
        state.write(SCORE_STATE, topo)
        return None

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> np.ndarray:
        topo: dict[str, np.ndarray] = state.read(SCORE_STATE) or {}
        score = np.zeros(len(slots), np.int64)
        for key, per_value in topo.items():
            score += _per_slot(snap, key, per_value, slots)
        return score

    def normalize_score(self, state: CycleState, pod: PodInfo, scores: np.ndarray) -> None:
        if not state.read(SCORE_STATE) or not len(scores):
            return
        lo, hi = int(scores.min()), int(scores.max())
        if hi - lo > 0:
            scores[:] = (MAX_NODE_SCORE * ((scores - lo) / (hi - lo))).astype(np.int64)
        else:
            scores[:] = 0

    def events_to_register(self) -> tuple[str, ...]:
        return ("Pod/Add", "Pod/Update", "Pod/Delete", "Node/Add", "Node/Update")
