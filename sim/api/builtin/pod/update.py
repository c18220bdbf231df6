"""Pod updates: ValidatePodUpdate and ValidatePodStatusUpdate.

Models pkg/apis/core/validation/validation.go: only what ValidatePodUpdate checks beyond
`validate_pod` (the mutable-field rule, tolerations only added, gates only removed, the active
deadline, the immutable mirror-pod annotation and QoS class) and ValidatePodStatusUpdate. The
diff after upstream's "pod updates may not change fields other than ..." text lists changed JSON
paths instead of Go's cmp.Diff output.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.builtin.pod.constants import MAX_INT32, MIRROR_POD_ANNOTATION, POD_UPDATE_FORBIDDEN
from sim.api.builtin.pod.qos import compute_pod_qos, pod_qos_class
from sim.api.builtin.pod.spec import _ip_errors, _parse_ip
from sim.api.builtin.pod.values import (
    Errs,
    GoValue,
    Obj,
    _go_string_map,
    _int,
    _items,
    _map,
    go_str,
)
from sim.api.errors import duplicate, forbidden, invalid
from sim.api.validation.common import (
    inclusive_range_error,
    is_qualified_name,
    name_is_dns_subdomain,
)


def _annotation_updates(new: Mapping[str, Any], old: Mapping[str, Any], path: str) -> Errs:
    """ValidatePodSpecificAnnotationUpdates: the mirror-pod annotation cannot change."""
    new_ann = _map(_map(new.get("metadata")).get("annotations"))
    old_ann = _map(_map(old.get("metadata")).get("annotations"))
    errs: Errs = []
    if (
        MIRROR_POD_ANNOTATION in old_ann
        and new_ann.get(MIRROR_POD_ANNOTATION) != old_ann[MIRROR_POD_ANNOTATION]
    ):
        errs.append(
            forbidden(
                f"{path}[{MIRROR_POD_ANNOTATION}]", "may not remove or update mirror pod annotation"
            )
        )
    if MIRROR_POD_ANNOTATION in new_ann and MIRROR_POD_ANNOTATION not in old_ann:
        errs.append(
            forbidden(f"{path}[{MIRROR_POD_ANNOTATION}]", "may not add mirror pod annotation")
        )
    return errs


def _active_deadline_update(new: Any, old: Any) -> tuple[Errs, bool]:
    """The activeDeadlineSeconds rules; the bool says upstream returns early."""
    path = "spec.activeDeadlineSeconds"
    if new is not None:
        if _int(new) is None or new < 0 or new > MAX_INT32:
            return [invalid(path, new, inclusive_range_error(0, MAX_INT32))], True
        if old is not None and old < new:
            return [invalid(path, new, "must be less than or equal to previous value")], True
    elif old is not None:
        return [invalid(path, None, "must not update from a positive integer to nil value")], False
    return [], False


def _only_added_tolerations(new: list[Any], old: list[Any]) -> Errs:
    """validateOnlyAddedTolerations (tolerationSeconds of an existing one may change)."""
    for old_t in old:
        old_t = dict(_map(old_t))
        old_t.pop("tolerationSeconds", None)
        if not any(_same_toleration(old_t, _map(t)) for t in new):
            return [
                forbidden(
                    "spec.tolerations",
                    "existing toleration can not be modified except its tolerationSeconds",
                )
            ]
    return []


def _same_toleration(old_t: Mapping[str, Any], new_t: Mapping[str, Any]) -> bool:
    return all(old_t.get(k, "") == new_t.get(k, "") for k in ("key", "operator", "value", "effect"))


def _only_deleted_gates(new: list[Any], old: list[Any]) -> Errs:
    """validateOnlyDeletedSchedulingGates."""
    old_names = {_map(g).get("name") for g in old}
    return [
        forbidden(
            f"spec.schedulingGates[{i}].name",
            f"only deletion is allowed, but found new scheduling gate '{name}'",
        )
        for i, name in enumerate(_map(g).get("name") for g in new)
        if name not in old_names
    ]


def _normalized(value: Any) -> Any:
    """Semantic equality of JSON: empty and absent maps, lists and strings are the same."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            nv = _normalized(v)
            if nv is not None and nv != "" and nv != [] and nv != {}:
                out[k] = nv
        return out
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    return value


