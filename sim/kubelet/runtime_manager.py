"""The runtime manager's work for one pod: its sandbox and containers, through the CRI.

Starting a container pulls its image per imagePullPolicy (ErrImagePull, then ImagePullBackOff;
ErrImageNeverPull), creates and starts it; a container that exited restarts only after the
CrashLoopBackOff back-off measured from its exit; a kill runs the preStop hook within the grace
period, then stops the container with what is left of it (at least 2 s). A kubelet that starts
again adopts the sandbox and containers its host still runs, found by their labels. Follows
pkg/kubelet/kuberuntime (kuberuntime_manager.go doBackOff, kuberuntime_sandbox.go
createPodSandbox/generatePodSandboxConfig, kuberuntime_container.go startContainer/
killContainer, labels.go), pkg/kubelet/images (EnsureImageExists, via kuberuntime_image.go) and
pkg/kubelet/pleg (relisting one container).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from runtime_adapters.cri import (
    CONTAINER_EXITED,
    CONTAINER_RUNNING,
    ContainerConfig,
    CriError,
    PodSandboxConfig,
)
from sim.api.quantity import cpu_milli, memory_bytes
from sim.kubelet.backoff import ERROR_RESYNC_S, go_duration
from sim.kubelet.pod_status import ContainerRecord

if TYPE_CHECKING:
    from sim.kubelet.kubelet import Kubelet
    from sim.kubelet.pod_worker import PodWorker

__all__ = [
    "CONTAINER_NAME_LABEL",
    "MIN_GRACE_S",
    "POD_UID_LABEL",
    "RESTART_COUNT_ANNOTATION",
    "RuntimeManager",
]

MIN_GRACE_S = 2.0  # kuberuntime_container.go minimumGracePeriodInSeconds
POD_UID_LABEL = "io.kubernetes.pod.uid"  # labels.go
CONTAINER_NAME_LABEL = "io.kubernetes.container.name"
RESTART_COUNT_ANNOTATION = "io.kubernetes.container.restartCount"


class RuntimeManager:
    """One pod's sandbox (its id, IP, readiness and attempts) and the CRI calls on its
    containers, whose records (`worker.records`) it updates from the runtime.

    `worker` is the pod's worker: the pod, its records, events, trace lines and retry timers;
    the kubelet `kl` gives the node backend, the back-offs, the image pull slot and the
    container index, read at each use because a kubelet restart replaces them while a call of
    the previous generation may still be answered."""

    def __init__(self, worker: PodWorker, kl: Kubelet):
        self.worker = worker
        self.kl = kl
        self.sandbox_id = ""
        self.sandbox_ip = ""
        self.sandbox_ready = False
        self.sandbox_attempts = 0

    # -- the sandbox ---------------------------------------------------------------------------
    def sandbox_config(self) -> PodSandboxConfig:
        """generatePodSandboxConfig."""
        w = self.worker
        meta = w.pod["metadata"]
        labels = {
            **(meta.get("labels") or {}),
            POD_UID_LABEL: w.uid,
            "io.kubernetes.pod.name": w.name,
            "io.kubernetes.pod.namespace": w.namespace,
        }
        return PodSandboxConfig(
            name=w.name,
            namespace=w.namespace,
            uid=w.uid,
            attempt=self.sandbox_attempts,
            hostname=w.pod["spec"].get("hostname") or w.name,
            labels=labels,
            annotations=dict(meta.get("annotations") or {}),
            host_network=bool(w.pod["spec"].get("hostNetwork")),
        )

    def adopt(self) -> list[ContainerRecord] | None:
        """What the host still runs for this pod (a kubelet restart): None without a sandbox,
        else the records whose container is running, each bound to its latest instance."""
        host, w = self.kl.host, self.worker
        sandboxes = host.list_pod_sandboxes({POD_UID_LABEL: w.uid})
        if not sandboxes:
            return None
        sb = max(sandboxes, key=lambda s: s.created_at)
        self.sandbox_attempts = len(sandboxes)
        if sb.state == "SANDBOX_READY":
            self.sandbox_id, self.sandbox_ip, self.sandbox_ready = sb.id, sb.ip, True
        by_name: dict[str, Any] = {}
        for c in host.list_containers(sandbox_id=sb.id):
            if c.name not in by_name or c.created_at > by_name[c.name].created_at:
                by_name[c.name] = c
        running = []
        for r in w.records:
            found = by_name.get(r.name)
            if found is None:
                continue
            r.container_id = found.id
            r.instances = int(found.annotations.get(RESTART_COUNT_ANNOTATION, "0")) + 1
            r.image_id = found.image_ref
            self.kl.container_index[found.id] = w
            self.refresh(r)
            if r.state == "running":
                running.append(r)
        return running

    def ensure_sandbox(self) -> Generator[Any, Any, None]:
        """createPodSandbox (again, if the host lost it: its containers went with it)."""
        kl, w = self.kl, self.worker
        if self.sandbox_id:
            self.sandbox_id = ""
            for r in w.records:
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
            w.event("Warning", "FailedCreatePodSandBox", f"Failed to create pod sandbox: {e}")
            w.later(ERROR_RESYNC_S)
            return
        self.sandbox_attempts += 1
        if not w.alive():
            return
        st = kl.host.pod_sandbox_status(sid)
        self.sandbox_id, self.sandbox_ip, self.sandbox_ready = sid, st.ip, True
        w.trace("sandbox", st.ip)
        w.status.set_pod_status()

    def stop_sandbox(self) -> Generator[Any, Any, None]:
        if self.sandbox_id and self.sandbox_ready:
            yield self.kl.host.stop_pod_sandbox(self.sandbox_id)
            self.sandbox_ready = False
            for r in self.worker.records:
                self.refresh(r)

    def remove_sandbox(self) -> Generator[Any, Any, None]:
        if self.sandbox_id:
            try:
                yield self.kl.host.remove_pod_sandbox(self.sandbox_id)
            except CriError:
                pass

    # -- containers ----------------------------------------------------------------------------
    def _backoff_key(self, r: ContainerRecord) -> str:
        """getStableKey: pod name, namespace, uid, container name and spec hash."""
        w = self.worker
        return f"{w.name}_{w.namespace}_{w.uid}_{r.name}"

    def do_backoff(self, r: ContainerRecord) -> bool:
        """doBackOff: whether `r` must wait out its CrashLoopBackOff (a wake-up is set for its
        end); otherwise the back-off moves on and `r` may start."""
        kl, w = self.kl, self.worker
        if r.state == "terminated":
            r.last_term = r.terminated_dict(kl.clock.timestamp)
            r.state = "waiting"
        if r.last_term is None:
            return False
        key = self._backoff_key(r)
        exited_at = r.finished_at
        if kl.backoff.is_in_backoff_since(key, exited_at):
            delay = kl.backoff.get(key)
            r.waiting_reason = "CrashLoopBackOff"
            r.waiting_message = f"back-off {go_duration(delay)} restarting failed container={r.name} pod={w.pod_label()}"
            w.event(
                "Warning",
                "BackOff",
                f"Back-off restarting failed container {r.name} in pod {w.pod_label()}",
            )
            w.later(max(0.0, exited_at + delay - kl.clock.now))
            return True
        kl.backoff.next(key, exited_at)
        return False

    def ensure_image(self, r: ContainerRecord) -> Generator[Any, Any, bool]:
        """images.EnsureImageExists: whether the image is there to create `r` from."""
        kl, w = self.kl, self.worker
        image = r.spec.get("image", "")
        policy = r.spec.get("imagePullPolicy") or "IfNotPresent"
        present = kl.host.image_status(image)
        if policy == "Never" and present is None:
            r.waiting_reason = "ErrImageNeverPull"
            r.waiting_message = (
                f'Container image "{image}" is not present with pull policy of Never'
            )
            w.event("Warning", "ErrImageNeverPull", r.waiting_message)
            return False
        if present is not None and policy != "Always":
            r.image_id = present.id
            w.event("Normal", "Pulled", f'Container image "{image}" already present on machine')
            return True
        key = f"{w.uid}_{image}"
        if kl.image_backoff.is_in_backoff_since_update(key, kl.clock.now):
            r.waiting_reason = "ImagePullBackOff"
            r.waiting_message = f'Back-off pulling image "{image}"'
            w.event("Normal", "BackOff", r.waiting_message)
            w.later(kl.image_backoff.remaining_after_update_s(key))
            return False
        w.event("Normal", "Pulling", f'Pulling image "{image}"')
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
            w.event("Warning", "Failed", f'Failed to pull image "{image}": {e}')
            w.event("Warning", "Failed", "Error: ErrImagePull")
            w.trace("pull-failed", image)
            w.later(ERROR_RESYNC_S)
            return False
        finally:
            if slot is not None:
                kl.pull_slot.release(slot)
        r.image_id = ref
        pulled = kl.host.image_status(image)
        size = pulled.size_bytes if pulled is not None else 0
        took, total = kl.clock.now - began, kl.clock.now - requested
        w.event(
            "Normal",
            "Pulled",
            f'Successfully pulled image "{image}" in {took:.3g}s ({total:.3g}s including waiting). Image size: {size} bytes.',
        )
        return True

    def container_config(self, r: ContainerRecord) -> ContainerConfig:
        w = self.worker
        res = r.spec.get("resources") or {}
        limits, requests = res.get("limits") or {}, res.get("requests") or {}
        return ContainerConfig(
            name=r.name,
            image=r.spec.get("image", ""),
            attempt=r.instances,
            command=tuple(r.spec.get("command") or ()),
            args=tuple(r.spec.get("args") or ()),
            labels={
                POD_UID_LABEL: w.uid,
                CONTAINER_NAME_LABEL: r.name,
                "io.kubernetes.pod.name": w.name,
                "io.kubernetes.pod.namespace": w.namespace,
            },
            annotations={RESTART_COUNT_ANNOTATION: str(r.instances)},
            cpu_limit_milli=cpu_milli(limits["cpu"]) if "cpu" in limits else 0,
            memory_limit_bytes=memory_bytes(limits["memory"]) if "memory" in limits else 0,
            cpu_request_milli=cpu_milli(requests["cpu"]) if "cpu" in requests else 0,
            memory_request_bytes=memory_bytes(requests["memory"]) if "memory" in requests else 0,
        )

    def start_container(self, r: ContainerRecord) -> Generator[Any, Any, bool]:
        """startContainer: pull, create, start; whether `r` was started for a live worker."""
        kl, w = self.kl, self.worker
        if not (yield from self.ensure_image(r)):
            return False
        if w.interrupted():
            return False
        try:
            cid = yield kl.host.create_container(
                self.sandbox_id, self.container_config(r), self.sandbox_config()
            )
        except CriError as e:
            r.waiting_reason, r.waiting_message = "CreateContainerError", e.message
            w.event("Warning", "Failed", f"Error: {e.message}")
            w.later(ERROR_RESYNC_S)
            return False
        r.instances += 1
        old = r.container_id
        if old:
            kl.container_index.pop(old, None)
            kl.clock.process(self._remove_container(old))
        r.container_id = cid
        kl.container_index[cid] = w
        r.force_restart = False
        w.event("Normal", "Created", f"Created container: {r.name}")
        try:
            yield kl.host.start_container(cid)
        except CriError as e:
            r.waiting_reason, r.waiting_message = "RunContainerError", e.message
            w.event("Warning", "Failed", f"Error: {e.message}")
            w.later(ERROR_RESYNC_S)
            return False
        if not w.alive():
            return False
        r.started = not r.spec.get("startupProbe")
        r.ready = False if r.spec.get("readinessProbe") else True
        self.refresh(r)
        w.trace("start", f"{r.name} attempt={r.instances - 1}")
        w.event("Normal", "Started", f"Started container {r.name}")
        return True

    def _remove_container(self, cid: str) -> Generator[Any, Any, None]:
        """The container garbage collector: dead instances are removed once replaced."""
        try:
            yield self.kl.host.remove_container(cid)
        except CriError:
            pass

    def refresh(self, r: ContainerRecord) -> None:
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

    def kill_container(self, r: ContainerRecord, grace_s: float) -> Generator[Any, Any, None]:
        """killContainer after its Killing event: the preStop hook within the grace period,
        then StopContainer with what is left of it (at least MIN_GRACE_S)."""
        kl = self.kl
        cid = r.container_id
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
        self.refresh(r)
        self.worker.trace("killed", f"{r.name} exit={r.exit_code}")
