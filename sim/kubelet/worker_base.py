"""The state one pod worker keeps, and the plumbing its layers share: waking the worker, retry
timers, events and trace lines, the sandbox config.

`PodWorker` (pod_worker.py) is built in layers, each a typed base of the next: this state,
then the status writes (status_writer.py), then the container lifecycle (pod_containers.py),
then the worker loop, admission, sandbox and termination. Follows pkg/kubelet/pod_workers.go
(podSyncStatus: one worker per pod uid, a change while a sync runs causes one more sync;
backOffPeriod for a failed sync), pkg/kubelet/config/config.go (checkAndUpdatePod) and
pkg/kubelet/kuberuntime/kuberuntime_sandbox.go (generatePodSandboxConfig).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import simpy

from runtime_adapters.cri import PodSandboxConfig
from sim.kubelet.pod_status import ContainerRecord
from sim.kubelet.prober import ContainerProbes

if TYPE_CHECKING:
    from sim.kubelet.kubelet import Kubelet

__all__ = [
    "CONTAINER_NAME_LABEL",
    "ERROR_RESYNC_S",
    "POD_UID_LABEL",
    "RESTART_COUNT_ANNOTATION",
    "PodWorkerBase",
]

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


class PodWorkerBase:
    """One pod (by uid) on one kubelet generation: what the worker knows of it."""

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

    def _interrupted(self) -> bool:
        return (
            not self.alive()
            or bool(self.pod["metadata"].get("deletionTimestamp"))
            or self.removed_from_api
        )

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
