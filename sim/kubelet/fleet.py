"""Every node's kubelet and simulated host, and the node actions of the scenario timeline.

`install(cluster, config, images)` validates `spec.cluster.kubelet` and `spec.cluster.images`
and returns a `KubeletFleet`; `fleet.add_pool(pool)` starts one host and one kubelet per node
of a NodePool (node names `<pool>-<i>`, i from 1, as NodePool.node_name). The node actions
(stop and restart a kubelet, power a node off and on, add and remove nodes) are methods here;
each raises ApiError 404 (`nodes "<name>" not found`) for a node the fleet does not have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime_adapters.simulated import SimulatedHost
from sim.api.errors import ApiError, not_found
from sim.kubelet.config import KubeletConfig, parse_config
from sim.kubelet.heartbeat import NodeHeartbeat
from sim.kubelet.kubelet import Kubelet, node_ip_for

if TYPE_CHECKING:
    from sim.cluster import Cluster
    from sim.scenario.model import NodePool

__all__ = ["KubeletFleet", "install"]


class KubeletFleet:
    """The kubelets of a cluster (see the module docstring)."""

    def __init__(self, cluster: Cluster, config: KubeletConfig):
        self.cluster = cluster
        self.config = config
        self.kubelets: dict[str, Kubelet] = {}
        self.hosts: dict[str, SimulatedHost] = {}
        self.pools: dict[str, NodePool] = {}
        self._next_index: dict[str, int] = {}
        self._next_ordinal = 0
        self.node_informer = cluster.informers.informer_for("nodes")
        self.node_informer.add_event_handler(
            on_add=self._on_node, on_update=lambda _o, n: self._on_node(n)
        )
        self.node_informer.start()
        self.heartbeat = NodeHeartbeat(self)

    def _on_node(self, node: Any) -> None:
        kl = self.kubelets.get(node["metadata"]["name"])
        if kl is not None:
            kl.on_node_update()

    # -- nodes ---------------------------------------------------------------------------------
    def add_pool(self, pool: NodePool) -> list[str]:
        """Start a host and a kubelet for each of the pool's `count` nodes."""
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
        cfg = self.config
        streams = self.cluster.streams
        host = SimulatedHost(
            self.cluster.clock,
            name,
            cfg.catalog,
            ids=streams.stream(f"host/{name}/ids"),
            jitter=streams.stream(f"host/{name}/jitter"),
            node_ip=node_ip_for(ordinal),
            default_behavior=cfg.default_behavior,
            pull_bandwidth_bps=cfg.image_pull_bandwidth_bps,
            pull_check_s=cfg.pull_check_delay_s,
            sandbox_delay_s=cfg.sandbox_delay_s,
        )
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

    def host(self, name: str) -> SimulatedHost:
        self.kubelet(name)
        return self.hosts[name]

    def remove_node(self, name: str) -> None:
        """Decommission: power the machine off for good and delete its Node object."""
        kl = self.kubelet(name)
        kl.stop()
        self.hosts[name].power_off()
        del self.kubelets[name]
        del self.hosts[name]
        self.cluster.trace.record("kubelet-fleet", "remove-node", f"node/{name}")
        try:
            self.cluster.api.delete("nodes", name, user="kubesim")
        except ApiError as e:
            if e.code != 404:
                raise

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
        self.cluster.trace.record("kubelet-fleet", "power-off", f"node/{name}")

    def power_on(self, name: str) -> None:
        kl = self.kubelet(name)
        host = self.hosts[name]
        if host.powered and kl.alive:
            return
        host.power_on()
        kl.boot()
        self.cluster.trace.record("kubelet-fleet", "power-on", f"node/{name}")
        kl.start()

    def node_names(self) -> list[str]:
        return list(self.kubelets)


def install(
    cluster: Cluster, config: dict[str, Any] | None = None, images: Any = None
) -> KubeletFleet:
    """Validate `spec.cluster.kubelet` (config) and `spec.cluster.images` (images) and return the
    fleet; add nodes with `fleet.add_pool(pool)`. Raises ScenarioError for bad input."""
    return KubeletFleet(cluster, parse_config(config, images))
