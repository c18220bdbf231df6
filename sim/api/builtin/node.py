"""The Node kind: defaulting, strategy and validation as upstream Kubernetes 1.32 does them.

Guarantees:
- `default` is SetObjectDefaults_Node (pkg/apis/core/v1/defaults.go SetDefaults_NodeStatus:
  allocatable defaults to capacity; SetDefaults_ResourceList rounds quantities up to milli scale)
  and the v1 conversion of spec.podCIDR <-> spec.podCIDRs (pkg/apis/core/v1/conversion.go).
- `prepare_for_create` / `prepare_for_update` follow pkg/registry/core/node/strategy.go: nodes
  may set their status on create; a main-resource update keeps the old status; the deprecated
  spec.configSource is dropped unless the old node used it.
- `validate` is ValidateNode of pkg/apis/core/validation/validation.go without ObjectMeta;
  `validate_update` adds what ValidateNodeUpdate checks beyond it (podCIDRs and providerID set
  once, externalID immutable, no duplicate addresses); `validate_status_update` is the whole of
  ValidateNodeUpdate, as upstream's status strategy runs it. Taint errors are reported under
  `metadata.taints`, exactly as upstream does.

`allow_create_on_update` is True because the apiserver contract asks for it (a PUT of a missing
node registers it); upstream's nodeStrategy.AllowCreateOnUpdate returns false.

Left out: the taints and preferAvoidPods annotations, and spec.configSource's sub-rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.builtin.pod import (
    GoValue,
    go_str,
    go_string_list,
    label_name_errors,
    round_up_resource_list,
    validate_resource_quantity_value,
    validate_taint_effect,
)
from sim.api.errors import INTERNAL, FieldError, duplicate, forbidden, invalid
from sim.api.frozen import thaw
from sim.api.kinds import Kind
from sim.api.validation.common import is_valid_label_value, name_is_dns_subdomain

__all__ = [
    "NODE",
    "default_node",
    "parse_cidr",
    "prepare_node_for_create",
    "prepare_node_for_update",
    "validate_node",
    "validate_node_status_update",
    "validate_node_update",
]

Obj = dict[str, Any]
Errs = list[FieldError]

CIDR_ERROR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
PODCIDR_CHANGE = 'node updates may not change podCIDR except from "" to valid'
PROVIDERID_CHANGE = 'node updates may not change providerID except from "" to valid'


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def default_node(node: Obj) -> None:
    """SetObjectDefaults_Node plus the v1 podCIDR/podCIDRs conversion."""
    spec = node.get("spec")
    if isinstance(spec, dict):
        cidrs = spec.get("podCIDRs")
        if not cidrs and spec.get("podCIDR"):
            spec["podCIDRs"] = [spec["podCIDR"]]
        elif cidrs and isinstance(cidrs, list):
            spec["podCIDR"] = cidrs[0]
    status = node.get("status")
    if not isinstance(status, dict):
        return
    capacity = status.get("capacity")
    if status.get("allocatable") is None and isinstance(capacity, dict):
        status["allocatable"] = dict(capacity)
    round_up_resource_list(capacity)
    round_up_resource_list(status.get("allocatable"))


def prepare_node_for_create(node: Obj) -> None:
    """PrepareForCreate: everything, status included, may be set; configSource is dropped."""
    spec, status = node.get("spec"), node.get("status")
    if isinstance(spec, dict):
        spec.pop("configSource", None)
    if isinstance(status, dict):
        status.pop("config", None)


def prepare_node_for_update(new: Obj, old: Mapping[str, Any]) -> None:
    """PrepareForUpdate: the status cannot change through the main resource."""
    if "status" in old:
        new["status"] = thaw(old["status"])
    else:
        new.pop("status", None)
    spec = new.get("spec")
    if isinstance(spec, dict) and _map(old.get("spec")).get("configSource") is None:
        spec.pop("configSource", None)


def _go_taint(t: Mapping[str, Any]) -> GoValue:
    added = "(*v1.Time)(nil)" if t.get("timeAdded") is None else "(*v1.Time)(0xc000000000)"
    return GoValue(
        f"core.Taint{{Key:{go_str(t.get('key', ''))}, Value:{go_str(t.get('value', ''))}, "
        f"Effect:{go_str(t.get('effect', ''))}, TimeAdded:{added}}}"
    )


def _taints(taints: list[Any], path: str) -> Errs:
    """validateNodeTaints: key, value and effect, unique by (key, effect)."""
    errs: Errs = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(taints):
        taint = _map(taint)
        tpath = f"{path}[{i}]"
        key, value, effect = taint.get("key", ""), taint.get("value", ""), taint.get("effect", "")
        errs += label_name_errors(key, f"{tpath}.key")
        msgs = is_valid_label_value(value if isinstance(value, str) else "")
        if msgs:
            errs.append(invalid(f"{tpath}.value", value, ";".join(msgs)))
        errs += validate_taint_effect(effect, False, f"{tpath}.effect")
        if (key, effect) in seen:
            err = duplicate(tpath, _go_taint(taint))
            err.detail = "taints must be unique by key and effect pair"
            errs.append(err)
            continue
        seen.add((key, effect))
    return errs


def _node_resources(node: Mapping[str, Any]) -> Errs:
    """ValidateNodeResources: capacity and allocatable quantities (paths are children, so
    `status.capacity.cpu`)."""
    status = _map(node.get("status"))
    errs: Errs = []
    for key in ("capacity", "allocatable"):
        for name, value in _map(status.get(key)).items():
            errs += validate_resource_quantity_value(name, value, f"status.{key}.{name}")[1]
    return errs


def parse_cidr(value: Any) -> tuple[int, Any] | None:
    """netutils.ParseCIDRSloppy: (IP version, network) or None; IPv4 leading zeros allowed."""
    import ipaddress

    if not isinstance(value, str) or value.count("/") != 1:
        return None
    addr, _, prefix = value.partition("/")
    if not prefix.isdigit() or not prefix.isascii():
        return None
    try:
        if ":" in addr:
            ip: Any = ipaddress.IPv6Address(addr)
        else:
            parts = addr.split(".")
            if len(parts) != 4 or not all(
                p.isdigit() and p.isascii() and len(p) <= 3 for p in parts
            ):
                return None
            ip = ipaddress.IPv4Address(".".join(str(int(p)) for p in parts))
        return ip.version, ipaddress.ip_network(f"{ip}/{int(prefix)}", strict=False)
    except ValueError:
        return None


def _pod_cidrs(cidrs: list[Any]) -> Errs:
    """The podCIDRs part of ValidateNode: valid CIDRs, dual-stack at most, no duplicates."""
    path = "spec.podCIDRs"
    parsed = [parse_cidr(c) for c in cidrs]
    errs: Errs = [
        invalid(f"{path}[{i}]", c, CIDR_ERROR)
        for i, (c, p) in enumerate(zip(cidrs, parsed, strict=True))
        if p is None
    ]
    if len(cidrs) > 1:
        bad = next((c for c, p in zip(cidrs, parsed, strict=True) if p is None), None)
        if bad is not None:
            detail = (
                "invalid PodCIDRs. failed to check with dual stack with error:"
                f"invalid CIDR address: {bad}"
            )
            errs.append(FieldError(INTERNAL, path, None, detail))
        versions = {p[0] for p in parsed if p is not None}
        if bad is not None or versions != {4, 6} or len(cidrs) > 2:
            errs.append(
                invalid(
                    path,
                    go_string_list(cidrs),
                    "may specify no more than one CIDR for each IP family",
                )
            )
        seen: set[Any] = set()
        for i, c in enumerate(cidrs):
            if c in seen:
                errs.append(duplicate(f"{path}[{i}]", c))
            seen.add(c)
    return errs


def validate_node(node: Mapping[str, Any]) -> Errs:
    """ValidateNode minus ObjectMeta."""
    spec = _map(node.get("spec"))
    errs: Errs = []
    taints = _items(spec.get("taints"))
    if taints:
        errs += _taints(taints, "metadata.taints")
    errs += _node_resources(node)
    cidrs = _items(spec.get("podCIDRs"))
    if cidrs:
        errs += _pod_cidrs(cidrs)
    return errs


def _addresses(node: Mapping[str, Any]) -> Errs:
    errs: Errs = []
    seen: set[tuple[Any, Any]] = set()
    for i, addr in enumerate(_items(_map(node.get("status")).get("addresses"))):
        addr = _map(addr)
        key = (addr.get("type", ""), addr.get("address", ""))
        if key in seen:
            shown = GoValue(f"core.NodeAddress{{Type:{go_str(key[0])}, Address:{go_str(key[1])}}}")
            errs.append(duplicate(f"status.addresses[{i}]", shown))
        seen.add(key)
    return errs


def _immutable_once_set(new_spec: Mapping[str, Any], old_spec: Mapping[str, Any]) -> Errs:
    """podCIDRs and providerID may only be set from empty; externalID never changes."""
    errs: Errs = []
    old_cidrs, new_cidrs = _items(old_spec.get("podCIDRs")), _items(new_spec.get("podCIDRs"))
    if old_cidrs:
        if len(old_cidrs) != len(new_cidrs):
            errs.append(forbidden("spec.podCIDRs", PODCIDR_CHANGE))
        else:
            errs += [
                forbidden("spec.podCIDRs", PODCIDR_CHANGE)
                for a, b in zip(old_cidrs, new_cidrs, strict=True)
                if a != b
            ]
    old_pid = old_spec.get("providerID") or ""
    if old_pid and old_pid != (new_spec.get("providerID") or ""):
        errs.append(forbidden("spec.providerID", PROVIDERID_CHANGE))
    return errs


def _external_id(new_spec: Mapping[str, Any], old_spec: Mapping[str, Any]) -> Errs:
    if (new_spec.get("externalID") or "") != (old_spec.get("externalID") or ""):
        return [forbidden("spec.externalID", "may not be updated")]
    return []


def validate_node_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateNodeUpdate minus ObjectMeta and what `validate_node(new)` already reports."""
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    errs = _addresses(new)
    errs += _immutable_once_set(new_spec, old_spec)
    return errs + _external_id(new_spec, old_spec)


def validate_node_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateNodeUpdate minus ObjectMeta (what upstream's node status strategy runs)."""
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    errs = _node_resources(new)
    errs += _addresses(new)
    errs += _immutable_once_set(new_spec, old_spec)
    taints = _items(new_spec.get("taints"))
    if taints:
        errs += _taints(taints, "metadata.taints")
    return errs + _external_id(new_spec, old_spec)


NODE = Kind(
    kind="Node",
    group="",
    version="v1",
    plural="nodes",
    namespaced=False,
    short_names=("no",),
    subresources=("status", "proxy"),
    name_validator=name_is_dns_subdomain,
    default=default_node,
    prepare_for_create=prepare_node_for_create,
    prepare_for_update=prepare_node_for_update,
    validate=validate_node,
    validate_update=validate_node_update,
    validate_status_update=validate_node_status_update,
    allow_create_on_update=True,
)
