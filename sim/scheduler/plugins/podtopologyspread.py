"""PodTopologySpread: hard (DoNotSchedule) and soft (ScheduleAnyway) spread constraints.

Follows pkg/scheduler/framework/plugins/podtopologyspread/ (common.go, filtering.go,
scoring.go, plugin.go) and helper/spread.go (DefaultSelector): the system default constraints
(hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) apply to pods without constraints of their
own, with a selector built from the Services selecting the pod and its ReplicaSet owner;
minDomains (a count below it makes the global minimum 0), nodeAffinityPolicy (Honor by default)
and nodeTaintsPolicy (Ignore by default), matchLabelKeys merged into the selector (1.32, beta).
Matching pods exclude terminating ones and other namespaces. Filter reasons and the score
formula (count * log(domains + 2) + maxSkew - 1, then inverted min-max) are upstream's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.api.labels import (
    EVERYTHING,
    Requirement,
    Selector,
    selector_from_label_selector,
    selector_from_set,
)
from sim.scheduler.config import ConfigError
from sim.scheduler.interface import (
    MAX_NODE_SCORE,
    CycleState,
    NodeVerdicts,
    Plugin,
    register_plugin,
)
from sim.scheduler.plugins.nodeaffinity import required_node_affinity_mask
from sim.scheduler.podinfo import PodInfo, find_untolerated_taint
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import SKIP_STATUS, Status

ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints"
ERR_LABEL = ERR_CONSTRAINTS + " (missing required label)"
HOSTNAME = "kubernetes.io/hostname"
SYSTEM_DEFAULT_CONSTRAINTS = (
    {"topologyKey": HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "maxSkew": 5,
    },
)
STATE = "PodTopologySpread/prefilter"
SCORE_STATE = "PodTopologySpread/prescore"


@dataclass(frozen=True)
class Constraint:
    max_skew: int
    topology_key: str
    selector: Selector
    min_domains: int
    honor_affinity: bool
    honor_taints: bool


def _constraints(raw: Any, labels: Mapping[str, str], action: str) -> list[Constraint]:
    out = []
    for c in raw:
        if c.get("whenUnsatisfiable") != action:
            continue
        sel = selector_from_label_selector(c.get("labelSelector"))
        keys = c.get("matchLabelKeys") or ()
        extra = [Requirement(k, "=", (labels[k],)) for k in keys if k in labels]
        if extra and not sel.matches_nothing():
            sel = Selector((*extra, *sel.requirements))
        out.append(
            Constraint(
                int(c.get("maxSkew", 1)),
                str(c.get("topologyKey", "")),
                sel,
                int(c.get("minDomains") or 1),
                (c.get("nodeAffinityPolicy") or "Honor") == "Honor",
                (c.get("nodeTaintsPolicy") or "Ignore") == "Honor",
            )
        )
    return out


@register_plugin("PodTopologySpread")
class PodTopologySpread(Plugin):
    def __init__(self, args: dict[str, Any] | None = None, handle: Any = None):
        super().__init__(args, handle)
        dtype = self.args.get("defaultingType") or "System"
        if dtype not in ("System", "List"):
            raise ConfigError("defaultingType", "must be System or List")
        given = self.args.get("defaultConstraints") or []
        if dtype == "System" and given:
            raise ConfigError(
                "defaultConstraints",
                "when .defaultingType is System, defaultConstraints must be empty",
            )
        for i, c in enumerate(given):
            if c.get("labelSelector") is not None:
                raise ConfigError(
                    f"defaultConstraints[{i}].labelSelector",
                    "constraint must not define a selector, as they deduced for each pod",
                )
        self.system_defaulted = dtype == "System"
        self.default_constraints = (
            list(SYSTEM_DEFAULT_CONSTRAINTS) if self.system_defaulted else list(given)
        )
        self._defaults: dict[str, list[Constraint]] = {}

    # -- constraints -------------------------------------------------------------------------
    def _get(self, pod: PodInfo, snap: Snapshot, action: str) -> list[Constraint]:
        own = pod.shape.spread_constraints
        if own:
            return _constraints(own, pod.labels, action)
        base = self._defaults.get(action)
        if base is None:
            base = _constraints(self.default_constraints, pod.labels, action)
            if not any(c.get("matchLabelKeys") for c in self.default_constraints):
                self._defaults[action] = base  # the same for every pod
        if not base:
            return []
        selector = default_selector(pod, snap)
        if selector.empty():
            return []
        return [
            Constraint(
                c.max_skew,
                c.topology_key,
                selector,
                c.min_domains,
                c.honor_affinity,
                c.honor_taints,
            )
            for c in base
        ]

    def _eligible(
        self,
        snap: Snapshot,
        pod: PodInfo,
        cons: list[Constraint],
        slots: np.ndarray,
        require_all: bool = True,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Nodes having every constraint's key, and per constraint the inclusion policies."""
        has_all = np.ones(len(slots), bool)
        if require_all:
            for c in cons:
                has_all &= snap.codes(c.topology_key)[slots] >= 0
        per: list[np.ndarray] = []
        affinity = None
        for c in cons:
            m = has_all.copy()
            if c.honor_affinity:
                if affinity is None:
                    affinity = required_node_affinity_mask(snap, pod, slots)
                m &= affinity
            if c.honor_taints:
                sigs = snap.taint_sig[slots]
                bad = np.array(
                    [
                        find_untolerated_taint(t, pod.shape.tolerations) is not None
                        for t in snap.taint_list
                    ]
                )
                m &= ~bad[sigs]
            per.append(m)
        return has_all, per

    # -- filter ------------------------------------------------------------------------------
    def pre_filter(
        self, state: CycleState, pod: PodInfo, snap: Snapshot
    ) -> tuple[None, Status | None]:
        cons = self._get(pod, snap, "DoNotSchedule")
        if not cons:
            return None, SKIP_STATUS
        slots = snap.order()
        _, eligible = self._eligible(snap, pod, cons, slots)
        info = []
        for c, m in zip(cons, eligible, strict=True):
            per_node = snap.pod_counts(frozenset((pod.namespace,)), c.selector, True)[slots]
            codes = snap.codes(c.topology_key)[slots]
            nvals = len(snap.label_names.get(c.topology_key, ()))
            counts = np.bincount(codes[m], weights=per_node[m], minlength=nvals).astype(np.int64)
            present = np.bincount(codes[m], minlength=nvals) > 0
            domains = int(present.sum())
            global_min = int(counts[present].min()) if domains else 0
            if domains < c.min_domains:
                global_min = 0
            info.append((counts, global_min))
        state.write(STATE, (cons, info))
        return None, None

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> NodeVerdicts:
        cons, info = state.read(STATE)
        n = len(slots)
        codes = np.zeros(n, np.int8)
        ids = np.zeros(n, np.int32)
        for c, (counts, global_min) in zip(cons, info, strict=True):
            node_codes = snap.codes(c.topology_key)[slots]
            missing = (node_codes < 0) & (codes == 0)
            codes[missing] = 2
            ids[missing] = 1
            self_match = 1 if c.selector.matches(pod.labels) else 0
            padded = np.append(counts, 0)
            match = padded[np.where(node_codes >= 0, node_codes, len(counts))]
            skew = match + self_match - global_min
            bad = (skew > c.max_skew) & (codes == 0)
            codes[bad] = 1
            ids[bad] = 2
        return NodeVerdicts(codes, ids, [(), (ERR_LABEL,), (ERR_CONSTRAINTS,)])

    # -- score -------------------------------------------------------------------------------
    def pre_score(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> Status | None:
        if snap.num_nodes == 0:
            return SKIP_STATUS
        cons = self._get(pod, snap, "ScheduleAnyway")
        if not cons:
            return SKIP_STATUS
        require_all = bool(pod.shape.spread_constraints) or not self.system_defaulted
        has_all, _ = self._eligible(snap, pod, cons, slots, require_all)
        ignored = ~has_all
        all_slots = snap.order()
        a_has_all, a_eligible = self._eligible(snap, pod, cons, all_slots, require_all)
        per_constraint: list[tuple[Any, Any]] = []
        for c, m in zip(cons, a_eligible, strict=True):
            codes_f = snap.codes(c.topology_key)[slots][~ignored]
            if c.topology_key == HOSTNAME:
                size = int((~ignored).sum())
                per_constraint.append((None, np.log(size + 2)))
                continue
            nvals = len(snap.label_names.get(c.topology_key, ()))
            # value "" (no such label) is a domain of its own when not every key is required
            domain = np.zeros(nvals + 1, bool)
            domain[np.where(codes_f >= 0, codes_f, nvals)] = True
            size = int(domain.sum())
            per_node = snap.pod_counts(frozenset((pod.namespace,)), c.selector, True)[all_slots]
            a_codes = snap.codes(c.topology_key)[all_slots]
            idx = np.where(a_codes >= 0, a_codes, nvals)
            counted = m & domain[idx]
            counts = np.bincount(idx[counted], weights=per_node[counted], minlength=nvals + 1)
            per_constraint.append((counts.astype(np.int64), np.log(size + 2)))
        state.write(SCORE_STATE, (cons, ignored, per_constraint))
        return None

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snap: Snapshot, slots: np.ndarray
    ) -> np.ndarray:
        cons, ignored, per_constraint = state.read(SCORE_STATE)
        score = np.zeros(len(slots), float)
        for c, (counts, weight) in zip(cons, per_constraint, strict=True):
            codes = snap.codes(c.topology_key)[slots]
            has = codes >= 0
            if counts is None:
                cnt = snap.pod_counts(frozenset((pod.namespace,)), c.selector, True)[slots]
            else:
                cnt = counts[np.where(has, codes, len(counts) - 1)]
            score += np.where(has, cnt * weight + (c.max_skew - 1), 0.0)
        out = np.floor(score + 0.5).astype(np.int64)  # Go math.Round: half away from zero
        out[ignored] = -1
        return out

    def normalize_score(self, state: CycleState, pod: PodInfo, scores: np.ndarray) -> None:
        valid = scores != -1
        if not valid.any():
            scores[:] = 0
            return
        lo = int(scores[valid].min())
        hi = max(int(scores[valid].max()), 0)
        if hi == 0:
            out = np.full(len(scores), MAX_NODE_SCORE, np.int64)
        else:
            out = MAX_NODE_SCORE * (hi + lo - scores) // hi
        out[~valid] = 0
        scores[:] = out

    def events_to_register(self) -> tuple[str, ...]:
        return ("Pod/Add", "Pod/Update", "Pod/Delete", "Node/Add", "Node/Update")


def default_selector(pod: PodInfo, snap: Snapshot) -> Selector:
    """helper.DefaultSelector: the merged selectors of Services selecting the pod, plus the
    selector of its controlling ReplicaSet."""
    owners = (pod.pod.get("metadata") or {}).get("ownerReferences")
    if not snap.services and not owners:
        return EVERYTHING  # no Service and no controller: nothing to merge
    merged: dict[str, str] = {}
    for svc in snap.services:
        if (svc.get("metadata") or {}).get("namespace", "default") != pod.namespace:
            continue
        sel = (svc.get("spec") or {}).get("selector")
        if sel is None:
            continue
        if selector_from_set(sel).matches(pod.labels):
            merged.update(sel)
    selector = selector_from_set(merged) if merged else EVERYTHING
    for ref in owners or ():
        if not ref.get("controller"):
            continue
        if ref.get("kind") == "ReplicaSet" and str(ref.get("apiVersion", "")).startswith("apps/"):
            rs = snap.replicasets.get(f"{pod.namespace}/{ref.get('name')}")
            if rs is not None:
                other = selector_from_label_selector((rs.get("spec") or {}).get("selector"))
                if not other.matches_nothing():
                    selector = selector.add(*other.requirements)
        break
    return selector
