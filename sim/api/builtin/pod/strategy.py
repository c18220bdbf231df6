"""The Pod kind's strategy hooks and its registration as `POD`.

Models pkg/registry/core/pod/strategy.go: PrepareForCreate (Pending phase, QoS class, the
SchedulingGated condition, match label keys merged into pod affinity), PrepareForUpdate (status
kept), ValidatePodBinding for the binding subresource, and the validation key by which the
apiserver memoizes `validate_pod` for pods stamped from one template.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from sim.api.builtin.pod.defaults import default_pod
from sim.api.builtin.pod.qos import pod_qos_class, pod_requests
from sim.api.builtin.pod.spec import validate_pod, validate_pod_create_only
from sim.api.builtin.pod.update import validate_pod_status_update, validate_pod_update
from sim.api.builtin.pod.values import Errs, Obj, _items, _map
from sim.api.errors import not_supported, required
from sim.api.frozen import thaw
from sim.api.kinds import Kind
from sim.api.validation.common import name_is_dns_subdomain


def _apply_label_keys(term: Any, labels: Mapping[str, Any]) -> None:
    """applyMatchLabelKeysAndMismatchLabelKeys: label keys become In / NotIn requirements."""
    term = _map(term)
    selector = term.get("labelSelector")
    match, mismatch = _items(term.get("matchLabelKeys")), _items(term.get("mismatchLabelKeys"))
    if not isinstance(selector, dict) or not (match or mismatch):
        return
    exprs = selector.get("matchExpressions")
    if not isinstance(exprs, list):
        exprs = selector["matchExpressions"] = []
    for keys, op in ((match, "In"), (mismatch, "NotIn")):
        for key in keys:
            if key in labels:
                exprs.append({"key": key, "operator": op, "values": [labels[key]]})
    if not exprs:
        del selector["matchExpressions"]


def _mutate_pod_affinity(pod: Obj) -> None:
    """mutatePodAffinity (MatchLabelKeysInPodAffinity is on in 1.32)."""
    affinity = _map(_map(pod.get("spec")).get("affinity"))
    labels = _map(_map(pod.get("metadata")).get("labels"))
    for key in ("podAffinity", "podAntiAffinity"):
        pa = _map(affinity.get(key))
        for term in _items(pa.get("preferredDuringSchedulingIgnoredDuringExecution")):
            _apply_label_keys(_map(term).get("podAffinityTerm"), labels)
        for term in _items(pa.get("requiredDuringSchedulingIgnoredDuringExecution")):
            _apply_label_keys(term, labels)


def prepare_pod_for_create(pod: Obj) -> None:
    """PrepareForCreate: a fresh status (Pending, QoS class), the SchedulingGated condition,
    and label keys merged into pod affinity selectors. spec.nodeName is kept."""
    qos = pod_qos_class(pod)
    status: Obj = {"phase": "Pending", "qosClass": qos}
    if _items(_map(pod.get("spec")).get("schedulingGates")):
        status["conditions"] = [
            {
                "type": "PodScheduled",
                "status": "False",
                "reason": "SchedulingGated",
                "message": "Scheduling is blocked due to non-empty scheduling gates",
            }
        ]
    pod["status"] = status
    if _map(pod.get("spec")).get("affinity"):
        _mutate_pod_affinity(pod)


def prepare_pod_for_update(new: Obj, old: Mapping[str, Any]) -> None:
    """PrepareForUpdate: the status cannot change through the main resource."""
    if "status" in old:
        new["status"] = thaw(old["status"])
    else:
        new.pop("status", None)


def validate_pod_binding(binding: Mapping[str, Any]) -> Errs:
    """ValidatePodBinding, for the binding subresource."""
    target = _map(binding.get("target"))
    kind = target.get("kind") or ""
    errs: Errs = []
    if kind and kind != "Node":
        errs.append(not_supported("target.kind", kind, ("Node", "<empty>")))
    if not target.get("name"):
        errs.append(required("target.name"))
    return errs


def pod_validation_key(pod: Mapping[str, Any]) -> bytes:
    """Everything validate_pod reads (annotations and spec), as bytes: pods stamped from one
    template validate once (the apiserver memoizes validate by this key)."""
    meta = _map(pod.get("metadata"))
    return orjson.dumps([meta.get("annotations"), pod.get("spec")])


POD = Kind(
    kind="Pod",
    group="",
    version="v1",
    plural="pods",
    namespaced=True,
    short_names=("po",),
    categories=("all",),
    subresources=("status", "binding", "eviction", "log", "ephemeralcontainers"),
    name_validator=name_is_dns_subdomain,
    default=default_pod,
    prepare_for_create=prepare_pod_for_create,
    prepare_for_update=prepare_pod_for_update,
    validate=validate_pod,
    validate_update=validate_pod_update,
    validate_status_update=validate_pod_status_update,
    extra={
        "validation_key": pod_validation_key,
        "default_section": "spec",  # default_pod reads and writes spec only
        "validate_create": validate_pod_create_only,
        "validate_binding": validate_pod_binding,
        "qos_class": pod_qos_class,
        "requests": pod_requests,
    },
)
