"""A pod worker: one SimPy process per pod on the node, running syncPod until the pod is gone.

Follows pkg/kubelet/pod_workers.go (one worker per pod uid, syncs never overlap, a change while a
sync runs causes one more sync), pkg/kubelet/kubelet.go (SyncPod, SyncTerminatingPod,
SyncTerminatedPod, HandlePodAdditions' admission) and pkg/kubelet/kuberuntime
(kuberuntime_manager.go computePodActions/SyncPod/doBackOff, kuberuntime_container.go
startContainer/killContainer, kuberuntime_image.go via pkg/kubelet/images EnsureImageExists):

1. admit the pod (first sync only; rejected pods are failed and never run);
2. create the sandbox (its IP is the pod IP);
3. kill containers a liveness or startup probe failed;
4. init containers in order (a sidecar, `restartPolicy: Always`, counts as done once started),
   then every app container; a container that exited restarts as the restart policy says,
   after the CrashLoopBackOff back-off measured from its exit;
5. starting a container: image pull per imagePullPolicy (ErrImagePull, then ImagePullBackOff;
   ErrImageNeverPull), create, start, then its probes;
6. a terminal phase stops the sandbox; a deletion runs the preStop hooks and stops every
   container within the grace period (at least 2 s each, as killContainer), sidecars last, then
   writes the terminal status and deletes the pod with grace 0 and a uid precondition.

The worker sleeps on one event while nothing happens: a quiet pod costs no wake-ups.
Status writes are strategic-merge-free merge patches of the status subresource, one in flight
per pod (statusManager), skipped when nothing changed.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from runtime_adapters.cri import (
    CONTAINER_EXITED,
    CONTAINER_RUNNING,
    ContainerConfig,
    ContainerEvent,
    CriError,
    PodSandboxConfig,
)
from sim.api.errors import ApiError
from sim.kubelet.admission import admit
from sim.kubelet.backoff import go_duration
from sim.kubelet.pod_status import ContainerRecord, container_status, get_phase, pod_conditions
from sim.kubelet.prober import ContainerProbes

if TYPE_CHECKING:
    from sim.kubelet.kubelet import Kubelet

__all__ = ["PodWorker"]

MIN_GRACE_S = 2.0  # kuberuntime_container.go minimumGracePeriodInSeconds
ERROR_RESYNC_S = 10.0  # pod_workers.go: a failed sync is retried after backOffPeriod
POD_UID_LABEL = "io.kubernetes.pod.uid"
CONTAINER_NAME_LABEL = "io.kubernetes.container.name"
RESTART_COUNT_ANNOTATION = "io.kubernetes.container.restartCount"


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
    """Drives one pod (by uid) on one kubelet generation."""

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
        self.probes: dict[str, ContainerProbes] = {}
        self.sandbox_id = ""
        self.sandbox_ip = ""
        self.sandbox_ready = False
        self.sandbox_attempts = 0
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
        self._last_status: dict[str, Any] | None = None
        self._status_inflight = False
        self._status_again = False
        self._status_failed = False  # the last status write failed: retry on the next pass
        self._adopt()
        kl.clock.process(self._run())

    # -- plumbing ------------------------------------------------------------------------------
    def alive(self) -> bool:
        return self.kl.alive and self.kl.generation == self.generation and not self.done

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

    def _later(self, delay_s: float) -> None:
        gen = self.generation
        self.kl.clock.call_later(delay_s, lambda: self.wakeup() if self.generation == gen else None)

    def pod_label(self) -> str:
        """format.Pod: name_namespace(uid)."""
        return f"{self.name}_{self.namespace}({self.uid})"

    def _event(self, type_: str, reason: str, message: str) -> None:
        self.kl.event(self.pod, type_, reason, message)

    def _trace(self, verb: str, detail: str) -> None:
        self.kl.trace(verb, self.ref, detail)

    # -- adoption of what the runtime already runs (a kubelet restart) -------------------------
    def _adopt(self) -> None:
        host = self.kl.host
        sandboxes = [s for s in host.list_pod_sandboxes({POD_UID_LABEL: self.uid})]
        old_status = self.pod.get("status") or {}
        api_counts = {
            cs.get("name"): (
                cs.get("restartCount", 0),
                bool(
                    cs.get("state", {}).get("running")
                    or cs.get("state", {}).get("terminated")
                    or cs.get("lastState")
                ),
            )
            for key in ("initContainerStatuses", "containerStatuses")
            for cs in old_status.get(key) or ()
        }
        if not sandboxes:
            for r in self.records:
                count, ran = api_counts.get(r.name, (0, False))
                r.restart_base = count + (1 if ran else 0)
            self.start_time = old_status.get("startTime", "")
            return
        sb = max(sandboxes, key=lambda s: s.created_at)
        self.sandbox_attempts = len(sandboxes)
        self.start_time = old_status.get("startTime", "")
        self.admitted = True
        if sb.state == "SANDBOX_READY":
            self.sandbox_id, self.sandbox_ip, self.sandbox_ready = sb.id, sb.ip, True
        by_name: dict[str, Any] = {}
        for c in host.list_containers(sandbox_id=sb.id):
            if c.name not in by_name or c.created_at > by_name[c.name].created_at:
                by_name[c.name] = c
        for r in self.records:
            found = by_name.get(r.name)
            if found is None:
                continue
            r.container_id = found.id
            r.instances = int(found.annotations.get(RESTART_COUNT_ANNOTATION, "0")) + 1
            r.image_id = found.image_ref
            self.kl.container_index[found.id] = self
            self._refresh(r)
            if r.state == "running":
                r.started = True  # probes re-establish readiness; startup already passed
                # pkg/kubelet/prober: without a readiness probe a running container is ready;
                # with one it is not ready until the probe passes again
                r.ready = not r.spec.get("readinessProbe")
                self._start_probes(r)

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
            except CriError as e:
                self._trace("sync-error", e.message[:120])
                self._later(ERROR_RESYNC_S)
            except ApiError as e:
                self._trace("sync-error", e.message[:120])
                self._later(ERROR_RESYNC_S)
            if self.alive() and not self.done:
                self.request_status()

    def _sync(self) -> Generator[Any, Any, None]:
        if self.removed_from_api or self.pod["metadata"].get("deletionTimestamp"):
            yield from self._terminate()
            return
        if self.rejected is not None or self.terminal_phase:
            return
        if not self.admitted:
            if not self._admit():
                return
        if not self.sandbox_ready:
            yield from self._ensure_sandbox()
            if not self.sandbox_ready or not self.alive():
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
            if self._interrupted():
                return
            if r.has_run and not self._should_restart(r, policy):
                continue
            yield from self._maybe_start(r)
        phase = get_phase(policy, self.records, terminal=False)
        if phase in ("Succeeded", "Failed"):
            self.terminal_phase = phase
            self._trace("terminal", phase)
            yield from self._stop_sandbox()

    def _interrupted(self) -> bool:
        return (
            not self.alive()
            or bool(self.pod["metadata"].get("deletionTimestamp"))
            or self.removed_from_api
        )

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
            if self._interrupted():
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

    # -- admission and sandbox -----------------------------------------------------------------
    def _admit(self) -> bool:
        kl = self.kl
        node = kl.node_object()
        others = [w.pod for w in kl.active_workers() if w is not self and w.admitted]
        result = admit(self.pod, node, others)
        self.start_time = self.start_time or kl.clock.timestamp()
        if not result.admit:
            self.rejected = (result.reason, result.message)
            self._trace("reject", result.reason)
            self._event("Warning", result.reason, result.message)
            return False
        self.admitted = True
        self._trace("admit", "")
        return True

    def sandbox_config(self) -> PodSandboxConfig:
        meta = self.pod["metadata"]
        labels = {
            **(meta.get("labels") or {}),
            POD_UID_LABEL: self.uid,
            "io.kubernetes.pod.name": self.name,
            "io.kubernetes.pod.namespace": self.namespace,
        }
        return PodSandboxConfig(
            name=self.name,
            namespace=self.namespace,
            uid=self.uid,
            attempt=self.sandbox_attempts,
            hostname=self.pod["spec"].get("hostname") or self.name,
            labels=labels,
            annotations=dict(meta.get("annotations") or {}),
            host_network=bool(self.pod["spec"].get("hostNetwork")),
        )

    def _ensure_sandbox(self) -> Generator[Any, Any, None]:
        kl = self.kl
        if self.sandbox_id:  # the sandbox died (host lost it): containers go with it
            self.sandbox_id = ""
            for r in self.records:
                if r.state == "running":
                    r.state, r.exit_code, r.term_reason, r.finished_at = (
                        "terminated",
                        137,
                        "Error",
                        kl.clock.now,
                    )
        try:
            sid = yield kl.host.run_pod_sandbox(self.sandbox_config())
        except CriError as e:
            self._event("Warning", "FailedCreatePodSandBox", f"Failed to create pod sandbox: {e}")
            self._later(ERROR_RESYNC_S)
            return
        self.sandbox_attempts += 1
        if not self.alive():
            return
        st = kl.host.pod_sandbox_status(sid)
        self.sandbox_id, self.sandbox_ip, self.sandbox_ready = sid, st.ip, True
        self._trace("sandbox", st.ip)
        self.request_status()

    def _stop_sandbox(self) -> Generator[Any, Any, None]:
        for p in self.probes.values():
            p.stop()
        if self.sandbox_id and self.sandbox_ready:
            yield self.kl.host.stop_pod_sandbox(self.sandbox_id)
            self.sandbox_ready = False
            for r in self.records:
                self._refresh(r)

    # -- containers ----------------------------------------------------------------------------
    def _backoff_key(self, r: ContainerRecord) -> str:
        """getStableKey: pod name, namespace, uid, container name and spec hash."""
        return f"{self.name}_{self.namespace}_{self.uid}_{r.name}"

    def _maybe_start(self, r: ContainerRecord) -> Generator[Any, Any, None]:
        """doBackOff, then startContainer."""
        kl = self.kl
        if r.state == "terminated":
            r.last_term = r.terminated_dict(kl.clock.timestamp)
            r.state = "waiting"
        if r.last_term is not None:
            key = self._backoff_key(r)
            exited_at = r.finished_at
            if kl.backoff.is_in_backoff_since(key, exited_at):
                delay = kl.backoff.get(key)
                r.waiting_reason = "CrashLoopBackOff"
                r.waiting_message = f"back-off {go_duration(delay)} restarting failed container={r.name} pod={self.pod_label()}"
                self._event(
                    "Warning",
                    "BackOff",
                    f"Back-off restarting failed container {r.name} in pod {self.pod_label()}",
                )
                self._later(max(0.0, exited_at + delay - kl.clock.now))
                return
            kl.backoff.next(self._backoff_key(r), exited_at)
        yield from self._start_container(r)

    def _ensure_image(self, r: ContainerRecord) -> Generator[Any, Any, bool]:
        """images.EnsureImageExists."""
        kl = self.kl
        image = r.spec.get("image", "")
        policy = r.spec.get("imagePullPolicy") or "IfNotPresent"
        present = kl.host.image_status(image)
        if policy == "Never" and present is None:
            r.waiting_reason = "ErrImageNeverPull"
            r.waiting_message = (
                f'Container image "{image}" is not present with pull policy of Never'
            )
            self._event("Warning", "ErrImageNeverPull", r.waiting_message)
            return False
        if present is not None and policy != "Always":
            r.image_id = present.id
            self._event("Normal", "Pulled", f'Container image "{image}" already present on machine')
            return True
        key = f"{self.uid}_{image}"
        if kl.image_backoff.is_in_backoff_since_update(key, kl.clock.now):
            r.waiting_reason = "ImagePullBackOff"
            r.waiting_message = f'Back-off pulling image "{image}"'
            self._event("Normal", "BackOff", r.waiting_message)
            self._later(kl.image_backoff.remaining_after_update_s(key))
            return False
        self._event("Normal", "Pulling", f'Pulling image "{image}"')
        requested = kl.clock.now
        slot = kl.pull_slot.request() if kl.pull_slot is not None else None
        try:
            if slot is not None:
                yield slot
            began = kl.clock.now
            ref = yield kl.host.pull_image(image, self.sandbox_config())
        except CriError as e:
            kl.image_backoff.next(key, kl.clock.now)
            r.waiting_reason = "ErrImagePull"
            r.waiting_message = str(e)
            self._event("Warning", "Failed", f'Failed to pull image "{image}": {e}')
            self._event("Warning", "Failed", "Error: ErrImagePull")
            self._trace("pull-failed", image)
            self._later(
                ERROR_RESYNC_S
            )  # pod_workers.go: a failed sync is retried after backOffPeriod
            return False
        finally:
            if slot is not None:
                kl.pull_slot.release(slot)
        r.image_id = ref
        pulled = kl.host.image_status(image)
        size = pulled.size_bytes if pulled is not None else 0
        took, total = kl.clock.now - began, kl.clock.now - requested
        self._event(
            "Normal",
            "Pulled",
            f'Successfully pulled image "{image}" in {took:.3g}s ({total:.3g}s including waiting). Image size: {size} bytes.',
        )
        return True

    def _container_config(self, r: ContainerRecord) -> ContainerConfig:
        from sim.api.quantity import cpu_milli, memory_bytes

        res = r.spec.get("resources") or {}
        limits, requests = res.get("limits") or {}, res.get("requests") or {}
        return ContainerConfig(
            name=r.name,
            image=r.spec.get("image", ""),
            attempt=r.instances,
            command=tuple(r.spec.get("command") or ()),
            args=tuple(r.spec.get("args") or ()),
            labels={
                POD_UID_LABEL: self.uid,
                CONTAINER_NAME_LABEL: r.name,
                "io.kubernetes.pod.name": self.name,
                "io.kubernetes.pod.namespace": self.namespace,
            },
            annotations={RESTART_COUNT_ANNOTATION: str(r.instances)},
            cpu_limit_milli=cpu_milli(limits["cpu"]) if "cpu" in limits else 0,
            memory_limit_bytes=memory_bytes(limits["memory"]) if "memory" in limits else 0,
            cpu_request_milli=cpu_milli(requests["cpu"]) if "cpu" in requests else 0,
            memory_request_bytes=memory_bytes(requests["memory"]) if "memory" in requests else 0,
        )

    def _start_container(self, r: ContainerRecord) -> Generator[Any, Any, None]:
        """kuberuntime startContainer: pull, create, start, then the probes."""
        kl = self.kl
        r.waiting_reason, r.waiting_message = "", ""
        self.request_status()
        if not (yield from self._ensure_image(r)):
            return
        if self._interrupted():
            return
        try:
            cid = yield kl.host.create_container(
                self.sandbox_id, self._container_config(r), self.sandbox_config()
            )
        except CriError as e:
            r.waiting_reason, r.waiting_message = "CreateContainerError", e.message
            self._event("Warning", "Failed", f"Error: {e.message}")
            self._later(ERROR_RESYNC_S)
            return
        r.instances += 1
        old = r.container_id
        if old:
            kl.container_index.pop(old, None)
            kl.clock.process(self._remove_container(old))
        r.container_id = cid
        kl.container_index[cid] = self
        r.force_restart = False
        self._event("Normal", "Created", f"Created container: {r.name}")
        try:
            yield kl.host.start_container(cid)
        except CriError as e:
            r.waiting_reason, r.waiting_message = "RunContainerError", e.message
            self._event("Warning", "Failed", f"Error: {e.message}")
            self._later(ERROR_RESYNC_S)
            return
        if not self.alive():
            return
        r.started = not r.spec.get("startupProbe")
        r.ready = False if r.spec.get("readinessProbe") else True
        self._refresh(r)
        self._trace("start", f"{r.name} attempt={r.instances - 1}")
        self._event("Normal", "Started", f"Started container {r.name}")
        if r.state == "running":
            self._start_probes(r)

    def _remove_container(self, cid: str) -> Generator[Any, Any, None]:
        """The container garbage collector: dead instances are removed once replaced."""
        try:
            yield self.kl.host.remove_container(cid)
        except CriError:
            pass

    def _start_probes(self, r: ContainerRecord) -> None:
        old = self.probes.get(r.name)
        if old is not None:
            old.stop()
        if any(r.spec.get(f"{p}Probe") for p in ("startup", "liveness", "readiness")):
            self.probes[r.name] = ContainerProbes(self, r, r.container_id, self.anchor_s)

    def _refresh(self, r: ContainerRecord) -> None:
        """Update a record from the runtime (the PLEG relist of one container)."""
        if not r.container_id:
            return
        try:
            st = self.kl.host.container_status(r.container_id)
        except CriError:
            if r.state == "running":
                r.state, r.exit_code, r.term_reason, r.finished_at = (
                    "terminated",
                    137,
                    "Error",
                    self.kl.clock.now,
                )
            return
        if st.state == CONTAINER_RUNNING:
            r.state, r.started_at = "running", st.started_at
        elif st.state == CONTAINER_EXITED and r.state == "running":
            r.state = "terminated"
            r.exit_code, r.term_reason, r.finished_at = st.exit_code, st.reason, st.finished_at
            r.started_at = st.started_at
            r.ready = r.started = False

    def on_container_event(self, ev: ContainerEvent) -> None:
        for r in self.records:
            if r.container_id == ev.container_id:
                before = r.state
                self._refresh(r)
                if r.state != before:
                    if r.state != "running" and r.name in self.probes:
                        self.probes.pop(r.name).stop()
                    self._trace(
                        "container-" + r.state,
                        f"{r.name} exit={r.exit_code}" if r.state == "terminated" else r.name,
                    )
                    self.wakeup()
                return

    def on_probe_result(self, r: ContainerRecord, purpose: str, success: bool) -> None:
        if purpose == "readiness":
            if r.ready != success:
                r.ready = success
                self._trace("ready" if success else "unready", r.name)
                self.request_status()
        elif purpose == "startup" and success:
            if not r.started:
                r.started = True
                self._trace("started", r.name)
                self.wakeup()
        elif not success:
            r.kill_reason = f"Container {r.name} failed {purpose} probe, will be restarted"
            self._trace("probe-kill", f"{r.name} {purpose}")
            self.wakeup()

    def _probe_grace(self, r: ContainerRecord) -> float:
        for p in ("liveness", "startup"):
            g = (r.spec.get(f"{p}Probe") or {}).get("terminationGracePeriodSeconds")
            if g is not None and r.kill_reason and p in r.kill_reason:
                return float(g)
        return float(self.pod["spec"].get("terminationGracePeriodSeconds", 30))

    def _kill(self, r: ContainerRecord, grace_s: float, message: str) -> Generator[Any, Any, None]:
        """killContainer: preStop hook within the grace period, then StopContainer."""
        kl = self.kl
        cid = r.container_id
        self._event("Normal", "Killing", message or f"Stopping container {r.name}")
        if r.name in self.probes:
            self.probes.pop(r.name).stop()
        pre_stop = ((r.spec.get("lifecycle") or {}).get("preStop")) or {}
        spent = 0.0
        if pre_stop:
            if "sleep" in pre_stop:
                spent = float(pre_stop["sleep"].get("seconds", 0))
            else:
                spent = kl.host.pre_stop_delay_s(cid)
            spent = min(spent, grace_s)
            if spent > 0:
                yield kl.clock.timeout(spent)
        timeout = max(grace_s - spent, MIN_GRACE_S)
        try:
            yield kl.host.stop_container(cid, timeout)
        except CriError:
            pass
        self._refresh(r)
        self._trace("killed", f"{r.name} exit={r.exit_code}")

    # -- termination ---------------------------------------------------------------------------
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
        self._trace("terminate", f"grace={grace:g}s")
        running = [r for r in self.records if r.state == "running"]
        apps = [r for r in running if r.kind != "sidecar"]
        sidecars = [r for r in reversed(running) if r.kind == "sidecar"]
        for group in (apps, sidecars):
            procs = [kl.clock.process(self._kill(r, grace, "")) for r in group]
            if procs:
                yield kl.clock.env.all_of(procs)
            if not self.alive():
                return
        yield from self._stop_sandbox()
        for r in self.records:
            if r.state == "waiting" and r.last_term is None and not r.container_id:
                continue
        self.terminal_phase = self.terminal_phase or get_phase(
            self.pod["spec"].get("restartPolicy", "Always"), self.records, terminal=True
        )
        if not self.removed_from_api:
            yield from self._write_status_now()
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
        if self.sandbox_id:
            try:
                yield kl.host.remove_pod_sandbox(self.sandbox_id)
            except CriError:
                pass
        for r in self.records:
            kl.container_index.pop(r.container_id, None)
        self.done = True
        kl.forget(self)
        self._trace("removed", "")

    # -- status --------------------------------------------------------------------------------
    def api_status(self) -> dict[str, Any]:
        """generateAPIPodStatus."""
        kl = self.kl
        old = self.pod.get("status") or {}
        if self.rejected is not None:
            reason, message = self.rejected
            out = {k: old[k] for k in ("qosClass", "conditions") if k in old}
            out.update(
                {"phase": "Failed", "reason": reason, "message": f"Pod was rejected: {message}"}
            )
            if self.start_time:
                out["startTime"] = self.start_time
            return out
        policy = self.pod["spec"].get("restartPolicy", "Always")
        phase = self.terminal_phase or get_phase(policy, self.records, terminal=False)
        if old.get("phase") in ("Succeeded", "Failed"):
            phase = old["phase"]
        ts = kl.clock.timestamp
        default_waiting = (
            "PodInitializing" if any(r.kind != "app" for r in self.records) else "ContainerCreating"
        )
        now_ts = ts()
        status: dict[str, Any] = {
            "phase": phase,
            "conditions": pod_conditions(
                phase=phase,
                sandbox_ready=self.sandbox_ready,
                records=self.records,
                readiness_gates=self.pod["spec"].get("readinessGates") or (),
                existing=old.get("conditions") or (),
                now_ts=now_ts,
            ),
            "hostIP": kl.node_ip,
            "hostIPs": [{"ip": kl.node_ip}],
        }
        if self.sandbox_ip:
            status["podIP"] = self.sandbox_ip
            status["podIPs"] = [{"ip": self.sandbox_ip}]
        if self.start_time:
            status["startTime"] = self.start_time
        inits = [container_status(r, ts, default_waiting) for r in self.records if r.kind != "app"]
        if inits:
            status["initContainerStatuses"] = inits
        apps = [container_status(r, ts, default_waiting) for r in self.records if r.kind == "app"]
        status["containerStatuses"] = sorted(apps, key=lambda s: s["name"])
        if "qosClass" in old:
            status["qosClass"] = old["qosClass"]
        return status

    def reconcile_status(self) -> None:
        """The status manager's periodic syncBatch (pkg/kubelet/status/status_manager.go,
        every 10 s): a pod whose phase or condition statuses in the API differ from what this
        kubelet last wrote (the node lifecycle controller marks pods NotReady while a node is
        silent) gets its status written again."""
        if self._status_failed and not self._status_inflight and self.alive():
            self._status_failed = False
            self.request_status()
            return
        if self._last_status is None or self._status_inflight or self.removed_from_api:
            return
        if not self.alive() or _summary(self.pod.get("status")) == _summary(self._last_status):
            return
        self._last_status = None
        self.request_status()

    def request_status(self) -> None:
        if self.removed_from_api or not self.alive():
            return
        if self._status_inflight:
            self._status_again = True
            return
        status = self.api_status()
        if status == self._last_status or status == _comparable(self.pod.get("status")):
            self._last_status = status
            return
        self._status_inflight = True
        self.kl.clock.process(self._send_status(status))

    def _patch_for(self, status: dict[str, Any]) -> dict[str, Any]:
        old = self.pod.get("status") or {}
        body: dict[str, Any] = dict(status)
        for k in old:
            if k not in status:
                body[k] = None
        return {"status": body}

    def _send_status(self, status: dict[str, Any]) -> Generator[Any, Any, None]:
        kl = self.kl
        try:
            pod = yield kl.client.patch(
                "pods",
                self.name,
                self._patch_for(status),
                "application/merge-patch+json",
                namespace=self.namespace,
                subresource="status",
            )
            if pod["metadata"]["uid"] == self.uid:
                self.pod = pod
            self._last_status = status
        except ApiError as e:
            self._trace("status-error", e.message[:120])
            self._status_failed = True
            kl.fleet.heartbeat.reconcile_later(kl, self)  # the status manager tries again
        finally:
            self._status_inflight = False
        if self._status_again:
            self._status_again = False
            self.request_status()

    def _write_status_now(self) -> Generator[Any, Any, None]:
        while self._status_inflight:
            yield self.kl.clock.timeout(0.001)
        status = self.api_status()
        if status != _comparable(self.pod.get("status")):
            self._status_inflight = True
            yield from self._send_status(status)


def _comparable(status: Any) -> Any:
    if status is None:
        return None
    from sim.api.frozen import thaw

    return thaw(status)


def _summary(status: Any) -> tuple[Any, tuple[tuple[str, str], ...]]:
    """Phase and condition statuses: what another writer changes behind the kubelet's back."""
    if not status:
        return (None, ())
    conditions = tuple(
        sorted((c.get("type", ""), c.get("status", "")) for c in status.get("conditions") or ())
    )
    return (status.get("phase"), conditions)
