"""Container ports, env, envFrom, volume mounts and volume devices validation.

Models the parts of validateContainerCommon in pkg/apis/core/validation/validation.go that check
a container's ports (validateContainerPorts), environment (ValidateEnv, ValidateEnvFrom,
validateEnvVarValueFrom) and its mounts and devices (ValidateVolumeMounts,
ValidateVolumeDevices), with RelaxedEnvironmentVariableValidation on as in 1.32. Pure functions
returning field errors in upstream order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sim.api.builtin.pod.constants import (
    ENV_FIELD_PATHS,
    MOUNT_PROPAGATIONS,
    PORT_PROTOCOLS,
    RECURSIVE_READ_ONLY,
)
from sim.api.builtin.pod.values import Errs, _int, _items, _map
from sim.api.builtin.pod.volumes import (
    _local_descending_path,
    _object_field_selector,
    _path_no_backsteps,
    _resource_field_selector,
)
from sim.api.errors import (
    NOT_FOUND,
    FieldError,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from sim.api.validation.common import (
    inclusive_range_error,
    is_valid_port_name,
    name_is_dns_subdomain,
    regex_error,
)

# k8s.io/apimachinery/pkg/util/validation: env var names (relaxed, gate on in 1.32), headers.
_RELAXED_ENV_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters other "
    "than '='"
)
_relaxed_env_bad_re = re.compile(r"[^\x20-\x7e]|=")
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_config_key_re = re.compile(f"^{_CONFIG_KEY_FMT}$")


def _container_ports(ports: Any, path: str) -> Errs:
    """validateContainerPorts."""
    errs: Errs = []
    names: set[str] = set()
    for i, port in enumerate(_items(ports)):
        port = _map(port)
        ppath = f"{path}[{i}]"
        name = port.get("name")
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [invalid(f"{ppath}.name", name, m) for m in msgs]
            elif name in names:
                errs.append(duplicate(f"{ppath}.name", name))
            else:
                names.add(name)
        cport = port.get("containerPort", 0)
        if not cport:
            errs.append(required(f"{ppath}.containerPort"))
        elif _int(cport) is None or not 1 <= cport <= 65535:
            errs.append(invalid(f"{ppath}.containerPort", cport, inclusive_range_error(1, 65535)))
        hport = port.get("hostPort", 0)
        if hport and (_int(hport) is None or not 1 <= hport <= 65535):
            errs.append(invalid(f"{ppath}.hostPort", hport, inclusive_range_error(1, 65535)))
        protocol = port.get("protocol") or ""
        if not protocol:
            errs.append(required(f"{ppath}.protocol"))
        elif protocol not in PORT_PROTOCOLS:
            errs.append(not_supported(f"{ppath}.protocol", protocol, PORT_PROTOCOLS))
    return errs


def _key_selector(sel: Mapping[str, Any], path: str) -> Errs:
    """validateConfigMapKeySelector / validateSecretKeySelector."""
    name = sel.get("name") or ""
    errs = [invalid(f"{path}.name", name, m) for m in name_is_dns_subdomain(name, False)]
    key = sel.get("key") or ""
    if not key:
        errs.append(required(f"{path}.key"))
    else:
        errs += [invalid(f"{path}.key", key, m) for m in _config_key_errors(key)]
    return errs


def _config_key_errors(key: str) -> list[str]:
    """validation.IsConfigMapKey."""
    msgs = []
    if len(key) > 253:
        msgs.append("must be no more than 253 characters")
    if not _config_key_re.match(key):
        msgs.append(
            regex_error(
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                _CONFIG_KEY_FMT,
                "key.name",
                "KEY_NAME",
                "key-name",
            )
        )
    if key == ".":
        msgs.append("must not be '.'")
    elif key == "..":
        msgs.append("must not be '..'")
    elif key.startswith(".."):
        msgs.append("must not start with '..'")
    return msgs


def _env_value_from(env: Mapping[str, Any], path: str) -> Errs:
    """validateEnvVarValueFrom."""
    value_from = env.get("valueFrom")
    if value_from is None:
        return []
    value_from = _map(value_from)
    errs: Errs = []
    count = 0
    if isinstance(value_from.get("fieldRef"), dict):
        count += 1
        errs += _object_field_selector(value_from["fieldRef"], ENV_FIELD_PATHS, f"{path}.fieldRef")
    if isinstance(value_from.get("resourceFieldRef"), dict):
        count += 1
        errs += _resource_field_selector(
            value_from["resourceFieldRef"], f"{path}.resourceFieldRef", False
        )
    for key in ("configMapKeyRef", "secretKeyRef"):
        if isinstance(value_from.get(key), dict):
            count += 1
            errs += _key_selector(value_from[key], f"{path}.{key}")
    if count == 0:
        errs.append(
            invalid(
                path,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, "
                "`configMapKeyRef` or `secretKeyRef`",
            )
        )
    elif env.get("value"):
        errs.append(invalid(path, "", "may not be specified when `value` is not empty"))
    elif count > 1:
        errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _relaxed_env_name_errors(name: str, path: str) -> Errs:
    """validation.IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on in 1.32)."""
    if _relaxed_env_bad_re.search(name):
        return [invalid(path, name, _RELAXED_ENV_MSG)]
    return []


def _env(envs: Any, path: str) -> Errs:
    """ValidateEnv."""
    errs: Errs = []
    for i, env in enumerate(_items(envs)):
        env = _map(env)
        epath = f"{path}[{i}]"
        name = env.get("name") or ""
        if not name:
            errs.append(required(f"{epath}.name"))
        else:
            errs += _relaxed_env_name_errors(name, f"{epath}.name")
        if "valueFrom" in env:
            errs += _env_value_from(env, f"{epath}.valueFrom")
    return errs


def _env_from(sources: Any, path: str) -> Errs:
    """ValidateEnvFrom."""
    errs: Errs = []
    for i, src in enumerate(_items(sources)):
        src = _map(src)
        spath = f"{path}[{i}]"
        prefix = src.get("prefix")
        if prefix:
            errs += _relaxed_env_name_errors(prefix, f"{spath}.prefix")
        count = 0
        for key in ("configMapRef", "secretRef"):
            ref = src.get(key)
            if isinstance(ref, dict):
                count += 1
                name = ref.get("name") or ""
                if not name:
                    errs.append(required(f"{spath}.{key}.name"))
                else:
                    errs += [
                        invalid(f"{spath}.{key}.name", name, m)
                        for m in name_is_dns_subdomain(name, True)
                    ]
        if count == 0:
            errs.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif count > 1:
            errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _volume_mounts(c: Mapping[str, Any], volumes: Mapping[str, Any], path: str) -> Errs:
    """ValidateVolumeMounts (subPath errors use the list's path, as upstream does)."""
    errs: Errs = []
    devices = {
        _map(d).get("name"): _map(d).get("devicePath") for d in _items(c.get("volumeDevices"))
    }
    mount_points: set[str] = set()
    for i, mnt in enumerate(_items(c.get("volumeMounts"))):
        mnt = _map(mnt)
        mpath = f"{path}[{i}]"
        name, mount_path = mnt.get("name") or "", mnt.get("mountPath") or ""
        if not name:
            errs.append(required(f"{mpath}.name"))
        if name not in volumes:
            errs.append(FieldError(NOT_FOUND, f"{mpath}.name", name))
        if not mount_path:
            errs.append(required(f"{mpath}.mountPath"))
        if mount_path in mount_points:
            errs.append(invalid(f"{mpath}.mountPath", mount_path, "must be unique"))
        mount_points.add(mount_path)
        if name in devices:
            errs.append(invalid(f"{mpath}.name", name, "must not already exist in volumeDevices"))
        if mount_path in devices.values():
            errs.append(
                invalid(
                    f"{mpath}.mountPath",
                    mount_path,
                    "must not already exist as a path in volumeDevices",
                )
            )
        errs += _mount_details(mnt, c, path, mpath)
    return errs


def _mount_details(mnt: Mapping[str, Any], c: Mapping[str, Any], path: str, mpath: str) -> Errs:
    errs: Errs = []
    sub_path, sub_expr = mnt.get("subPath") or "", mnt.get("subPathExpr") or ""
    if sub_path:
        errs += _local_descending_path(sub_path, f"{path}.subPath")
    if sub_expr:
        if sub_path:
            errs.append(
                invalid(
                    f"{mpath}.subPathExpr",
                    sub_expr,
                    "subPathExpr and subPath are mutually exclusive",
                )
            )
        errs += _local_descending_path(sub_expr, f"{path}.subPathExpr")
    propagation = mnt.get("mountPropagation")
    if propagation is not None:
        ppath = f"{path}.mountPropagation"
        if propagation not in MOUNT_PROPAGATIONS:
            errs.append(not_supported(ppath, propagation, MOUNT_PROPAGATIONS))
        privileged = _map(c.get("securityContext")).get("privileged") is True
        if propagation == "Bidirectional" and not privileged:
            errs.append(
                forbidden(
                    ppath,
                    "Bidirectional mount propagation is available only to privileged containers",
                )
            )
    rro = mnt.get("recursiveReadOnly")
    if rro is not None and rro != "Disabled":
        rpath = f"{path}.recursiveReadOnly"
        if rro not in RECURSIVE_READ_ONLY:
            errs.append(not_supported(rpath, rro, RECURSIVE_READ_ONLY))
        else:
            if not mnt.get("readOnly"):
                errs.append(forbidden(rpath, "may only be specified when readOnly is true"))
            if propagation not in (None, "None"):
                errs.append(
                    forbidden(
                        rpath,
                        "may only be specified when mountPropagation is None or not specified",
                    )
                )
    return errs


def _volume_devices(c: Mapping[str, Any], volumes: Mapping[str, Any], path: str) -> Errs:
    """ValidateVolumeDevices."""
    errs: Errs = []
    mounts = {_map(m).get("name"): _map(m).get("mountPath") for m in _items(c.get("volumeMounts"))}
    names: set[str] = set()
    dev_paths: set[str] = set()
    for i, dev in enumerate(_items(c.get("volumeDevices"))):
        dev = _map(dev)
        dpath = f"{path}[{i}]"
        name, dev_path = dev.get("name") or "", dev.get("devicePath") or ""
        vol = volumes.get(name)
        if not name:
            errs.append(required(f"{dpath}.name"))
        if name in names:
            errs.append(invalid(f"{dpath}.name", name, "must be unique"))
        if (
            vol is not None
            and vol.get("persistentVolumeClaim") is None
            and vol.get("ephemeral") is None
        ):
            errs.append(
                invalid(
                    f"{dpath}.name",
                    name,
                    "can only use volume source type of "
                    "PersistentVolumeClaim or Ephemeral for block mode",
                )
            )
        if vol is None:
            errs.append(FieldError(NOT_FOUND, f"{dpath}.name", name))
        if not dev_path:
            errs.append(required(f"{dpath}.devicePath"))
        if dev_path in dev_paths:
            errs.append(invalid(f"{dpath}.devicePath", dev_path, "must be unique"))
        if dev_path and _path_no_backsteps(dev_path, ""):
            errs.append(
                invalid(f"{dpath}.devicePath", dev_path, "can not contain backsteps ('..')")
            )
        else:
            dev_paths.add(dev_path)
        if name in mounts:
            errs.append(invalid(f"{dpath}.name", name, "must not already exist in volumeMounts"))
        if dev_path in mounts.values():
            errs.append(
                invalid(
                    f"{dpath}.devicePath",
                    dev_path,
                    "must not already exist as a path in volumeMounts",
                )
            )
        if name:
            names.add(name)
    return errs
