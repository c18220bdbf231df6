"""Server-side table printing: the `kubectl get` columns of each kind, as the apiserver computes them.

This models upstream's human-readable printers for Kubernetes 1.32:

- `pkg/printers/internalversion/printers.go`: the column definitions (`AddHandlers`) and one
  print function per kind (`printPod`, `printDeployment`, `printNode`, ...). `print_row` returns
  the cells of every column, wide ones included, because the apiserver's table convertor
  (`pkg/printers/storage/storage.go`) always generates with `Wide: true`;
- `pkg/printers/tablegenerator.go` (`GenerateTable`) for `table`, which builds the
  `meta.k8s.io/v1` `Table` answered to `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`;
- `staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go` for `human_duration` and
  `short_human_duration` (AGE, LAST SEEN, the `3 (2m ago)` restarts);
- `staging/src/k8s.io/cli-runtime/pkg/printers/tableprinter.go` (`decorateTable`, `printTable`),
  `terminal.go` and kubectl's tab writer (minwidth 6, tabwidth 4, padding 3, pad with spaces) for
  `render`, the text `kubectl get` prints.

Guarantees: inputs (possibly read-only `FrozenDict`/`FrozenList`) are never mutated; every result
is plain JSON (dict, list, str, int, bool) that the caller owns; output depends only on the
objects, `now_s` and `seconds_of`, so it is deterministic. Column descriptions are the 1.32
`SwaggerDoc()` texts the upstream definitions point at (k8s.io/api and apimachinery v0.32.0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

SecondsOf = Callable[[str], float]

# --------------------------------------------------------------------------------------------
# Durations (duration.go)
# --------------------------------------------------------------------------------------------

_NS = 1_000_000_000
_MINUTE_NS = 60 * _NS
_HOUR_NS = 60 * _MINUTE_NS


def _nanoseconds(seconds: float) -> int:
    """A time.Duration from float seconds, exact for the decimal the float was written as."""
    if not math.isfinite(seconds):
        raise ValueError(f"duration must be finite, not {seconds!r}")
    exact = Decimal(repr(float(seconds))) * _NS
    return int(exact.to_integral_value(rounding=ROUND_HALF_EVEN))


def _almost_now(d_ns: int) -> str | None:
    """The shared prologue: up to 2s in the future is clock skew, "now"; more is `<invalid>`."""
    seconds = int(d_ns / _NS)  # int(d.Seconds()) truncates toward zero
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    return None


def human_duration(seconds: float) -> str:
    """duration.HumanDuration: about two or three significant figures (`2m5s`, `3h`, `2d5h`)."""
    d = _nanoseconds(seconds)
    if (early := _almost_now(d)) is not None:
        return early
    if d < 2 * _MINUTE_NS:
        return f"{d // _NS}s"
    minutes = d // _MINUTE_NS
    if minutes < 10:
        s = (d // _NS) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = d // _HOUR_NS
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(seconds: float) -> str:
    """duration.ShortHumanDuration: one unit only (`59s`, `2m`, `3h`, `8d`, `2y`)."""
    d = _nanoseconds(seconds)
    if (early := _almost_now(d)) is not None:
        return early
    if d < _MINUTE_NS:
        return f"{d // _NS}s"
    if d < _HOUR_NS:
        return f"{d // _MINUTE_NS}m"
    hours = d // _HOUR_NS
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{hours // (24 * 365)}y"


# --------------------------------------------------------------------------------------------
# Column definitions (printers.go AddHandlers)
# --------------------------------------------------------------------------------------------


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


# SwaggerDoc() texts at v0.32.0 of the fields printers.go names. Upstream still points the
# Deployment and ReplicaSet columns at extensions/v1beta1 and the EndpointSlice columns at
# discovery/v1beta1, whose texts differ from apps/v1 in places; those are the ones kept here.
_DOC: dict[str, str] = {
    "META_NAME": (
        "Name must be unique within a namespace. Is required when creating resources, although "
        "some resources may allow a client to request the generation of an appropriate name "
        "automatically. Name is primarily intended for creation idempotence and configuration "
        "definition. Cannot be updated. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
    ),
    "META_CREATED": (
        "CreationTimestamp is a timestamp representing the server time when this object was "
        "created. It is not guaranteed to be set in happens-before order across separate "
        "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
        "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
    ),
    "POD_IP": (
        "podIP address allocated to the pod. Routable at least within the cluster. Empty if not "
        "yet allocated."
    ),
    "POD_NODE": (
        "NodeName indicates in which node this pod is scheduled. If empty, this pod is a "
        "candidate for scheduling by the scheduler defined in schedulerName. Once this field is "
        "set, the kubelet for this node becomes responsible for the lifecycle of this pod. This "
        "field should not be used to express a desire for the pod to be scheduled on a specific "
        "node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename"
    ),
    "POD_NOMINATED": (
        "nominatedNodeName is set only when this pod preempts other pods on the node, but it "
        "cannot be scheduled right away as preemption victims receive their graceful termination "
        "periods. This field does not guarantee that the pod will be scheduled on this node. "
        "Scheduler may decide to place the pod elsewhere if other nodes become available sooner. "
        "Scheduler may also decide to give the resources on this node to a higher priority pod "
        "that is created after preemption. As a result, this field may be different than "
        "PodSpec.nodeName when the pod is scheduled."
    ),
    "POD_GATES": (
        "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready "
        "when all its containers are ready AND all conditions specified in the readiness gates "
        'have status equal to "True" More info: '
        "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates"
    ),
    "RS_REPLICAS": (
        "Replicas is the number of desired replicas. This is a pointer to distinguish between "
        "explicit zero and unspecified. Defaults to 1. More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"
    ),
    "RS_STATUS_REPLICAS": (
        "Replicas is the most recently observed number of replicas. More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"
    ),
    "RS_READY": "The number of ready replicas for this replica set.",
    "RS_SELECTOR": (
        "Selector is a label query over pods that should match the replica count. If the "
        "selector is empty, it is defaulted to the labels present on the pod template. Label "
        "keys and values that must match in order to be controlled by this replica set. More "
        "info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
    ),
    "DEP_UPDATED": (
        "Total number of non-terminated pods targeted by this deployment that have the desired "
        "template spec."
    ),
    "DEP_AVAILABLE": (
        "Total number of available pods (ready for at least minReadySeconds) targeted by this "
        "deployment."
    ),
    "DEP_SELECTOR": (
        "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be "
        "the ones affected by this deployment."
    ),
    "SVC_TYPE": (
        "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are "
        'ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a '
        "cluster-internal IP address for load-balancing to endpoints. Endpoints are determined "
        "by the selector or if that is not specified, by manual construction of an Endpoints "
        'object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated '
        "and the endpoints are published as a set of endpoints rather than a virtual IP. "
        '"NodePort" builds on ClusterIP and allocates a port on every node which routes to the '
        'same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an '
        "external load-balancer (if supported in the current cloud) which routes to the same "
        'endpoints as the clusterIP. "ExternalName" aliases this service to the specified '
        "externalName. Several other fields do not apply to ExternalName services. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"
    ),
    "SVC_CLUSTER_IP": (
        "clusterIP is the IP address of the service and is usually assigned randomly. If an "
        "address is specified manually, is in-range (as per system configuration), and is not in "
        "use, it will be allocated to the service; otherwise creation of the service will fail. "
        "This field may not be changed through updates unless the type field is also being "
        "changed to ExternalName (which requires this field to be blank) or the type field is "
        "being changed from ExternalName (in which case this field may optionally be specified, "
        'as describe above).  Valid values are "None", empty string (""), or a valid IP '
        'address. Setting this to "None" makes a "headless service" (no virtual IP), which '
        "is useful when direct endpoint connections are preferred and proxying is not required.  "
        "Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified "
        "when creating a Service of type ExternalName, creation will fail. This field will be "
        "wiped when updating a Service to type ExternalName. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"
    ),
    "SVC_EXTERNAL_IPS": (
        "externalIPs is a list of IP addresses for which nodes in the cluster will also accept "
        "traffic for this service.  These IPs are not managed by Kubernetes.  The user is "
        "responsible for ensuring that traffic arrives at a node with this IP.  A common example "
        "is external load-balancers that are not part of the Kubernetes system."
    ),
    "SVC_PORTS": (
        "The list of ports that are exposed by this service. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"
    ),
    "SVC_SELECTOR": (
        "Route service traffic to pods with label keys and values matching this selector. If "
        "empty or not present, the service is assumed to have an external process managing its "
        "endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, "
        "and LoadBalancer. Ignored if type is ExternalName. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/"
    ),
    "NODE_KUBELET": "Kubelet Version reported by the node.",
    "NODE_ADDRESSES": (
        "List of addresses reachable to the node. Queried from cloud provider, if available. "
        "More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This "
        "field is declared as mergeable, but the merge key is not sufficiently unique, which can "
        "cause data corruption when it is merged. Callers should instead use a full-replacement "
        "patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that "
        "addresses can change during the lifetime of a Node. However, there are some exceptions "
        "where this may not be possible, such as Pods that inherit a Node's address in its own "
        "status or consumers of the downward API (status.hostIP)."
    ),
    "NODE_OS": (
        "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."
    ),
    "NODE_KERNEL": (
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."
    ),
    "NODE_RUNTIME": (
        "ContainerRuntime Version reported by the node through runtime remote API (e.g. "
        "containerd://1.4.2)."
    ),
    "EP_SUBSETS": (
        "The set of all endpoints is the union of all subsets. Addresses are placed into subsets "
        "according to the IPs they share. A single address with multiple ports, some of which "
        "are ready and some of which are not (because they come from different containers) will "
        "result in the address being displayed in different subsets for the different ports. No "
        "address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of "
        "addresses and ports that comprise a service."
    ),
    "EPS_ADDRESS_TYPE": (
        "addressType specifies the type of address carried by this EndpointSlice. All addresses "
        "in this slice must be the same type. This field is immutable after creation. The "
        "following address types are currently supported: * IPv4: Represents an IPv4 Address. * "
        "IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name."
    ),
    "EPS_PORTS": (
        "ports specifies the list of network ports exposed by each endpoint in this slice. Each "
        "port must have a unique name. When ports is empty, it indicates that there are no "
        'defined ports. When a port is defined with a nil port value, it indicates "all '
        'ports". Each slice may include a maximum of 100 ports.'
    ),
    "EPS_ENDPOINTS": (
        "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum "
        "of 1000 endpoints."
    ),
    "CM_DATA": (
        "Data contains the configuration data. Each key must consist of alphanumeric characters, "
        "'-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. "
        "The keys stored in Data must not overlap with the keys in the BinaryData field, this is "
        "enforced during validation process."
    ),
    "EV_LAST": "The time at which the most recent occurrence of this event was recorded.",
    "EV_TYPE": "Type of this event (Normal, Warning), new types could be added in the future",
    "EV_REASON": (
        "This should be a short, machine understandable string that gives the reason for the "
        "transition into the object's current status."
    ),
    "EV_OBJECT": "The object that this event is about.",
    "EV_SUBOBJECT": (
        "If referring to a piece of an object instead of an entire object, this string should "
        "contain a valid JSON/Go field access statement, such as "
        "desiredState.manifest.containers[2]. For example, if the object reference is to a "
        'container within a pod, this would take on a value like: "spec.containers{name}" '
        '(where "name" refers to the name of the container that triggered the event) or if no '
        'container name is specified "spec.containers[2]" (container with index 2 in this '
        "pod). This syntax is chosen only to have some well-defined way of referencing a part of "
        "an object."
    ),
    "EV_SOURCE": (
        "The component reporting this event. Should be a short machine understandable string."
    ),
    "EV_MESSAGE": "A human-readable description of the status of this operation.",
    "EV_FIRST": (
        "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"
    ),
    "EV_COUNT": "The number of times this event has occurred.",
    "PC_VALUE": (
        "value represents the integer value of this priority class. This is the actual priority "
        "that pods receive when they have the name of this class in their pod spec."
    ),
    "PC_DEFAULT": (
        "globalDefault specifies whether this PriorityClass should be considered as the default "
        "priority for pods that do not have any priority class. Only one PriorityClass can be "
        "marked as `globalDefault`. However, if more than one PriorityClasses exists with their "
        "`globalDefault` field set to true, the smallest value of such global default "
        "PriorityClasses will be used as the default priority."
    ),
    "PC_PREEMPTION": (
        "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, "
        "PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."
    ),
    "LEASE_HOLDER": (
        "holderIdentity contains the identity of the holder of a current lease. If Coordinated "
        "Leader Election is used, the holder identity must be equal to the elected "
        "LeaseCandidate.metadata.name field."
    ),
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

# --------------------------------------------------------------------------------------------
# Reading Kubernetes JSON without mutating it
# --------------------------------------------------------------------------------------------

_EMPTY: Mapping[str, Any] = {}


def _m(obj: Mapping[str, Any] | None, key: str) -> Mapping[str, Any]:
    """obj[key] as a mapping; absent or null reads as empty, like an unset Go struct."""
    value = obj.get(key) if obj else None
    return value if isinstance(value, Mapping) else _EMPTY


def _l(obj: Mapping[str, Any] | None, key: str) -> Sequence[Any]:
    value = obj.get(key) if obj else None
    return value if isinstance(value, Sequence) and not isinstance(value, str) else ()


def _s(obj: Mapping[str, Any] | None, key: str) -> str:
    value = obj.get(key) if obj else None
    return value if isinstance(value, str) else ""


def _i(obj: Mapping[str, Any] | None, key: str, default: int = 0) -> int:
    value = obj.get(key) if obj else None
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _has(obj: Mapping[str, Any], key: str) -> bool:
    """A Go pointer field is set: present and not null."""
    return obj.get(key) is not None


def _plain(value: Any) -> Any:
    """A deep, plain (mutable, caller-owned) copy of a JSON value."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class _Ctx:
    """What a print function needs besides the object: the clock, and GenerateOptions.Wide."""

    now_s: float
    seconds_of: SecondsOf
    wide: bool = True

    def since(self, timestamp: Any) -> str:
        """translateTimestampSince: `<unknown>` for a zero (unset) time."""
        if not isinstance(timestamp, str) or not timestamp:
            return "<unknown>"
        return human_duration(self.now_s - self.seconds_of(timestamp))

    def instant(self, timestamp: Any) -> float | None:
        if not isinstance(timestamp, str) or not timestamp:
            return None
        return self.seconds_of(timestamp)

    def age(self, obj: Mapping[str, Any]) -> str:
        return self.since(_m(obj, "metadata").get("creationTimestamp"))


