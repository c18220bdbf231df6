"""Service updates: ValidateServiceUpdate and ValidateServiceStatusUpdate.

Models the update-only checks of pkg/apis/core/validation/validation.go (1.32): the allocator's
refusals, upgrade/downgrade of clusterIPs and ipFamilies, healthCheckNodePort, and the status
(load balancer ingress IPs). Upstream runs them before ValidateService's; here the apiserver
runs `validate` first, so the order of update errors differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.builtin.pod import GoValue
from sim.api.builtin.service.common import (
    _go_quote,
    _go_string_slice,
    _list,
    _needs_hc_node_port,
    _spec,
    is_headless,
)
from sim.api.builtin.service.ips import Errs, is_valid_ip, parse_ip
from sim.api.builtin.service.validation import _allocator_errors
from sim.api.errors import forbidden, invalid, not_supported, required
from sim.api.validation.common import is_dns1123_subdomain


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
