"""The success half of a scheduling cycle and the binding cycle: assume the pod on its node in
the cache, Reserve, Permit, then PreBind and Bind (pods/binding) asynchronously; on success
PostBind and the Scheduled Event, on failure Unreserve, forget the assumed pod and requeue.

Follows pkg/scheduler/schedule_one.go (schedulingCycle's assume/reserve/permit, bindingCycle,
handleBindingCycleError) and the cache's AssumePod/ForgetPod
(pkg/scheduler/backend/cache/cache.go). Trace records: `schedule` with the chosen node,
feasible/evaluated counts, its weighted total, per-plugin scores and the runner-up;
`bind-failed`. The `Scheduler` (scheduler.py) owns one `BindingCycle`, which assumes pods in
the scheduler's snapshot (its cache) and hands failures to the scheduler's `FailureHandler`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from sim.api.errors import ApiError
from sim.client.events import EventRecorder
from sim.core.events import is_ok, on_done
from sim.scheduler.failure import COMPONENT, FailureHandler
from sim.scheduler.framework import Framework, ScheduleResult, SchedulingError
from sim.scheduler.interface import CycleState
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.queue import QueuedPodInfo, SchedulingQueue
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import ERROR, Status


def scores_format(names: tuple[str, ...]) -> str:
    """`"A={} B={}"` for plugin names A, B: the per-plugin part of the `schedule` detail,
    one format call per record."""
    return " ".join(n.replace("{", "{{").replace("}", "}}") + "={}" for n in names)


class BindingCycle:
    """Assume, reserve, permit and bind one decided pod (see the module docstring). `assumed`
    maps the key of each assumed pod to its node (shared with the scheduler's event handlers,
    which confirm or drop it); `scheduled` counts the pods bound."""

    def __init__(
        self,
        clock: Any,
        trace: Any,
        snapshot: Snapshot,
        assumed: dict[str, str],
        queue: SchedulingQueue,
        recorders: dict[str, EventRecorder],
        failure_handler: FailureHandler,
    ):
        self.clock = clock
        self.trace = trace
        self.snapshot = snapshot
        self.assumed = assumed
        self.queue = queue
        self.recorders = recorders
        self._failure = failure_handler.failure  # bound once: called per failed cycle
        self.scheduled = 0
        # scores_format per score-name tuple (one per profile and skipped set, so few)
        self._scores_formats: dict[tuple[str, ...], str] = {}

    def assume_and_bind(
        self,
        q: QueuedPodInfo,
        cycle: int,
        fwk: Framework,
        result: ScheduleResult,
        state: CycleState,
    ) -> None:
        pod = q.pod
        node = result.node
        assert node is not None
        key = pod.key
        self.snapshot.add_pod(pod.on_node(node))
        self.assumed[key] = node
        if key in self.queue.nominated_of:
            self.queue.remove_nomination(key)
        self.trace.record(COMPONENT, "schedule", key, "", self._detail(node, result, fwk))
        points = fwk.points
        for point in ("reserve", "permit"):  # a rejection at either unreserves and forgets
            for pl in points[point]:
                st = getattr(pl, point)(state, pod, node)
                if st is not None and not st.is_success():
                    self._unreserve(fwk, state, pod, node)
                    self._forget(pod.key)
                    self._failure(q, cycle, fwk, st.with_plugin(pl.name), {pl.name})
                    return
        binds = points["bind"]
        if binds and hasattr(binds[0], "bind_request") and not points["preBind"]:
            # DefaultBinder first: the binding cycle is the request and its callback (the
            # same modelled latency, without a SimPy process per pod)
            try:
                req = binds[0].bind_request(state, pod, node)
            except ApiError as e:
                self._bind_failed(q, cycle, fwk, state, node, e.message)
                return
            on_done(req, lambda ev: self._bound(ev, q, cycle, fwk, state, node))
            return
        self.clock.process(self._binding_cycle(q, cycle, fwk, state, node))

    def _bound(
        self, req: Any, q: QueuedPodInfo, cycle: int, fwk: Framework, state: CycleState, node: str
    ) -> None:
        if is_ok(req):
            self._bind_succeeded(q, fwk, state, node)
            return
        req.defused = True
        if not isinstance(req.value, ApiError):
            raise req.value
        self._bind_failed(q, cycle, fwk, state, node, req.value.message)

    def _detail(self, node: str, result: ScheduleResult, fwk: Framework) -> str:
        snap = self.snapshot
        text = (
            f"node={node} feasible={result.feasible}/{snap.num_nodes} evaluated={result.evaluated}"
        )
        slots = result.feasible_slots
        totals = result.totals
        if totals is None or slots is None:
            return text + (" nominated" if result.processed == 0 else " only-feasible")
        i = result.selected
        if i < 0:
            i = int(np.flatnonzero(slots == snap.by_name[node])[0])
        names = result.score_names
        column = result.score_rows[:, i].tolist() if result.score_rows is not None else []
        if len(names) != len(column):
            raise ValueError("a score for every plugin name")
        # .item(): Python scalars, without numpy scalar objects in between
        best = totals.item(i)
        fmt = self._scores_formats.get(names)
        if fmt is None:
            if len(self._scores_formats) >= 64:
                self._scores_formats.clear()
            fmt = self._scores_formats[names] = scores_format(names)
        scores = fmt.format(*column)
        if len(slots) <= 1:
            return f"{text} score={int(best)} [{scores}]"
        # the first best of the others (argmax with the chosen one masked out): the first
        # best of all when that is not the chosen one (totals are >= 0 > the mask's -1, so
        # masking cannot change it), which saves the masking when the best are tied
        j = int(totals.argmax())
        if j == i:
            totals[i] = -1
            j = int(totals.argmax())
            totals[i] = best
        alt = snap.nodes[int(slots.item(j))].name  # type: ignore[union-attr]
        return f"{text} score={int(best)} [{scores}] runner-up={alt}:{int(totals.item(j))}"

    def _binding_cycle(
        self, q: QueuedPodInfo, cycle: int, fwk: Framework, state: CycleState, node: str
    ) -> Generator[Any, Any, None]:
        pod = q.pod
        try:
            for pl in fwk.points["preBind"]:
                st = pl.pre_bind(state, pod, node)
                if st is not None and not st.is_success():
                    raise SchedulingError(f"running PreBind plugin {pl.name!r}: {st.message}")
            for pl in fwk.points["bind"]:
                st = yield from pl.bind(state, pod, node)
                if st is not None and st.is_skip():
                    continue
                break
        except (ApiError, SchedulingError) as e:
            msg = e.message if isinstance(e, ApiError) else str(e)
            self._bind_failed(q, cycle, fwk, state, node, msg)
            return
        self._bind_succeeded(q, fwk, state, node)

    def _bind_failed(
        self, q: QueuedPodInfo, cycle: int, fwk: Framework, state: CycleState, node: str, msg: str
    ) -> None:
        pod = q.pod
        self.trace.record(COMPONENT, "bind-failed", pod.key, "", f"node={node}: {msg}")
        self._unreserve(fwk, state, pod, node)
        if self.assumed.get(pod.key) == node:
            self._forget(pod.key)
        self.queue.move_all("Pod/Delete")  # the assumed pod's resources are free again
        self._failure(q, cycle, fwk, Status(ERROR, (msg,)), set(), error=True)

    def _bind_succeeded(
        self, q: QueuedPodInfo, fwk: Framework, state: CycleState, node: str
    ) -> None:
        pod = q.pod
        self.scheduled += 1
        self.queue.done(pod.key)
        for pl in fwk.points["postBind"]:
            pl.post_bind(state, pod, node)
        rec = self.recorders.get(fwk.name)
        if rec is not None:
            rec.event(pod.pod, "Normal", "Scheduled", f"Successfully assigned {pod.key} to {node}")

    def _unreserve(self, fwk: Framework, state: CycleState, pod: PodInfo, node: str) -> None:
        for pl in reversed(fwk.points["reserve"]):
            fn = getattr(pl, "unreserve", None)
            if fn is not None:
                fn(state, pod, node)

    def _forget(self, key: str) -> None:
        self.assumed.pop(key, None)
        self.snapshot.remove_pod(key)
