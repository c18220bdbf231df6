"""Every node's kubelet and host, and the node actions of the scenario timeline.

`install(runtime, config, backend_for)` validates `spec.cluster.kubelet` and returns a
`KubeletFleet` whose hosts come from a `runtime_adapters.cri.NodeBackend` the composition root
chose (simulated, or Docker); `fleet.add_pool(pool)` starts one host and one
kubelet per node of a NodePool (node names `<pool>-<i>`, i from 1, as NodePool.node_name). A
pool may name its own backend (`add_pool(pool, backend)`), so one fleet can run simulated and
real nodes side by side. The fleet is the network model's `HostPower` port: whether a host is
powered and whether a pod's application there accepts connections. The node actions
(stop and restart a kubelet, power a node off and on, add and remove nodes) are methods here;
each raises ApiError 404 (`nodes "<name>" not found`) for a node the fleet does not have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from runtime_adapters.cri import CONTAINER_RUNNING, NodeBackend, NodeHost
from sim.api.errors import ApiError, not_found
from sim.client.runtime import NodeReachability, Runtime
from sim.kubelet.config import KubeletConfig, parse_config
from sim.kubelet.heartbeat import NodeHeartbeat
from sim.kubelet.kubelet import Kubelet, node_ip_for
from sim.kubelet.runtime_manager import POD_UID_LABEL

if TYPE_CHECKING:
    from sim.kubelet.pool import NodePool

__all__ = ["KubeletFleet", "install"]


class KubeletFleet:
    """The kubelets of a cluster (see the module docstring)."""

    def __init__(self, runtime: Runtime, config: KubeletConfig, backend: NodeBackend):
        self.runtime = runtime
        self.config = config
        self.backend = backend
        self.reachability: NodeReachability | None = None
        self.kubelets: dict[str, Kubelet] = {}
        self.hosts: dict[str, NodeHost] = {}
        self.pools: dict[str, NodePool] = {}
        self._pool_backends: dict[str, NodeBackend] = {}
        self._next_index: dict[str, int] = {}
        self._next_ordinal = 0
        self.node_informer = runtime.informers.informer_for("nodes")
        self.node_informer.add_event_handler(
            on_add=self._on_node, on_update=lambda _o, n: self._on_node(n)
        )
        self.node_informer.start()
        self.heartbeat = NodeHeartbeat(self)

    def _on_node(self, node: Any) -> None:
        kl = self.kubelets.get(node["metadata"]["name"])
        if kl is not None:
            kl.on_node_update()

    def connect_network(self, reachability: NodeReachability) -> None:
        """The network model (installed after the kubelets) tells nodes whether they reach the
        control plane; until it is connected, every node does."""
        self.reachability = reachability
        self.heartbeat.watch_network(reachability)

    # -- HostPower, for the network model --------------------------------------------------------
    def is_powered(self, node: str) -> bool:
        host = self.hosts.get(node)
        return host.powered if host is not None else True

    def is_listening(self, pod: Mapping[str, Any]) -> bool:
        """A pod's app accepts connections when one of its running containers would pass a
        readiness check now (for a simulated host: its behaviour's `readyAfter`, `probes`)."""
        host = self.hosts.get(pod["spec"].get("nodeName", ""))
        if host is None:
            return True
        if not host.powered:
            return False
        running = [
            c
            for c in host.list_containers({POD_UID_LABEL: pod["metadata"]["uid"]})
            if c.state == CONTAINER_RUNNING
        ]
        return any(host.probe(c.id, "readiness", {}).result == "success" for c in running)

    # -- nodes ---------------------------------------------------------------------------------
    def add_pool(self, pool: NodePool, backend: NodeBackend | None = None) -> list[str]:
        """Start a host and a kubelet for each of the pool's `count` nodes, on `backend` (by
        default the fleet's)."""
        if backend is not None:
            self._pool_backends[pool.name] = backend
        return [self.add_node(pool) for _ in range(pool.count)]

    def add_node(self, pool: NodePool | str) -> str:
        """Add one node to a pool (a NodePool, or the name of one the fleet knows)."""
        if isinstance(pool, str):
            if pool not in self.pools:
                known = ", ".join(sorted(self.pools)) or "none"
                raise ApiError(
                    {
                        "code": 404,
                        "reason": "NotFound",
                        "message": f'node pool "{pool}" not found (pools: {known})',
                    }
                )
            pool = self.pools[pool]
        self.pools.setdefault(pool.name, pool)
        index = self._next_index.get(pool.name, 0)
        name = pool.node_name(index)
        while name in self.kubelets:
            index += 1
            name = pool.node_name(index)
        self._next_index[pool.name] = index + 1
        ordinal = self._next_ordinal
        self._next_ordinal += 1
        backend = self._pool_backends.get(pool.name, self.backend)
        return self.start_node(name, pool, ordinal, backend.new_host(name, node_ip_for(ordinal)))

    def start_node(self, name: str, pool: NodePool, ordinal: int, host: NodeHost) -> str:
        """Boot `host` and start the kubelet of node `name` on it."""
        kl = Kubelet(self, name, pool, ordinal, host)
        self.hosts[name] = host
        self.kubelets[name] = kl
        kl.boot()
        kl.start()
        return name

    def kubelet(self, name: str) -> Kubelet:
        kl = self.kubelets.get(name)
        if kl is None:
            raise not_found("nodes", "", name)
        return kl

    def host(self, name: str) -> NodeHost:
        self.kubelet(name)
        return self.hosts[name]

    def remove_node(self, name: str) -> None:
        """Decommission the machine: power it off for good and forget it. Its Node object is
        the cluster operator's to delete (`Cluster.remove_node` does both, as the timeline's
        `removeNode` does)."""
        kl = self.kubelet(name)
        kl.stop()
        self.hosts[name].power_off()
        del self.kubelets[name]
        del self.hosts[name]
        self.runtime.trace.record("kubelet-fleet", "remove-node", f"node/{name}")

    def stop_kubelet(self, name: str) -> None:
        """The kubelet process dies; its containers keep running."""
        self.kubelet(name).stop()

    def start_kubelet(self, name: str) -> None:
        kl = self.kubelet(name)
        if not self.hosts[name].powered:
            raise ApiError(
                {"code": 409, "reason": "Conflict", "message": f'node "{name}" is powered off'}
            )
        kl.start()

    def restart_kubelet(self, name: str) -> None:
        self.stop_kubelet(name)
        self.start_kubelet(name)

    def power_off(self, name: str) -> None:
        """The machine loses power: kubelet and containers die, images stay on disk."""
        kl = self.kubelet(name)
        kl.stop()
        self.hosts[name].power_off()
        self.runtime.trace.record("kubelet-fleet", "power-off", f"node/{name}")

    def power_on(self, name: str) -> None:
        kl = self.kubelet(name)
        host = self.hosts[name]
        if host.powered and kl.alive:
            return
        host.power_on()
        kl.boot()
        self.runtime.trace.record("kubelet-fleet", "power-on", f"node/{name}")
        kl.start()

    def node_names(self) -> list[str]:
        return list(self.kubelets)


def install(
    runtime: Runtime,
    config: dict[str, Any] | None,
    backend_for: Callable[[dict[str, Any]], NodeBackend],
    backend_fields: Iterable[str] = (),
) -> KubeletFleet:
    """Validate `spec.cluster.kubelet` and return the fleet on the backend that
    `backend_for(section)` makes from the section's `backend_fields` (which the kubelet leaves to
    it); add nodes with `fleet.add_pool(pool)`. Raises ConfigError naming the field."""
    cfg = parse_config(config, backend_fields)
    return KubeletFleet(runtime, cfg, backend_for(cfg.backend_section))
