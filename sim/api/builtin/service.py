"""The Service kind (core/v1): defaulting, strategy and validation as upstream Kubernetes 1.32.

Guarantees, for a single-stack IPv4 cluster:
- `default` is SetDefaults_Service (pkg/apis/core/v1/defaults.go): type ClusterIP, sessionAffinity
  None (ClientIP gets timeoutSeconds 10800), port protocol TCP, targetPort = port,
  externalTrafficPolicy Cluster when externally accessible, internalTrafficPolicy Cluster,
  allocateLoadBalancerNodePorts true and ingress ipMode VIP for LoadBalancers.
- `prepare_for_create`/`prepare_for_update` do what upstream does before validation: the REST
  layer's patchAllocatedValues, normalizeClusterIPs and the allocator's initIPFamilyFields
  (pkg/registry/core/service/storage/rest.go, alloc.go: clusterIPs mirror clusterIP, policy
  SingleStack, or RequireDualStack for a headless service without selector, families [IPv4]),
  then the strategy's PrepareForCreate/PrepareForUpdate (pkg/registry/core/service/strategy.go:
  status cleared or kept, type-dependent fields dropped). Allocation of cluster IPs and node
  ports is not done here: a service without clusterIP passes.
- `validate` is ValidateService (pkg/apis/core/validation/validation.go) without ObjectMeta. When
  the allocator would refuse the object first (an IP family this cluster lacks, or a nodePort
  outside 30000-32767), it returns only those errors, as upstream's BeginCreate does.
- `validate_update` adds ValidateServiceUpdate's update-only checks; `validate_status_update` is
  ValidateServiceStatusUpdate.
- Bad values print as upstream's field.Error does (`[]string{"10.0.0.1"}` for lists).

Also the home of the IP helpers core validation shares (validation.IsValidIP and
ValidateNonSpecialIP with netutils.ParseIPSloppy semantics), used by Endpoints and EndpointSlices.

Left out: dual-stack clusters, and the order of update errors (upstream puts them before
ValidateService's; here the apiserver runs validate first). The node-port range check stands in
for the allocator's until the IPAM model owns it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, ip_network
from typing import Any

from sim.api.builtin.pod import GoValue, go_string_list
from sim.api.errors import (
    INTERNAL,
    FieldError,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from sim.api.kinds import Kind, Obj
from sim.api.validation.common import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns1035_label,
    validate_labels,
)

__all__ = [
    "SERVICE",
    "default_service",
    "go_int_or_string",
    "is_headless",
    "is_valid_ip",
    "needs_cluster_ip",
    "needs_node_port",
    "normalize_cluster_ips",
    "parse_ip",
    "patch_allocated_values",
    "validate_non_special_ip",
    "validate_service",
    "validate_service_update",
]

Errs = list[FieldError]
IP = IPv4Address | IPv6Address

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")
SESSION_AFFINITIES = ("ClientIP", "None")
TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
KUBELET_PORT = 10250
DEFAULT_CLIENT_IP_AFFINITY_S = 10800
MAX_CLIENT_IP_AFFINITY_S = 86400
NODE_PORT_RANGE = (30000, 32767)
LB_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"
INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
INVALID_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
_ITP_TYPES = ("ClusterIP", "LoadBalancer", "NodePort")
TOPOLOGY_MODE_ANNOTATION = "service.kubernetes.io/topology-mode"
TOPOLOGY_HINTS_ANNOTATION = "service.kubernetes.io/topology-aware-hints"
_ONLY_LB = "may only be used when `type` is 'LoadBalancer'"
_NOT_CONFIGURED_DUAL = "this cluster is not configured for dual-stack services"

_ipv4_sloppy_re = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)\Z")
_LINK_LOCAL_MULTICAST_V4 = IPv4Network("224.0.0.0/24")


# -- IP helpers (k8s.io/utils/net, k8s.io/apimachinery/pkg/util/validation/ip.go) -------------
def parse_ip(value: Any) -> IP | None:
    """netutils.ParseIPSloppy: IPv4 may have leading zeros; IPv4-mapped IPv6 counts as IPv4."""
    if not isinstance(value, str) or not value or "%" in value:
        return None
    m = _ipv4_sloppy_re.match(value)
    if m:
        octets = [int(g) for g in m.groups()]
        return IPv4Address(bytes(octets)) if max(octets) <= 255 else None
    if ":" not in value:
        return None
    try:
        ip = IPv6Address(value)
    except ValueError:
        return None
    return ip.ipv4_mapped or ip


def is_valid_ip(path: str, value: Any) -> Errs:
    """upstream validation.IsValidIP (1.32 message)."""
    return [] if parse_ip(value) is not None else [invalid(path, value, INVALID_IP)]


def is_valid_cidr(path: str, value: Any) -> Errs:
    """upstream validation.IsValidCIDR with netutils.ParseCIDRSloppy."""
    ok = isinstance(value, str) and value.count("/") == 1
    if ok:
        addr, _, bits = value.partition("/")
        ok = parse_ip(addr) is not None and bits.isdigit() and bits.isascii()
        if ok:
            try:
                ip_network(f"{parse_ip(addr)}/{int(bits)}", strict=False)
            except ValueError:
                ok = False
    return [] if ok else [invalid(path, value, INVALID_CIDR)]


def validate_non_special_ip(value: Any, path: str) -> Errs:
    """upstream ValidateNonSpecialIP: no unspecified, loopback or link-local addresses."""
    ip = parse_ip(value)
    if ip is None:
        return [invalid(path, value, "must be a valid IP address")]
    errs: Errs = []
    if ip.is_unspecified:
        errs.append(invalid(path, value, f"may not be unspecified ({value})"))
    if ip.is_loopback:
        errs.append(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip.is_link_local:
        msg = "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
        errs.append(invalid(path, value, msg))
    if _is_link_local_multicast(ip):
        msg = "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
        errs.append(invalid(path, value, msg))
    return errs


def _is_link_local_multicast(ip: IP) -> bool:
    if isinstance(ip, IPv4Address):
        return ip in _LINK_LOCAL_MULTICAST_V4
    packed = ip.packed
    return packed[0] == 0xFF and packed[1] & 0x0F == 0x02


def _family(ip: str) -> str:
    return "IPv6" if isinstance(parse_ip(ip), IPv6Address) else "IPv4"


# -- Go renderings of bad values (field.Error prints %#v) ------------------------------------
def go_int_or_string(value: Any) -> GoValue:
    """An intstr.IntOrString as `%#v` prints it."""
    if isinstance(value, str):
        return GoValue(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{_go_quote(value)}}}")
    n = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return GoValue(f'intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:""}}')


def _go_quote(value: Any) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _go_string_slice(values: Any) -> GoValue:
    return go_string_list(values) if values is not None else GoValue("[]string(nil)")


def _go_service_port(port: Mapping[str, Any]) -> GoValue:
    app = port.get("appProtocol")
    app_text = "(*string)(nil)" if app is None else f"&{_go_quote(app)}"
    return GoValue(
        f"core.ServicePort{{Name:{_go_quote(port.get('name', ''))}, "
        f"Protocol:{_go_quote(port.get('protocol', ''))}, AppProtocol:{app_text}, "
        f"Port:{port.get('port', 0)}, TargetPort:{go_int_or_string(port.get('targetPort', 0))}, "
        f"NodePort:{port.get('nodePort', 0)}}}"
    )


# -- small accessors -------------------------------------------------------------------------
def _spec(svc: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = svc.get("spec")
    return spec if isinstance(spec, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _ports(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in _list(spec.get("ports")) if isinstance(p, Mapping)]


def is_headless(spec: Mapping[str, Any]) -> bool:
    ips = spec.get("clusterIPs")
    return isinstance(ips, list | tuple) and len(ips) == 1 and ips[0] == "None"


def needs_cluster_ip(spec: Mapping[str, Any]) -> bool:
    return spec.get("type") != "ExternalName"


def needs_node_port(spec: Mapping[str, Any]) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def _needs_hc_node_port(spec: Mapping[str, Any]) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _externally_accessible(spec: Mapping[str, Any]) -> bool:
    """pkg/api/service/util.go ExternallyAccessible."""
    t = spec.get("type")
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP" and bool(spec.get("externalIPs")))


# -- defaulting ------------------------------------------------------------------------------
def default_service(svc: Obj) -> None:
    """SetDefaults_Service (pkg/apis/core/v1/defaults.go)."""
    spec = svc.get("spec")
    if not isinstance(spec, dict):
        spec = svc["spec"] = {}
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        cfg = spec.get("sessionAffinityConfig")
        client_ip = cfg.get("clientIP") if isinstance(cfg, dict) else None
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            timeout = {"timeoutSeconds": DEFAULT_CLIENT_IP_AFFINITY_S}
            spec["sessionAffinityConfig"] = {"clientIP": timeout}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in _list(spec.get("ports")):
        if isinstance(port, dict):
            if not port.get("protocol"):
                port["protocol"] = "TCP"
            if port.get("targetPort") in (None, 0, ""):
                port["targetPort"] = port.get("port", 0)
    if _externally_accessible(spec) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in _ITP_TYPES:
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        status = svc.get("status")
        lb = status.get("loadBalancer") if isinstance(status, dict) else None
        for ing in _list(lb.get("ingress") if isinstance(lb, dict) else None):
            if isinstance(ing, dict) and ing.get("ip") and ing.get("ipMode") is None:
                ing["ipMode"] = "VIP"


# -- what the REST layer does before validation (pkg/registry/core/service/storage) -----------
def patch_allocated_values(new: Obj, old: Mapping[str, Any]) -> None:
    """rest.go patchAllocatedValues: keep allocated IPs and ports a client left out."""
    spec, old_spec = new["spec"], _spec(old)
    if needs_cluster_ip(old_spec) and needs_cluster_ip(spec):
        if not spec.get("clusterIP"):
            if old_spec.get("clusterIP"):
                spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
            spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if needs_node_port(old_spec) and needs_node_port(spec):
        old_ports = _ports(old_spec)
        used = {p.get("nodePort") for p in old_ports if p.get("nodePort")}
        used &= {p.get("nodePort") for p in _ports(spec) if p.get("nodePort")}
        by_name = {p.get("name", ""): p.get("nodePort", 0) for p in old_ports}
        for port in _list(spec.get("ports")):
            if isinstance(port, dict) and not port.get("nodePort"):
                old_value = by_name.get(port.get("name", ""), 0)
                if old_value and old_value not in used:
                    port["nodePort"] = old_value
    if _needs_hc_node_port(old_spec) and _needs_hc_node_port(spec):
        if not spec.get("healthCheckNodePort") and old_spec.get("healthCheckNodePort"):
            spec["healthCheckNodePort"] = old_spec["healthCheckNodePort"]


def _same_cluster_ips(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return (a.get("clusterIP") or "") == (b.get("clusterIP") or "") and _list(
        a.get("clusterIPs")
    ) == _list(b.get("clusterIPs"))


def normalize_cluster_ips(new: Obj, old: Mapping[str, Any] | None) -> None:
    """rest.go normalizeClusterIPs: keep clusterIP and clusterIPs in step."""
    spec = new["spec"]
    ip = spec.get("clusterIP") or ""
    if old is None:
        if ip and not spec.get("clusterIPs"):
            spec["clusterIPs"] = [ip]
        return
    old_spec = _spec(old)
    old_ip = old_spec.get("clusterIP") or ""
    if old_spec.get("clusterIPs") and not spec.get("clusterIPs") and old_ip == ip:
        spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if old_ip != ip:
        same_plural = _list(old_spec.get("clusterIPs")) == _list(spec.get("clusterIPs"))
        if old_ip and not ip:
            if same_plural:
                spec.pop("clusterIPs", None)
        elif same_plural:
            spec["clusterIPs"] = [ip]


@dataclass
class _Families:
    """The IP-family fields initIPFamilyFields works on, and the errors it would return."""

    policy: str | None
    families: list[Any]
    errors: Errs = field(default_factory=list)


def _init_ip_families(spec: Mapping[str, Any], old_spec: Mapping[str, Any] | None) -> _Families:
    """alloc.go initIPFamilyFields for a cluster whose only service IP family is IPv4."""
    state = _Families(spec.get("ipFamilyPolicy"), _list(spec.get("ipFamilies")))
    if state.policy is None:
        if old_spec is not None and old_spec.get("ipFamilyPolicy") is not None:
            state.policy = old_spec["ipFamilyPolicy"]
        elif spec.get("clusterIP") == "None" and not spec.get("selector"):
            state.policy = "RequireDualStack"
        else:
            state.policy = "SingleStack"
    probe = {**spec, "ipFamilyPolicy": state.policy}
    state.errors = _validate_cluster_ips_related(probe)
    if state.errors:
        return state
    ips = _list(spec.get("clusterIPs"))
    if state.policy == "SingleStack":
        many = "must be 'RequireDualStack' or 'PreferDualStack' when multiple {} are specified"
        for items, what in ((ips, "cluster IPs"), (state.families, "IP families")):
            if len(items) == 2:
                state.errors.append(invalid("spec.ipFamilyPolicy", state.policy, many.format(what)))
    for i, ip in enumerate(ips):
        if ip == "None":
            break
        if i >= len(state.families):
            fam = _family(ip)
            if fam == "IPv4":
                state.families.append(fam)
            else:
                detail = f"{fam} is not configured on this cluster"
                state.errors.append(invalid(f"spec.clusterIPs[{i}]", go_string_list(ips), detail))
    if state.errors:
        return state
    if spec.get("clusterIP") == "None" and not spec.get("selector"):
        state.families = state.families or ["IPv4"]
        if len(state.families) < 2 and state.policy != "SingleStack":
            state.families.append("IPv6" if state.families[0] == "IPv4" else "IPv4")
        return state
    if state.policy == "RequireDualStack":
        state.errors.append(invalid("spec.ipFamilyPolicy", state.policy, _NOT_CONFIGURED_DUAL))
    for i, fam in enumerate(state.families):
        if fam != "IPv4":
            detail = "not configured on this cluster"
            state.errors.append(invalid(f"spec.ipFamilies[{i}]", fam, detail))
    if not state.errors and not state.families:
        state.families = ["IPv4"]
    return state


def _apply_ip_families(svc: Obj, old: Mapping[str, Any] | None) -> None:
    spec = svc["spec"]
    if not needs_cluster_ip(spec):
        return
    old_spec = _spec(old) if old is not None else None
    if old_spec is not None and _same_prefer_dual_stack(spec, old_spec):
        return
    state = _init_ip_families(spec, old_spec)
    spec["ipFamilyPolicy"] = state.policy
    if state.families:
        spec["ipFamilies"] = state.families


def _same_prefer_dual_stack(spec: Mapping[str, Any], old_spec: Mapping[str, Any]) -> bool:
    """alloc.go isMatchingPreferDualStackClusterIPFields."""
    prefer = "PreferDualStack"
    return (
        old_spec.get("ipFamilyPolicy") == prefer
        and spec.get("ipFamilyPolicy") in (prefer, None)
        and _same_cluster_ips(old_spec, spec)
        and _list(old_spec.get("ipFamilies")) == _list(spec.get("ipFamilies"))
    )


def _drop_type_dependent_fields(spec: Obj, old_spec: Mapping[str, Any]) -> None:
    """strategy.go dropTypeDependentFields: wipe what the new type no longer uses."""
    if needs_cluster_ip(old_spec) and not needs_cluster_ip(spec):
        if _same_cluster_ips(old_spec, spec):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if _list(old_spec.get("ipFamilies")) == _list(spec.get("ipFamilies")):
            spec.pop("ipFamilies", None)
        if old_spec.get("ipFamilyPolicy") == spec.get("ipFamilyPolicy"):
            spec.pop("ipFamilyPolicy", None)
    if needs_node_port(old_spec) and not needs_node_port(spec):
        old_ports = {p.get("nodePort") for p in _ports(old_spec) if p.get("nodePort")}
        if {p.get("nodePort") for p in _ports(spec) if p.get("nodePort")} <= old_ports:
            for port in _list(spec.get("ports")):
                if isinstance(port, dict):
                    port.pop("nodePort", None)
    if _needs_hc_node_port(old_spec) and not _needs_hc_node_port(spec):
        if old_spec.get("healthCheckNodePort") == spec.get("healthCheckNodePort"):
            spec.pop("healthCheckNodePort", None)
    if old_spec.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer":
        for key in ("allocateLoadBalancerNodePorts", "loadBalancerClass"):
            if key in spec and old_spec.get(key) == spec.get(key):
                spec.pop(key)
    if _externally_accessible(old_spec) and not _externally_accessible(spec):
        if old_spec.get("externalTrafficPolicy") == spec.get("externalTrafficPolicy"):
            spec.pop("externalTrafficPolicy", None)


def _prepare_for_create(svc: Obj) -> None:
    """rest.go beginCreate (normalize, IP families), then strategy.go PrepareForCreate."""
    if not isinstance(svc.get("spec"), dict):
        svc["spec"] = {}
    normalize_cluster_ips(svc, None)
    _apply_ip_families(svc, None)
    svc["status"] = {"loadBalancer": {}}


def _prepare_for_update(new: Obj, old: Obj) -> None:
    """rest.go beginUpdate (patch, normalize, IP families), then strategy.go PrepareForUpdate."""
    if not isinstance(new.get("spec"), dict):
        new["spec"] = {}
    patch_allocated_values(new, old)
    normalize_cluster_ips(new, old)
    _apply_ip_families(new, old)
    _drop_type_dependent_fields(new["spec"], _spec(old))
    if new["spec"].get("type") != "LoadBalancer" and isinstance(new.get("status"), Mapping):
        new["status"] = {**new["status"], "loadBalancer": {}}


# -- validation ------------------------------------------------------------------------------
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


def _validate_cluster_ips_related(spec: Mapping[str, Any]) -> Errs:
    """ValidateServiceClusterIPsRelatedFields."""
    if spec.get("type") == "ExternalName":
        return []
    errs: Errs = []
    ip, ips = spec.get("clusterIP") or "", _list(spec.get("clusterIPs"))
    if ip:
        if not ips:
            errs.append(required("spec.clusterIPs"))
        elif ips[0] != ip:
            errs.append(
                invalid(
                    "spec.clusterIPs", go_string_list(ips), "first value must match `clusterIP`"
                )
            )
    elif ips:
        detail = "must be empty when `clusterIP` is not specified"
        errs.append(invalid("spec.clusterIPs", go_string_list(ips), detail))
    seen: set[Any] = set()
    for i, fam in enumerate(_list(spec.get("ipFamilies"))):
        if fam not in IP_FAMILIES:
            errs.append(not_supported(f"spec.ipFamilies[{i}]", fam, IP_FAMILIES))
        if fam in seen:
            errs.append(duplicate(f"spec.ipFamilies[{i}]", fam))
        seen.add(fam)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.append(not_supported("spec.ipFamilyPolicy", policy, IP_FAMILY_POLICIES))
    return errs + _validate_cluster_ip_values(spec, ips)


def _validate_cluster_ip_values(spec: Mapping[str, Any], ips: list[Any]) -> Errs:
    errs: Errs = []
    bad = False
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                bad = True
                detail = "'None' must be the first and only value"
                errs.append(invalid("spec.clusterIPs", go_string_list(ips), detail))
            continue
        ip_errs = is_valid_ip(f"spec.clusterIPs[{i}]", ip)
        bad = bad or bool(ip_errs)
        errs += ip_errs
    if len(ips) > 2:
        errs.append(invalid("spec.clusterIPs", go_string_list(ips), "may only hold up to 2 values"))
    if bad:
        return errs
    if len(ips) > 1 and {_family(ip) for ip in ips} != {"IPv4", "IPv6"}:
        detail = "may specify no more than one IP for each IP family"
        errs.append(invalid("spec.clusterIPs", go_string_list(ips), detail))
    families = _list(spec.get("ipFamilies"))
    if not is_headless(spec):
        for i, ip in enumerate(ips[: len(families)]):
            is_v6 = isinstance(parse_ip(ip), IPv6Address)
            if families[i] == "IPv4" and is_v6 or families[i] == "IPv6" and not is_v6:
                want = "IPv6" if families[i] == "IPv6" else "IPv4"
                detail = f"expected an {want} value as indicated by `ipFamilies[{i}]`"
                errs.append(invalid(f"spec.clusterIPs[{i}]", ip, detail))
    return errs


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


def validate_service_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateServiceUpdate's update-only checks (validate has run on `new` already)."""
    spec, old_spec = _spec(new), _spec(old)
    if _allocator_errors(spec):
        return []  # upstream stops in BeginUpdate; validate reported these
    errs = _validate_upgrade_downgrade_cluster_ips(old_spec, spec)
    errs += _validate_upgrade_downgrade_families(old_spec, spec)
    both_lb = old_spec.get("type") == spec.get("type") == "LoadBalancer"
    if both_lb and old_spec.get("loadBalancerClass") != spec.get("loadBalancerClass"):
        cls = spec.get("loadBalancerClass")
        errs.append(invalid("spec.loadBalancerClass", cls, "may not change once set"))
    if _needs_hc_node_port(old_spec) and _needs_hc_node_port(spec):
        if spec.get("healthCheckNodePort") != old_spec.get("healthCheckNodePort"):
            errs.append(forbidden("spec.healthCheckNodePort", "field is immutable"))
    return errs


