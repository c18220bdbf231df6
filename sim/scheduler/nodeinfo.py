"""framework.NodeInfo: one node as the scheduler sees it (the Node object, its labels, taints,
allocatable and images, its pods and the host ports they use).

Models pkg/scheduler/framework/types.go (NodeInfo) and, for the zone key that node-tree order
walks, pkg/scheduler/backend/cache/node_tree.go (GetZoneKey). The slot indexes the per-node
arrays of `Snapshot` (snapshot.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.quantity import QuantityError, parse_quantity
from sim.scheduler.podinfo import PodInfo

ZONE_LABEL = "topology.kubernetes.io/zone"
REGION_LABEL = "topology.kubernetes.io/region"
_EMPTY: Mapping[str, Any] = {}


def _quantity(name: str, value: Any) -> int:
    try:
        q = parse_quantity(value)
    except (QuantityError, ValueError, TypeError):
        return 0
    return q.milli_value() if name == "cpu" else -(-q.milli_value() // 1000)


class NodeInfo:
    """framework.NodeInfo for one node: the Node object, its pods and what they use."""

    __slots__ = (
        "slot",
        "name",
        "node",
        "labels",
        "taints",
        "unschedulable",
        "pods",
        "used_ports",
        "images",
        "allocatable",
        "zone_key",
    )

    def __init__(self, slot: int, node: Mapping[str, Any]):
        self.slot = slot
        self.pods: dict[str, PodInfo] = {}
        self.used_ports: dict[tuple[str, str, int], int] = {}
        self.set_node(node)

    def set_node(self, node: Mapping[str, Any]) -> None:
        meta = node.get("metadata") or _EMPTY
        spec = node.get("spec") or _EMPTY
        status = node.get("status") or _EMPTY
        self.node = node
        self.name = str(meta.get("name", ""))
        self.labels: Mapping[str, str] = meta.get("labels") or _EMPTY
        self.taints = tuple(spec.get("taints") or ())
        self.unschedulable = bool(spec.get("unschedulable"))
        alloc = status.get("allocatable") or status.get("capacity") or _EMPTY
        self.allocatable = {str(k): _quantity(str(k), v) for k, v in alloc.items()}
        self.images: dict[str, int] = {}
        for img in status.get("images") or ():
            for n in img.get("names") or ():
                self.images[str(n)] = int(img.get("sizeBytes") or 0)
        # node_tree.go GetZoneKey: region and zone joined by ":\x00:"
        region, zone = self.labels.get(REGION_LABEL, ""), self.labels.get(ZONE_LABEL, "")
        self.zone_key = "" if not region and not zone else f"{region}:\x00:{zone}"

    @property
    def pod_list(self) -> list[Any]:
        return [p.pod for p in self.pods.values()]

    def __repr__(self) -> str:
        return f"NodeInfo({self.name}, pods={len(self.pods)})"
