"""Endpoints (core/v1) and EndpointSlice (discovery.k8s.io/v1) as upstream Kubernetes 1.32.

Guarantees:
- Endpoints: `default` is SetDefaults_Endpoints (pkg/apis/core/v1/defaults.go: port protocol
  TCP); `validate` is ValidateEndpoints without ObjectMeta (pkg/apis/core/validation/
  validation.go validateEndpointSubsets: addresses required, valid non-special IPs, hostname,
  nodeName, port names, numbers and protocols). Create-on-update is allowed, as in
  pkg/registry/core/endpoint/strategy.go.
- EndpointSlice: `default` is SetDefaults_EndpointPort (pkg/apis/discovery/v1/defaults.go: name ""
  and protocol TCP); endpoint conditions are left as given. `validate` is ValidateEndpointSlice
  without ObjectMeta (pkg/apis/discovery/validation/validation.go: addressType, at most 1000
  endpoints of 1 to 100 addresses each, addresses valid for the type, nodeName, hostname,
  deprecatedTopology, zone hints, at most 20000 ports with unique names); `validate_update` adds
  addressType immutability. The strategy (pkg/registry/discovery/endpointslice/strategy.go)
  sets generation 1 on create, bumps it when anything but metadata (labels aside) changes, and
  drops `deprecatedTopology` written through v1 (keeping a node name it carried before).

Upstream does not validate `zone` or `conditions`; neither does this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address, IPv6Address
from typing import Any

from sim.api.builtin.service import PORT_PROTOCOLS, is_valid_ip, parse_ip, validate_non_special_ip
from sim.api.errors import (
    INTERNAL,
    FieldError,
    duplicate,
    invalid,
    not_supported,
    required,
    too_many,
)
from sim.api.kinds import Kind, Obj
from sim.api.validation.common import (
    immutable,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    is_valid_port_num,
    name_is_dns_subdomain,
    validate_labels,
)

__all__ = [
    "ENDPOINTS",
    "ENDPOINTSLICE",
    "default_endpoints",
    "default_endpoint_slice",
    "is_fully_qualified_domain_name",
    "validate_endpoint_slice",
    "validate_endpoints",
]

Errs = list[FieldError]

ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")
MAX_ENDPOINTS = 1000
MAX_ADDRESSES = 100
MAX_PORTS = 20000
MAX_TOPOLOGY_LABELS = 16
MAX_ZONE_HINTS = 8
ZONE_LABEL = "topology.kubernetes.io/zone"
HOSTNAME_LABEL = "kubernetes.io/hostname"


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _dicts(value: Any) -> list[Any]:
    return [v for v in _list(value) if isinstance(v, Mapping)]


def _dns_label(value: Any, path: str) -> Errs:
    return [invalid(path, value, m) for m in is_dns1123_label(str(value))]


def _node_name(value: Any, path: str) -> Errs:
    return [invalid(path, value, m) for m in is_dns1123_subdomain(str(value))]


def _app_protocol(port: Mapping[str, Any], path: str) -> Errs:
    app = port.get("appProtocol")
    if app is None:
        return []
    return [invalid(f"{path}.appProtocol", app, m) for m in is_qualified_name(str(app))]


def _protocol(port: Mapping[str, Any], path: str) -> Errs:
    protocol = port.get("protocol")
    if not protocol:
        return [required(f"{path}.protocol")]
    if protocol not in PORT_PROTOCOLS:
        return [not_supported(f"{path}.protocol", protocol, PORT_PROTOCOLS)]
    return []


# -- Endpoints -------------------------------------------------------------------------------
def default_endpoints(obj: Obj) -> None:
    """SetDefaults_Endpoints: subset ports default to TCP."""
    for subset in _list(obj.get("subsets")):
        for port in _list(subset.get("ports") if isinstance(subset, dict) else None):
            if isinstance(port, dict) and not port.get("protocol"):
                port["protocol"] = "TCP"


def validate_endpoints(obj: Mapping[str, Any]) -> Errs:
    """ValidateEndpoints without ObjectMeta (validateEndpointSubsets)."""
    errs: Errs = []
    for i, subset in enumerate(_list(obj.get("subsets"))):
        path = f"subsets[{i}]"
        subset = subset if isinstance(subset, Mapping) else {}
        addresses, not_ready = (
            _dicts(subset.get("addresses")),
            _dicts(subset.get("notReadyAddresses")),
        )
        if not addresses and not not_ready:
            errs.append(required(path, "must specify `addresses` or `notReadyAddresses`"))
        for j, address in enumerate(addresses):
            errs += _validate_endpoint_address(address, f"{path}.addresses[{j}]")
        for j, address in enumerate(not_ready):
            errs += _validate_endpoint_address(address, f"{path}.notReadyAddresses[{j}]")
        ports = _dicts(subset.get("ports"))
        for j, port in enumerate(ports):
            errs += _validate_endpoint_port(port, len(ports) > 1, f"{path}.ports[{j}]")
    return errs


def _validate_endpoint_address(address: Mapping[str, Any], path: str) -> Errs:
    """validateEndpointAddress."""
    ip = address.get("ip", "")
    errs = is_valid_ip(f"{path}.ip", ip)
    if address.get("hostname"):
        errs += _dns_label(address["hostname"], f"{path}.hostname")
    if address.get("nodeName") is not None:
        errs += _node_name(address["nodeName"], f"{path}.nodeName")
    return errs + validate_non_special_ip(ip, f"{path}.ip")


def _validate_endpoint_port(port: Mapping[str, Any], need_name: bool, path: str) -> Errs:
    """validateEndpointPort."""
    errs: Errs = []
    name = port.get("name") or ""
    if need_name and not name:
        errs.append(required(f"{path}.name"))
    elif name:
        errs += _dns_label(name, f"{path}.name")
    number = port.get("port", 0)
    errs += [invalid(f"{path}.port", number, m) for m in is_valid_port_num(number)]
    return errs + _protocol(port, path) + _app_protocol(port, path)


# -- EndpointSlice ---------------------------------------------------------------------------
def default_endpoint_slice(obj: Obj) -> None:
    """SetDefaults_EndpointPort: name "" and protocol TCP."""
    for port in _list(obj.get("ports")):
        if isinstance(port, dict):
            if port.get("name") is None:
                port["name"] = ""
            if port.get("protocol") is None:
                port["protocol"] = "TCP"


def is_fully_qualified_domain_name(path: str, name: Any) -> Errs:
    """validation.IsFullyQualifiedDomainName: a subdomain of at least two labels, "." allowed."""
    name = str(name or "")
    if not name:
        return [required(path)]
    name = name.removesuffix(".")
    msgs = is_dns1123_subdomain(name)
    if msgs:
        return [invalid(path, name, ",".join(msgs))]
    labels = name.split(".")
    if len(labels) < 2:
        return [
            invalid(path, name, "should be a domain with at least two segments separated by dots")
        ]
    for label in labels:
        msgs = is_dns1123_label(label)
        if msgs:
            return [invalid(path, label, ",".join(msgs))]
    return []


def _validate_address(address_type: Any, address: Any, path: str) -> Errs:
    if address_type in ("IPv4", "IPv6"):
        ip = parse_ip(address)
        want = IPv4Address if address_type == "IPv4" else IPv6Address
        errs = (
            []
            if isinstance(ip, want)
            else [invalid(path, address, f"must be a valid {address_type} address")]
        )
        return errs + validate_non_special_ip(address, path)
    if address_type == "FQDN":
        return is_fully_qualified_domain_name(path, address)
    return []  # unknown types fall through, as upstream


def validate_endpoint_slice(obj: Mapping[str, Any]) -> Errs:
    """ValidateEndpointSlice without ObjectMeta."""
    address_type = obj.get("addressType") or ""
    errs: Errs = []
    if not address_type:
        errs.append(required("addressType"))
    elif address_type not in ADDRESS_TYPES:
        errs.append(not_supported("addressType", address_type, ADDRESS_TYPES))
    errs += _validate_slice_endpoints(_list(obj.get("endpoints")), address_type)
    return errs + _validate_slice_ports(_list(obj.get("ports")))


def _validate_slice_endpoints(endpoints: list[Any], address_type: Any) -> Errs:
    """validateEndpoints."""
    if len(endpoints) > MAX_ENDPOINTS:
        return [too_many("endpoints", len(endpoints), MAX_ENDPOINTS)]
    errs: Errs = []
    for i, endpoint in enumerate(endpoints):
        path = f"endpoints[{i}]"
        endpoint = endpoint if isinstance(endpoint, Mapping) else {}
        addresses = _list(endpoint.get("addresses"))
        if not addresses:
            errs.append(required(f"{path}.addresses", "must contain at least 1 address"))
        elif len(addresses) > MAX_ADDRESSES:
            errs.append(too_many(f"{path}.addresses", len(addresses), MAX_ADDRESSES))
        for j, address in enumerate(addresses):
            errs += _validate_address(address_type, address, f"{path}.addresses[{j}]")
        if endpoint.get("nodeName") is not None:
            errs += _node_name(endpoint["nodeName"], f"{path}.nodeName")
        errs += _validate_topology(endpoint.get("deprecatedTopology"), f"{path}.deprecatedTopology")
        if endpoint.get("hostname") is not None:
            errs += _dns_label(endpoint["hostname"], f"{path}.hostname")
        if isinstance(endpoint.get("hints"), Mapping):
            errs += _validate_hints(endpoint["hints"], f"{path}.hints")
    return errs


def _validate_topology(topology: Any, path: str) -> Errs:
    if not isinstance(topology, Mapping):
        return []
    errs: Errs = []
    if len(topology) > MAX_TOPOLOGY_LABELS:
        errs.append(too_many(path, len(topology), MAX_TOPOLOGY_LABELS))
    errs += validate_labels(topology, path)
    if ZONE_LABEL in topology:
        detail = "reserved key was not removed in conversion"
        errs.append(FieldError(INTERNAL, f"{path}[{ZONE_LABEL}]", detail=detail))
    return errs


def _validate_hints(hints: Mapping[str, Any], path: str) -> Errs:
    """validateHints."""
    zones = _list(hints.get("forZones"))
    if len(zones) > MAX_ZONE_HINTS:
        return [too_many(f"{path}.forZones", len(zones), MAX_ZONE_HINTS)]
    errs: Errs = []
    seen: set[Any] = set()
    for i, zone in enumerate(zones):
        name = zone.get("name", "") if isinstance(zone, Mapping) else ""
        zone_path = f"{path}.forZones[{i}].name"
        if name in seen:
            errs.append(duplicate(zone_path, name))
        seen.add(name)
        errs += [invalid(zone_path, name, m) for m in is_valid_label_value(str(name))]
    return errs


def _validate_slice_ports(ports: list[Any]) -> Errs:
    """validatePorts."""
    if len(ports) > MAX_PORTS:
        return [too_many("ports", len(ports), MAX_PORTS)]
    errs: Errs = []
    names: set[Any] = set()
    for i, port in enumerate(ports):
        path = f"ports[{i}]"
        port = port if isinstance(port, Mapping) else {}
        name = port.get("name") or ""
        if name:
            errs += _dns_label(name, f"{path}.name")
        if name in names:
            errs.append(duplicate(f"{path}.name", name))
        names.add(name)
        if port.get("protocol") is None:
            errs.append(required(f"{path}.protocol"))
        elif port["protocol"] not in PORT_PROTOCOLS:
            errs.append(not_supported(f"{path}.protocol", port["protocol"], PORT_PROTOCOLS))
        errs += _app_protocol(port, path)
    return errs


def _validate_slice_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateEndpointSliceUpdate's addition: addressType is immutable."""
    if new.get("addressType", "") != old.get("addressType", ""):
        return [immutable("addressType", new.get("addressType", ""))]
    return []