def _validate_upgrade_downgrade_cluster_ips(old: Mapping[str, Any], new: Mapping[str, Any]) -> Errs:
    """validateUpgradeDowngradeClusterIPs."""
    if "ExternalName" in (old.get("type"), new.get("type")):
        return []
    if is_headless(old) and is_headless(new):
        return []
    errs: Errs = []
    old_ips, ips = _list(old.get("clusterIPs")), _list(new.get("clusterIPs"))
    value = _go_string_slice(new.get("clusterIPs"))
    if len(old_ips) == len(ips):
        for i, ip in enumerate(old_ips):
            if ip != ips[i]:
                errs.append(invalid(f"spec.clusterIPs[{i}]", value, "may not change once set"))
    elif len(old_ips) > len(ips):
        if not ips:
            errs.append(invalid("spec.clusterIPs[0]", value, "primary clusterIP can not be unset"))
        elif ips[0] != old_ips[0]:
            errs.append(invalid("spec.clusterIPs[0]", value, "may not change once set"))
        if len(ips) == 1 and new.get("ipFamilyPolicy") != "SingleStack":
            detail = "must be set to 'SingleStack' when releasing the secondary clusterIP"
            errs.append(invalid("spec.ipFamilyPolicy", new.get("ipFamilyPolicy"), detail))
    elif old_ips and ips[0] != old_ips[0]:
        errs.append(invalid("spec.clusterIPs[0]", value, "may not change once set"))
    return errs