def _munged_spec(new_spec: Mapping[str, Any], old_spec: Mapping[str, Any]) -> tuple[Obj, Errs]:
    """The new spec with every field a pod update may change put back to its old value."""
    munged = dict(new_spec)
    for key in ("containers", "initContainers"):
        old_cs = _items(old_spec.get(key))
        cs = []
        for i, c in enumerate(_items(new_spec.get(key))):
            c = dict(_map(c))
            if i < len(old_cs):
                c["image"] = _map(old_cs[i]).get("image")
            cs.append(c)
        munged[key] = cs
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        munged.pop(key, None)
        if key in old_spec:
            munged[key] = old_spec[key]
    old_tgp, new_tgp = (
        old_spec.get("terminationGracePeriodSeconds"),
        munged.get("terminationGracePeriodSeconds"),
    )
    if isinstance(old_tgp, int) and old_tgp < 0 and new_tgp == 1:
        munged["terminationGracePeriodSeconds"] = old_tgp
    errs: Errs = []
    if _items(old_spec.get("schedulingGates")):
        old_sel, new_sel = _map(old_spec.get("nodeSelector")), _map(munged.get("nodeSelector"))
        if old_sel != new_sel:
            if any(new_sel.get(k) != v for k, v in old_sel.items()):
                errs.append(
                    invalid(
                        "spec.nodeSelector",
                        _go_string_map(new_sel),
                        "only additions to spec.nodeSelector are allowed (no "
                        "mutations or deletions)",
                    )
                )
            munged["nodeSelector"] = old_spec.get("nodeSelector")
    return munged, errs


