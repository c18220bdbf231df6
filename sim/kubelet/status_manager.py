"""The status manager's entry for one pod: when the pod's API status is written, and how.

Status writes are strategic-merge-free merge patches of the status subresource, one in flight
per pod, skipped when nothing changed; a failed write is retried at the next periodic pass, and
a pod whose phase or conditions another writer changed (the node lifecycle controller) is
written again. Follows pkg/kubelet/status/status_manager.go (SetPodStatus, syncBatch, syncPod);
the status itself is generateAPIPodStatus's (`pod_status.generate_api_pod_status`), which the
pod worker computes.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw

if TYPE_CHECKING:
    from sim.kubelet.kubelet import Kubelet
    from sim.kubelet.pod_worker import PodWorker

__all__ = ["StatusManager"]


class StatusManager:
    """What the status manager keeps for one pod: the status it last wrote, and whether a write
    is in flight, wanted again after it, or failed (to retry at the next syncBatch).

    `worker` is the pod's worker (the pod as last seen, its status, whether it still runs);
    the kubelet `kl` gives the API client, read at each write because a kubelet restart
    replaces it, and the fleet's periodic pass (`NodeHeartbeat.reconcile_later`)."""

    __slots__ = ("worker", "kl", "last_status", "inflight", "again", "failed")

    def __init__(self, worker: PodWorker, kl: Kubelet):
        self.worker = worker
        self.kl = kl
        self.last_status: dict[str, Any] | None = None
        self.inflight = False
        self.again = False
        self.failed = False  # the last status write failed: retry on the next pass

    def reconcile(self) -> None:
        """The periodic syncBatch (every 10 s): a pod whose phase or condition statuses in the
        API differ from what this kubelet last wrote (the node lifecycle controller marks pods
        NotReady while a node is silent) gets its status written again."""
        w = self.worker
        if self.failed and not self.inflight and w.alive():
            self.failed = False
            self.set_pod_status()
            return
        if self.last_status is None or self.inflight or w.removed_from_api:
            return
        if not w.alive() or _summary(w.pod.get("status")) == _summary(self.last_status):
            return
        self.last_status = None
        self.set_pod_status()

    def set_pod_status(self) -> None:
        """SetPodStatus: write the pod's current status unless it is already in the API."""
        w = self.worker
        if w.removed_from_api or not w.alive():
            return
        if self.inflight:
            self.again = True
            return
        status = w.api_status()
        if status == self.last_status or status == _comparable(w.pod.get("status")):
            self.last_status = status
            return
        self.inflight = True
        self.kl.clock.process(self._send(status))

    def write_now(self) -> Generator[Any, Any, None]:
        """Write the final status before the pod is deleted, after any write in flight."""
        w = self.worker
        while self.inflight:
            yield self.kl.clock.timeout(0.001)
        status = w.api_status()
        if status != _comparable(w.pod.get("status")):
            self.inflight = True
            yield from self._send(status)

    def _patch_for(self, status: dict[str, Any]) -> dict[str, Any]:
        old = self.worker.pod.get("status") or {}
        body: dict[str, Any] = dict(status)
        for k in old:
            if k not in status:
                body[k] = None
        return {"status": body}

    def _send(self, status: dict[str, Any]) -> Generator[Any, Any, None]:
        """syncPod: patch the status subresource."""
        w, kl = self.worker, self.kl
        try:
            pod = yield kl.client.patch(
                "pods",
                w.name,
                self._patch_for(status),
                "application/merge-patch+json",
                namespace=w.namespace,
                subresource="status",
            )
            if pod["metadata"]["uid"] == w.uid:
                w.pod = pod
            self.last_status = status
        except ApiError as e:
            w.trace("status-error", e.message[:120])
            self.failed = True
            kl.fleet.heartbeat.reconcile_later(kl, w)  # the status manager tries again
        finally:
            self.inflight = False
        if self.again:
            self.again = False
            self.set_pod_status()


def _comparable(status: Any) -> Any:
    return None if status is None else thaw(status)


def _summary(status: Any) -> tuple[Any, tuple[tuple[str, str], ...]]:
    """Phase and condition statuses: what another writer changes behind the kubelet's back."""
    if not status:
        return (None, ())
    conditions = tuple(
        sorted((c.get("type", ""), c.get("status", "")) for c in status.get("conditions") or ())
    )
    return (status.get("phase"), conditions)
