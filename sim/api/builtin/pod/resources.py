"""Resource names and container resource requirements validation.

Models pkg/apis/core/helper/helpers.go (IsNativeResource, IsHugePageResourceName,
IsExtendedResourceName, IsOvercommitAllowed, IsIntegerResourceName) and
pkg/apis/core/validation/validation.go (ValidateResourceRequirements, ValidateResourceQuantityValue,
validateResizePolicy). Pure functions returning field errors in upstream order.
"""

from __future__ import annotations

from typing import Any

from sim.api.builtin.pod.constants import NEGATIVE_ERROR
from sim.api.builtin.pod.values import Errs, GoValue, _items, _map, quantity
from sim.api.errors import duplicate, forbidden, invalid, not_supported, required
from sim.api.quantity import Quantity, QuantityError
from sim.api.validation.common import is_qualified_name

# Resource names: pkg/apis/core/helper/helpers.go
_STANDARD_CONTAINER_RESOURCES = frozenset(("cpu", "memory", "ephemeral-storage"))
_STANDARD_RESOURCES = frozenset(
    (
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    )
)
_INTEGER_RESOURCES = frozenset(
    (
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "services.nodeports",
        "services.loadbalancers",
    )
)
_QOS_RESOURCES = ("cpu", "memory")


def _is_native_resource(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_huge_pages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_extended_resource(name: str) -> bool:
    if _is_native_resource(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def _is_overcommit_allowed(name: str) -> bool:
    return _is_native_resource(name) and not _is_huge_pages(name)


def _is_integer_resource(name: str) -> bool:
    return name in _INTEGER_RESOURCES or _is_extended_resource(name)


def _resource_name_errors(name: str, path: str) -> Errs:
    """validateResourceName."""
    errs = [invalid(path, name, m) for m in is_qualified_name(name)]
    if errs:
        return errs
    if "/" not in name and not (
        name in _STANDARD_RESOURCES or name.startswith(("hugepages-", "requests.hugepages-"))
    ):
        return [invalid(path, name, "must be a standard resource type or fully qualified")]
    return []


def _container_resource_name_errors(name: str, path: str) -> Errs:
    """validateContainerResourceName."""
    if name in _STANDARD_CONTAINER_RESOURCES:
        return []
    errs = _resource_name_errors(name, path)
    if "/" not in name:
        if name not in _STANDARD_CONTAINER_RESOURCES and not _is_huge_pages(name):
            errs.append(invalid(path, name, "must be a standard resource for containers"))
    elif not _is_native_resource(name) and not _is_extended_resource(name):
        errs.append(invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def validate_resource_quantity_value(
    name: str, value: Any, path: str
) -> tuple[Quantity | None, Errs]:
    """ValidateResourceQuantityValue (and the decode error a malformed quantity would raise)."""
    try:
        q = quantity(value)
    except (QuantityError, TypeError, ValueError) as e:
        return None, [invalid(path, value, str(e))]
    errs: Errs = []
    if q.sign() < 0:
        errs.append(invalid(path, str(q), NEGATIVE_ERROR))
    if name in _STANDARD_CONTAINER_RESOURCES:
        return q, errs
    if _is_integer_resource(name) and q.milli_value() % 1000:
        errs.append(invalid(path, GoValue(str(q)), "must be an integer"))
    return q, errs


def _resource_list(
    resources: Any, path: str, huge_pages: list[bool]
) -> tuple[dict[str, Quantity], bool, Errs]:
    """The per-entry half of ValidateResourceRequirements for limits (or overhead)."""
    errs: Errs = []
    parsed: dict[str, Quantity] = {}
    cpu_or_memory = False
    for name, value in _map(resources).items():
        rpath = f"{path}[{name}]"
        errs += _container_resource_name_errors(name, rpath)
        q, qerrs = validate_resource_quantity_value(name, value, rpath)
        errs += qerrs
        if q is not None:
            parsed[name] = q
        if _is_huge_pages(name):
            huge_pages[0] = True
        if name in _QOS_RESOURCES:
            cpu_or_memory = True
    return parsed, cpu_or_memory, errs


def _resource_requirements(res: Any, path: str) -> Errs:
    """ValidateResourceRequirements (huge page divisibility is not checked)."""
    res = _map(res)
    if not res:
        return []
    lim_path, req_path = f"{path}.limits", f"{path}.requests"
    huge = [False]
    limits, lim_cpu_mem, errs = _resource_list(res.get("limits"), lim_path, huge)
    req_cpu_mem = False
    for name, value in _map(res.get("requests")).items():
        rpath = f"{req_path}[{name}]"
        errs += _container_resource_name_errors(name, rpath)
        q, qerrs = validate_resource_quantity_value(name, value, rpath)
        errs += qerrs
        limit = limits.get(name)
        if q is not None and limit is not None:
            if q != limit and not _is_overcommit_allowed(name):
                errs.append(invalid(req_path, str(q), f"must be equal to {name} limit of {limit}"))
            elif q > limit:
                errs.append(
                    invalid(
                        req_path, str(q), f"must be less than or equal to {name} limit of {limit}"
                    )
                )
        elif (
            limit is None
            and name not in _map(res.get("limits"))
            and not _is_overcommit_allowed(name)
        ):
            errs.append(required(lim_path, "Limit must be set for non overcommitable resources"))
        if _is_huge_pages(name):
            huge[0] = True
        if name in _QOS_RESOURCES:
            req_cpu_mem = True
    if not lim_cpu_mem and not req_cpu_mem and huge[0]:
        errs.append(forbidden(path, "HugePages require cpu or memory"))
    return errs


def _resize_policy(policies: Any, path: str, restart_policy: Any) -> Errs:
    """validateResizePolicy."""
    errs: Errs = []
    seen: set[str] = set()
    for i, p in enumerate(_items(policies)):
        p = _map(p)
        name, policy = p.get("resourceName") or "", p.get("restartPolicy") or ""
        if name in seen:
            errs.append(duplicate(f"{path}[{i}]", name))
        seen.add(name)
        if not name:
            errs.append(required(path))
        elif name not in _QOS_RESOURCES:
            errs.append(not_supported(path, name, _QOS_RESOURCES))
        if not policy:
            errs.append(required(path))
        elif policy not in ("NotRequired", "RestartContainer"):
            errs.append(not_supported(path, policy, ("NotRequired", "RestartContainer")))
        if restart_policy == "Never" and policy != "NotRequired":
            errs.append(
                invalid(path, policy, "must be 'NotRequired' when `restartPolicy` is 'Never'")
            )
    return errs
