"""One node's kubelet: registration, node status, its pods, and the read-only views.

Follows pkg/kubelet/kubelet.go (Run, syncLoop's pod additions, updates and removals),
pkg/kubelet/kubelet_node_status.go (registerWithAPIServer: create the Node, or on AlreadyExists
reconcile the default labels of the existing one; syncNodeStatus: post when the status changed
or nodeStatusReportFrequency has passed) and pkg/kubelet/server (the read-only port 10255:
`/pods`, `/healthz`, `/stats/summary`, here `pods()`, `healthz()`, `stats_summary()`).

The kubelet talks to the API only through its own client (user `system:node:<name>`) and to its
node only through the CRI-like protocols (`runtime_adapters.cri`). Its pods come from a pod
informer with the field selector `spec.nodeName=<name>`; its Node from the fleet's shared node
informer. Lease renewals and periodic status checks are not per-kubelet timers: the fleet's
`NodeHeartbeat` does them for every kubelet in one timer per period (sim/kubelet/heartbeat.py).

A stopped kubelet (crash) loses its caches and pod workers but not the containers its host runs;
when it starts again it adopts them from the runtime (sandbox and container labels), as upstream
does after a restart.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from runtime_adapters.cri import ContainerEvent, NodeHost
from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.client.events import EventRecorder
from sim.client.informer import SharedInformer
from sim.kubelet import readonly
from sim.kubelet.backoff import Backoff
from sim.kubelet.netclient import NodeClient
from sim.kubelet.node_status import (
    KUBELET_VERSION,
    allocatable_for,
    capacity_for,
    initial_node,
    node_status_of,
    status_changed,
    status_patch,
)
from sim.kubelet.pod_worker import PodWorker

if TYPE_CHECKING:
    from sim.kubelet.fleet import KubeletFleet
    from sim.kubelet.pool import NodePool

__all__ = ["KUBELET_VERSION", "Kubelet", "fallback_pod_cidr", "node_ip_for"]

REGISTER_BACKOFF_INITIAL_S = 0.1  # kubelet_node_status.go registerWithAPIServer: 100 ms .. 7 s
REGISTER_BACKOFF_MAX_S = 7.0
NODE_NETWORK = ipaddress.ip_network("172.18.0.0/16")


def node_ip_for(ordinal: int) -> str:
    """The node's InternalIP: the ordinal-th host of 172.18.0.0/16 after the gateway (as kind)."""
    return str(NODE_NETWORK.network_address + 2 + ordinal)


def fallback_pod_cidr(ordinal: int) -> str:
    """A per-node /24 when the Node has no spec.podCIDR: 10.244.<ordinal>.0/24 for the first 256
    nodes (inside 10.244.0.0/16, kubeadm's and kind's cluster CIDR), then the following /24s up
    to 10.255.255.0/24, then from 10.112.0.0/24 (above the 10.96.0.0/12 service CIDR)."""
    base = int(ipaddress.ip_address("10.244.0.0")) >> 8
    top = int(ipaddress.ip_address("10.255.255.0")) >> 8
    block = base + ordinal
    if block > top:
        block = (int(ipaddress.ip_address("10.112.0.0")) >> 8) + (block - top - 1)
    return f"{ipaddress.ip_address(block << 8)}/24"


