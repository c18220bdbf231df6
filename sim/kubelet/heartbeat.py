"""Node heartbeats for every kubelet at once: Lease renewals and periodic node status checks.

Upstream each kubelet runs its own lease controller (k8s.io/component-helpers/apimachinery/
lease/controller.go: ensure the Lease `kube-node-lease/<node>` with holderIdentity <node>,
leaseDurationSeconds 40 and an owner reference to the Node, then renew `renewTime` every 10 s)
and its own node status loop (every nodeStatusUpdateFrequency, posting only when something
changed or nodeStatusReportFrequency has passed). Here one clock timer per period serves every
kubelet: a renewal or a status check costs no process wake-up of its own, and a quiet node costs
one Lease update per renewal period and one status post per report period. Readers still see
what upstream would show: each Lease's renewTime is at most one renewal interval old while its
kubelet runs (upstream adds up to 4 % jitter per node; here every node renews at multiples of the
interval), and it stops moving the moment the kubelet stops or its host loses power.

A renewal is an update through the kubelet's own client with the Lease it last wrote (upstream
keeps `latestLease` to save a GET); a failed renewal forgets it, and the next period GETs (or
creates) the Lease again.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw

if TYPE_CHECKING:
    from sim.kubelet.fleet import KubeletFleet
    from sim.kubelet.kubelet import Kubelet

__all__ = ["LEASE_NAMESPACE", "NodeHeartbeat"]

LEASE_NAMESPACE = "kube-node-lease"


class NodeHeartbeat:
    """The shared lease renewer and node status ticker (see the module docstring)."""

    def __init__(self, fleet: KubeletFleet):
        self.fleet = fleet
        self.clock = fleet.cluster.clock
        self.kubelets: dict[str, Kubelet] = {}
        self.renewals = 0
        self.clock.process(self._loop(fleet.config.lease_renew_interval_s, self._renew_all))
        self.clock.process(
            self._loop(fleet.config.node_status_update_frequency_s, self._status_all)
        )

    def add(self, kl: Kubelet) -> None:
        self.kubelets[kl.name] = kl
        self.renew(kl)

    def remove(self, kl: Kubelet) -> None:
        if self.kubelets.get(kl.name) is kl:
            del self.kubelets[kl.name]

    def _loop(self, period_s: float, fn: Any) -> Generator[Any, Any, None]:
        tick = 0
        while True:
            tick = max(tick + 1, math.floor(self.clock.now / period_s + 1e-9) + 1)
            yield self.clock.timeout(tick * period_s - self.clock.now)
            fn()

    def _renew_all(self) -> None:
        for kl in list(self.kubelets.values()):
            if kl.reaches_api_server():
                self.renew(kl)

    def _status_all(self) -> None:
        for kl in list(self.kubelets.values()):
            if not kl.reaches_api_server():
                continue
            if kl.status_due():
                kl.post_status()
            for worker in kl.active_workers():
                worker.reconcile_status()

    # -- one lease -----------------------------------------------------------------------------
    def _lease_object(self, kl: Kubelet) -> dict[str, Any]:
        node = kl.node_obj
        owner = []
        if node is not None:
            owner = [
                {
                    "apiVersion": "v1",
                    "kind": "Node",
                    "name": kl.name,
                    "uid": node["metadata"]["uid"],
                }
            ]
        return {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": kl.name, "namespace": LEASE_NAMESPACE, "ownerReferences": owner},
            "spec": {
                "holderIdentity": kl.name,
                "leaseDurationSeconds": kl.config.node_lease_duration_s,
                "renewTime": self.clock.micro_timestamp(),
            },
        }

    def renew(self, kl: Kubelet) -> None:
        if kl.lease_busy or not kl.alive:
            return
        kl.lease_busy = True
        if kl.lease is None:
            self.clock.process(self._ensure(kl, kl.generation))
            return
        lease = thaw(kl.lease)
        lease["spec"]["renewTime"] = self.clock.micro_timestamp()
        ev = kl.client.update("leases", lease, namespace=LEASE_NAMESPACE)
        gen = kl.generation
        self.renewals += 1

        def done(event: Any) -> None:
            kl.lease_busy = False
            if not event.ok:
                event.defused = True
                kl.lease = None
            elif kl.generation == gen:
                kl.lease = event.value

        ev.callbacks.append(done)

    def _ensure(self, kl: Kubelet, gen: int) -> Generator[Any, Any, None]:
        """ensureLease: get, or create when missing; then this period's renewal."""
        try:
            try:
                lease = yield kl.client.get("leases", kl.name, namespace=LEASE_NAMESPACE)
                obj = thaw(lease)
                obj["spec"]["holderIdentity"] = kl.name
                obj["spec"]["leaseDurationSeconds"] = kl.config.node_lease_duration_s
                obj["spec"]["renewTime"] = self.clock.micro_timestamp()
                lease = yield kl.client.update("leases", obj, namespace=LEASE_NAMESPACE)
            except ApiError as e:
                if e.code != 404:
                    raise
                lease = yield kl.client.create(
                    "leases", self._lease_object(kl), namespace=LEASE_NAMESPACE
                )
            self.renewals += 1
            if kl.generation == gen:
                kl.lease = lease
        except ApiError as e:
            kl.trace("lease-error", f"lease/{LEASE_NAMESPACE}/{kl.name}", e.message[:120])
        finally:
            kl.lease_busy = False
