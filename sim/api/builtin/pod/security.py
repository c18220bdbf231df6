"""Security contexts: the container SecurityContext and the PodSecurityContext.

Models ValidateSecurityContext, validateSeccompProfileField, ValidatePodSecurityContext and
validateSysctls of pkg/apis/core/validation/validation.go (seccomp/AppArmor annotations and the
sysctl namespace rules are left out). Pure functions returning field errors in upstream order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sim.api.builtin.pod.constants import (
    FS_GROUP_CHANGE_POLICIES,
    PROC_MOUNT_TYPES,
    SECCOMP_TYPES,
    SUPPLEMENTAL_GROUPS_POLICIES,
)
from sim.api.builtin.pod.values import Errs, GoValue, _int, _items, _map, go_str
from sim.api.builtin.pod.volumes import _local_descending_path
from sim.api.errors import duplicate, invalid, not_supported, required
from sim.api.validation.common import inclusive_range_error

_SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_SYSCTL_FMT = "^(" + _SYSCTL_SEGMENT + "[\\./])*" + _SYSCTL_SEGMENT + "$"
_sysctl_re = re.compile(_SYSCTL_FMT)


def _id_errors(value: Any, path: str) -> Errs:
    """validation.IsValidUserID / IsValidGroupID: 0 to 2^32-1."""
    if value is not None and (_int(value) is None or not 0 <= value <= 0xFFFFFFFF):
        return [invalid(path, value, inclusive_range_error(0, 0xFFFFFFFF))]
    return []


def _seccomp_profile(sp: Any, path: str) -> Errs:
    """validateSeccompProfileField."""
    if sp is None:
        return []
    sp = _map(sp)
    errs: Errs = []
    sp_type = sp.get("type") or ""
    if not sp_type:
        errs.append(required(f"{path}.type", "type is required when seccompProfile is set"))
    elif sp_type not in SECCOMP_TYPES:
        errs.append(not_supported(f"{path}.type", sp_type, SECCOMP_TYPES))
    local = sp.get("localhostProfile")
    if sp_type == "Localhost":
        if local is None:
            errs.append(
                required(f"{path}.localhostProfile", "must be set when seccomp type is Localhost")
            )
        else:
            errs += _local_descending_path(local, f"{path}.localhostProfile")
    elif local is not None:
        errs.append(
            invalid(
                f"{path}.localhostProfile",
                _go_seccomp(sp),
                "can only be set when seccomp type is Localhost",
            )
        )
    return errs


def _go_seccomp(sp: Mapping[str, Any]) -> GoValue:
    return GoValue(
        f"core.SeccompProfile{{Type:{go_str(sp.get('type', ''))}, "
        f"LocalhostProfile:(*string)(0xc000000000)}}"
    )


def _security_context(sc: Any, path: str) -> Errs:
    """ValidateSecurityContext (privileged containers are allowed, as --allow-privileged)."""
    if sc is None:
        return []
    sc = _map(sc)
    errs = _id_errors(sc.get("runAsUser"), f"{path}.runAsUser")
    errs += _id_errors(sc.get("runAsGroup"), f"{path}.runAsGroup")
    proc_mount = sc.get("procMount")
    if proc_mount is not None:
        if proc_mount not in PROC_MOUNT_TYPES:
            errs.append(not_supported(f"{path}.procMount", proc_mount, PROC_MOUNT_TYPES))
        if proc_mount == "Unmasked":  # hostUsers is always true: UserNamespacesSupport is off
            errs.append(
                invalid(
                    f"{path}.procMount", proc_mount, "`hostUsers` must be false to use `Unmasked`"
                )
            )
    errs += _seccomp_profile(sc.get("seccompProfile"), f"{path}.seccompProfile")
    if sc.get("allowPrivilegeEscalation") is False:
        if sc.get("privileged") is True:
            errs.append(
                invalid(
                    path,
                    GoValue("core.SecurityContext{...}"),
                    "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                )
            )
        for cap in _items(_map(sc.get("capabilities")).get("add")):
            if cap == "CAP_SYS_ADMIN":
                errs.append(
                    invalid(
                        path,
                        GoValue("core.SecurityContext{...}"),
                        "cannot set `allowPrivilegeEscalation` to false and "
                        "`capabilities.Add` CAP_SYS_ADMIN",
                    )
                )
    return errs


def _sysctls(sysctls: list[Any], path: str) -> Errs:
    """validateSysctls (the hostNetwork/hostIPC namespace rules are not modelled)."""
    errs: Errs = []
    names: set[str] = set()
    for i, s in enumerate(sysctls):
        name = _map(s).get("name") or ""
        npath = f"{path}[{i}].name"
        if not name:
            errs.append(required(npath))
        elif len(name) > 253 or not _sysctl_re.match(name):
            errs.append(
                invalid(
                    npath, name, f"must have at most 253 characters and match regex {_SYSCTL_FMT}"
                )
            )
        elif name in names:
            errs.append(duplicate(npath, name))
        names.add(name)
    return errs


def _pod_security_context(spec: Mapping[str, Any], path: str) -> Errs:
    """validatePodSpecSecurityContext (Windows options are not modelled)."""
    sc = spec.get("securityContext")
    if not sc and not (spec.get("shareProcessNamespace") and spec.get("hostPID")):
        return []
    sc = _map(sc)
    errs = _id_errors(sc.get("fsGroup"), f"{path}.fsGroup")
    errs += _id_errors(sc.get("runAsUser"), f"{path}.runAsUser")
    errs += _id_errors(sc.get("runAsGroup"), f"{path}.runAsGroup")
    for g, gid in enumerate(_items(sc.get("supplementalGroups"))):
        errs += _id_errors(gid, f"{path}.supplementalGroups[{g}]")
    share = spec.get("shareProcessNamespace")
    if share is True and spec.get("hostPID"):
        errs.append(
            invalid(
                f"{path}.shareProcessNamespace",
                True,
                "ShareProcessNamespace and HostPID cannot both be enabled",
            )
        )
    if sc.get("sysctls"):
        errs += _sysctls(_items(sc["sysctls"]), f"{path}.sysctls")
    policy = sc.get("fsGroupChangePolicy")
    if policy is not None and policy not in FS_GROUP_CHANGE_POLICIES:
        errs.append(not_supported(f"{path}.fsGroupChangePolicy", policy, FS_GROUP_CHANGE_POLICIES))
    errs += _seccomp_profile(sc.get("seccompProfile"), f"{path}.seccompProfile")
    policy = sc.get("supplementalGroupsPolicy")
    if policy is not None and policy not in SUPPLEMENTAL_GROUPS_POLICIES:
        errs.append(
            not_supported(f"{path}.supplementalGroupsPolicy", policy, SUPPLEMENTAL_GROUPS_POLICIES)
        )
    return errs
