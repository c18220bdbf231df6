"""A node pool: `count` identical nodes, and the Node object each one's kubelet registers.

Scenarios write pools (`spec.nodePools`, sim/scenario re-exports this class); the kubelet fleet
starts one host and kubelet per node; without kubelets the composition root writes the same
Node objects itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["NodePool"]


@dataclass(frozen=True)
class NodePool:
    """`count` identical nodes named `<name>-<i>` (i from 1)."""

    name: str
    count: int
    capacity: dict[str, str]
    allocatable: dict[str, str] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[dict[str, Any]] = field(default_factory=list)

    def node_name(self, index: int) -> str:
        return f"{self.name}-{index + 1}"

    def node_manifest(self, index: int, kubelet_version: str) -> dict[str, Any]:
        """The Node a kubelet registers (pkg/kubelet/kubelet_node_status.go initialNode)."""
        name = self.node_name(index)
        labels = {
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubesim.io/pool": self.name,
            **self.labels,
        }
        spec: dict[str, Any] = {}
        if self.taints:
            spec["taints"] = [dict(t) for t in self.taints]
        return {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "labels": labels},
            "spec": spec,
            "status": {
                "capacity": dict(self.capacity),
                "allocatable": dict(self.allocatable or self.capacity),
                "conditions": [],
                "addresses": [{"type": "Hostname", "address": name}],
                "nodeInfo": {
                    "architecture": "amd64",
                    "operatingSystem": "linux",
                    "osImage": "kubesim simulated host",
                    "kernelVersion": "simulated",
                    "containerRuntimeVersion": "kubesim://0.1.0",
                    "kubeletVersion": kubelet_version,
                    "kubeProxyVersion": kubelet_version,
                    "machineID": "",
                    "systemUUID": "",
                    "bootID": "",
                },
            },
        }
