"""The rows of every printed kind other than Pod.

Models the print functions of pkg/printers/internalversion/printers.go (Kubernetes 1.32):
printDeployment, printReplicaSet (workloads); printService, printEndpoints, printEndpointSlice
(networking); printNode, printNamespace, printConfigMap, printPriorityClass, printLease and
printEvent. Pure: inputs are never mutated, output depends only on the object and the print
context's clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.printers.cells import (
    _containers,
    _Ctx,
    _format_label_selector,
    _format_labels,
    _has,
    _i,
    _l,
    _list_with_more,
    _m,
    _name,
    _Row,
    _s,
    _selector,
)


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