@dataclass(slots=True)
class _Row:
    cells: list[Any]
    conditions: list[dict[str, str]] | None = None


def _name(obj: Mapping[str, Any]) -> str:
    return _s(_m(obj, "metadata"), "name")


def _format_labels(labels: Mapping[str, Any]) -> str:
    """labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty."""
    text = ",".join(f"{k}={labels[k]}" for k in sorted(labels))
    return text or "<none>"


def _requirement(key: str, op: str, values: Sequence[str]) -> str | None:
    """labels.Requirement.String(), or None where NewRequirement would refuse the arguments."""
    if op in ("Exists", "DoesNotExist"):
        if values:
            return None
        return key if op == "Exists" else f"!{key}"
    if op not in ("In", "NotIn") or not values:
        return None
    joined = values[0] if len(values) == 1 else ",".join(sorted(values))
    return f"{key} {op.lower()} ({joined})"


def _selector(selector: Any) -> str | None:
    """metav1.LabelSelectorAsSelector(...).String(); None when the selector is invalid."""
    if not isinstance(selector, Mapping):
        return ""  # nil selector: labels.Nothing()
    match_labels = _m(selector, "matchLabels")
    reqs: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in match_labels.items()]
    for expr in _l(selector, "matchExpressions"):
        key = _s(expr, "key")
        text = _requirement(key, _s(expr, "operator"), [str(v) for v in _l(expr, "values")])
        if text is None:
            return None
        reqs.append((key, text))
    reqs.sort(key=lambda r: r[0])  # internalSelector.Add sorts requirements by key
    return ",".join(text for _, text in reqs)