def _drop_topology(new: Obj, old: Mapping[str, Any] | None) -> None:
    """strategy.go dropTopologyOnV1: v1 writes drop deprecatedTopology."""
    endpoints = _list(new.get("endpoints"))
    if old is not None and endpoints == _list(old.get("endpoints")):
        return
    previous = set()
    for endpoint in _dicts(old.get("endpoints") if old is not None else None):
        topology = endpoint.get("deprecatedTopology")
        if isinstance(topology, Mapping) and HOSTNAME_LABEL in topology:
            previous.add(topology[HOSTNAME_LABEL])
    for endpoint in endpoints:
        if not isinstance(endpoint, dict):
            continue
        topology = endpoint.pop("deprecatedTopology", None)
        node = topology.get(HOSTNAME_LABEL) if isinstance(topology, Mapping) else None
        if endpoint.get("nodeName") is None and node in previous and not _node_name(node, ""):
            endpoint["nodeName"] = node


def _prepare_slice_create(obj: Obj) -> None:
    obj.setdefault("metadata", {})["generation"] = 1
    _drop_topology(obj, None)


def _prepare_slice_update(new: Obj, old: Obj) -> None:
    """Generation moves when anything but metadata changes, or the labels do."""
    meta, old_meta = new.setdefault("metadata", {}), old.get("metadata") or {}
    body = {k: v for k, v in new.items() if k != "metadata"}
    old_body = {k: v for k, v in old.items() if k != "metadata"}
    if body != old_body or (meta.get("labels") or {}) != (old_meta.get("labels") or {}):
        meta["generation"] = int(old_meta.get("generation") or 0) + 1
    else:
        meta["generation"] = old_meta.get("generation", 1)
    _drop_topology(new, old)


ENDPOINTS = Kind(
    kind="Endpoints",
    group="",
    version="v1",
    plural="endpoints",
    namespaced=True,
    short_names=("ep",),
    name_validator=name_is_dns_subdomain,
    default=default_endpoints,
    validate=validate_endpoints,
    allow_create_on_update=True,
)

ENDPOINTSLICE = Kind(
    kind="EndpointSlice",
    group="discovery.k8s.io",
    version="v1",
    plural="endpointslices",
    namespaced=True,
    name_validator=name_is_dns_subdomain,
    default=default_endpoint_slice,
    prepare_for_create=_prepare_slice_create,
    prepare_for_update=_prepare_slice_update,
    validate=validate_endpoint_slice,
    validate_update=_validate_slice_update,
)
