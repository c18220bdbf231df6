"""What happens to a Service before validation, and its registration as `SERVICE`.

The REST layer's patchAllocatedValues and normalizeClusterIPs
(pkg/registry/core/service/storage/rest.go), the allocator's IP family fields (alloc.go), then
the strategy's PrepareForCreate/PrepareForUpdate (pkg/registry/core/service/strategy.go: status
cleared or kept, type-dependent fields dropped). Allocation of cluster IPs and node ports is not
done here: a service without clusterIP passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.builtin.service.common import (
    _externally_accessible,
    _list,
    _needs_hc_node_port,
    _ports,
    _spec,
    needs_cluster_ip,
    needs_node_port,
)
from sim.api.builtin.service.defaults import default_service
from sim.api.builtin.service.families import _init_ip_families
from sim.api.builtin.service.update import validate_service_status_update, validate_service_update
from sim.api.builtin.service.validation import validate_service
from sim.api.kinds import Kind, Obj
from sim.api.validation.common import name_is_dns1035_label


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