def _format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: `<none>` for an empty result, `<error>` for an invalid one."""
    text = _selector(selector)
    if text is None:
        return "<error>"
    return text or "<none>"


def _containers(template: Mapping[str, Any]) -> list[str]:
    """layoutContainerCells: comma-joined container names and images of a pod template."""
    containers = _l(_m(template, "spec"), "containers")
    return [
        ",".join(_s(c, "name") for c in containers),
        ",".join(_s(c, "image") for c in containers),
    ]


def _list_with_more(items: Iterable[str], limit: int = 3, empty: str = "<unset>") -> str:
    """listWithMoreString: the first `limit` items then ` + N more...`."""
    items = list(items)
    text = ",".join(items[:limit])
    if len(items) > limit:
        return f"{text} + {len(items) - limit} more..."
    return text or empty


# --------------------------------------------------------------------------------------------
# Pods (printPod)
# --------------------------------------------------------------------------------------------


def _later(current: float | None, status: Mapping[str, Any], ctx: _Ctx) -> float | None:
    """Keep the latest lastState.terminated.finishedAt seen (lastRestartDate.Before(...))."""
    finished = ctx.instant(_m(_m(status, "lastState"), "terminated").get("finishedAt"))
    if finished is None or (current is not None and finished <= current):
        return current
    return finished


def _is_restartable(container: Mapping[str, Any] | None) -> bool:
    """A sidecar: an init container with restartPolicy Always."""
    return container is not None and container.get("restartPolicy") == "Always"


def _condition_true(status: Mapping[str, Any], type_: str, first_only: bool) -> bool:
    for cond in _l(status, "conditions"):
        if _s(cond, "type") == type_:
            if _s(cond, "status") == "True":
                return True
            if first_only:
                return False
    return False


def _terminated_reason(terminated: Mapping[str, Any], prefix: str) -> str:
    if reason := _s(terminated, "reason"):
        return prefix + reason
    if signal := _i(terminated, "signal"):
        return f"{prefix}Signal:{signal}"
    return f"{prefix}ExitCode:{_i(terminated, 'exitCode')}"


@dataclass(slots=True)
class _PodTally:
    reason: str
    ready: int = 0
    restarts: int = 0
    last_restart: float | None = None
    sidecar_restarts: int = 0
    sidecar_last_restart: float | None = None


def _pod_init_status(pod: Mapping[str, Any], tally: _PodTally, ctx: _Ctx) -> bool:
    """The init-container loop of printPod; True while the pod is still initializing."""
    init_specs = _l(_m(pod, "spec"), "initContainers")
    by_name = {_s(c, "name"): c for c in init_specs}
    for i, cs in enumerate(_l(_m(pod, "status"), "initContainerStatuses")):
        sidecar = _is_restartable(by_name.get(_s(cs, "name")))
        tally.restarts += _i(cs, "restartCount")
        tally.last_restart = _later(tally.last_restart, cs, ctx)
        if sidecar:
            tally.sidecar_restarts += _i(cs, "restartCount")
            tally.sidecar_last_restart = _later(tally.sidecar_last_restart, cs, ctx)
        state = _m(cs, "state")
        terminated, waiting = state.get("terminated"), _m(state, "waiting")
        if isinstance(terminated, Mapping) and _i(terminated, "exitCode") == 0:
            continue
        if sidecar and cs.get("started") is True:
            tally.ready += 1 if cs.get("ready") is True else 0
            continue
        if isinstance(terminated, Mapping):
            tally.reason = _terminated_reason(terminated, "Init:")
        elif _s(waiting, "reason") not in ("", "PodInitializing"):
            tally.reason = "Init:" + _s(waiting, "reason")
        else:
            tally.reason = f"Init:{i}/{len(init_specs)}"
        return True
    return False


def _pod_main_status(pod: Mapping[str, Any], tally: _PodTally, ctx: _Ctx) -> None:
    """The app-container loop of printPod; it walks backwards, so the first reason wins."""
    tally.restarts, tally.last_restart = tally.sidecar_restarts, tally.sidecar_last_restart
    status = _m(pod, "status")
    has_running = False
    for cs in reversed(_l(status, "containerStatuses")):
        tally.restarts += _i(cs, "restartCount")
        tally.last_restart = _later(tally.last_restart, cs, ctx)
        state = _m(cs, "state")
        terminated = state.get("terminated")
        if _s(_m(state, "waiting"), "reason"):
            tally.reason = _s(_m(state, "waiting"), "reason")
        elif isinstance(terminated, Mapping):
            tally.reason = _terminated_reason(terminated, "")
        elif cs.get("ready") is True and _has(state, "running"):
            has_running = True
            tally.ready += 1
    if tally.reason == "Completed" and has_running:
        tally.reason = "Running" if _condition_true(status, "Ready", False) else "NotReady"


def _pod_wide_cells(pod: Mapping[str, Any]) -> list[Any]:
    spec, status = _m(pod, "spec"), _m(pod, "status")
    # v1 -> internal conversion makes status.podIP authoritative over podIPs[0].
    pod_ips = _l(status, "podIPs")
    ip = _s(status, "podIP") or (_s(pod_ips[0], "ip") if pod_ips else "")
    gates = "<none>"
    if readiness_gates := _l(spec, "readinessGates"):
        first: dict[str, str] = {}
        for cond in _l(status, "conditions"):
            first.setdefault(_s(cond, "type"), _s(cond, "status"))
        true = sum(1 for g in readiness_gates if first.get(_s(g, "conditionType")) == "True")
        gates = f"{true}/{len(readiness_gates)}"
    return [
        ip or "<none>",
        _s(spec, "nodeName") or "<none>",
        _s(status, "nominatedNodeName") or "<none>",
        gates,
    ]


_POD_DONE = {
    "Succeeded": {
        "type": "Completed",
        "status": "True",
        "reason": "Succeeded",
        "message": "The pod has completed successfully.",
    },
    "Failed": {
        "type": "Completed",
        "status": "True",
        "reason": "Failed",
        "message": "The pod failed.",
    },
}


def _print_pod(pod: Mapping[str, Any], ctx: _Ctx) -> _Row:
    spec, status, meta = _m(pod, "spec"), _m(pod, "status"), _m(pod, "metadata")
    phase = _s(status, "phase")
    tally = _PodTally(reason=_s(status, "reason") or phase)
    for cond in _l(status, "conditions"):
        if _s(cond, "type") == "PodScheduled" and _s(cond, "reason") == "SchedulingGated":
            tally.reason = "SchedulingGated"
    total = len(_l(spec, "containers"))
    total += sum(1 for c in _l(spec, "initContainers") if _is_restartable(c))
    initializing = _pod_init_status(pod, tally, ctx)
    if not initializing or _condition_true(status, "Initialized", True):
        _pod_main_status(pod, tally, ctx)
    if _has(meta, "deletionTimestamp"):
        if _s(status, "reason") == "NodeLost":
            tally.reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            tally.reason = "Terminating"
    restarts = str(tally.restarts)
    if tally.restarts != 0 and tally.last_restart is not None:
        restarts += f" ({human_duration(ctx.now_s - tally.last_restart)} ago)"
    cells = [_name(pod), f"{tally.ready}/{total}", tally.reason, restarts, ctx.age(pod)]
    done = _POD_DONE.get(phase)
    return _Row(cells + _pod_wide_cells(pod), [dict(done)] if done else None)


# --------------------------------------------------------------------------------------------
# Workloads (printDeployment, printReplicaSet)
# --------------------------------------------------------------------------------------------


def _print_deployment(obj: Mapping[str, Any], ctx: _Ctx) -> _Row:
    spec, status = _m(obj, "spec"), _m(obj, "status")
    desired = _i(spec, "replicas", 1)  # the internal type is defaulted to 1 on the way in
    selector = _selector(spec.get("selector"))
    return _Row(
        [
            _name(obj),
            f"{_i(status, 'readyReplicas')}/{desired}",
            _i(status, "updatedReplicas"),
            _i(status, "availableReplicas"),
            ctx.age(obj),
            *_containers(_m(spec, "template")),
            "<invalid>" if selector is None else selector,
        ]
    )


def _print_replica_set(obj: Mapping[str, Any], ctx: _Ctx) -> _Row:
    spec, status = _m(obj, "spec"), _m(obj, "status")
    return _Row(
        [
            _name(obj),
            _i(spec, "replicas", 1),
            _i(status, "replicas"),
            _i(status, "readyReplicas"),
            ctx.age(obj),
            *_containers(_m(spec, "template")),
            _format_label_selector(spec.get("selector")),
        ]
    )


# --------------------------------------------------------------------------------------------
# Services and endpoints (printService, printEndpoints, printEndpointSlice)
# --------------------------------------------------------------------------------------------

_LOAD_BALANCER_WIDTH = 16


def _load_balancer_ips(status: Mapping[str, Any], wide: bool) -> str:
    """loadBalancerStatusStringer: sorted, de-duplicated ingress IPs (or hostnames)."""
    found = set()
    for ingress in _l(_m(status, "loadBalancer"), "ingress"):
        if value := _s(ingress, "ip") or _s(ingress, "hostname"):
            found.add(value)
    text = ",".join(sorted(found))
    if not wide and len(text) > _LOAD_BALANCER_WIDTH:
        text = text[: _LOAD_BALANCER_WIDTH - 3] + "..."
    return text


def _external_ip(svc: Mapping[str, Any], wide: bool) -> str:
    """getServiceExternalIP."""
    spec = _m(svc, "spec")
    external = [str(ip) for ip in _l(spec, "externalIPs")]
    svc_type = _s(spec, "type")
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if svc_type == "LoadBalancer":
        lb_ips = _load_balancer_ips(_m(svc, "status"), wide)
        if external:
            return ",".join((lb_ips.split(",") if lb_ips else []) + external)
        return lb_ips or "<pending>"
    if svc_type == "ExternalName":
        return _s(spec, "externalName")
    return "<unknown>"


def _print_service(svc: Mapping[str, Any], ctx: _Ctx) -> _Row:
    spec = _m(svc, "spec")
    cluster_ips = _l(spec, "clusterIPs")
    # The registry keeps clusterIPs in step with clusterIP; fall back for objects that predate it.
    internal_ip = str(cluster_ips[0]) if cluster_ips else _s(spec, "clusterIP") or "<none>"
    ports = []
    for port in _l(spec, "ports"):
        node_port = _i(port, "nodePort")
        middle = f":{node_port}" if node_port > 0 else ""
        ports.append(f"{_i(port, 'port')}{middle}/{_s(port, 'protocol')}")
    return _Row(
        [
            _name(svc),
            _s(spec, "type"),
            internal_ip,
            _external_ip(svc, ctx.wide),
            ",".join(ports) or "<none>",
            ctx.age(svc),
            _format_labels(_m(spec, "selector")),
        ]
    )


def _host_port(ip: str, port: int) -> str:
    """net.JoinHostPort: IPv6 literals are bracketed."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def _format_endpoints(endpoints: Mapping[str, Any]) -> str:
    """formatEndpoints with ports=nil: up to three `ip:port`, then ` + N more...`."""
    subsets = _l(endpoints, "subsets")
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    for subset in subsets:
        ips = [_s(a, "ip") for a in _l(subset, "addresses")]
        ports = _l(subset, "ports")
        for port in ports or [None]:  # headless services have addresses but no ports
            count += len(ips)
            for ip in ips[: max(0, 3 - len(shown))]:
                shown.append(ip if port is None else _host_port(ip, _i(port, "port")))
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if count > 3 else text


