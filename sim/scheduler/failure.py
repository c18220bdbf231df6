"""What a scheduling cycle does when it finds no node or binding fails: PostFilter
(preemption), the victims' eviction, the requeue, the FailedScheduling Event and the pod's
PodScheduled condition.

Follows pkg/scheduler/schedule_one.go (handleSchedulingFailure, updatePod) and, for the
nominated pod's victims, prepareCandidate (pkg/scheduler/framework/preemption/preemption.go:
a DisruptionTarget condition, then the delete; lower-priority nominations on the node are
cleared). Trace records: `unschedulable` with upstream's FitError message, `preempt` with the
victims and the node, `preempt-failed`. The `Scheduler` (scheduler.py) owns one
`FailureHandler`, as upstream's Scheduler holds its FailureHandler.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from sim.api.errors import ApiError
from sim.client.events import EventRecorder
from sim.scheduler.framework import Framework, ScheduleResult
from sim.scheduler.interface import CycleState
from sim.scheduler.plugins.defaultpreemption import VICTIMS
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.queue import QueuedPodInfo, SchedulingQueue
from sim.scheduler.status import Status

COMPONENT = "scheduler"


class FailureHandler:
    """handleSchedulingFailure and preemption's eviction: requeues through the scheduling
    queue, records, and patches pods through the scheduler's client. `failed_attempts`
    counts the failed scheduling attempts."""

    def __init__(
        self,
        clock: Any,
        trace: Any,
        client: Any,
        queue: SchedulingQueue,
        recorders: dict[str, EventRecorder],
    ):
        self.clock = clock
        self.trace = trace
        self.client = client
        self.queue = queue
        self.recorders = recorders
        self.failed_attempts = 0

    def unschedulable(
        self,
        q: QueuedPodInfo,
        cycle: int,
        fwk: Framework,
        result: ScheduleResult,
        state: CycleState,
    ) -> None:
        diag = result.diagnosis
        assert diag is not None
        nominated: str | None = None
        if diag.prefilter_status is None or diag.prefilter_status.is_rejected():
            for pl in fwk.points["postFilter"]:
                node, st = pl.post_filter(state, q.pod, diag)
                if st.is_success():
                    nominated = node
                    diag.postfilter_msg = ""
                    break
                diag.postfilter_msg = st.message
                if node == "":
                    nominated = ""
        victims = state.read(VICTIMS)
        if victims is not None:
            self._preempt(fwk, q.pod, victims[0], victims[1])
        msg = diag.message()
        self.failure(
            q,
            cycle,
            fwk,
            Status("Unschedulable", (msg,)),
            diag.unschedulable_plugins,
            nominated=nominated,
        )

    def failure(
        self,
        q: QueuedPodInfo,
        cycle: int,
        fwk: Framework,
        status: Status,
        plugins: set[str],
        *,
        error: bool = False,
        nominated: str | None = None,
    ) -> None:
        """handleSchedulingFailure: requeue, record, update the pod's condition."""
        pod = q.pod
        self.failed_attempts += 1
        msg = status.message
        self.trace.record(COMPONENT, "unschedulable", pod.key, "", msg)
        if self.queue.where(pod.key) == "flight":
            self.queue.add_unschedulable_if_not_present(q, cycle, plugins, error=error)
        if nominated:
            self.queue.add_nomination(pod, nominated)
        elif nominated == "":
            self.queue.remove_nomination(pod.key)
        rec = self.recorders.get(fwk.name)
        if rec is not None:
            rec.event(pod.pod, "Warning", "FailedScheduling", msg)
        self.clock.process(self._update_pod_status(pod, msg, nominated))

    def _update_pod_status(
        self, pod: PodInfo, msg: str, nominated: str | None
    ) -> Generator[Any, Any, None]:
        cond = {
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": msg,
            "lastProbeTime": None,
            "lastTransitionTime": self.clock.timestamp(),
        }
        status: dict[str, Any] = {"conditions": [cond]}
        if nominated is not None:
            status["nominatedNodeName"] = nominated or None
        old = next(
            (
                c
                for c in (pod.pod.get("status") or {}).get("conditions") or ()
                if c.get("type") == "PodScheduled"
            ),
            None,
        )
        if (
            old is not None
            and old.get("message") == msg
            and old.get("status") == "False"
            and nominated is None
        ):
            return
        try:
            yield self.client.patch(
                "pods", pod.name, {"status": status}, namespace=pod.namespace, subresource="status"
            )
        except ApiError:
            return

    def _preempt(self, fwk: Framework, pod: PodInfo, node: str, victims: list[PodInfo]) -> None:
        """prepareCandidate: evict the victims, clear lower-priority nominations on the node."""
        names = ",".join(v.key for v in victims)
        self.trace.record(COMPONENT, "preempt", pod.key, "", f"node={node} victims={names}")
        for v in victims:
            self.clock.process(self._evict(fwk, pod, node, v))
        for other in self.queue.nominated_pods_for(node):
            if other.priority < pod.priority and other.key != pod.key:
                self.queue.remove_nomination(other.key)
                self.clock.process(self._clear_nomination(other))

    def _evict(
        self, fwk: Framework, preemptor: PodInfo, node: str, victim: PodInfo
    ) -> Generator[Any, Any, None]:
        cond = {
            "type": "DisruptionTarget",
            "status": "True",
            "reason": "PreemptionByScheduler",
            "message": f"{fwk.name}: preempting to accommodate a higher priority pod",
            "lastTransitionTime": self.clock.timestamp(),
        }
        try:
            yield self.client.patch(
                "pods",
                victim.name,
                {"status": {"conditions": [cond]}},
                namespace=victim.namespace,
                subresource="status",
            )
            yield self.client.delete(
                "pods",
                victim.name,
                namespace=victim.namespace,
                preconditions={"uid": victim.uid} if victim.uid else None,
            )
        except ApiError as e:
            if e.code != 404:
                self.trace.record(COMPONENT, "preempt-failed", victim.key, "", e.message)
            return
        rec = self.recorders.get(fwk.name)
        if rec is not None:
            rec.event(
                victim.pod,
                "Normal",
                "Preempted",
                f"Preempted by pod {preemptor.uid} on node {node}",
            )

    def _clear_nomination(self, pod: PodInfo) -> Generator[Any, Any, None]:
        try:
            yield self.client.patch(
                "pods",
                pod.name,
                {"status": {"nominatedNodeName": None}},
                namespace=pod.namespace,
                subresource="status",
            )
        except ApiError:
            return
