"""DefaultPreemption: find nodes where evicting lower-priority pods lets the pod fit.

Follows pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go
(PodEligibleToPreemptOthers, SelectVictimsOnNode, calculateNumCandidates with
minCandidateNodesPercentage 10 and minCandidateNodesAbsolute 100) and
pkg/scheduler/framework/preemption/preemption.go (Preempt, findCandidates, DryRunPreemption
from a random offset, pickOneNodeForPreemption: fewest PDB violations, lowest highest victim
priority, lowest priority sum, fewest victims, latest start time, then the first candidate).

Dry runs mutate the live snapshot and restore it: remove every lower-priority pod on the node,
check the pod fits (PreFilter is re-run, so spreading and affinity counts see the removal),
then add victims back from the most important one while the pod still fits; the ones that
cannot come back are the victims. Without PodDisruptionBudgets in kubesim no candidate
violates one. The evictions themselves (DisruptionTarget condition, delete with the pod's
grace period, clearing lower-priority nominations) are carried out by the scheduler, which
reads the chosen candidate from the cycle state.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.scheduler.config import ConfigError
from sim.scheduler.interface import CycleState, Plugin, register_plugin
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import OK_STATUS, UNRESOLVABLE, UNSCHEDULABLE, Status, fit_error_message

VICTIMS = "DefaultPreemption/victims"
NO_VICTIMS = "No preemption victims found for incoming pod"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
_FAR_FUTURE = float("inf")


def start_time(p: PodInfo, seconds_of: Any) -> float:
    """util.GetPodStartTime: status.startTime, else "now" (later than any started pod)."""
    st = (p.pod.get("status") or {}).get("startTime")
    return seconds_of(st) if st and seconds_of else _FAR_FUTURE


def importance_key(p: PodInfo, seconds_of: Any) -> tuple[int, float, str]:
    """util.MoreImportantPod as a sort key: higher priority, then earlier start."""
    return (-p.priority, start_time(p, seconds_of), p.key)


def terminating_by_preemption(p: PodInfo) -> bool:
    if not p.terminating:
        return False
    for c in (p.pod.get("status") or {}).get("conditions") or ():
        if c.get("type") == "DisruptionTarget":
            return c.get("status") == "True" and c.get("reason") == "PreemptionByScheduler"
    return False


@register_plugin("DefaultPreemption")
class DefaultPreemption(Plugin):
    def __init__(self, args: dict[str, Any] | None = None, handle: Any = None):
        super().__init__(args, handle)
        self.min_pct = self.args.get("minCandidateNodesPercentage", 10)
        self.min_abs = self.args.get("minCandidateNodesAbsolute", 100)
        if not isinstance(self.min_pct, int) or not 0 <= self.min_pct <= 100:
            raise ConfigError("minCandidateNodesPercentage", "not in valid range [0, 100]")
        if not isinstance(self.min_abs, int) or self.min_abs < 0:
            raise ConfigError("minCandidateNodesAbsolute", "not in valid range [0, inf)")
        if self.min_pct == 0 and self.min_abs == 0:
            raise ConfigError(
                "minCandidateNodesPercentage",
                "cannot be zero at the same time as minCandidateNodesAbsolute",
            )

    def num_candidates(self, num_nodes: int) -> int:
        n = num_nodes * self.min_pct // 100
        return min(max(n, self.min_abs), num_nodes)

    # -- PostFilter ---------------------------------------------------------------------------
    def post_filter(
        self, state: CycleState, pod: PodInfo, diagnosis: Any
    ) -> tuple[str | None, Status]:
        snap: Snapshot = diagnosis.snapshot
        ok, msg = self.eligible(pod, snap, diagnosis)
        if not ok:
            return None, Status(UNSCHEDULABLE, ("preemption: " + msg,))
        potential = diagnosis.slots_with_code(UNSCHEDULABLE)
        statuses: dict[str, Status] = {}
        candidates: list[tuple[str, list[PodInfo]]] = []
        if len(potential):
            rng = getattr(self.handle, "preemption_rng", None)
            offset = int(rng.integers(0, len(potential))) if rng is not None else 0
            want = self.num_candidates(len(potential))
            for i in range(len(potential)):
                slot = int(potential[(offset + i) % len(potential)])
                ni = snap.nodes[slot]
                assert ni is not None
                victims, st = self.select_victims_on_node(pod, snap, slot)
                if st.is_success():
                    candidates.append((ni.name, victims))
                    if len(candidates) >= want:
                        break
                else:
                    statuses[ni.name] = st
        if not candidates:
            n = snap.num_nodes
            absent = n - len(statuses)
            reasons = list(statuses.values()) + [Status(UNRESOLVABLE, (NOT_HELPFUL,))] * absent
            return "", Status(UNSCHEDULABLE, ("preemption: " + fit_error_message(n, reasons),))
        node, victims = self.pick_one(candidates)
        state.write(VICTIMS, (node, victims))
        return node, OK_STATUS

    def eligible(self, pod: PodInfo, snap: Snapshot, diagnosis: Any) -> tuple[bool, str]:
        if pod.shape.preemption_policy == "Never":
            return False, "not eligible due to preemptionPolicy=Never."
        nominated = pod.nominated_node_name
        if nominated:
            st = diagnosis.statuses().get(nominated)
            if st is not None and st.code == UNRESOLVABLE:
                return True, ""
            ni = snap.node_info(nominated)
            if ni is not None:
                for p in ni.pods.values():
                    if p.priority < pod.priority and terminating_by_preemption(p):
                        return False, "not eligible due to a terminating pod on the nominated node."
        return True, ""

    def _fits(self, pod: PodInfo, snap: Snapshot, slot: int) -> Status:
        fwk = self.handle.framework
        state = CycleState()
        allowed, st = fwk.run_pre_filter(state, pod, snap)
        if not st.is_success():
            return st
        name = snap.nodes[slot].name  # type: ignore[union-attr]
        if allowed is not None and name not in allowed:
            return Status(UNRESOLVABLE, ("node(s) didn't satisfy plugin(s) PreFilter",))
        return fwk.filter_one(state, pod, snap, slot)

    def select_victims_on_node(
        self, pod: PodInfo, snap: Snapshot, slot: int
    ) -> tuple[list[PodInfo], Status]:
        ni = snap.nodes[slot]
        assert ni is not None
        potential = [p for p in ni.pods.values() if p.priority < pod.priority]
        if not potential:
            return [], Status(UNRESOLVABLE, (NO_VICTIMS,))
        seconds_of = getattr(self.handle, "seconds_of", None)
        for p in potential:
            snap.remove_pod(p.key)
        victims: list[PodInfo] = []
        try:
            st = self._fits(pod, snap, slot)
            if not st.is_success():
                return [], st
            for p in sorted(potential, key=lambda p: importance_key(p, seconds_of)):
                snap.add_pod(p)
                if not self._fits(pod, snap, slot).is_success():
                    snap.remove_pod(p.key)
                    victims.append(p)
            return victims, OK_STATUS
        finally:
            for p in potential:
                if p.key not in snap.pods:
                    snap.add_pod(p)

    def pick_one(self, candidates: list[tuple[str, list[PodInfo]]]) -> tuple[str, list[PodInfo]]:
        seconds_of = getattr(self.handle, "seconds_of", None)
        by_name = dict(candidates)
        names = [n for n, _ in candidates]

        def earliest_start(n: str) -> float:
            # util.GetEarliestPodStartTime (pkg/scheduler/util/utils.go): the earliest start
            # among the victims of the highest priority only
            top = max((p.priority for p in by_name[n]), default=0)
            starts = [start_time(p, seconds_of) for p in by_name[n] if p.priority == top]
            return -min(starts) if starts else 0.0

        funcs = (
            lambda n: 0,  # no PodDisruptionBudgets: no candidate violates one
            lambda n: -max(p.priority for p in by_name[n]) if by_name[n] else 0,
            lambda n: -sum(p.priority + 2**31 for p in by_name[n]),
            lambda n: -len(by_name[n]),
            lambda n: -earliest_start(n),
        )
        for f in funcs:
            scores = np.array([f(n) for n in names], dtype=float)
            best = scores.max()
            names = [n for n, s in zip(names, scores, strict=True) if s == best]
            if len(names) == 1:
                break
        return names[0], by_name[names[0]]

    def events_to_register(self) -> tuple[str, ...]:
        return ()