def _print_endpoints(obj: Mapping[str, Any], ctx: _Ctx) -> _Row:
    return _Row([_name(obj), _format_endpoints(obj), ctx.age(obj)])


def _slice_port(port: Mapping[str, Any]) -> str:
    if _has(port, "port"):
        return str(_i(port, "port"))
    if _has(port, "name"):
        return _s(port, "name")
    return "*"


def _print_endpoint_slice(obj: Mapping[str, Any], ctx: _Ctx) -> _Row:
    addresses = [str(a) for ep in _l(obj, "endpoints") for a in _l(ep, "addresses")]
    return _Row(
        [
            _name(obj),
            _s(obj, "addressType"),
            _list_with_more(_slice_port(p) for p in _l(obj, "ports")),
            _list_with_more(addresses),
            ctx.age(obj),
        ]
    )


# --------------------------------------------------------------------------------------------
# Cluster objects (printNode, printNamespace, printConfigMap, printPriorityClass, printLease)
# --------------------------------------------------------------------------------------------

_ROLE_PREFIX = "node-role.kubernetes.io/"


def _node_roles(labels: Mapping[str, Any]) -> str:
    """findNodeRoles: node-role.kubernetes.io/<role> keys and the kubernetes.io/role value."""
    roles = set()
    for key, value in labels.items():
        if key.startswith(_ROLE_PREFIX) and len(key) > len(_ROLE_PREFIX):
            roles.add(key[len(_ROLE_PREFIX) :])
        elif key == "kubernetes.io/role" and value:
            roles.add(str(value))
    return ",".join(sorted(roles)) or "<none>"