class Kubelet:
    """The kubelet of one node (see the module docstring)."""

    def __init__(
        self, fleet: KubeletFleet, name: str, pool: NodePool, ordinal: int, host: NodeHost
    ):
        self.fleet = fleet
        self.runtime = fleet.runtime
        self.clock = fleet.runtime.clock
        self.config = fleet.config
        self.name = name
        self.pool = pool
        self.ordinal = ordinal
        self.host = host
        self.node_ip = node_ip_for(ordinal)
        self.generation = 0
        self.alive = False
        self.registered = False
        self.workers: dict[str, PodWorker] = {}
        self.container_index: dict[str, PodWorker] = {}
        self.node_obj: Any = None
        self.lease: Any = None
        self.lease_busy = False
        self.last_status: dict[str, Any] | None = None
        self.last_status_post_s = -1e18
        self.status_dirty = True
        self.status_busy = False
        self.pod_informer: SharedInformer | None = None
        self.capacity = capacity_for(pool.capacity, self.config.max_pods)
        self.allocatable = allocatable_for(self.capacity, pool.allocatable)
        ids = self.runtime.streams.stream(f"kubelet/{name}/ids")
        self.machine_id = ids.uuid().replace("-", "")
        self.system_uuid = ids.uuid()
        self._ids = ids
        self.boot_id = ""
        self.started_at_ts = ""
        host.get_container_events(self._on_container_event)
        self.client: Any = None
        self.recorder: EventRecorder | None = None
        self.backoff = Backoff(lambda: self.clock.now)
        self.image_backoff = Backoff(lambda: self.clock.now)
        self.pull_slot: Any = None

    # -- small helpers -------------------------------------------------------------------------
    def trace(self, verb: str, ref: str, detail: str = "") -> None:
        self.runtime.trace.record(f"kubelet/{self.name}", verb, ref, "", detail)

    def event(self, obj: Any, type_: str, reason: str, message: str) -> None:
        if self.recorder is not None:
            self.recorder.event(obj, type_, reason, message)

    def node_object(self) -> Any:
        cached = self.fleet.node_informer.indexer.get(self.name)
        return cached if cached is not None else self.node_obj

    def active_workers(self) -> list[PodWorker]:
        return [w for w in self.workers.values() if w.active()]

    def forget(self, worker: PodWorker) -> None:
        if self.workers.get(worker.uid) is worker:
            del self.workers[worker.uid]
        self.mark_status_dirty()

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the kubelet process (again): fresh caches, workers and back-off state."""
        if self.alive:
            return
        if not self.host.powered:
            raise RuntimeError(f"node {self.name} is powered off")
        self.generation += 1
        self.alive = True
        self.registered = False
        self.workers = {}
        self.container_index = {}
        self.lease = None
        self.last_status = None
        self.mark_status_dirty()
        self.backoff = Backoff(lambda: self.clock.now)
        self.image_backoff = Backoff(lambda: self.clock.now)
        self.client = NodeClient(
            self.runtime.client(f"system:node:{self.name}"),
            self.clock,
            self.name,
            self.reaches_api_server,
        )
        self.recorder = (
            EventRecorder(self.client, self.clock, "kubelet", self.name)
            if self.config.events
            else None
        )
        self.pull_slot = self.clock.resource(1) if self.config.serialize_image_pulls else None
        self.started_at_ts = self.clock.timestamp()
        self.trace("start", f"node/{self.name}", f"generation={self.generation}")
        self.clock.process(self._run(self.generation))

    def stop(self) -> None:
        """Kill the kubelet process; the host and its containers keep running."""
        if not self.alive:
            return
        self.alive = False
        self.generation += 1
        if self.pod_informer is not None:
            self.pod_informer.stop()
            self.pod_informer = None
        for w in list(self.workers.values()):
            w.prober.stop_all()
            w.wakeup()
        self.workers = {}
        self.container_index = {}
        self.fleet.heartbeat.remove(self)
        self.trace("stop", f"node/{self.name}")

    def boot(self) -> None:
        """A new boot of the host: a new bootID."""
        self.boot_id = self._ids.uuid()

    def _run(self, gen: int) -> Generator[Any, Any, None]:
        delay = REGISTER_BACKOFF_INITIAL_S
        while self.alive and self.generation == gen and not self.registered:
            try:
                yield from self._register()
            except ApiError as e:
                self.trace("register-error", f"node/{self.name}", e.message[:120])
                yield self.clock.timeout(delay)
                delay = min(delay * 2, REGISTER_BACKOFF_MAX_S)
        if not (self.alive and self.generation == gen):
            return
        self.apply_pod_cidr()
        self.fleet.heartbeat.add(self)
        self.post_status()
        informer = SharedInformer(
            self.client,
            self.clock,
            "pods",
            field_selector=f"spec.nodeName={self.name}",
            indexers={},
        )
        informer.add_event_handler(
            self._on_pod, lambda _old, new: self._on_pod(new), self._on_pod_delete
        )
        self.pod_informer = informer
        informer.start()

    # -- registration and node status ---------------------------------------------------------
    def _register(self) -> Generator[Any, Any, None]:
        """registerWithAPIServer / tryRegisterWithAPIServer."""
        node = initial_node(
            self.name,
            pool_name=self.pool.name,
            pool_labels=self.pool.labels,
            taints=self.pool.taints,
        )
        node["status"] = node_status_of(self, None)
        try:
            self.node_obj = yield self.client.create("nodes", node)
            self.trace("register", f"node/{self.name}", "created")
        except ApiError as e:
            if e.code != 409:
                raise
            existing = yield self.client.get("nodes", self.name)
            wanted = node["metadata"]["labels"]
            labels = dict(existing["metadata"].get("labels") or {})
            changed = False
            for key in (
                "kubernetes.io/hostname",
                "kubernetes.io/os",
                "kubernetes.io/arch",
                "beta.kubernetes.io/os",
                "beta.kubernetes.io/arch",
            ):
                if labels.get(key) != wanted[key]:
                    labels[key] = wanted[key]
                    changed = True
            if changed:  # updateDefaultLabels
                obj = thaw(existing)
                obj["metadata"]["labels"] = labels
                existing = yield self.client.update("nodes", obj)
            self.node_obj = existing
            self.trace("register", f"node/{self.name}", "existing")
        self.registered = True

    def apply_pod_cidr(self) -> None:
        """UpdateRuntimeConfig with the Node's podCIDR, or the fallback block."""
        node = self.node_object()
        cidr = ((node or {}).get("spec") or {}).get("podCIDR") or ""
        if not cidr and self.config.pod_cidr_fallback:
            cidr = fallback_pod_cidr(self.ordinal)
        if cidr:
            self.host.update_runtime_config(cidr)

    def _reported_status(self) -> Any:
        """The status the API server holds, as this kubelet last saw it (the patch's base)."""
        node = self.node_object()
        return None if node is None else node.get("status")

    def reaches_api_server(self) -> bool:
        """Whether the network lets this node talk to the control plane (both ways): a
        partition cuts heartbeats and status posts as it cuts traffic. Without a network model
        every node always reaches it."""
        topology = self.fleet.reachability
        if topology is None:
            return True
        if not topology.has(self.name):  # joins the topology when its Node registers
            return True
        return bool(topology.can_connect(self.name, "control-plane"))

    def mark_status_dirty(self) -> None:
        """Something the node status shows changed: check it at the next status tick."""
        self.status_dirty = True
        self.fleet.heartbeat.status_changed(self)

    def status_due(self) -> bool:
        return self.status_dirty or self._report_due()

    def _report_due(self) -> bool:
        """nodeStatusReportFrequency has passed since the last post (unless the API server
        renews the heartbeats on this kubelet's behalf, sim/kubelet/heartbeat.py)."""
        if self.fleet.heartbeat.is_reporting(self):
            return False
        return (
            self.clock.now - self.last_status_post_s
            >= self.config.node_status_report_frequency_s - 1e-6
        )

    def post_status(self) -> None:
        """syncNodeStatus: post when changed or the report frequency has passed."""
        if not self.alive or not self.registered or self.status_busy:
            return
        previous = self._reported_status() if self.last_status is None else self.last_status
        status = node_status_of(self, previous)  # the setters (nodestatus.NodeAddress, ...)
        due = self._report_due()
        self.status_dirty = False
        if not due and not status_changed(self.last_status, status):
            return
        self.fleet.heartbeat.superseding(self)
        self.status_busy = True
        self.clock.process(self._send_status(status, self.generation, self.clock.now))

    def _send_status(
        self, status: dict[str, Any], gen: int, sent_s: float
    ) -> Generator[Any, Any, None]:
        """Patch the status; the report period counts from when the post was sent (upstream
        counts from its answer, a few ms later: counting from the send keeps a quiet node's
        reports on the 10 s status ticks, where a standing heartbeat renewal puts them too)."""
        try:
            node = yield self.client.patch(
                "nodes",
                self.name,
                {"status": status_patch(self._reported_status(), status)},
                "application/strategic-merge-patch+json",
                subresource="status",
            )
            if self.generation == gen:
                self.node_obj = node
                self.last_status = status
                self.last_status_post_s = sent_s
                self.fleet.heartbeat.reported(self)
        except ApiError as e:
            self.trace("status-error", f"node/{self.name}", e.message[:120])
            if self.generation == gen:
                self.mark_status_dirty()
            if e.code == 404 and self.generation == gen:
                self.registered = False  # the Node was deleted: register again
                self.fleet.heartbeat.remove(self)
                self.clock.process(self._reregister(gen))
        finally:
            self.status_busy = False

    def _reregister(self, gen: int) -> Generator[Any, Any, None]:
        while self.alive and self.generation == gen and not self.registered:
            try:
                yield from self._register()
            except ApiError:
                yield self.clock.timeout(REGISTER_BACKOFF_MAX_S)
        if self.alive and self.generation == gen:
            self.fleet.heartbeat.add(self)
            self.mark_status_dirty()

    def on_node_update(self) -> None:
        if self.alive:
            self.apply_pod_cidr()

    # -- pods ----------------------------------------------------------------------------------
    def _on_pod(self, pod: Any) -> None:
        uid = pod["metadata"]["uid"]
        w = self.workers.get(uid)
        if w is None:
            if not self.alive:
                return
            w = self.workers[uid] = PodWorker(self, pod)
            self.mark_status_dirty()
        else:
            w.update(pod)
            self.fleet.heartbeat.reconcile_later(self, w)

    def _on_pod_delete(self, pod: Any) -> None:
        w = self.workers.get(pod["metadata"]["uid"])
        if w is not None:
            w.removed_from_api = True
            w.wakeup()

    def _on_container_event(self, ev: ContainerEvent) -> None:
        if not self.alive:
            return
        w = self.container_index.get(ev.container_id)
        if w is not None:
            w.on_container_event(ev)

    # -- the read-only views (port 10255, sim/kubelet/readonly.py) ------------------------------
    def healthz(self) -> str:
        """`/healthz`: "ok" while the kubelet runs; raises ConnectionError otherwise."""
        return readonly.healthz(self)

    def pods(self) -> dict[str, Any]:
        """`/pods`: a v1 PodList of the pods this kubelet runs, with the status it computes."""
        return readonly.pods(self)

    def stats_summary(self) -> dict[str, Any]:
        """`/stats/summary`: node and per-pod cpu and memory, from ListContainerStats."""
        return readonly.stats_summary(self)
