"""Pod volumes: ValidateVolumes, validateVolumeSource and the per-source checks.

Models pkg/apis/core/validation/validation.go (validateVolumeSource and the helpers it calls,
in upstream order) and the downward-API field-ref conversion of pkg/api/v1/pod (podshelper
ConvertDownwardAPIFieldLabel). Errors carry upstream's messages and paths, including its odd
ones such as `spec.volumes[0].downwarAPI`. The downward-API selectors are shared with env vars.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sim.api.builtin.pod.constants import (
    _DOWNWARD_API_LABELS,
    FILE_MODE_ERROR,
    HOST_PATH_TYPES,
    ONE_VOLUME_TYPE,
    RESOURCE_FIELD_PATHS,
    VOLUME_FIELD_PATHS,
    VOLUME_SOURCES,
)
from sim.api.builtin.pod.values import Errs, _dns_label_errors, _int, _items, _map, _try_quantity
from sim.api.errors import duplicate, forbidden, invalid, not_supported, required, too_long
from sim.api.validation.common import is_dns1123_subdomain, is_qualified_name


def _path_no_backsteps(target: str, path: str) -> Errs:
    """validatePathNoBacksteps."""
    if ".." in target.replace("\\", "/").split("/"):
        return [invalid(path, target, "must not contain '..'")]
    return []


def _local_descending_path(target: str, path: str) -> Errs:
    """validateLocalDescendingPath."""
    errs: Errs = []
    if target.startswith("/"):
        errs.append(invalid(path, target, "must be a relative path"))
    errs += _path_no_backsteps(target, path)
    return errs


def _local_non_reserved_path(target: str, path: str) -> Errs:
    """ValidateLocalNonReservedPath."""
    errs = _local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        errs.append(invalid(path, target, "must not start with '..'"))
    return errs


def _file_mode_errors(mode: Any, path: str) -> Errs:
    if mode is not None and (not isinstance(mode, int) or mode > 0o777 or mode < 0):
        return [invalid(path, mode, FILE_MODE_ERROR)]
    return []


def _key_to_path(kp: Mapping[str, Any], path: str) -> Errs:
    """validateKeyToPath."""
    errs: Errs = []
    if not kp.get("key"):
        errs.append(required(f"{path}.key"))
    target = kp.get("path") or ""
    if not target:
        errs.append(required(f"{path}.path"))
    errs += _local_non_reserved_path(target, f"{path}.path")
    errs += _file_mode_errors(kp.get("mode"), f"{path}.mode")
    return errs


def _named_items_source(src: Mapping[str, Any], name_key: str, path: str) -> Errs:
    """validateSecretVolumeSource / validateConfigMapVolumeSource."""
    errs: Errs = []
    if not src.get(name_key):
        errs.append(required(f"{path}.{name_key}"))
    errs += _file_mode_errors(src.get("defaultMode"), f"{path}.defaultMode")
    for i, kp in enumerate(_items(src.get("items"))):
        errs += _key_to_path(_map(kp), f"{path}.items[{i}]")
    return errs


def _host_path_source(src: Mapping[str, Any], path: str) -> Errs:
    """validateHostPathVolumeSource and validateHostPathType."""
    target = src.get("path") or ""
    if not target:
        return [required(f"{path}.path")]
    errs = _path_no_backsteps(target, f"{path}.path")
    host_type = src.get("type")
    if host_type is not None and host_type not in HOST_PATH_TYPES:
        errs.append(not_supported(f"{path}.type", host_type, HOST_PATH_TYPES))
    return errs


def _empty_dir_source(src: Mapping[str, Any], path: str) -> Errs:
    limit = src.get("sizeLimit")
    if limit is not None:
        q = _try_quantity(limit)
        if q is not None and q.sign() < 0:
            return [
                forbidden(f"{path}.sizeLimit", "SizeLimit field must be a valid resource quantity")
            ]
    return []


def _nfs_source(src: Mapping[str, Any], path: str) -> Errs:
    errs: Errs = []
    if not src.get("server"):
        errs.append(required(f"{path}.server"))
    target = src.get("path") or ""
    if not target:
        errs.append(required(f"{path}.path"))
    if not target.startswith("/"):
        errs.append(invalid(f"{path}.path", target, "must be an absolute path"))
    return errs


def _pvc_source(src: Mapping[str, Any], path: str) -> Errs:
    if not src.get("claimName"):
        return [required(f"{path}.claimName")]
    return []


def _csi_source(src: Mapping[str, Any], path: str) -> Errs:
    """validateCSIVolumeSource (driver name only)."""
    driver = src.get("driver") or ""
    errs: Errs = []
    if not driver:
        errs.append(required(f"{path}.driver"))
    if len(driver) > 63:
        errs.append(too_long(f"{path}.driver", 63))
    errs += [invalid(f"{path}.driver", driver, m) for m in is_dns1123_subdomain(driver.lower())]
    return errs


def _split_subscript(field_path: str) -> tuple[str, str, bool]:
    """fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['key']` -> (path, key, True)."""
    if not field_path.endswith("']"):
        return field_path, "", False
    parts = field_path[:-2].split("['", 1)
    if len(parts) < 2 or not parts[0]:
        return field_path, "", False
    return parts[0], parts[1], True


def _convert_field_label(version: str, label: str) -> tuple[str, str]:
    """podshelper.ConvertDownwardAPIFieldLabel: (internal label, error text)."""
    if version != "v1":
        return "", f"unsupported pod version: {version}"
    base, _, subscripted = _split_subscript(label)
    if subscripted:
        if base in ("metadata.annotations", "metadata.labels"):
            return label, ""
        return "", f"field label does not support subscript: {label}"
    if label == "spec.host":
        return "spec.nodeName", ""
    if label in _DOWNWARD_API_LABELS:
        return label, ""
    return "", f"field label not supported: {label}"


def _object_field_selector(ref: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> Errs:
    """validateObjectFieldSelector."""
    version = ref.get("apiVersion") or ""
    if not version:
        return [required(f"{path}.apiVersion")]
    label = ref.get("fieldPath") or ""
    if not label:
        return [required(f"{path}.fieldPath")]
    internal, err = _convert_field_label(version, label)
    if err:
        return [invalid(f"{path}.fieldPath", label, f"error converting fieldPath: {err}")]
    base, subscript, subscripted = _split_subscript(internal)
    if subscripted:
        if base == "metadata.annotations":
            key = subscript.lower()
            return [invalid(path, key, m) for m in is_qualified_name(key)]
        if base == "metadata.labels":
            return [invalid(path, subscript, m) for m in is_qualified_name(subscript)]
        return [invalid(path, base, "does not support subscript")]
    if base not in allowed:
        return [not_supported(f"{path}.fieldPath", base, allowed)]
    return []


def _resource_field_selector(ref: Mapping[str, Any], path: str, volume: bool) -> Errs:
    """validateContainerResourceFieldSelector (divisors are not checked)."""
    resource = ref.get("resource") or ""
    if volume and not ref.get("containerName"):
        return [required(f"{path}.containerName")]
    if not resource:
        return [required(f"{path}.resource")]
    if resource not in RESOURCE_FIELD_PATHS and not resource.startswith(
        ("requests.hugepages-", "limits.hugepages-")
    ):
        return [not_supported(f"{path}.resource", resource, RESOURCE_FIELD_PATHS)]
    return []


def _downward_api_file(item: Mapping[str, Any], path: str) -> Errs:
    """validateDownwardAPIVolumeFile (errors on the item use the volume's path, as upstream)."""
    errs: Errs = []
    target = item.get("path") or ""
    if not target:
        errs.append(required(f"{path}.path"))
    errs += _local_non_reserved_path(target, f"{path}.path")
    field_ref, resource_ref = item.get("fieldRef"), item.get("resourceFieldRef")
    if isinstance(field_ref, dict):
        errs += _object_field_selector(field_ref, VOLUME_FIELD_PATHS, f"{path}.fieldRef")
        if resource_ref is not None:
            errs.append(
                invalid(
                    path,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                )
            )
    elif isinstance(resource_ref, dict):
        errs += _resource_field_selector(resource_ref, f"{path}.resourceFieldRef", True)
    else:
        errs.append(required(path, "one of fieldRef and resourceFieldRef is required"))
    errs += _file_mode_errors(item.get("mode"), f"{path}.mode")
    return errs


def _downward_api_source(src: Mapping[str, Any], path: str) -> Errs:
    errs = _file_mode_errors(src.get("defaultMode"), f"{path}.defaultMode")
    for item in _items(src.get("items")):
        errs += _downward_api_file(_map(item), path)
    return errs


def _projection_items(items: Any, name: Any, seen: set[str], path: str, items_path: str) -> Errs:
    errs: Errs = []
    for i, kp in enumerate(_items(items)):
        kp = _map(kp)
        errs += _key_to_path(kp, f"{items_path}[{i}]")
        target = kp.get("path")
        if target:
            if target in seen:
                errs.append(invalid(path, name, "conflicting duplicate paths"))
            seen.add(target)
    return errs


def _projected_source_item(source: Mapping[str, Any], seen: set[str], path: str, src: str) -> Errs:
    """One entry of validateProjectionSources (without the one-source count)."""
    errs: Errs = []
    for key in ("secret", "configMap"):
        sub = source.get(key)
        if isinstance(sub, dict):
            if not sub.get("name"):
                errs.append(required(f"{src}.{key}.name"))
            errs += _projection_items(
                sub.get("items"), sub.get("name", ""), seen, path, f"{src}.{key}.items"
            )
    dapi = source.get("downwardAPI")
    if isinstance(dapi, dict):
        for item in _items(dapi.get("items")):
            item = _map(item)
            errs += _downward_api_file(item, f"{src}.downwardAPI")
            target = item.get("path")
            if target:
                if target in seen:
                    errs.append(invalid(path, target, "conflicting duplicate paths"))
                seen.add(target)
    token = source.get("serviceAccountToken")
    if isinstance(token, dict):
        errs += _sa_token_projection(token, path, src)
    return errs


def _sa_token_projection(token: Mapping[str, Any], path: str, src: str) -> Errs:
    errs: Errs = []
    expiration = _int(token.get("expirationSeconds")) or 0
    if expiration < 600:
        errs.append(
            invalid(
                f"{src}.serviceAccountToken.expirationSeconds",
                expiration,
                "may not specify a duration less than 10 minutes",
            )
        )
    if expiration > 1 << 32:
        errs.append(
            invalid(
                f"{src}.serviceAccountToken.expirationSeconds",
                expiration,
                "may not specify a duration larger than 2^32 seconds",
            )
        )
    target = token.get("path") or ""
    if not target:
        errs.append(required(f"{path}.path"))
    else:
        errs += _local_non_reserved_path(target, f"{path}.path")
    return errs


def _projected_source(src: Mapping[str, Any], path: str) -> Errs:
    """validateProjectedVolumeSource and validateProjectionSources."""
    errs = _file_mode_errors(src.get("defaultMode"), f"{path}.defaultMode")
    seen: set[str] = set()
    for i, source in enumerate(_items(src.get("sources"))):
        source = _map(source)
        src_path = f"{path}.sources[{i}]"
        errs += _projected_source_item(source, seen, path, src_path)
        kinds = ("secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle")
        if sum(1 for k in kinds if source.get(k) is not None) > 1:
            errs.append(forbidden(src_path, ONE_VOLUME_TYPE))
    return errs


_SOURCE_VALIDATORS: dict[str, Callable[[Mapping[str, Any], str], Errs]] = {
    "emptyDir": _empty_dir_source,
    "hostPath": _host_path_source,
    "secret": lambda s, p: _named_items_source(s, "secretName", p),
    "nfs": _nfs_source,
    "persistentVolumeClaim": _pvc_source,
    "downwardAPI": _downward_api_source,
    "configMap": lambda s, p: _named_items_source(s, "name", p),
    "projected": _projected_source,
    "csi": _csi_source,
}


def _volume_source(vol: Mapping[str, Any], path: str) -> Errs:
    """validateVolumeSource: exactly one source, then that source's own checks."""
    errs: Errs = []
    count = 0
    for key, forbidden_name in VOLUME_SOURCES:
        src = vol.get(key)
        if src is None:
            continue
        if count:
            errs.append(forbidden(f"{path}.{forbidden_name}", ONE_VOLUME_TYPE))
            continue
        count += 1
        check = _SOURCE_VALIDATORS.get(key)
        if check is not None:
            errs += check(_map(src), f"{path}.{key}")
    if not count:
        errs.append(required(path, "must specify a volume type"))
    return errs


def _validate_volumes(volumes: Any, path: str) -> tuple[dict[str, Mapping[str, Any]], Errs]:
    """ValidateVolumes: returns the valid volumes by name (mounts may only use those)."""
    errs: Errs = []
    by_name: dict[str, Mapping[str, Any]] = {}
    names: set[str] = set()
    for i, vol in enumerate(_items(volumes)):
        vol = _map(vol)
        vpath = f"{path}[{i}]"
        name = vol.get("name") or ""
        el = _volume_source(vol, vpath)
        if not name:
            el.append(required(f"{vpath}.name"))
        else:
            el += _dns_label_errors(name, f"{vpath}.name")
        if name in names:
            el.append(duplicate(f"{vpath}.name", name))
        if el:
            errs += el
        else:
            names.add(name)
            by_name[name] = vol
    return by_name, errs
