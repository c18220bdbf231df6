"""Lease, Event, ConfigMap and PriorityClass as upstream Kubernetes 1.32 serves them.

Guarantees (ObjectMeta is the apiserver's in every case):
- LEASE (coordination.k8s.io/v1): ValidateLeaseSpec (pkg/apis/coordination/validation/
  validation.go): leaseDurationSeconds > 0, leaseTransitions >= 0, the coordinated-election
  strategy and preferredHolder rules. The strategy (pkg/registry/coordination/lease/strategy.go)
  drops strategy/preferredHolder (CoordinatedLeaderElection is off by default in 1.32) unless the
  old object had them; create-on-update is allowed.
- EVENT (core/v1): ValidateEventCreate/ValidateEventUpdate for a core/v1 request, which is
  legacyValidateEvent (pkg/apis/core/validation/events.go): involvedObject.namespace must match
  the event's namespace; events with eventTime need reportingComponent, reportingInstance, action
  and reason within their length limits. Create-on-update is allowed
  (pkg/registry/core/event/strategy.go).
- CONFIGMAP (core/v1): ValidateConfigMap/ValidateConfigMapUpdate: keys are config keys
  (`is_config_map_key`, k8s.io/apimachinery/pkg/util/validation IsConfigMapKey), data and
  binaryData are disjoint, at most 1 MiB together, and an immutable ConfigMap keeps its data.
- PRIORITYCLASS (scheduling.k8s.io/v1, cluster-scoped): SetDefaults_PriorityClass
  (pkg/apis/scheduling/v1/defaults.go: preemptionPolicy PreemptLowerPriority) and
  ValidatePriorityClass/ValidatePriorityClassUpdate (pkg/apis/scheduling/validation/
  validation.go, IsKnownSystemPriorityClass in pkg/apis/scheduling/v1/helpers.go).

Upstream checks neither Lease.holderIdentity nor, for core/v1 requests, Event.type (only the
events.k8s.io API requires Normal or Warning); this module follows upstream. The single
globalDefault rule is the Priority admission plugin's, not validation's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sim.api.errors import FieldError, forbidden, invalid, not_supported, required, too_long
from sim.api.kinds import Kind, Obj
from sim.api.validation.common import (
    DNS1123_SUBDOMAIN_MAX,
    immutable,
    is_dns1123_subdomain,
    is_qualified_name,
    max_len_error,
    name_is_dns_subdomain,
    regex_error,
)

__all__ = [
    "CONFIGMAP",
    "EVENT",
    "LEASE",
    "PRIORITYCLASS",
    "is_config_map_key",
    "validate_config_map",
    "validate_event",
    "validate_lease",
    "validate_priority_class",
]

Errs = list[FieldError]


# -- Lease -----------------------------------------------------------------------------------
LEASE_STRATEGIES = ("OldestEmulationVersion",)


def validate_lease(lease: Mapping[str, Any]) -> Errs:
    """ValidateLeaseSpec."""
    spec = lease.get("spec") or {}
    errs: Errs = []
    duration = spec.get("leaseDurationSeconds")
    if isinstance(duration, int) and duration <= 0:
        errs.append(invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    transitions = spec.get("leaseTransitions")
    if isinstance(transitions, int) and transitions < 0:
        detail = "must be greater than or equal to 0"
        errs.append(invalid("spec.leaseTransitions", transitions, detail))
    strategy = spec.get("strategy")
    if strategy is not None:
        errs += _validate_lease_strategy(str(strategy), "spec.strategy.strategy")  # sic: upstream
    if spec.get("preferredHolder") and not strategy:
        detail = "may only be specified if `strategy` is defined"
        errs.append(forbidden("spec.preferredHolder", detail))
    return errs


def _validate_lease_strategy(strategy: str, path: str) -> Errs:
    """ValidateCoordinatedLeaseStrategy."""
    if "/" not in strategy:
        if strategy not in LEASE_STRATEGIES:
            return [not_supported(path, strategy, LEASE_STRATEGIES)]
        return []
    return [invalid(path, strategy, m) for m in is_qualified_name(strategy)]


def _drop_lease_fields(new: Obj, old: Mapping[str, Any] | None) -> None:
    """dropDisabledFields: CoordinatedLeaderElection is off, so new uses are dropped."""
    spec = new.get("spec")
    if not isinstance(spec, dict):
        return
    old_spec = (old.get("spec") or {}) if old is not None else {}
    for key in ("preferredHolder", "strategy"):
        if old_spec.get(key) is None:
            spec.pop(key, None)


def _prepare_lease_create(obj: Obj) -> None:
    _drop_lease_fields(obj, None)


# -- Event -----------------------------------------------------------------------------------
REPORTING_INSTANCE_MAX = 128
ACTION_MAX = 128
REASON_MAX = 128
NOTE_MAX = 1024
_ZERO_TIMES = (None, "", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z")


def validate_event(event: Mapping[str, Any]) -> Errs:
    """legacyValidateEvent for a core/v1 request (ValidateEventCreate and ...Update)."""
    errs: Errs = []
    namespace = (event.get("metadata") or {}).get("namespace") or ""
    involved = event.get("involvedObject") or {}
    involved_ns = involved.get("namespace") or ""
    legacy = event.get("eventTime") in _ZERO_TIMES
    if legacy:
        mismatch = namespace not in ("", "default") if not involved_ns else namespace != involved_ns
    else:
        mismatch = not involved_ns and namespace not in ("default", "kube-system")
    if mismatch:
        errs.append(
            invalid("involvedObject.namespace", involved_ns, "does not match event.namespace")
        )
    if not legacy:
        errs += _validate_reporting(event)
    for m in is_dns1123_subdomain(namespace):
        errs.append(invalid("namespace", namespace, m))
    return errs


def _validate_reporting(event: Mapping[str, Any]) -> Errs:
    """The new-style (eventTime) fields, with the core/v1 name `reportingComponent`."""
    errs: Errs = []
    controller = str(event.get("reportingComponent") or "")
    if not controller:
        errs.append(required("reportingComponent"))
    errs += [invalid("reportingComponent", controller, m) for m in is_qualified_name(controller)]
    for name, limit, may_be_empty in (
        ("reportingInstance", REPORTING_INSTANCE_MAX, False),
        ("action", ACTION_MAX, False),
        ("reason", REASON_MAX, False),
        ("message", NOTE_MAX, True),
    ):
        value = str(event.get(name) or "")
        if not value and not may_be_empty:
            errs.append(required(name))
        if len(value) > limit:
            errs.append(invalid(name, "", f"can have at most {limit} characters"))
    return errs


# -- ConfigMap -------------------------------------------------------------------------------
MAX_CONFIG_MAP_SIZE_B = 1024 * 1024  # core.MaxSecretSize
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_config_key_re = re.compile(_CONFIG_KEY_FMT)
_IMMUTABLE = "field is immutable when `immutable` is set"


def is_config_map_key(value: str) -> list[str]:
    """upstream validation.IsConfigMapKey (ConfigMap and Secret keys)."""
    errs: list[str] = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _config_key_re.fullmatch(value):
        errs.append(
            regex_error(_CONFIG_KEY_MSG, _CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name")
        )
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def _utf8_len(value: Any) -> int:
    text = value if isinstance(value, str) else str(value)
    return len(text) if text.isascii() else len(text.encode())


def _base64_len(value: Any) -> int:
    """Decoded length of a base64 binaryData value, without decoding it."""
    text = value if isinstance(value, str) else ""
    return len(text) * 3 // 4 - len(text) + len(text.rstrip("="))


def validate_config_map(cm: Mapping[str, Any]) -> Errs:
    """ValidateConfigMap without ObjectMeta."""
    errs: Errs = []
    data = cm.get("data") or {}
    binary = cm.get("binaryData") or {}
    total = 0
    for key, value in data.items():
        errs += [invalid(f"data[{key}]", key, m) for m in is_config_map_key(str(key))]
        if key in binary:
            errs.append(invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
        total += _utf8_len(value)
    for key, value in binary.items():
        errs += [invalid(f"binaryData[{key}]", key, m) for m in is_config_map_key(str(key))]
        total += _base64_len(value)
    if total > MAX_CONFIG_MAP_SIZE_B:
        errs.append(too_long("[]", MAX_CONFIG_MAP_SIZE_B))  # upstream's path "" prints as "[]"
    return errs


def _validate_config_map_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateConfigMapUpdate's addition: an immutable ConfigMap keeps its contents."""
    if old.get("immutable") is not True:
        return []
    errs: Errs = []
    if new.get("immutable") is not True:
        errs.append(forbidden("immutable", _IMMUTABLE))
    for key in ("data", "binaryData"):
        if new.get(key) != old.get(key):
            errs.append(forbidden(key, _IMMUTABLE))
    return errs


