"""The `kubectl get` column definitions of each kind, as data.

Models the TableColumnDefinitions of pkg/printers/internalversion/printers.go (AddHandlers) for
Kubernetes 1.32: names, types, formats, priorities (0 always shown, 1 only with `-o wide`) and
descriptions from `sim.api.printers.descriptions`; plus each printed kind's API group, for
kubectl's `kind.group/name` names. `Column` is frozen; `COLUMNS` is read, never mutated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.api.printers.descriptions import _DOC


@dataclass(frozen=True, slots=True)
class Column:
    """A metav1.TableColumnDefinition. Priority 0 is always shown, 1 only with `-o wide`."""

    name: str
    type: str
    format: str = ""
    description: str = ""
    priority: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


def _col(name: str, type_: str, doc: str, priority: int = 0) -> Column:
    return Column(name, type_, "", _DOC.get(doc, doc), priority)


_NAME = Column("Name", "string", "name", _DOC["META_NAME"])
_AGE = _col("Age", "string", "META_CREATED")
_TEMPLATE = [
    _col("Containers", "string", "Names of each container in the template.", 1),
    _col("Images", "string", "Images referenced by each container in the template.", 1),
]

COLUMNS: dict[str, list[Column]] = {
    "Pod": [
        _NAME,
        _col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
        _col("Status", "string", "The aggregate status of the containers in this pod."),
        _col(
            "Restarts",
            "string",
            "The number of times the containers in this pod have been restarted and when the "
            "last container in this pod has restarted.",
        ),
        _AGE,
        _col("IP", "string", "POD_IP", 1),
        _col("Node", "string", "POD_NODE", 1),
        _col("Nominated Node", "string", "POD_NOMINATED", 1),
        _col("Readiness Gates", "string", "POD_GATES", 1),
    ],
    "Deployment": [
        _NAME,
        _col("Ready", "string", "Number of the pod with ready state"),
        _col("Up-to-date", "string", "DEP_UPDATED"),
        _col("Available", "string", "DEP_AVAILABLE"),
        _AGE,
        *_TEMPLATE,
        _col("Selector", "string", "DEP_SELECTOR", 1),
    ],
    "ReplicaSet": [
        _NAME,
        _col("Desired", "integer", "RS_REPLICAS"),
        _col("Current", "integer", "RS_STATUS_REPLICAS"),
        _col("Ready", "integer", "RS_READY"),
        _AGE,
        *_TEMPLATE,
        _col("Selector", "string", "RS_SELECTOR", 1),
    ],
    "Service": [
        _NAME,
        _col("Type", "string", "SVC_TYPE"),
        _col("Cluster-IP", "string", "SVC_CLUSTER_IP"),
        _col("External-IP", "string", "SVC_EXTERNAL_IPS"),
        _col("Port(s)", "string", "SVC_PORTS"),
        _AGE,
        _col("Selector", "string", "SVC_SELECTOR", 1),
    ],
    "Node": [
        _NAME,
        _col("Status", "string", "The status of the node"),
        _col("Roles", "string", "The roles of the node"),
        _AGE,
        _col("Version", "string", "NODE_KUBELET"),
        _col("Internal-IP", "string", "NODE_ADDRESSES", 1),
        _col("External-IP", "string", "NODE_ADDRESSES", 1),
        _col("OS-Image", "string", "NODE_OS", 1),
        _col("Kernel-Version", "string", "NODE_KERNEL", 1),
        _col("Container-Runtime", "string", "NODE_RUNTIME", 1),
    ],
    "Namespace": [_NAME, _col("Status", "string", "The status of the namespace"), _AGE],
    "Endpoints": [_NAME, _col("Endpoints", "string", "EP_SUBSETS"), _AGE],
    "EndpointSlice": [
        _NAME,
        _col("AddressType", "string", "EPS_ADDRESS_TYPE"),
        _col("Ports", "string", "EPS_PORTS"),
        _col("Endpoints", "string", "EPS_ENDPOINTS"),
        _AGE,
    ],
    "ConfigMap": [_NAME, _col("Data", "string", "CM_DATA"), _AGE],
    "Event": [
        _col("Last Seen", "string", "EV_LAST"),
        _col("Type", "string", "EV_TYPE"),
        _col("Reason", "string", "EV_REASON"),
        _col("Object", "string", "EV_OBJECT"),
        _col("Subobject", "string", "EV_SUBOBJECT", 1),
        _col("Source", "string", "EV_SOURCE", 1),
        _col("Message", "string", "EV_MESSAGE"),
        _col("First Seen", "string", "EV_FIRST", 1),
        _col("Count", "string", "EV_COUNT", 1),
        Column("Name", "string", "name", _DOC["META_NAME"], 1),
    ],
    "PriorityClass": [
        _NAME,
        _col("Value", "integer", "PC_VALUE"),
        _col("Global-Default", "boolean", "PC_DEFAULT"),
        _AGE,
        _col("PreemptionPolicy", "string", "PC_PREEMPTION"),
    ],
    "Lease": [_NAME, _col("Holder", "string", "LEASE_HOLDER"), _AGE],
}

# API groups of the printed kinds, for kubectl's `kind.group/name` names (GroupKind.String()).
_GROUPS: dict[str, str] = {
    "Deployment": "apps",
    "ReplicaSet": "apps",
    "EndpointSlice": "discovery.k8s.io",
    "PriorityClass": "scheduling.k8s.io",
    "Lease": "coordination.k8s.io",
}
