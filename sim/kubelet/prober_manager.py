"""The prober manager's probe workers for one pod: one `ContainerProbes` per running container
instance that has a startup, liveness or readiness probe.

Follows pkg/kubelet/prober/prober_manager.go (AddPod starts a worker per probe; RemovePod and a
container's replacement stop them); what the probes do is `prober.ContainerProbes`'
(worker.go). Results go to the pod worker (`PodWorker.on_probe_result`), as the results manager
hands them to the kubelet's sync loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from runtime_adapters.cri import ProbeResult
from sim.kubelet.prober import PROBE_PURPOSES, ContainerProbes

if TYPE_CHECKING:
    from sim.core import Clock
    from sim.kubelet.kubelet import Kubelet
    from sim.kubelet.pod_status import ContainerRecord
    from sim.kubelet.pod_worker import PodWorker

__all__ = ["ProberManager"]


class ProberManager:
    """The probe workers of one pod's containers, by container name.

    `worker` is the pod's worker: whether it still runs, and where results go; the kubelet
    `kl` gives the clock, the node backend's `ProbeTransport` and the event recorder (read at
    each use: a kubelet restart replaces the recorder)."""

    __slots__ = ("worker", "kl", "clock", "workers")

    def __init__(self, worker: PodWorker, kl: Kubelet):
        self.worker = worker
        self.kl = kl
        self.clock: Clock = kl.clock
        self.workers: dict[str, ContainerProbes] = {}

    def add_container(self, r: ContainerRecord, anchor_s: float) -> None:
        """Start the probes of `r`'s current instance, stopping those of an earlier one."""
        old = self.workers.get(r.name)
        if old is not None:
            old.stop()
        if any(r.spec.get(f"{p}Probe") for p in PROBE_PURPOSES):
            self.workers[r.name] = ContainerProbes(self, r, r.container_id, anchor_s)

    def remove_container(self, name: str) -> None:
        """Stop the probes of container `name` (it stopped or is being killed)."""
        if name in self.workers:
            self.workers.pop(name).stop()

    def stop_all(self) -> None:
        for p in self.workers.values():
            p.stop()

    # -- what a probe worker uses --------------------------------------------------------------
    def is_alive(self) -> bool:
        return self.worker.alive()

    def probe(self, container_id: str, purpose: str, spec: Mapping[str, Any]) -> ProbeResult:
        return self.kl.host.probe(container_id, purpose, spec)

    def failed(self, purpose: str, output: str) -> None:
        """Every failed probe records a Warning `Unhealthy` event."""
        self.kl.event(
            self.worker.pod,
            "Warning",
            "Unhealthy",
            f"{purpose.capitalize()} probe failed: {output}",
        )

    def report(self, r: ContainerRecord, purpose: str, success: bool) -> None:
        self.worker.on_probe_result(r, purpose, success)