# -- PriorityClass ---------------------------------------------------------------------------
HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000
SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY
SYSTEM_PRIORITY_CLASS_PREFIX = "system-"
SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": SYSTEM_CRITICAL_PRIORITY + 1000,
    "system-cluster-critical": SYSTEM_CRITICAL_PRIORITY,
}
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")


def _default_priority_class(pc: Obj) -> None:
    """SetDefaults_PriorityClass."""
    if pc.get("preemptionPolicy") is None:
        pc["preemptionPolicy"] = "PreemptLowerPriority"


def _known_system_class_error(name: str, value: Any, global_default: bool) -> str | None:
    """IsKnownSystemPriorityClass's error, or None when the class is the known one."""
    if name not in SYSTEM_PRIORITY_CLASSES:
        return f"{name} is not a known system priority class"
    want = SYSTEM_PRIORITY_CLASSES[name]
    if value != want:
        return f"value of {name} PriorityClass must be {want}"
    if global_default:
        return f"globalDefault of {name} PriorityClass must be false"
    return None


def validate_priority_class(pc: Mapping[str, Any]) -> Errs:
    """ValidatePriorityClass without ObjectMeta."""
    errs: Errs = []
    name = str((pc.get("metadata") or {}).get("name") or "")
    value = pc.get("value", 0)
    if name.startswith(SYSTEM_PRIORITY_CLASS_PREFIX):
        err = _known_system_class_error(name, value, pc.get("globalDefault") is True)
        if err is not None:
            detail = (
                f"priority class names with '{SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved "
                f"for system use only. error: {err}"
            )
            errs.append(forbidden("metadata.name", detail))
    elif isinstance(value, int) and value > HIGHEST_USER_DEFINABLE_PRIORITY:
        detail = (
            f"maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"
        )
        errs.append(forbidden("value", detail))
    policy = pc.get("preemptionPolicy")
    if policy is not None:
        if policy == "":
            errs.append(required("preemptionPolicy"))
        elif policy not in PREEMPTION_POLICIES:
            errs.append(not_supported("preemptionPolicy", policy, PREEMPTION_POLICIES))
    return errs