def _diff_paths(old: Any, new: Any, path: str, out: list[str]) -> None:
    if isinstance(old, Mapping) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            _diff_paths(old.get(key), new.get(key), f"{path}.{key}", out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff_paths(a, b, f"{path}[{i}]", out)
    elif old != new:
        out.append(f"  {path}: {_json(old)} -> {_json(new)}")


def _json(value: Any) -> str:
    import orjson

    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def validate_pod_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidatePodUpdate minus ObjectMeta and what `validate_pod(new)` already reports."""
    errs = _annotation_updates(new, old, "metadata.annotations")
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    for key in ("containers", "initContainers"):
        if len(_items(new_spec.get(key))) != len(_items(old_spec.get(key))):
            errs.append(forbidden(f"spec.{key}", "pod updates may not add or remove containers"))
            return errs
    ads_errs, stop = _active_deadline_update(
        new_spec.get("activeDeadlineSeconds"), old_spec.get("activeDeadlineSeconds")
    )
    errs += ads_errs
    if stop:
        return errs
    errs += _only_added_tolerations(
        _items(new_spec.get("tolerations")), _items(old_spec.get("tolerations"))
    )
    errs += _only_deleted_gates(
        _items(new_spec.get("schedulingGates")), _items(old_spec.get("schedulingGates"))
    )
    if _normalized(new_spec) == _normalized(old_spec):
        return errs
    if pod_qos_class(old) != compute_pod_qos(new):
        errs.append(
            invalid("metadata", _map(new.get("status")).get("qosClass", ""), "Pod QoS is immutable")
        )
    munged, merrs = _munged_spec(new_spec, old_spec)
    errs += merrs
    old_norm, munged_norm = _normalized(old_spec), _normalized(munged)
    if munged_norm != old_norm:
        lines: list[str] = []
        _diff_paths(old_norm, munged_norm, "spec", lines)
        errs.append(forbidden("spec", POD_UPDATE_FORBIDDEN + "\n" + "\n".join(lines)))
    return errs


_SYSTEM_CONDITIONS = frozenset(("PodScheduled", "Ready", "Initialized"))


def _state_transitions(new: list[Any], old: list[Any], path: str, policy: Any, spec: Any) -> Errs:
    """ValidateContainerStateTransition / ValidateInitContainerStateTransition."""
    if policy == "Always":
        return []
    sidecars = (
        {
            _map(c).get("name")
            for c in _items(_map(spec).get("initContainers"))
            if _map(c).get("restartPolicy") == "Always"
        }
        if spec is not None
        else set()
    )
    errs: Errs = []
    for i, old_status in enumerate(old):
        old_status = _map(old_status)
        terminated = _map(old_status.get("state")).get("terminated")
        if terminated is None:
            continue
        if _map(terminated).get("exitCode", 0) != 0 and policy == "OnFailure":
            continue
        if old_status.get("name") in sidecars:
            continue
        for new_status in new:
            new_status = _map(new_status)
            if (
                new_status.get("name") == old_status.get("name")
                and _map(new_status.get("state")).get("terminated") is None
            ):
                errs.append(
                    forbidden(
                        f"{path}[{i}].state", "may not be transitioned to non-terminated state"
                    )
                )
    return errs


def _pod_ips(status: Mapping[str, Any], key: str) -> Errs:
    """validatePodIPs / validateHostIPs (dual-stack and duplicate rules)."""
    go_type = "core.PodIP" if key == "podIPs" else "core.HostIP"
    ips = [_map(ip).get("ip", "") for ip in _items(status.get(key))]
    path = f"status.{key}"
    errs: Errs = []
    if key == "hostIPs" and ips and status.get("hostIP", "") != ips[0]:
        errs.append(invalid(f"{path}[0].ip", ips[0], "must be equal to `hostIP`"))
    for i, ip in enumerate(ips):
        errs += _ip_errors(ip, f"{path}[{i}]")
    if len(ips) > 1:
        parsed = [_parse_ip(ip) if isinstance(ip, str) else None for ip in ips]
        versions = {p.version for p in parsed if p is not None}
        shown = [f"{go_type}{{IP:{go_str(ip)}}}" for ip in ips]
        family: Errs = []
        if len(ips) > 2 or versions != {4, 6} or None in parsed:
            family.append(
                invalid(
                    path,
                    GoValue(f"[]{go_type}{{{', '.join(shown)}}}"),
                    "may specify no more than one IP for each IP family",
                )
            )
        dups: Errs = []
        seen: set[Any] = set()
        for i, ip in enumerate(ips):
            if ip in seen:
                dups.append(duplicate(f"{path}[{i}]", GoValue(shown[i])))
            seen.add(ip)
        # validatePodIPs reports the family rule first, validateHostIPs the duplicates first.
        errs += family + dups if key == "podIPs" else dups + family
    return errs


def validate_pod_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidatePodStatusUpdate minus ObjectMeta. Conditions are reported under `metadata`, as
    upstream does."""
    errs = _annotation_updates(new, old, "metadata.annotations")
    status, old_status = _map(new.get("status")), _map(old.get("status"))
    for i, cond in enumerate(_items(status.get("conditions"))):
        ctype = _map(cond).get("type", "")
        if ctype not in _SYSTEM_CONDITIONS:
            errs += [
                invalid(f"metadata.conditions[{i}].Type", ctype, m)
                for m in is_qualified_name(ctype)
            ]
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    if new_spec.get("nodeName", "") != old_spec.get("nodeName", ""):
        errs.append(forbidden("status.nodeName", "may not be changed directly"))
    nominated = status.get("nominatedNodeName", "")
    if nominated and nominated != old_status.get("nominatedNodeName", ""):
        errs += [
            invalid("status.nominatedNodeName", nominated, m)
            for m in name_is_dns_subdomain(nominated, False)
        ]
    policy = old_spec.get("restartPolicy")
    errs += _state_transitions(
        _items(status.get("containerStatuses")),
        _items(old_status.get("containerStatuses")),
        "status.containerStatuses",
        policy,
        None,
    )
    errs += _state_transitions(
        _items(status.get("initContainerStatuses")),
        _items(old_status.get("initContainerStatuses")),
        "status.initContainerStatuses",
        policy,
        old_spec,
    )
    errs += _state_transitions(
        _items(status.get("ephemeralContainerStatuses")),
        _items(old_status.get("ephemeralContainerStatuses")),
        "status.ephemeralContainerStatuses",
        "Never",
        None,
    )
    return errs + _pod_ips(status, "podIPs") + _pod_ips(status, "hostIPs")