def _validate_upgrade_downgrade_families(old: Mapping[str, Any], new: Mapping[str, Any]) -> Errs:
    """validateUpgradeDowngradeIPFamilies."""
    if "ExternalName" in (old.get("type"), new.get("type")):
        return []
    if is_headless(old) or is_headless(new):
        return []
    errs: Errs = []
    old_fams, fams = _list(old.get("ipFamilies")), _list(new.get("ipFamilies"))
    fam_value = GoValue(
        "[]core.IPFamily{" + ", ".join(_go_quote(f) for f in fams) + "}"
        if new.get("ipFamilies") is not None
        else "[]core.IPFamily(nil)"
    )
    ips_value = _go_string_slice(new.get("clusterIPs"))
    if len(old_fams) == len(fams):
        for i, fam in enumerate(old_fams):
            if fam != fams[i]:
                errs.append(invalid("spec.ipFamilies[0]", fam_value, "may not change once set"))
    elif len(old_fams) > len(fams):
        if not _list(new.get("clusterIPs")):
            errs.append(
                invalid("spec.ipFamilies[0]", fam_value, "primary ipFamily can not be unset")
            )
        if fams and fams[0] != old_fams[0]:
            errs.append(invalid("spec.ipFamilies[0]", ips_value, "may not change once set"))
        if len(fams) == 1 and new.get("ipFamilyPolicy") != "SingleStack":
            detail = "must be set to 'SingleStack' when releasing the secondary ipFamily"
            errs.append(invalid("spec.ipFamilyPolicy", new.get("ipFamilyPolicy"), detail))
    elif old_fams and fams and fams[0] != old_fams[0]:
        errs.append(invalid("spec.ipFamilies[0]", ips_value, "may not change once set"))
    return errs