def _node_address(status: Mapping[str, Any], address_type: str) -> str:
    for address in _l(status, "addresses"):
        if _s(address, "type") == address_type:
            return _s(address, "address")
    return "<none>"


def _print_node(node: Mapping[str, Any], ctx: _Ctx) -> _Row:
    status, info = _m(node, "status"), _m(_m(node, "status"), "nodeInfo")
    by_type = {_s(c, "type"): _s(c, "status") for c in _l(status, "conditions")}  # last wins
    states = []
    if "Ready" in by_type:
        states.append("Ready" if by_type["Ready"] == "True" else "NotReady")
    states = states or ["Unknown"]
    if _m(node, "spec").get("unschedulable") is True:
        states.append("SchedulingDisabled")
    return _Row(
        [
            _name(node),
            ",".join(states),
            _node_roles(_m(_m(node, "metadata"), "labels")),
            ctx.age(node),
            _s(info, "kubeletVersion"),
            _node_address(status, "InternalIP"),
            _node_address(status, "ExternalIP"),
            _s(info, "osImage") or "<unknown>",
            _s(info, "kernelVersion") or "<unknown>",
            _s(info, "containerRuntimeVersion") or "<unknown>",
        ]
    )


def _print_namespace(obj: Mapping[str, Any], ctx: _Ctx) -> _Row:
    return _Row([_name(obj), _s(_m(obj, "status"), "phase"), ctx.age(obj)])


