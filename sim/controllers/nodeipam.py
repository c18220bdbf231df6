"""Node IPAM: a pod CIDR for every node, carved from the cluster CIDR.

Models pkg/controller/nodeipam/ipam/range_allocator.go (1.32, --allocate-node-cidrs with the
RangeAllocator): on start the CIDRs nodes already have are marked used; a node without
spec.podCIDRs gets the lowest free subnet of size nodeCIDRMaskSize (24) from clusterCIDR, written
as spec.podCIDR and spec.podCIDRs; a deleted node's CIDR is released. When the range is
exhausted the node gets a CIDRNotAvailable event ("Node <name> status is now: CIDRNotAvailable")
and is retried with backoff.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.controllers.base import Controller, SyncError

if TYPE_CHECKING:
    from sim.client.runtime import Runtime


class NodeIpamController(Controller):
    name = "node-ipam-controller"
    resource = "nodes"

    def __init__(self, runtime: Runtime, cluster_cidr: str, mask_size: int):
        super().__init__(runtime, 1, user="system:serviceaccount:kube-system:node-controller")
        from sim.core.errors import ConfigError as ScenarioError

        try:
            self.network = ipaddress.ip_network(cluster_cidr)
            self.subnets_total = 2 ** (mask_size - self.network.prefixlen)
        except ValueError as e:
            raise ScenarioError(f"spec.cluster.controllerManager.clusterCIDR: {e}") from None
        if mask_size < self.network.prefixlen or mask_size > self.network.max_prefixlen:
            raise ScenarioError(
                f"spec.cluster.controllerManager.nodeCIDRMaskSize: expected {self.network.prefixlen}.."
                f"{self.network.max_prefixlen}, got {mask_size}"
            )
        self.mask_size = mask_size
        self.used: dict[int, str] = {}  # subnet index -> node
        self.by_node: dict[str, int] = {}
        self.node_informer = self.informer("nodes")
        self.node_informer.add_event_handler(self._node, lambda o, n: self._node(n), self._deleted)

    def _index_of(self, cidr: str) -> int | None:
        try:
            net = ipaddress.ip_network(cidr)
        except ValueError:
            return None
        if not net.subnet_of(self.network) or net.prefixlen != self.mask_size:  # type: ignore[arg-type]
            return None
        return (int(net.network_address) - int(self.network.network_address)) >> (
            self.network.max_prefixlen - self.mask_size
        )

    def _cidr(self, index: int) -> str:
        base = int(self.network.network_address) + (
            index << (self.network.max_prefixlen - self.mask_size)
        )
        return str(ipaddress.ip_network((base, self.mask_size)))

    def _node(self, node: Any) -> None:
        name = node["metadata"]["name"]
        cidrs = node["spec"].get("podCIDRs") or (
            [node["spec"]["podCIDR"]] if node["spec"].get("podCIDR") else []
        )
        if cidrs:
            idx = self._index_of(cidrs[0])
            if idx is not None:
                self.used[idx] = name
                self.by_node[name] = idx
            return
        self.enqueue(node)

    def _deleted(self, node: Any) -> None:
        idx = self.by_node.pop(node["metadata"]["name"], None)
        if idx is not None and self.used.get(idx) == node["metadata"]["name"]:
            del self.used[idx]
            self.record("release", node["metadata"]["name"], self._cidr(idx))

    def sync(self, key: str) -> Generator[Any, Any, None]:
        node = self.node_informer.indexer.get(key)
        if node is None or node["spec"].get("podCIDRs") or node["spec"].get("podCIDR"):
            return
        idx = self.by_node.get(key)
        if idx is None:
            idx = next((i for i in range(self.subnets_total) if i not in self.used), None)
            if idx is None:
                self.recorder.event(
                    node,
                    "Normal",
                    "CIDRNotAvailable",
                    f"Node {key} status is now: CIDRNotAvailable",
                )
                raise SyncError(
                    f"failed to allocate cidr from cluster cidr {self.network}: range is full"
                )
            self.used[idx] = key
            self.by_node[key] = idx
        cidr = self._cidr(idx)
        try:
            yield self.client.patch("nodes", key, {"spec": {"podCIDR": cidr, "podCIDRs": [cidr]}})
        except ApiError as e:
            if e.code == 404:
                return
            raise
        self.record("allocate", key, cidr)