def _validate_priority_class_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidatePriorityClassUpdate: value and preemptionPolicy are immutable."""
    errs: Errs = []
    if new.get("value", 0) != old.get("value", 0):
        errs.append(forbidden("value", "may not be changed in an update."))
    if new.get("preemptionPolicy") != old.get("preemptionPolicy"):
        errs.append(immutable("preemptionPolicy", new.get("preemptionPolicy")))
    return errs


LEASE = Kind(
    kind="Lease",
    group="coordination.k8s.io",
    version="v1",
    plural="leases",
    namespaced=True,
    name_validator=name_is_dns_subdomain,
    prepare_for_create=_prepare_lease_create,
    prepare_for_update=_drop_lease_fields,
    validate=validate_lease,
    allow_create_on_update=True,
)

EVENT = Kind(
    kind="Event",
    group="",
    version="v1",
    plural="events",
    namespaced=True,
    short_names=("ev",),
    name_validator=name_is_dns_subdomain,
    validate=validate_event,
    allow_create_on_update=True,
)

CONFIGMAP = Kind(
    kind="ConfigMap",
    group="",
    version="v1",
    plural="configmaps",
    namespaced=True,
    short_names=("cm",),
    name_validator=name_is_dns_subdomain,
    validate=validate_config_map,
    validate_update=_validate_config_map_update,
)

PRIORITYCLASS = Kind(
    kind="PriorityClass",
    group="scheduling.k8s.io",
    version="v1",
    plural="priorityclasses",
    namespaced=False,
    short_names=("pc",),
    name_validator=name_is_dns_subdomain,
    default=_default_priority_class,
    validate=validate_priority_class,
    validate_update=_validate_priority_class_update,
)