def _print_config_map(obj: Mapping[str, Any], ctx: _Ctx) -> _Row:
    count = len(_m(obj, "data")) + len(_m(obj, "binaryData"))
    return _Row([_name(obj), count, ctx.age(obj)])


def _print_priority_class(obj: Mapping[str, Any], ctx: _Ctx) -> _Row:
    return _Row(
        [
            _name(obj),
            _i(obj, "value"),
            obj.get("globalDefault") is True,
            ctx.age(obj),
            _s(obj, "preemptionPolicy"),
        ]
    )


def _print_lease(obj: Mapping[str, Any], ctx: _Ctx) -> _Row:
    return _Row([_name(obj), _s(_m(obj, "spec"), "holderIdentity"), ctx.age(obj)])


# --------------------------------------------------------------------------------------------
# Events (printEvent)
# --------------------------------------------------------------------------------------------


def _event_source(event: Mapping[str, Any]) -> str:
    """formatEventSource: component (or reportingController), then `, host` if any."""
    source = _m(event, "source")
    component = _s(source, "component") or _s(event, "reportingComponent")
    host = _s(source, "host") or _s(event, "reportingInstance")
    return f"{component}, {host}" if host else component


def _print_event(event: Mapping[str, Any], ctx: _Ctx) -> _Row:
    first_seen = ctx.since(event.get("firstTimestamp") or event.get("eventTime"))
    last_seen = ctx.since(event["lastTimestamp"]) if event.get("lastTimestamp") else first_seen
    count = _i(event, "count")
    if _has(event, "series"):
        series = _m(event, "series")
        last_seen, count = ctx.since(series.get("lastObservedTime")), _i(series, "count")
    elif count == 0:
        count = 1  # singleton events of the events.k8s.io API carry no count
    involved = _m(event, "involvedObject")
    target = _s(involved, "kind").lower()
    if _s(involved, "name"):
        target += "/" + _s(involved, "name")
    return _Row(
        [
            last_seen,
            _s(event, "type"),
            _s(event, "reason"),
            target,
            _s(involved, "fieldPath"),
            _event_source(event),
            _s(event, "message").strip(),
            first_seen,
            count,
            _name(event),
        ]
    )


