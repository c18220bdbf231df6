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

This module holds the worker loop, admission, the sandbox and termination; the layers below it
are the worker's state and plumbing (worker_base.py), its status writes (status_writer.py) and
its containers (pod_containers.py).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from runtime_adapters.cri import CriError
from sim.api.errors import ApiError
from sim.kubelet.admission import admit
from sim.kubelet.pod_containers import PodContainers
from sim.kubelet.pod_status import ContainerRecord, get_phase
from sim.kubelet.worker_base import (
    ERROR_RESYNC_S,
    POD_UID_LABEL,
    RESTART_COUNT_ANNOTATION,
)

if TYPE_CHECKING:
    from sim.kubelet.kubelet import Kubelet

__all__ = ["PodWorker"]


class PodWorker(PodContainers):
    """Drives one pod (by uid) on one kubelet generation.

    The layers below: `worker_base.PodWorkerBase` (state and plumbing),
    `status_writer.PodStatusWriter` (status writes), `pod_containers.PodContainers` (containers).
    """

    def __init__(self, kl: Kubelet, pod: Any):
        super().__init__(kl, pod)
        self._adopt()
        kl.clock.process(self._run())

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
            except (CriError, ApiError) as e:
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
