"""Fixtures for network tests: a cluster with controllers, a pod-CIDR fake kubelet and the network."""

from __future__ import annotations

import ipaddress
from typing import Any

from sim import Cluster
from sim.api.frozen import thaw
from sim.network import Network
from sim.scenario.model import NodePool
from tests.controllers.fakes import FakeKubelet

CAPACITY = {"cpu": "8", "memory": "32Gi", "pods": "110"}


class CidrKubelet(FakeKubelet):
    """FakeKubelet whose pods get status.podIP from their node's spec.podCIDR (as the kubelet
    will), and that can mark a running pod not ready or ready again."""

    def __init__(self, cluster: Cluster, **kw: Any):
        self._next_host: dict[str, int] = {}
        super().__init__(cluster, **kw)

    def _pod_ip(self, node: str) -> str:
        cidr = self.c.api.get("nodes", node)["spec"].get("podCIDR") or "10.250.0.0/24"
        n = self._next_host.get(node, 1) + 1  # .1 is the bridge
        self._next_host[node] = n
        return str(ipaddress.ip_network(cidr).network_address + n)

    def _start(self, ns: str, name: str, uid: str) -> None:
        pod = self._get(ns, name, uid)
        if pod["metadata"].get("deletionTimestamp") or pod["spec"].get("nodeName") in self.silent:
            return
        super()._start(ns, name, uid)
        pod = thaw(self.c.api.get("pods", name, namespace=ns))
        ip = self._pod_ip(pod["spec"]["nodeName"])
        pod["status"]["podIP"] = ip
        pod["status"]["podIPs"] = [{"ip": ip}]
        self.c.api.update("pods", pod, subresource="status", user="kubelet")

    def set_ready(self, ns: str, name: str, ready: bool) -> None:
        pod = thaw(self.c.api.get("pods", name, namespace=ns))
        for cond in pod["status"].get("conditions") or []:
            if cond["type"] in ("Ready", "ContainersReady"):
                cond["status"] = "True" if ready else "False"
                cond["lastTransitionTime"] = self.c.clock.timestamp()
        self.c.api.update("pods", pod, subresource="status", user="kubelet")


def make_env(
    nodes: int = 3,
    network: dict[str, Any] | None = None,
    seed: int = 7,
    zones: int = 1,
    controllers: dict[str, Any] | bool = True,
    **kubelet: Any,
) -> tuple[Cluster, Network, CidrKubelet]:
    pools = [
        NodePool(f"z{z}", nodes, CAPACITY, labels={"topology.kubernetes.io/zone": f"zone-{z}"})
        for z in range(zones)
    ]
    c = Cluster(
        seed=seed,
        node_pools=pools,
        controller_manager=controllers,
        scheduler=False,
        kubelet=False,
        network=False,
    )
    net = c.install_network(network)
    k = CidrKubelet(c, **kubelet)
    return c, net, k


def web(replicas: int = 3, name: str = "web", **spec: Any) -> list[dict[str, Any]]:
    """A Deployment and its ClusterIP Service on port 80 -> 8080."""
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {
                        "containers": [
                            {"name": "c", "image": "nginx:1.27", "ports": [{"containerPort": 8080}]}
                        ]
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {
                "selector": {"app": name},
                "ports": [{"port": 80, "targetPort": 8080}],
                **spec,
            },
        },
    ]