_PRINTERS: dict[str, Callable[[Mapping[str, Any], _Ctx], _Row]] = {
    "Pod": _print_pod,
    "Deployment": _print_deployment,
    "ReplicaSet": _print_replica_set,
    "Service": _print_service,
    "Node": _print_node,
    "Namespace": _print_namespace,
    "Endpoints": _print_endpoints,
    "EndpointSlice": _print_endpoint_slice,
    "ConfigMap": _print_config_map,
    "Event": _print_event,
    "PriorityClass": _print_priority_class,
    "Lease": _print_lease,
}

# --------------------------------------------------------------------------------------------
# Rows, tables and kubectl's text
# --------------------------------------------------------------------------------------------


def _printer(kind: str) -> Callable[[Mapping[str, Any], _Ctx], _Row]:
    try:
        return _PRINTERS[kind]
    except KeyError:
        raise KeyError(f"no table printer for kind {kind!r}") from None


def print_row(kind: str, obj: Mapping[str, Any], now_s: float, seconds_of: SecondsOf) -> list[Any]:
    """The cells of every column of `COLUMNS[kind]` (wide ones too), as the apiserver prints them.

    `now_s` is the current simulated time and `seconds_of` maps an RFC 3339 timestamp onto the
    same scale; ages are `human_duration(now_s - seconds_of(creationTimestamp))`.
    """
    return _printer(kind)(obj, _Ctx(now_s, seconds_of)).cells


def _partial_object_metadata(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": _plain(_m(obj, "metadata")),
    }


