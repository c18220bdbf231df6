"""kube-scheduler as a control loop: informers feed the cache and the queue; one loop pops one
pod per scheduling cycle, asks its profile's framework for a node, assumes the pod there and
binds it asynchronously.

Follows pkg/scheduler/scheduler.go, eventhandlers.go (pods assigned to nodes go to the cache,
pending pods of our profiles to the queue; node and pod changes move unschedulable pods) and
schedule_one.go (scheduleOne, schedulingCycle, bindingCycle, handleSchedulingFailure,
prepareCandidate for preemption). The cache is `Snapshot` (assume on the decision, forget if
binding fails, confirm when the informer sees the bound pod); binding posts pods/binding.

Time: a cycle costs `cycle_base_s + per_node_s * nodes filtered + per_scored_node_s * nodes
scored` of simulated time before the next pod is popped (by default 0.5 ms + 0.5 us + 1 us,
about what kube-scheduler spends at 5,000 nodes); binding takes the API's modelled latency.

Every decision goes into the trace (component "scheduler"): `schedule` with the chosen node,
feasible/evaluated counts, its weighted total, per-plugin scores and the runner-up;
`unschedulable` with upstream's FitError message; `preempt` with the victims and the node;
`bind-failed`. `why(cluster, "ns/name")` returns a pod's records.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import numpy as np

import sim.scheduler.plugins  # noqa: F401  (registers the in-tree plugins)
from sim.api.errors import ApiError
from sim.client.events import EventRecorder
from sim.core import ConfigError as CoreConfigError
from sim.scheduler.config import ConfigError, SchedulerConfiguration, parse_configuration
from sim.scheduler.framework import Framework, ScheduleResult, SchedulingError
from sim.scheduler.interface import CycleState
from sim.scheduler.plugins.defaultpreemption import VICTIMS
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.queue import QueuedPodInfo, SchedulingQueue
from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import ERROR, OK_STATUS, Status

COMPONENT = "scheduler"
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
    """framework.Handle: what plugins may use."""

    def __init__(self, scheduler: Scheduler):
        self.scheduler = scheduler
        self.client = scheduler.client
        self.clock = scheduler.clock
        self.preemption_rng = scheduler.cluster.streams.stream("scheduler/preemption")
        self.seconds_of = scheduler.clock.seconds_of

    @property
    def snapshot(self) -> Snapshot:
        return self.scheduler.snapshot


class Scheduler:
    """See the module docstring. `frameworks` maps schedulerName to its profile's framework."""

    def __init__(
        self,
        cluster: Any,
        config: SchedulerConfiguration,
        *,
        cycle_base_s: float = 0.0005,
        per_node_s: float = 0.0000005,
        per_scored_node_s: float = 0.000001,
        record_events: bool = True,
    ):
        self.cluster = cluster
        self.clock = cluster.clock
        self.trace = cluster.trace
        self.config = config
        self.client = cluster.client(USER)
        self.cycle_base_s = cycle_base_s
        self.per_node_s = per_node_s
        self.per_scored_node_s = per_scored_node_s
        self.snapshot = Snapshot()
        self.rng = TieBreak(cluster.streams.stream("scheduler/select-host"))
        self.handle = Handle(self)
        self.frameworks: dict[str, Framework] = {}
        for i, prof in enumerate(config.profiles):
            self.frameworks[prof.scheduler_name] = Framework(
                prof,
                self.handle,
                path=f"profiles[{i}]",
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
        self.assumed: dict[str, str] = {}
        self.next_start_index = 0
        self.scheduled = 0
        self.failed_attempts = 0
        self.decision_hooks: list[Any] = []
        self._process: Any = None

    # -- wiring ------------------------------------------------------------------------------
    def start(self) -> None:
        inf = self.cluster.informers
        self.pods = inf.informer_for("pods")
        self.nodes = inf.informer_for("nodes")
        self.nodes.add_event_handler(self._node_add, self._node_update, self._node_delete)
        self.pods.add_event_handler(self._pod_add, self._pod_update, self._pod_delete)
        extra = (
            ("namespaces", self._ns_event),
            ("services", self._svc_event),
            ("replicasets", self._rs_event),
        )
        self.others = []
        for kind, fn in extra:
            i = inf.informer_for(kind)
            i.add_event_handler(
                lambda o, fn=fn: fn(o, False),
                lambda _o, n, fn=fn: fn(n, False),
                lambda o, fn=fn: fn(o, True),
            )
            self.others.append(i)
            i.start()
        self.nodes.start()
        self.pods.start()
        self._process = self.clock.process(self._run())

    def _pre_enqueue(self, pod: PodInfo) -> Status:
        fwk = self.frameworks.get(pod.scheduler_name)
        return fwk.run_pre_enqueue(pod) if fwk is not None else OK_STATUS

    # -- event handlers (eventhandlers.go) ---------------------------------------------------
    def _node_add(self, node: Any) -> None:
        self.snapshot.add_node(node)
        self.queue.move_all("Node/Add")

    def _node_update(self, old: Any, new: Any) -> None:
        gen = self.snapshot.node_generation
        self.snapshot.update_node(new)
        changed = self.snapshot.node_generation != gen or old.get("status", {}).get(
            "allocatable"
        ) != new.get("status", {}).get("allocatable")
        if changed:
            self.queue.move_all("Node/Update")

    def _node_delete(self, node: Any) -> None:
        self.snapshot.remove_node(node["metadata"]["name"])

    @staticmethod
    def _terminal(pod: Any) -> bool:
        return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")

    def _pod_add(self, pod: Any) -> None:
        info = PodInfo(pod)
        if info.node_name:
            if self._terminal(pod):
                return
            self._cache_assigned(info)
            self.queue.move_all("Pod/Add")
        elif info.scheduler_name in self.frameworks and not info.terminating:
            self.queue.add(info)

    def _cache_assigned(self, info: PodInfo) -> None:
        key = info.key
        if key in self.assumed:
            del self.assumed[key]  # confirmed: the informer's copy replaces the assumed one
        if self.queue.where(key) is not None and self.queue.where(key) != "flight":
            self.queue.delete(key)
        self.queue.remove_nomination(key)
        self.snapshot.add_pod(info)

    def _pod_update(self, old: Any, new: Any) -> None:
        meta = new["metadata"]
        cached = self.snapshot.pods.get(f"{meta.get('namespace') or 'default'}/{meta['name']}")
        info = PodInfo(new, cached[1] if cached is not None else None)
        if info.node_name:
            if self._terminal(new):
                self._pod_delete(new)
                return
            was = (old.get("spec") or {}).get("nodeName")
            self._cache_assigned(info)
            if not was:
                self.queue.move_all("Pod/Add")
            elif (old.get("metadata") or {}).get("labels") != (new.get("metadata") or {}).get(
                "labels"
            ):
                self.queue.move_all("Pod/Update")
        elif info.scheduler_name in self.frameworks:
            if info.terminating:
                self.queue.delete(info.key)
            else:
                self.queue.update(info)

    def _pod_delete(self, pod: Any) -> None:
        info = PodInfo(pod)
        key = info.key
        if self.snapshot.remove_pod(key) is not None:
            self.assumed.pop(key, None)
            self.queue.move_all("Pod/Delete")
        if self.queue.where(key) != "flight":
            self.queue.delete(key)
        else:
            self.queue.remove_nomination(key)

    def _ns_event(self, ns: Any, deleted: bool) -> None:
        name = ns["metadata"]["name"]
        if deleted:
            self.snapshot.namespaces.pop(name, None)
        else:
            self.snapshot.namespaces[name] = ns["metadata"].get("labels") or {}

    def _svc_event(self, svc: Any, deleted: bool) -> None:
        key = (svc["metadata"].get("namespace"), svc["metadata"]["name"])
        self.snapshot.services = [
            s
            for s in self.snapshot.services
            if (s["metadata"].get("namespace"), s["metadata"]["name"]) != key
        ]
        if not deleted:
            self.snapshot.services.append(svc)

    def _rs_event(self, rs: Any, deleted: bool) -> None:
        key = f"{rs['metadata'].get('namespace')}/{rs['metadata']['name']}"
        if deleted:
            self.snapshot.replicasets.pop(key, None)
        else:
            self.snapshot.replicasets[key] = rs

    # -- the loop -----------------------------------------------------------------------------
    def _run(self) -> Generator[Any, Any, None]:
        yield self.pods.wait_for_sync()
        yield self.nodes.wait_for_sync()
        while True:
            # a pod already waiting is taken at once (one SimPy step per cycle, the timeout)
            q = self.queue.try_pop()
            if q is None:
                q = yield self.queue.pop()
            cost = self.schedule_one(q)
            if cost > 0:
                yield self.clock.timeout(cost)

    def _nominated_overlay(self, pod: PodInfo) -> Any:
        """Requests of pods nominated to nodes with at least this pod's priority (the
        'with nominated pods' pass of RunFilterPluginsWithNominatedPods, for resources)."""
        if not self.queue.nominated:
            return None
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
        state.nominated = self._nominated_overlay(pod)
        try:
            result = fwk.schedule(
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
        self._assume_and_bind(q, cycle, fwk, result, state)
        return cost

    # -- success ------------------------------------------------------------------------------
    def _assume_and_bind(
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
        for hook in self.decision_hooks:
            hook(self, pod, node, fwk, result)
        assumed = pod.on_node(node)
        self.snapshot.add_pod(assumed)
        self.assumed[pod.key] = node
        self.queue.remove_nomination(pod.key)
        self.trace.record(COMPONENT, "schedule", pod.key, "", self._detail(node, result, fwk))
        for pl in fwk.points["reserve"]:
            st = pl.reserve(state, pod, node)
            if st is not None and not st.is_success():
                self._unreserve(fwk, state, pod, node)
                self._forget(pod.key)
                self._failure(q, cycle, fwk, st.with_plugin(pl.name), {pl.name})
                return
        for pl in fwk.points["permit"]:
            st = pl.permit(state, pod, node)
            if st is not None and not st.is_success():
                self._unreserve(fwk, state, pod, node)
                self._forget(pod.key)
                self._failure(q, cycle, fwk, st.with_plugin(pl.name), {pl.name})
                return
        binds = fwk.points["bind"]
        if binds and hasattr(binds[0], "bind_request") and not fwk.points["preBind"]:
            # DefaultBinder first: the binding cycle is the request and its callback (the
            # same modelled latency, without a SimPy process per pod)
            try:
                req = binds[0].bind_request(state, pod, node)
            except ApiError as e:
                self._bind_failed(q, cycle, fwk, state, node, e.message)
                return
            req.callbacks.append(lambda ev: self._bound(ev, q, cycle, fwk, state, node))
            return
        self.clock.process(self._binding_cycle(q, cycle, fwk, state, node))

    def _bound(
        self, req: Any, q: QueuedPodInfo, cycle: int, fwk: Framework, state: CycleState, node: str
    ) -> None:
        if req.ok:
            self._bind_succeeded(q, fwk, state, node)
            return
        req.defused = True
        if not isinstance(req.value, ApiError):
            raise req.value
        self._bind_failed(q, cycle, fwk, state, node, req.value.message)

    def _detail(self, node: str, result: ScheduleResult, fwk: Framework) -> str:
        text = f"node={node} feasible={result.feasible}/{self.snapshot.num_nodes} evaluated={result.evaluated}"
        if result.totals is None or result.feasible_slots is None:
            return text + (" nominated" if result.processed == 0 else " only-feasible")
        slots = result.feasible_slots
        i = result.selected
        if i < 0:
            i = int(np.flatnonzero(slots == self.snapshot.by_name[node])[0])
        totals = result.totals
        parts = " ".join(f"{p}={int(s[i])}" for p, s in result.plugin_scores.items())
        text += f" score={int(totals[i])} [{parts}]"
        if len(slots) > 1:
            # the first best of the others (argmax with the chosen one masked out)
            best = totals[i]
            totals[i] = -1
            j = int(np.argmax(totals))
            totals[i] = best
            alt = self.snapshot.nodes[int(slots[j])].name  # type: ignore[union-attr]
            text += f" runner-up={alt}:{int(totals[j])}"
        return text

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

    # -- failure ------------------------------------------------------------------------------
    def _unschedulable(
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
        self._failure(
            q,
            cycle,
            fwk,
            Status("Unschedulable", (msg,)),
            diag.unschedulable_plugins,
            nominated=nominated,
        )

    def _failure(
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


def why(cluster: Any, key: str) -> list[str]:
    """The scheduler's trace records for pod `namespace/name`, as lines."""
    return [
        f"t={r.time:g}s {r.verb} {r.detail}"
        for r in cluster.trace
        if r.component == COMPONENT and r.ref == key
    ]


def install(
    cluster: Any,
    config: dict[str, Any] | None = None,
    *,
    base_dir: str | Path | None = None,
    **options: Any,
) -> Scheduler:
    """Start kube-scheduler on `cluster` from the scenario's spec.cluster.scheduler section
    (a KubeSchedulerConfiguration dict, or {configFile: path} relative to `base_dir`, by
    default the directory of `cluster.scenario`); bad input raises sim.core.ConfigError (the
    scenario loader's ScenarioError) naming the field. `options` tune the latency model."""
    base = Path(base_dir) if base_dir is not None else None
    scenario = getattr(cluster, "scenario", None)
    if base is None and scenario is not None and getattr(scenario, "source", None):
        base = Path(scenario.source).parent
    try:
        cfg = parse_configuration(config, base)
        sched = Scheduler(cluster, cfg, **options)
    except ConfigError as e:
        raise CoreConfigError(f"spec.cluster.scheduler.{e.path}: {e.what}") from None
    sched.start()
    return sched
