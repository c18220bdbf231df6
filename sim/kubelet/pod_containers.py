"""A pod worker's containers: back-off, image pulls, create and start, probes, kill.

Starting a container pulls its image per imagePullPolicy (ErrImagePull, then ImagePullBackOff;
ErrImageNeverPull), creates and starts it, then runs its probes; a container that exited
restarts only after the CrashLoopBackOff back-off measured from its exit; a kill runs the
preStop hook within the grace period, then stops the container with what is left of it (at
least 2 s). Follows pkg/kubelet/kuberuntime (kuberuntime_manager.go doBackOff,
kuberuntime_container.go startContainer/killContainer), pkg/kubelet/images (EnsureImageExists,
via kuberuntime_image.go), pkg/kubelet/pleg (relisting one container) and
pkg/kubelet/prober (results that restart or mark a container ready).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from runtime_adapters.cri import (
    CONTAINER_EXITED,
    CONTAINER_RUNNING,
    ContainerConfig,
    ContainerEvent,
    CriError,
)
from sim.kubelet.backoff import go_duration
from sim.kubelet.pod_status import ContainerRecord
from sim.kubelet.prober import ContainerProbes
from sim.kubelet.status_writer import PodStatusWriter
from sim.kubelet.worker_base import (
    CONTAINER_NAME_LABEL,
    ERROR_RESYNC_S,
    POD_UID_LABEL,
    RESTART_COUNT_ANNOTATION,
)

__all__ = ["MIN_GRACE_S", "PodContainers"]

MIN_GRACE_S = 2.0  # kuberuntime_container.go minimumGracePeriodInSeconds


class PodContainers(PodStatusWriter):
    """The kuberuntime half of a pod worker: one pod's containers."""

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