def table(
    kind: str,
    objs: Sequence[Mapping[str, Any]],
    now_s: float,
    seconds_of: SecondsOf,
    *,
    wide: bool = False,
    namespace_column: bool = False,
    list_meta: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A `meta.k8s.io/v1` Table of `objs`, as GenerateTable builds it.

    The apiserver answers `as=Table` with `wide=True` (every column; kubectl hides priority-1
    columns itself). `wide=False` is GenerateOptions{Wide: false}: priority-1 columns and their
    cells are dropped and a long LoadBalancer ingress list is clipped. `namespace_column`
    prepends kubectl's `Namespace` column (decorateTable). `list_meta` (resourceVersion,
    continue, ...) becomes the table's metadata. Each row's `object` is PartialObjectMetadata.
    """
    printer = _printer(kind)
    ctx = _Ctx(now_s, seconds_of, wide)
    keep = [i for i, c in enumerate(COLUMNS[kind]) if wide or c.priority == 0]
    columns = [COLUMNS[kind][i].to_json() for i in keep]
    if namespace_column:
        columns.insert(0, Column("Namespace", "string").to_json())
    rows = []
    for obj in objs:
        printed = printer(obj, ctx)
        cells = [printed.cells[i] for i in keep]
        if namespace_column:
            cells.insert(0, _s(_m(obj, "metadata"), "namespace"))
        row: dict[str, Any] = {"cells": cells}
        if printed.conditions:
            row["conditions"] = printed.conditions
        row["object"] = _partial_object_metadata(obj)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": _plain(list_meta or {}),
        "columnDefinitions": columns,
        "rows": rows,
    }


def _cell_text(cell: Any) -> str:
    """printTable's cell text: fmt.Sprint, cut at the first line break, terminal-escaped."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        text = "true" if cell else "false"
    else:
        text = str(cell)
    cut = min((i for i in (text.find(c) for c in "\f\n\r") if i >= 0), default=-1)
    if cut >= 0:
        text = text[:cut]
    text = text.replace("\x1b", "^[").replace("\r", "\\r")
    return text + "..." if cut >= 0 else text


def render(
    kind: str,
    objs: Sequence[Mapping[str, Any]],
    now_s: float,
    seconds_of: SecondsOf,
    *,
    wide: bool = False,
    namespace_column: bool = False,
    show_kind: bool = False,
) -> str:
    """The text `kubectl get` prints for `objs`: upper-case headers, tab-aligned columns.

    Priority-1 columns appear only when `wide` (`-o wide`); `namespace_column` adds NAMESPACE
    (`-A`); `show_kind` prints names as `kind.group/name` (several kinds at once). No objects
    give "" — kubectl prints no header then, and `No resources found` is the caller's to say.
    """
    if not objs:
        return ""
    served = table(kind, objs, now_s, seconds_of, wide=True, namespace_column=namespace_column)
    columns = served["columnDefinitions"]
    visible = [i for i, c in enumerate(columns) if wide or c["priority"] == 0]
    name_at = next(
        (i for i, c in enumerate(columns) if c["format"] == "name" and c["type"] == "string"), -1
    )
    prefix = f"{kind}.{_GROUPS[kind]}" if kind in _GROUPS else kind
    lines = ["\t".join(columns[i]["name"].upper() for i in visible)]
    for row in served["rows"]:
        cells = [_cell_text(cell) for cell in row["cells"]]
        if show_kind and name_at >= 0:
            cells[name_at] = f"{prefix.lower()}/{cells[name_at]}"
        lines.append("\t".join(cells[i] for i in visible))
    return _tabwrite(lines)


# --------------------------------------------------------------------------------------------
# text/tabwriter (minwidth 6, tabwidth 4, padding 3, padchar ' ', no flags that matter here)
# --------------------------------------------------------------------------------------------

_MIN_WIDTH = 6
_PADDING = 3


def _tabwrite(lines: Sequence[str]) -> str:
    """Align tab-terminated cells as Go's tabwriter does, column block by column block.

    A cell is text ended by a tab; the text after a line's last tab is not part of any column.
    A column's width is its widest cell plus the padding (at least the minimum width), taken
    over each run of consecutive lines that have a cell in that column.
    """
    cells = [line.split("\t") for line in lines]
    out: list[str] = []
    _format_block(cells, 0, len(cells), [], out)
    return "".join(out)


def _format_block(
    cells: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]
) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(cells[this]) - 1:
            this += 1
            continue
        _write_lines(cells, line0, this, widths, out)
        line0 = this
        width = _MIN_WIDTH
        while this < line1 and column < len(cells[this]) - 1:
            width = max(width, len(cells[this][column]) + _PADDING)
            this += 1
        _format_block(cells, line0, this, [*widths, width], out)
        line0 = this
    _write_lines(cells, line0, line1, widths, out)


def _write_lines(
    cells: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]
) -> None:
    for line in cells[line0:line1]:
        for j, text in enumerate(line):
            out.append(text.ljust(widths[j]) if j < len(widths) else text)
        out.append("\n")
