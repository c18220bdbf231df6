"""Service validation: ValidateService and the checks it calls.

Models pkg/apis/core/validation/validation.go (1.32) without ObjectMeta. When the allocator would
refuse the object first (an IP family this cluster lacks, or a nodePort outside 30000-32767),
`validate_service` returns only those errors, as upstream's BeginCreate does. Errors carry
upstream's messages and paths; bad values print as upstream's field.Error does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.builtin.service.common import (
    _ONLY_LB,
    KUBELET_PORT,
    LB_SOURCE_RANGES_ANNOTATION,
    MAX_CLIENT_IP_AFFINITY_S,
    NODE_PORT_RANGE,
    PORT_PROTOCOLS,
    SERVICE_TYPES,
    SESSION_AFFINITIES,
    TOPOLOGY_HINTS_ANNOTATION,
    TOPOLOGY_MODE_ANNOTATION,
    TRAFFIC_POLICIES,
    _externally_accessible,
    _go_service_port,
    _list,
    _needs_hc_node_port,
    _ports,
    _spec,
    is_headless,
    needs_cluster_ip,
    needs_node_port,
)
from sim.api.builtin.service.families import _init_ip_families, _validate_cluster_ips_related
from sim.api.builtin.service.ips import Errs, is_valid_cidr, is_valid_ip, validate_non_special_ip
from sim.api.errors import (
    INTERNAL,
    FieldError,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from sim.api.validation.common import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
    validate_labels,
)


def _allocator_errors(spec: Mapping[str, Any]) -> Errs:
    """What BeginCreate/BeginUpdate refuses before validation runs (alloc.go)."""
    if not needs_cluster_ip(spec):
        return []
    errs = _init_ip_families(spec, None).errors
    if errs or not needs_node_port(spec):
        return errs
    lo, hi = NODE_PORT_RANGE
    for i, port in enumerate(_ports(spec)):
        n = port.get("nodePort") or 0
        if isinstance(n, int) and n and not lo <= n <= hi:
            detail = (
                f"provided port is not in the valid range. The range of valid ports is {lo}-{hi}"
            )
            return [invalid(f"spec.ports[{i}].nodePort", n, detail)]
    return []


def validate_service(svc: Mapping[str, Any]) -> Errs:
    """ValidateService without ObjectMeta, after the allocator's own checks."""
    spec = _spec(svc)
    alloc = _allocator_errors(spec)
    if alloc:
        return alloc
    errs = _validate_topology_annotations(svc)
    errs += _validate_type_specifics(spec)
    names: set[str] = set()
    ports = _ports(spec)
    for i, port in enumerate(ports):
        errs += _validate_service_port(port, len(ports) > 1, names, f"spec.ports[{i}]")
    if spec.get("selector") is not None:
        errs += validate_labels(spec.get("selector"), "spec.selector")
    errs += _validate_session_affinity(spec)
    errs += _validate_cluster_ips_related(spec)
    for i, ip in enumerate(_list(spec.get("externalIPs"))):
        path = f"spec.externalIPs[{i}]"
        errs += is_valid_ip(path, ip) or validate_non_special_ip(ip, path)
    errs += _validate_type_and_node_ports(spec, ports)
    errs += _validate_source_ranges(svc, spec)
    errs += _validate_lb_fields(spec)
    errs += _validate_traffic_policies(spec)
    return errs


def _validate_topology_annotations(svc: Mapping[str, Any]) -> Errs:
    annotations = (svc.get("metadata") or {}).get("annotations") or {}
    mode = annotations.get(TOPOLOGY_MODE_ANNOTATION)
    hints = annotations.get(TOPOLOGY_HINTS_ANNOTATION)
    if mode is not None and hints is not None and mode != hints:
        path = f"metadata.annotations[{TOPOLOGY_MODE_ANNOTATION}]"
        detail = f"must match annotations[{TOPOLOGY_HINTS_ANNOTATION}] when both are specified"
        return [invalid(path, mode, detail)]
    return []


