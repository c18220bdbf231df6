"""IP family and cluster IP fields: the allocator's view and their validation.

Models initIPFamilyFields of pkg/registry/core/service/storage/alloc.go (clusterIPs mirror
clusterIP, policy SingleStack, or RequireDualStack for a headless service without selector,
families [IPv4]; a dual-stack request is refused, this cluster being single-stack IPv4) and
validateIPFamilies, validateIPFamilyPolicy and validateClusterIPs of
pkg/apis/core/validation/validation.go. Shared by the prepare hooks and validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv6Address
from typing import Any

from sim.api.builtin.pod import go_string_list
from sim.api.builtin.service.common import (
    _NOT_CONFIGURED_DUAL,
    IP_FAMILIES,
    IP_FAMILY_POLICIES,
    _list,
    is_headless,
)
from sim.api.builtin.service.ips import Errs, _family, is_valid_ip, parse_ip
from sim.api.errors import duplicate, invalid, not_supported, required


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
