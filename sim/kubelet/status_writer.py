"""A pod worker's status writes: generateAPIPodStatus and the status manager's per-pod sync.

Status writes are strategic-merge-free merge patches of the status subresource, one in flight
per pod, skipped when nothing changed; a failed write is retried at the next periodic pass, and
a pod whose phase or conditions another writer changed (the node lifecycle controller) is
written again. Follows pkg/kubelet/kubelet_pods.go (generateAPIPodStatus) and
pkg/kubelet/status/status_manager.go (syncBatch, syncPod).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.kubelet.pod_status import container_status, get_phase, pod_conditions
from sim.kubelet.worker_base import PodWorkerBase

if TYPE_CHECKING:
    from sim.kubelet.kubelet import Kubelet

__all__ = ["PodStatusWriter"]


class PodStatusWriter(PodWorkerBase):
    """The status manager's half of a pod worker: what it writes and when."""

    def __init__(self, kl: Kubelet, pod: Any):
        super().__init__(kl, pod)
        self._last_status: dict[str, Any] | None = None
        self._status_inflight = False
        self._status_again = False
        self._status_failed = False  # the last status write failed: retry on the next pass

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
