"""Node heartbeats for every kubelet at once: Lease renewals and periodic node status checks.

Upstream each kubelet runs its own lease controller (k8s.io/component-helpers/apimachinery/
lease/controller.go: ensure the Lease `kube-node-lease/<node>` with holderIdentity <node>,
leaseDurationSeconds 40 and an owner reference to the Node, then renew `renewTime` every 10 s)
and its own node status loop (every nodeStatusUpdateFrequency, posting only when something
changed or nodeStatusReportFrequency has passed). Here one clock timer per period serves every
kubelet: a renewal or a status check costs no process wake-up of its own. Readers still see what
upstream would show: each Lease's renewTime is at most one renewal interval old while its
kubelet runs (upstream adds up to 4 % jitter per node; here every node renews at multiples of the
interval), and it stops moving the moment the kubelet stops, its host loses power or a
partition cuts it from the control plane.

A renewal is an update through the kubelet's own client with the Lease it last wrote (upstream
keeps `latestLease` to save a GET); a failed renewal forgets it, and the next period GETs (or
creates) the Lease again. Once a renewal succeeded through the in-process API server, the
kubelet registers a *standing renewal* there instead, through its client's renewer (the
`LeaseRenewer` port, sim/client/interface.py; sim/apiserver/renewals.py): the Lease is
only written when someone reads or watches it, so a quiet node costs nothing per period. The
standing renewal stops (after writing the last renewal that happened) when the kubelet stops or
its host powers off, and when a network change cuts the node from the control plane; the next
period then renews through the client again, which succeeds once the network heals. A kubelet
talking to a remote API server (sim/http/remote.py) always renews through its client.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.client.runtime import NodeReachability
from sim.core.events import on_done

if TYPE_CHECKING:
    from sim.client.interface import LeaseRenewer, Renewal
    from sim.kubelet.fleet import KubeletFleet
    from sim.kubelet.kubelet import Kubelet
    from sim.kubelet.pod_worker import PodWorker

__all__ = ["LEASE_NAMESPACE", "NodeHeartbeat"]

LEASE_NAMESPACE = "kube-node-lease"


class NodeHeartbeat:
    """The shared lease renewer and node status ticker (see the module docstring)."""

    def __init__(self, fleet: KubeletFleet):
        self.fleet = fleet
        self.clock = fleet.runtime.clock
        self.kubelets: dict[str, Kubelet] = {}
        self.standing: dict[str, Kubelet] = {}  # kubelets whose Lease the API server renews
        self.reporting: dict[str, Kubelet] = {}  # kubelets whose status heartbeat it renews
        self._unrenewed: dict[str, Kubelet] = {}  # kubelets that renew through their client
        self._watching_network = False
        self._dirty: dict[str, Kubelet] = {}  # node status to check at the next tick
        self._reports: list[tuple[float, int, str]] = []  # (due_s, seq, node): report frequency
        self._report_seq = 0
        self._reconcile: dict[tuple[str, str], tuple[Kubelet, PodWorker]] = {}
        self.clock.process(self._loop(fleet.config.lease_renew_interval_s, self._renew_all))
        self.clock.process(
            self._loop(fleet.config.node_status_update_frequency_s, self._status_all)
        )

    def add(self, kl: Kubelet) -> None:
        self.kubelets[kl.name] = kl
        self._unrenewed[kl.name] = kl
        self.renew(kl)

    def remove(self, kl: Kubelet) -> None:
        self._sit_down(kl)
        if self.kubelets.get(kl.name) is kl:
            del self.kubelets[kl.name]
            self._unrenewed.pop(kl.name, None)

    # -- standing renewals ---------------------------------------------------------------------
    def _renewer(self, kl: Kubelet) -> LeaseRenewer | None:
        """The renewer port of the kubelet's client, or None (a remote API server)."""
        renewer: LeaseRenewer | None = kl.client.renewer
        return renewer if renewer is not None and renewer.enabled else None

    def _stand(self, kl: Kubelet) -> None:
        """After a successful renewal: let the API server renew from now on."""
        renewer = self._renewer(kl)
        if renewer is None or kl.name in self.standing or self.kubelets.get(kl.name) is not kl:
            return
        gen = kl.generation

        def lost() -> None:  # someone deleted the Lease: ensure it again next period
            if self.standing.get(kl.name) is kl and kl.generation == gen:
                del self.standing[kl.name]
                self._unrenewed[kl.name] = kl
                kl.lease = None

        renewer.start(
            "leases",
            kl.name,
            namespace=LEASE_NAMESPACE,
            user=kl.client.user,
            period_s=self.fleet.config.lease_renew_interval_s,
            on_lost=lost,
        )
        self.standing[kl.name] = kl
        self._unrenewed.pop(kl.name, None)

    def _sit_down(self, kl: Kubelet) -> None:
        """Stop the standing renewals (the last renewal that happened gets written)."""
        renewer = self._renewer(kl)
        if self.reporting.get(kl.name) is kl:
            entry = renewer.renewal("nodes", kl.name) if renewer is not None else None
            self._stop_reporting(kl, entry)
            if renewer is not None:
                renewer.stop("nodes", kl.name)
        if self.standing.get(kl.name) is not kl:
            return
        del self.standing[kl.name]
        if self.kubelets.get(kl.name) is kl:
            self._unrenewed[kl.name] = kl
        if renewer is not None:
            renewer.stop("leases", kl.name, namespace=LEASE_NAMESPACE)
            # the lease as last renewed on the kubelet's behalf, its `latestLease` upstream
            kl.lease = renewer.last_renewed("leases", kl.name, namespace=LEASE_NAMESPACE)

    def watch_network(self, network: NodeReachability) -> None:
        """Follow the network model's topology (the composition root connects it once)."""
        if not self._watching_network:
            self._watching_network = True
            network.add_listener(self._network_changed)

    def _network_changed(self) -> None:
        """A partition breaks the connections of the nodes it separates (their watches end)
        and stops their standing renewals."""
        topology = self.fleet.reachability
        assert topology is not None
        running = {*self.standing, *self.reporting}
        if topology.is_whole:  # (nodes joining) nothing is cut: every node in it reaches us
            names = sorted(n for n in running if not topology.has(n))
        else:
            reach = topology.connected_to("control-plane")
            for each in self.kubelets.values():  # connections across the new cut break
                if each.name not in reach and topology.has(each.name):
                    cut = getattr(each.client, "cut", None)
                    if cut is not None:
                        cut()
            names = sorted(running - reach)
        for name in names:
            kl = self.standing.get(name) or self.reporting.get(name)
            if kl is not None:
                self._sit_down(kl)

    def _loop(self, period_s: float, fn: Any) -> Generator[Any, Any, None]:
        tick = 0
        while True:
            tick = max(tick + 1, math.floor(self.clock.now / period_s + 1e-9) + 1)
            yield self.clock.timeout(tick * period_s - self.clock.now)
            fn()

    def _renew_all(self) -> None:
        for kl in list(self._unrenewed.values()):
            if kl.reaches_api_server():
                self.renew(kl)

    # -- node status and pod status checks ------------------------------------------------------
    def status_changed(self, kl: Kubelet) -> None:
        self._dirty[kl.name] = kl

    def reported(self, kl: Kubelet) -> None:
        """The kubelet posted its status now: the next report is due a report period later,
        made by a standing renewal of the conditions' heartbeats when the API server is
        in-process (sim/apiserver/renewals.py), else by a post at that tick."""
        period_s = kl.config.node_status_report_frequency_s
        tick_s = self.fleet.config.node_status_update_frequency_s
        # the first status tick at which the report is due, then every report period
        first_s = math.ceil((kl.last_status_post_s + period_s - 1e-6) / tick_s - 1e-9) * tick_s
        renewer = self._renewer(kl)
        if renewer is None or not kl.reaches_api_server() or self.kubelets.get(kl.name) is not kl:
            self._push_report(kl, first_s)
            return

        def lost() -> None:  # the Node was deleted: the next due report finds out (404)
            if self.reporting.get(kl.name) is kl:
                self._stop_reporting(kl, entry)

        entry = renewer.start(
            "nodes", kl.name, user=kl.client.user, period_s=period_s, phase_s=first_s, on_lost=lost
        )
        self.reporting[kl.name] = kl

    def _stop_reporting(self, kl: Kubelet, entry: Renewal | None) -> None:
        """The API server no longer renews `kl`'s status heartbeats: its own posts take over,
        the next one a report period after the last renewal that happened (or its last post)."""
        del self.reporting[kl.name]
        if entry is not None and entry.latest_s(self.clock.now) >= entry.start_s:
            kl.last_status_post_s = entry.latest_s(self.clock.now)
        self._push_report(kl, kl.last_status_post_s + kl.config.node_status_report_frequency_s)

    def is_reporting(self, kl: Kubelet) -> bool:
        return self.reporting.get(kl.name) is kl

    def superseding(self, kl: Kubelet) -> None:
        """The kubelet is about to post a changed status: its heartbeat renewals so far were
        never seen and the post carries a fresh one."""
        renewer = self._renewer(kl)
        if renewer is not None and self.is_reporting(kl):
            renewer.supersede("nodes", kl.name)

    def _push_report(self, kl: Kubelet, due_s: float) -> None:
        self._report_seq += 1
        heapq.heappush(self._reports, (due_s, self._report_seq, kl.name))

    def reconcile_later(self, kl: Kubelet, worker: PodWorker) -> None:
        """The API's copy of a pod changed: compare it with what the kubelet wrote, next tick."""
        self._reconcile[(kl.name, worker.uid)] = (kl, worker)

    def _status_all(self) -> None:
        """Every nodeStatusUpdateFrequency: the node statuses that may need a post, and the pods
        whose API status someone else changed (the status manager's syncBatch). A node is looked at
        only when something it reports changed or its report is due, which is when upstream's
        check would find anything to post; a quiet node costs nothing per tick."""
        now = self.clock.now
        due: dict[str, Kubelet] = self._dirty
        self._dirty = {}
        while self._reports and self._reports[0][0] <= now + 1e-6:
            _due_s, _seq, name = heapq.heappop(self._reports)
            kl = self.kubelets.get(name)
            if kl is not None:
                due[name] = kl
        for kl in sorted(due.values(), key=lambda k: k.ordinal):
            if self.kubelets.get(kl.name) is not kl:
                continue
            if self.is_reporting(kl) and not kl.status_dirty:
                continue
            if not kl.reaches_api_server() or kl.status_busy:
                self._dirty[kl.name] = kl  # try again next tick
            elif kl.status_due():
                kl.post_status()
        pending = self._reconcile
        self._reconcile = {}
        for key, (kl, worker) in pending.items():
            if not worker.active():
                continue
            if not kl.alive or kl.workers.get(worker.uid) is not worker:
                continue
            if not kl.reaches_api_server():
                self._reconcile[key] = (kl, worker)
                continue
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
        if kl.lease_busy or not kl.alive or kl.name in self.standing:
            return
        kl.lease_busy = True
        if kl.lease is None:
            self.clock.process(self._ensure(kl, kl.generation))
            return
        lease = thaw(kl.lease)
        lease["spec"]["renewTime"] = self.clock.micro_timestamp()
        ev = kl.client.update("leases", lease, namespace=LEASE_NAMESPACE)
        gen = kl.generation

        def done(event: Any) -> None:
            kl.lease_busy = False
            if not event.ok:
                event.defused = True
                kl.lease = None
            elif kl.generation == gen:
                kl.lease = event.value
                if kl.reaches_api_server():
                    self._stand(kl)

        on_done(ev, done)

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
            if kl.generation == gen:
                kl.lease = lease
                if kl.reaches_api_server():
                    self._stand(kl)
        except ApiError as e:
            kl.trace("lease-error", f"lease/{LEASE_NAMESPACE}/{kl.name}", e.message[:120])
        finally:
            kl.lease_busy = False
