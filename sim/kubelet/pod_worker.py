"""A pod worker: one SimPy process per pod on the node, running syncPod until the pod is gone.

Follows pkg/kubelet/pod_workers.go (podWorkers: one worker per pod uid, syncs never overlap, a
change while a sync runs causes one more sync, a failed sync is retried after backOffPeriod),
pkg/kubelet/config/config.go (checkAndUpdatePod) and pkg/kubelet/kubelet.go (SyncPod,
SyncTerminatingPod, SyncTerminatedPod, HandlePodAdditions' admission):

1. admit the pod (first sync only; rejected pods are failed and never run);
2. create the sandbox (its IP is the pod IP);
3. kill containers a liveness or startup probe failed;
4. init containers in order (a sidecar, `restartPolicy: Always`, counts as done once started),
   then every app container; a container that exited restarts as the restart policy says,
   after the CrashLoopBackOff back-off measured from its exit;
5. starting a container: image pull, create, start, then its probes;
6. a terminal phase stops the sandbox; a deletion runs the preStop hooks and stops every
   container within the grace period (at least 2 s each, as killContainer), sidecars last, then
   writes the terminal status and deletes the pod with grace 0 and a uid precondition.

The worker sleeps on one event while nothing happens: a quiet pod costs no wake-ups. It keeps
what pod_workers.go's podSyncStatus keeps (the pod, its container records, admission and
termination) and composes the collaborators upstream names: the runtime manager (sandbox and
containers through the CRI, runtime_manager.py), the status manager (status writes,
status_manager.py) and the prober manager (probe workers, prober_manager.py).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from runtime_adapters.cri import ContainerEvent, CriError
from sim.api.errors import ApiError
from sim.kubelet.admission import admit
from sim.kubelet.backoff import ERROR_RESYNC_S
from sim.kubelet.pod_status import ContainerRecord, generate_api_pod_status, get_phase
from sim.kubelet.prober_manager import ProberManager
from sim.kubelet.runtime_manager import RuntimeManager
from sim.kubelet.status_manager import StatusManager

if TYPE_CHECKING:
    import simpy

    from sim.kubelet.kubelet import Kubelet

__all__ = ["PodWorker"]


def _records(pod: Any) -> list[ContainerRecord]:
    spec = pod["spec"]
    out = []
    for c in spec.get("initContainers") or ():
        kind = "sidecar" if c.get("restartPolicy") == "Always" else "init"
        out.append(ContainerRecord(c["name"], c, kind))
    for c in spec.get("containers") or ():
        out.append(ContainerRecord(c["name"], c, "app"))
    return out


class PodWorker:
    """Drives one pod (by uid) on one kubelet generation (see the module docstring)."""

    def __init__(self, kl: Kubelet, pod: Any):
        self.kl = kl
        self.generation = kl.generation
        self.pod = pod
        meta = pod["metadata"]
        self.uid: str = meta["uid"]
        self.name: str = meta["name"]
        self.namespace: str = meta.get("namespace", "default")
        self.ref = f"pod/{self.namespace}/{self.name}"
        self.records = _records(pod)
        self.admitted = False
        self.rejected: tuple[str, str] | None = None
        self.start_time = ""
        self.terminal_phase = ""
        self.terminating = False
        self.removed_from_api = False
        self.done = False
        self.anchor_s = kl.clock.now
        self._pending = True
        self._wake: simpy.Event | None = None
        self.runtime = RuntimeManager(self, kl)
        self.status = StatusManager(self, kl)
        self.prober = ProberManager(self, kl)
        self._adopt()
        kl.clock.process(self._run())

    # -- plumbing ------------------------------------------------------------------------------
    def alive(self) -> bool:
        return self.kl.alive and self.kl.generation == self.generation and not self.done

    def active(self) -> bool:
        """Admitted and not finished: neither done, nor in a terminal phase, nor rejected."""
        return not self.done and not self.terminal_phase and self.rejected is None

    def wakeup(self) -> None:
        self._pending = True
        w = self._wake
        if w is not None and not w.triggered:
            w.succeed()

    def update(self, pod: Any) -> None:
        """A new version from the API; only a change beyond status wakes the worker
        (pkg/kubelet/config/config.go checkAndUpdatePod ignores status-only updates)."""
        old, self.pod = self.pod, pod
        om, nm = old["metadata"], pod["metadata"]
        if old["spec"] != pod["spec"] or any(
            om.get(k) != nm.get(k)
            for k in ("deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations")
        ):
            self.wakeup()

    def later(self, delay_s: float) -> None:
        """Sync again after delay_s (a retry or the end of a back-off)."""
        gen = self.generation
        self.kl.clock.call_later(delay_s, lambda: self.wakeup() if self.generation == gen else None)

    def pod_label(self) -> str:
        """format.Pod: name_namespace(uid)."""
        return f"{self.name}_{self.namespace}({self.uid})"

    def event(self, type_: str, reason: str, message: str) -> None:
        self.kl.event(self.pod, type_, reason, message)

    def trace(self, verb: str, detail: str) -> None:
        self.kl.trace(verb, self.ref, detail)

    def interrupted(self) -> bool:
        return (
            not self.alive()
            or bool(self.pod["metadata"].get("deletionTimestamp"))
            or self.removed_from_api
        )

    # -- status (kubelet_pods.go generateAPIPodStatus; the status manager writes it) -----------
    @property
    def sandbox_id(self) -> str:
        return self.runtime.sandbox_id

    def api_status(self) -> dict[str, Any]:
        rt = self.runtime
        return generate_api_pod_status(
            self.pod,
            self.records,
            rejected=self.rejected,
            terminal_phase=self.terminal_phase,
            start_time=self.start_time,
            sandbox_ready=rt.sandbox_ready,
            sandbox_ip=rt.sandbox_ip,
            node_ip=self.kl.node_ip,
            ts=self.kl.clock.timestamp,
        )

    def reconcile_status(self) -> None:
        """The status manager's periodic syncBatch for this pod."""
        self.status.reconcile()

    # -- adoption of what the runtime already runs (a kubelet restart) -------------------------
    def _adopt(self) -> None:
        old_status = self.pod.get("status") or {}
        self.start_time = old_status.get("startTime", "")
        running = self.runtime.adopt()
        if running is None:
            api_restarts = _api_restarts(old_status)
            for r in self.records:
                count, ran = api_restarts.get(r.name, (0, False))
                r.restart_base = count + (1 if ran else 0)
            return
        self.admitted = True
        for r in running:
            r.started = True  # probes re-establish readiness; startup already passed
            # pkg/kubelet/prober: without a readiness probe a running container is ready;
            # with one it is not ready until the probe passes again
            r.ready = not r.spec.get("readinessProbe")
            self.prober.add_container(r, self.anchor_s)

    # -- the worker loop -----------------------------------------------------------------------
    def _run(self) -> Generator[Any, Any, None]:
        while self.alive():
            if not self._pending:
                self._wake = self.kl.clock.event()
                yield self._wake
                self._wake = None
                continue
            self._pending = False
            try:
                yield from self._sync()
            except (CriError, ApiError) as e:
                self.trace("sync-error", e.message[:120])
                self.later(ERROR_RESYNC_S)
            if self.alive() and not self.done:
                self.status.set_pod_status()

    def _sync(self) -> Generator[Any, Any, None]:
        """SyncPod."""
        if self.removed_from_api or self.pod["metadata"].get("deletionTimestamp"):
            yield from self._terminate()
            return
        if self.rejected is not None or self.terminal_phase:
            return
        if not self.admitted:
            if not self._admit():
                return
        if not self.runtime.sandbox_ready:
            yield from self.runtime.ensure_sandbox()
            if not self.runtime.sandbox_ready or not self.alive():
                return
        for r in self.records:
            if r.kill_reason and r.state == "running":
                yield from self._kill(r, self._probe_grace(r), r.kill_reason)
                r.force_restart = True
                r.kill_reason = ""
        if not (yield from self._sync_init_containers()):
            return
        policy = self.pod["spec"].get("restartPolicy", "Always")
        for r in self.records:
            if r.kind != "app" or r.state == "running":
                continue
            if self.interrupted():
                return
            if r.has_run and not self._should_restart(r, policy):
                continue
            yield from self._maybe_start(r)
        phase = get_phase(policy, self.records, terminal=False)
        if phase in ("Succeeded", "Failed"):
            self.terminal_phase = phase
            self.trace("terminal", phase)
            yield from self._stop_sandbox()

    def _should_restart(self, r: ContainerRecord, policy: str) -> bool:
        if r.force_restart:
            return policy != "Never"
        code = r.exit_code if r.state == "terminated" else (r.last_term or {}).get("exitCode", 0)
        return policy == "Always" or (policy == "OnFailure" and code != 0)

    def _sync_init_containers(self) -> Generator[Any, Any, bool]:
        """computePodActions for init containers: True once every one is done."""
        policy = self.pod["spec"].get("restartPolicy", "Always")
        for r in self.records:
            if r.kind == "app":
                continue
            if self.interrupted():
                return False
            if r.kind == "sidecar":
                if r.state != "running":
                    yield from self._maybe_start(r)
                if not (r.state == "running" and r.started):
                    return False
                continue
            if r.state == "terminated" and r.exit_code == 0:
                continue
            if r.state == "running":
                return False
            if r.has_run:
                failed = r.state == "terminated" or (r.last_term or {}).get("exitCode", 0) != 0
                if failed and policy == "Never":
                    return False
            yield from self._maybe_start(r)
            return False
        return True

    # -- containers: start, kill, and what the PLEG and the probes report ----------------------
    def _maybe_start(self, r: ContainerRecord) -> Generator[Any, Any, None]:
        """doBackOff, then startContainer, then the container's probes."""
        if self.runtime.do_backoff(r):
            return
        r.waiting_reason, r.waiting_message = "", ""
        self.status.set_pod_status()
        if (yield from self.runtime.start_container(r)) and r.state == "running":
            self.prober.add_container(r, self.anchor_s)

    def _kill(self, r: ContainerRecord, grace_s: float, message: str) -> Generator[Any, Any, None]:
        """killContainer: its probes stop, then the runtime manager stops it."""
        self.event("Normal", "Killing", message or f"Stopping container {r.name}")
        self.prober.remove_container(r.name)
        yield from self.runtime.kill_container(r, grace_s)

    def on_container_event(self, ev: ContainerEvent) -> None:
        for r in self.records:
            if r.container_id == ev.container_id:
                before = r.state
                self.runtime.refresh(r)
                if r.state != before:
                    if r.state != "running":
                        self.prober.remove_container(r.name)
                    self.trace(
                        "container-" + r.state,
                        f"{r.name} exit={r.exit_code}" if r.state == "terminated" else r.name,
                    )
                    self.wakeup()
                return

    def on_probe_result(self, r: ContainerRecord, purpose: str, success: bool) -> None:
        if purpose == "readiness":
            if r.ready != success:
                r.ready = success
                self.trace("ready" if success else "unready", r.name)
                self.status.set_pod_status()
        elif purpose == "startup" and success:
            if not r.started:
                r.started = True
                self.trace("started", r.name)
                self.wakeup()
        elif not success:
            r.kill_reason = f"Container {r.name} failed {purpose} probe, will be restarted"
            self.trace("probe-kill", f"{r.name} {purpose}")
            self.wakeup()

    def _probe_grace(self, r: ContainerRecord) -> float:
        for p in ("liveness", "startup"):
            g = (r.spec.get(f"{p}Probe") or {}).get("terminationGracePeriodSeconds")
            if g is not None and r.kill_reason and p in r.kill_reason:
                return float(g)
        return float(self.pod["spec"].get("terminationGracePeriodSeconds", 30))

    # -- admission, the sandbox's end, termination ---------------------------------------------
    def _admit(self) -> bool:
        kl = self.kl
        node = kl.node_object()
        others = [w.pod for w in kl.active_workers() if w is not self and w.admitted]
        result = admit(self.pod, node, others)
        self.start_time = self.start_time or kl.clock.timestamp()
        if not result.admit:
            self.rejected = (result.reason, result.message)
            self.trace("reject", result.reason)
            self.event("Warning", result.reason, result.message)
            return False
        self.admitted = True
        self.trace("admit", "")
        return True

    def _stop_sandbox(self) -> Generator[Any, Any, None]:
        self.prober.stop_all()
        yield from self.runtime.stop_sandbox()

    def _grace_s(self) -> float:
        meta, spec = self.pod["metadata"], self.pod["spec"]
        g = meta.get("deletionGracePeriodSeconds")
        if g is None:
            g = spec.get("terminationGracePeriodSeconds", 30)
        return float(g)

    def _terminate(self) -> Generator[Any, Any, None]:
        """SyncTerminatingPod then SyncTerminatedPod and the status manager's final delete."""
        if self.terminating:
            return
        self.terminating = True
        kl = self.kl
        grace = self._grace_s()
        self.trace("terminate", f"grace={grace:g}s")
        running = [r for r in self.records if r.state == "running"]
        apps = [r for r in running if r.kind != "sidecar"]
        sidecars = [r for r in reversed(running) if r.kind == "sidecar"]
        for group in (apps, sidecars):
            procs: list[simpy.Event] = [kl.clock.process(self._kill(r, grace, "")) for r in group]
            if procs:
                yield kl.clock.all_of(procs)
            if not self.alive():
                return
        yield from self._stop_sandbox()
        self.terminal_phase = self.terminal_phase or get_phase(
            self.pod["spec"].get("restartPolicy", "Always"), self.records, terminal=True
        )
        if not self.removed_from_api:
            yield from self.status.write_now()
            try:
                yield kl.client.delete(
                    "pods",
                    self.name,
                    namespace=self.namespace,
                    grace_period_seconds=0,
                    preconditions={"uid": self.uid},
                )
            except ApiError as e:
                if e.code not in (404, 409):
                    raise
        yield from self.runtime.remove_sandbox()
        for r in self.records:
            kl.container_index.pop(r.container_id, None)
        self.done = True
        kl.forget(self)
        self.trace("removed", "")


def _api_restarts(status: Any) -> dict[str, tuple[int, bool]]:
    """Per container name: the restart count the API shows, and whether it ever ran."""
    return {
        cs.get("name"): (
            cs.get("restartCount", 0),
            bool(
                cs.get("state", {}).get("running")
                or cs.get("state", {}).get("terminated")
                or cs.get("lastState")
            ),
        )
        for key in ("initContainerStatuses", "containerStatuses")
        for cs in status.get(key) or ()
    }