def validate_service_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateServiceStatusUpdate: ValidateLoadBalancerStatus (LoadBalancerIPMode on)."""
    status = new.get("status") or {}
    lb = status.get("loadBalancer") if isinstance(status, Mapping) else None
    ingress = _list(lb.get("ingress") if isinstance(lb, Mapping) else None)
    path = "status.loadBalancer.ingress"
    if _spec(new).get("type") != "LoadBalancer" and ingress:
        return [forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")]
    errs: Errs = []
    for i, ing in enumerate(i for i in ingress if isinstance(i, Mapping)):
        ip, mode, host = ing.get("ip") or "", ing.get("ipMode"), ing.get("hostname") or ""
        if ip:
            errs += is_valid_ip(f"{path}[{i}].ip", ip)
        if mode is None and ip:
            errs.append(required(f"{path}[{i}].ipMode", "must be specified when `ip` is set"))
        elif mode is not None and not ip:
            errs.append(
                forbidden(f"{path}[{i}].ipMode", "may not be specified when `ip` is not set")
            )
        elif mode is not None and mode not in ("Proxy", "VIP"):
            errs.append(not_supported(f"{path}[{i}].ipMode", mode, ("Proxy", "VIP")))
        if host:
            errs += [invalid(f"{path}[{i}].hostname", host, m) for m in is_dns1123_subdomain(host)]
            if parse_ip(host) is not None:
                msg = "must be a DNS name, not an IP address"
                errs.append(invalid(f"{path}[{i}].hostname", host, msg))
    return errs


SERVICE = Kind(
    kind="Service",
    group="",
    version="v1",
    plural="services",
    namespaced=True,
    short_names=("svc",),
    categories=("all",),
    subresources=("status", "proxy"),
    name_validator=name_is_dns1035_label,
    default=default_service,
    prepare_for_create=_prepare_for_create,
    prepare_for_update=_prepare_for_update,
    validate=validate_service,
    validate_update=validate_service_update,
    validate_status_update=validate_service_status_update,
    allow_create_on_update=True,
)