def _validate_type_specifics(spec: Mapping[str, Any]) -> Errs:
    errs: Errs = []
    t = spec.get("type")
    if not _ports(spec) and not is_headless(spec) and t != "ExternalName":
        errs.append(required("spec.ports"))
    if t == "LoadBalancer":
        for i, port in enumerate(_ports(spec)):
            if port.get("port") == KUBELET_PORT:
                msg = f"may not expose port {KUBELET_PORT} externally since it is used by kubelet"
                errs.append(invalid(f"spec.ports[{i}]", KUBELET_PORT, msg))
    if t in ("LoadBalancer", "NodePort") and is_headless(spec):
        errs.append(
            invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {t} services")
        )
    if t == "ExternalName":
        for key in ("clusterIPs", "ipFamilies"):
            if spec.get(key):
                errs.append(forbidden(f"spec.{key}", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(
                forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services")
            )
        cname = str(spec.get("externalName") or "").removesuffix(".")
        if cname:
            errs += [invalid("spec.externalName", cname, m) for m in is_dns1123_subdomain(cname)]
        else:
            errs.append(required("spec.externalName"))
    return errs


def _validate_service_port(
    port: Mapping[str, Any], need_name: bool, names: set[str], path: str
) -> Errs:
    """validateServicePort."""
    errs: Errs = []
    name = port.get("name") or ""
    if need_name and not name:
        errs.append(required(f"{path}.name"))
    elif name:
        errs += [invalid(f"{path}.name", name, m) for m in is_dns1123_label(name)]
        if name in names:
            errs.append(duplicate(f"{path}.name", name))
        names.add(name)
    number = port.get("port", 0)
    errs += [invalid(f"{path}.port", number, m) for m in is_valid_port_num(number)]
    protocol = port.get("protocol") or ""
    if not protocol:
        errs.append(required(f"{path}.protocol"))
    elif protocol not in PORT_PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", protocol, PORT_PROTOCOLS))
    errs += validate_port_num_or_name(port.get("targetPort", 0), f"{path}.targetPort")
    if port.get("appProtocol") is not None:
        app = port["appProtocol"]
        errs += [invalid(f"{path}.appProtocol", app, m) for m in is_qualified_name(str(app))]
    return errs


def validate_port_num_or_name(value: Any, path: str) -> Errs:
    """ValidatePortNumOrName for an IntOrString."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [invalid(path, value, m) for m in is_valid_port_num(value)]
    if isinstance(value, str):
        return [invalid(path, value, m) for m in is_valid_port_name(value)]
    return [FieldError(INTERNAL, path, detail=f"unknown type: {value!r}")]


def _validate_session_affinity(spec: Mapping[str, Any]) -> Errs:
    affinity = spec.get("sessionAffinity") or ""
    if not affinity:
        return [required("spec.sessionAffinity")]
    if affinity not in SESSION_AFFINITIES:
        return [not_supported("spec.sessionAffinity", affinity, SESSION_AFFINITIES)]
    cfg = spec.get("sessionAffinityConfig")
    if affinity == "None":
        if cfg is not None:
            detail = "must not be set when session affinity is None"
            return [forbidden("spec.sessionAffinityConfig", detail)]
        return []
    path, detail = "spec.sessionAffinityConfig", "when session affinity type is ClientIP"
    if not isinstance(cfg, Mapping):
        return [required(path, detail)]
    client_ip = cfg.get("clientIP")
    if not isinstance(client_ip, Mapping):
        return [required(f"{path}.clientIP", detail)]
    timeout = client_ip.get("timeoutSeconds")
    if timeout is None:
        return [required(f"{path}.clientIP.timeoutSeconds", detail)]
    if not isinstance(timeout, int) or not 0 < timeout <= MAX_CLIENT_IP_AFFINITY_S:
        msg = f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_S}"
        return [invalid(f"{path}.clientIP.timeoutSeconds", timeout, msg)]
    return []


def _validate_type_and_node_ports(spec: Mapping[str, Any], ports: list[Mapping[str, Any]]) -> Errs:
    errs: Errs = []
    t = spec.get("type") or ""
    if not t:
        errs.append(required("spec.type"))
    elif t not in SERVICE_TYPES:
        errs.append(not_supported("spec.type", t, SERVICE_TYPES))
    if t == "ClusterIP":
        for i, port in enumerate(ports):
            if port.get("nodePort"):
                detail = "may not be used when `type` is 'ClusterIP'"
                errs.append(forbidden(f"spec.ports[{i}].nodePort", detail))
    node_ports: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        if port.get("nodePort"):
            key = (port.get("protocol"), port["nodePort"])
            if key in node_ports:
                errs.append(duplicate(f"spec.ports[{i}].nodePort", port["nodePort"]))
            node_ports.add(key)
    seen: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        key = (port.get("protocol"), port.get("port", 0))
        if key in seen:
            key_port = {"protocol": key[0] or "", "port": key[1]}
            errs.append(duplicate(f"spec.ports[{i}]", _go_service_port(key_port)))
        seen.add(key)
    return errs


def _validate_source_ranges(svc: Mapping[str, Any], spec: Mapping[str, Any]) -> Errs:
    errs: Errs = []
    ranges = _list(spec.get("loadBalancerSourceRanges"))
    annotations = (svc.get("metadata") or {}).get("annotations") or {}
    if ranges:
        path = "spec.LoadBalancerSourceRanges"  # sic: upstream's path
        if spec.get("type") != "LoadBalancer":
            errs.append(forbidden(path, _ONLY_LB))
        for i, value in enumerate(ranges):
            errs += is_valid_cidr(f"{path}[{i}]", str(value).strip())
    elif LB_SOURCE_RANGES_ANNOTATION in annotations:
        path = f"metadata.annotations[{LB_SOURCE_RANGES_ANNOTATION}]"
        if spec.get("type") != "LoadBalancer":
            errs.append(forbidden(path, _ONLY_LB))
        value = str(annotations[LB_SOURCE_RANGES_ANNOTATION]).strip()
        for cidr in value.split(",") if value else []:
            errs += is_valid_cidr(path, cidr.strip())
    return errs


def _validate_lb_fields(spec: Mapping[str, Any]) -> Errs:
    errs: Errs = []
    is_lb = spec.get("type") == "LoadBalancer"
    if spec.get("allocateLoadBalancerNodePorts") is not None and not is_lb:
        errs.append(forbidden("spec.allocateLoadBalancerNodePorts", _ONLY_LB))
    if is_lb and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(required("allocateLoadBalancerNodePorts"))  # sic: upstream's path
    cls = spec.get("loadBalancerClass")
    if cls is not None:
        if is_lb:
            errs += [invalid("spec.loadBalancerClass", cls, m) for m in is_qualified_name(str(cls))]
        else:
            errs.append(forbidden("spec.loadBalancerClass", _ONLY_LB))
    return errs


def _validate_traffic_policies(spec: Mapping[str, Any]) -> Errs:
    """validateServiceExternalTrafficPolicy, ...InternalTrafficFieldsValue, ...TrafficDistribution."""
    errs: Errs = []
    etp = spec.get("externalTrafficPolicy") or ""
    if not _externally_accessible(spec):
        if etp:
            detail = "may only be set for externally-accessible services"
            errs.append(invalid("spec.externalTrafficPolicy", etp, detail))
    elif not etp:
        errs.append(required("spec.externalTrafficPolicy"))
    elif etp not in TRAFFIC_POLICIES:
        errs.append(not_supported("spec.externalTrafficPolicy", etp, TRAFFIC_POLICIES))
    hc = spec.get("healthCheckNodePort") or 0
    if not _needs_hc_node_port(spec):
        if hc:
            detail = "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
            errs.append(invalid("spec.healthCheckNodePort", hc, detail))
    elif not hc:
        errs.append(required("spec.healthCheckNodePort"))
    else:
        errs += [invalid("spec.healthCheckNodePort", hc, m) for m in is_valid_port_num(hc)]
    itp = spec.get("internalTrafficPolicy")
    if itp is None and spec.get("type") in ("NodePort", "LoadBalancer", "ClusterIP"):
        errs.append(required("spec.internalTrafficPolicy"))
    if itp is not None and itp not in TRAFFIC_POLICIES:
        errs.append(not_supported("spec.internalTrafficPolicy", itp, TRAFFIC_POLICIES))
    dist = spec.get("trafficDistribution")
    if dist is not None and dist != "PreferClose":
        errs.append(not_supported("spec.trafficDistribution", dist, ("PreferClose",)))
    return errs
