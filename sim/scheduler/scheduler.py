"""kube-scheduler as a control loop: informers feed the cache and the queue; one loop pops one
pod per scheduling cycle, asks its profile's framework for a node, assumes the pod there and
binds it asynchronously.

Follows pkg/scheduler/scheduler.go, eventhandlers.go (pods assigned to nodes go to the cache,
pending pods of our profiles to the queue; node and pod changes move unschedulable pods) and
schedule_one.go (scheduleOne, schedulingCycle, bindingCycle, handleSchedulingFailure,
prepareCandidate for preemption). The cache is `Snapshot` (assume on the decision, forget if
binding fails, confirm when the informer sees the bound pod); binding posts pods/binding.
This module holds the loop (scheduleOne up to the decision). The `Scheduler` owns its
collaborators, each in its own file and given only what it needs: the scheduling queue
(queue.py), the cache (`Snapshot`, snapshot.py, with the map of assumed pods), the event
handlers registered on the informers (eventhandlers.py), the binding cycle with
assume/reserve/permit (binding.py) and the failure handler with preemption's evictions
(failure.py).

Time: a cycle costs `cycle_base_s + per_node_s * nodes filtered + per_scored_node_s * nodes
scored` of simulated time before the next pod is popped (by default 0.5 ms + 0.5 us + 1 us,
about what kube-scheduler spends at 5,000 nodes); binding takes the API's modelled latency.

Every decision goes into the trace (component "scheduler"): `schedule` with the chosen node,
feasible/evaluated counts, its weighted total, per-plugin scores and the runner-up;
`unschedulable` with upstream's FitError message; `preempt` with the victims and the node;
`bind-failed`. `why(cluster, "ns/name")` returns a pod's records.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

import sim.scheduler.plugins  # noqa: F401  (registers the in-tree plugins)
from sim.client.events import EventRecorder
from sim.client.runtime import Runtime
from sim.core import ConfigError as CoreConfigError
from sim.core.events import on_done, timeout_then, value_of
from sim.scheduler.binding import BindingCycle
from sim.scheduler.config import ConfigError, SchedulerConfiguration, parse_configuration
from sim.scheduler.eventhandlers import EventHandlers
from sim.scheduler.failure import COMPONENT, FailureHandler
from sim.scheduler.framework import Framework, SchedulingError, schedule_pod
from sim.scheduler.interface import CycleState, PluginFactory, registry_with
from sim.scheduler.podinfo import PodInfo, ShapeCache
from sim.scheduler.queue import QueuedPodInfo, SchedulingQueue
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import ERROR, OK_STATUS, Status

USER = "system:kube-scheduler"


class TieBreak:
    """selectHost's random pick among the best-scored nodes, drawn from the named stream in
    batches (one numpy call per BATCH picks instead of one per pick: deterministic from the
    cluster seed, and far cheaper per draw)."""

    BATCH = 1024
    __slots__ = ("_stream", "_draws")

    def __init__(self, stream: Any):
        self._stream = stream
        self._draws: list[int] = []

    def integers(self, low: int, high: int) -> int:
        """An integer in [low, high) (modulo a 62-bit draw: bias below 2**-40 for any tie
        count a cluster can have)."""
        if not self._draws:
            self._draws = self._stream.generator.integers(0, 2**62, self.BATCH).tolist()
            self._draws.reverse()
        return low + self._draws.pop() % (high - low)


class Handle:
    """framework.Handle: what plugins may use (the scheduler's client and clock, the snapshot
    of the cycle, preemption's random stream); each profile's plugins see it through a
    ProfileHandle that adds their framework."""

    def __init__(self, client: Any, clock: Any, snapshot: Snapshot, preemption_rng: Any):
        self.client = client
        self.clock = clock
        self.snapshot = snapshot
        self.preemption_rng = preemption_rng
        self.seconds_of = clock.seconds_of


class Scheduler:
    """See the module docstring. `frameworks` maps schedulerName to its profile's framework;
    `registry` adds out-of-tree plugins by name for this scheduler only."""

    def __init__(
        self,
        runtime: Runtime,
        config: SchedulerConfiguration,
        *,
        cycle_base_s: float = 0.0005,
        per_node_s: float = 0.0000005,
        per_scored_node_s: float = 0.000001,
        record_events: bool = True,
        registry: Mapping[str, PluginFactory] | None = None,
    ):
        self.runtime = runtime
        self.clock = runtime.clock
        self.trace = runtime.trace
        self.config = config
        self.client = runtime.client(USER)
        self.cycle_base_s = cycle_base_s
        self.per_node_s = per_node_s
        self.per_scored_node_s = per_scored_node_s
        self.snapshot = Snapshot()
        self.shapes = ShapeCache()  # the pod shapes this scheduler has parsed
        self.rng = TieBreak(runtime.streams.stream("scheduler/select-host"))
        self.handle = Handle(
            self.client,
            self.clock,
            self.snapshot,
            runtime.streams.stream("scheduler/preemption"),
        )
        self.frameworks: dict[str, Framework] = {}
        plugins = registry_with(registry)
        for i, prof in enumerate(config.profiles):
            self.frameworks[prof.scheduler_name] = Framework(
                prof,
                self.handle,
                path=f"profiles[{i}]",
                registry=plugins,
                global_percentage=config.percentage_of_nodes_to_score,
            )
        first = next(iter(self.frameworks.values()))
        sorts = {tuple(p.name for p in f.points["queueSort"]) for f in self.frameworks.values()}
        if len(sorts) > 1:
            raise ConfigError("profiles", "all profiles must use the same queueSort plugin")
        if not first.points["queueSort"]:
            raise ConfigError("profiles[0].plugins.queueSort", "one queueSort plugin is required")
        self._events: dict[str, frozenset[str]] = {}
        for f in self.frameworks.values():
            for name, pl in f.plugins.items():
                fn = getattr(pl, "events_to_register", None)
                self._events[name] = frozenset(fn() if fn else ())
        self.queue = SchedulingQueue(
            self.clock,
            first.points["queueSort"][0].less,
            self._pre_enqueue,
            lambda p: self._events.get(p, frozenset()),
            initial_backoff_s=config.pod_initial_backoff_s,
            max_backoff_s=config.pod_max_backoff_s,
        )
        self.recorders = (
            {name: EventRecorder(self.client, self.clock, name) for name in self.frameworks}
            if record_events
            else {}
        )
        self.assumed: dict[str, str] = {}  # pod key -> the node it is assumed on
        self.failure_handler = FailureHandler(
            self.clock, self.trace, self.client, self.queue, self.recorders
        )
        self.binding_cycle = BindingCycle(
            self.clock,
            self.trace,
            self.snapshot,
            self.assumed,
            self.queue,
            self.recorders,
            self.failure_handler,
        )
        self.event_handlers = EventHandlers(
            self.snapshot, self.queue, self.frameworks, self.assumed, self.shapes
        )
        self.next_start_index = 0
        self.decision_hooks: list[Any] = []
        self._process: Any = None
        # bound once: each is called once per cycle
        self._assume_and_bind = self.binding_cycle.assume_and_bind
        self._unschedulable = self.failure_handler.unschedulable
        self._failure = self.failure_handler.failure

    @property
    def scheduled(self) -> int:
        """Pods bound so far."""
        return self.binding_cycle.scheduled

    @property
    def failed_attempts(self) -> int:
        """Scheduling attempts that failed so far."""
        return self.failure_handler.failed_attempts

    # -- wiring ------------------------------------------------------------------------------
    def start(self) -> None:
        self.pods, self.nodes, self.others = self.event_handlers.add_all_event_handlers(
            self.runtime.informers
        )
        self.nodes.start()
        self.pods.start()
        self._process = self.clock.process(self._run())

    def _pre_enqueue(self, pod: PodInfo) -> Status:
        fwk = self.frameworks.get(pod.scheduler_name)
        return fwk.run_pre_enqueue(pod) if fwk is not None else OK_STATUS

    # -- the loop -----------------------------------------------------------------------------
    def _run(self) -> Generator[Any, Any, None]:
        yield self.pods.wait_for_sync()
        yield self.nodes.wait_for_sync()
        self._next_cycle()

    # The loop after the sync runs on callbacks rather than as a generator resumed by its
    # process: the same events (the queue's pop event when it is empty, one timeout per
    # cycle that costs time) at the same times, without a process resume per cycle.
    def _next_cycle(self, _ev: Any = None) -> None:
        """Schedule the pods waiting, until a cycle costs time (it goes on at that cycle's
        timeout) or none is left (it goes on when the queue has one)."""
        while (q := self.queue.try_pop()) is not None:
            if self._cycle(q):
                return
        on_done(self.queue.pop(), self._popped)

    def _popped(self, ev: Any) -> None:
        if not self._cycle(value_of(ev)):
            self._next_cycle()

    def _cycle(self, q: QueuedPodInfo) -> bool:
        """Schedule `q`; True when the cycle costs time, the next one then starting at its
        timeout."""
        cost = self.schedule_one(q)
        if cost > 0:
            timeout_then(self.clock, cost, self._next_cycle)
            return True
        return False

    def _nominated_overlay(self, pod: PodInfo) -> Any:
        """Requests of pods nominated to nodes with at least this pod's priority (the
        'with nominated pods' pass of RunFilterPluginsWithNominatedPods, for resources);
        called only while the queue holds nominations."""
        snap = self.snapshot
        extra_req = None
        extra_pods = None
        for node, pods in self.queue.nominated.items():
            slot = snap.by_name.get(node)
            if slot is None:
                continue
            for p in pods.values():
                if p.key == pod.key or p.priority < pod.priority:
                    continue
                if extra_req is None:
                    extra_req = np.zeros_like(snap.req)
                    extra_pods = np.zeros_like(snap.num_pods)
                extra_req[slot, : len(snap.resources)] += snap.request_vector(p)
                extra_pods[slot] += 1  # type: ignore[index]
        return None if extra_req is None else (extra_req, extra_pods)

    def schedule_one(self, q: QueuedPodInfo) -> float:
        """One scheduling cycle; returns its modelled duration in seconds."""
        pod = q.pod
        fwk = self.frameworks.get(pod.scheduler_name)
        if (
            fwk is None
            or pod.terminating
            or pod.key in self.assumed
            or pod.key in self.snapshot.pods
        ):
            self.queue.done(pod.key)
            return 0.0
        cycle = self.queue.scheduling_cycle
        state = CycleState()
        if self.queue.nominated:
            state.nominated = self._nominated_overlay(pod)
        try:
            result = schedule_pod(
                fwk,
                pod,
                self.snapshot,
                start_index=self.next_start_index,
                rng=self.rng,
                nominated_node=pod.nominated_node_name,
                state=state,
            )
        except SchedulingError as e:
            self._failure(q, cycle, fwk, Status(ERROR, (str(e),)), set(), error=True)
            return self.cycle_base_s
        n = self.snapshot.num_nodes
        if n and result.processed:
            self.next_start_index = (self.next_start_index + result.processed) % n
        cost = (
            self.cycle_base_s
            + self.per_node_s * result.evaluated
            + self.per_scored_node_s * result.feasible
        )
        if result.node is None:
            self._unschedulable(q, cycle, fwk, result, state)
            return cost
        for hook in self.decision_hooks:
            hook(self, pod, result.node, fwk, result)
        self._assume_and_bind(q, cycle, fwk, result, state)
        return cost


def why(runtime: Any, key: str) -> list[str]:
    """The scheduler's trace records for pod `namespace/name`, as lines (`runtime`: anything
    with a `trace`, a Cluster or a Runtime)."""
    return [
        f"t={r.time:g}s {r.verb} {r.detail}"
        for r in runtime.trace
        if r.component == COMPONENT and r.ref == key
    ]


def install(
    runtime: Runtime,
    config: dict[str, Any] | None = None,
    *,
    base_dir: str | Path | None = None,
    **options: Any,
) -> Scheduler:
    """Start kube-scheduler from the scenario's spec.cluster.scheduler section (a
    KubeSchedulerConfiguration dict, or {configFile: path} relative to `base_dir`, which the
    composition root sets to the scenario's directory); bad input raises sim.core.ConfigError
    (the scenario loader's ScenarioError) naming the field. `options` tune the latency model."""
    base = Path(base_dir) if base_dir is not None else None
    try:
        cfg = parse_configuration(config, base)
        sched = Scheduler(runtime, cfg, **options)
    except ConfigError as e:
        raise CoreConfigError(f"spec.cluster.scheduler.{e.path}: {e.what}") from None
    sched.start()
    return sched
