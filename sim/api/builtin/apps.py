"""The apps/v1 ReplicaSet and Deployment kinds, and their scale subresource, as upstream 1.32.

Guarantees:
- `default` is SetDefaults_ReplicaSet / SetDefaults_Deployment (pkg/apis/apps/v1/defaults.go):
  replicas 1; for Deployments strategy RollingUpdate with maxUnavailable and maxSurge 25% when
  the type is RollingUpdate or unset, revisionHistoryLimit 10, progressDeadlineSeconds 600; the
  pod template gets the pod defaults (`default_pod_template`).
- `prepare_for_create` clears status (pkg/registry/apps/{deployment,replicaset}/strategy.go);
  `prepare_for_update` bumps a Deployment's generation when its annotations change (the
  apiserver keeps the old status and bumps generation on spec changes).
- `validate` is ValidateDeploymentSpec / ValidateReplicaSetSpec
  (pkg/apis/apps/validation/validation.go), errors in upstream order and with upstream's
  renderings of bad values (`intstr.IntOrString{...}`, `map[string]string{...}`,
  `v1.LabelSelector{...}`); `validate_update` adds only the strategies' selector immutability;
  `validate_status_update` is ValidateDeploymentStatusUpdate / ValidateReplicaSetStatusUpdate.
- `get_scale`/`apply_scale` are the scale subresource (pkg/registry/apps/*/storage/storage.go
  scaleFromDeployment, scaleUpdatedObjectInfo): an autoscaling/v1 Scale with the selector in its
  string form, and the object with spec.replicas (and resourceVersion) taken from a Scale.

Left out: pod.DropDisabledTemplateFields (no feature-gated template fields are modelled), the
DeploymentRollback subresource and a real pointer address in the (unreachable in practice)
rendering of a non-nil rollingUpdate in an unsupported-strategy error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.builtin.pod import (
    GoValue,
    default_pod_template,
    go_string_list,
    validate_pod_template_spec,
)
from sim.api.builtin.service import go_int_or_string
from sim.api.errors import FieldError, forbidden, invalid, not_supported, required
from sim.api.kinds import Kind, Obj
from sim.api.labels import SelectorError, selector_from_label_selector, validate_label_selector
from sim.api.validation.common import (
    immutable,
    is_valid_percent,
    name_is_dns_subdomain,
    validate_nonnegative,
)

__all__ = [
    "DEPLOYMENT",
    "REPLICASET",
    "apply_scale",
    "default_deployment",
    "default_replica_set",
    "get_scale",
    "validate_deployment",
    "validate_replica_set",
]

Errs = list[FieldError]

DEFAULT_MAX_UNAVAILABLE = "25%"
DEFAULT_MAX_SURGE = "25%"
DEFAULT_REVISION_HISTORY_LIMIT = 10
DEFAULT_PROGRESS_DEADLINE_S = 600
STRATEGY_TYPES = ("Recreate", "RollingUpdate")
_INT_OR_PERCENT = "must be an integer or percentage (e.g '5%%')"  # sic: upstream's literal %%


# -- defaulting ------------------------------------------------------------------------------
def _spec_for_defaulting(obj: Obj) -> dict[str, Any]:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    template = spec.get("template")
    if not isinstance(template, dict):
        template = spec["template"] = {}
    default_pod_template(template)
    return spec


def default_replica_set(obj: Obj) -> None:
    """SetDefaults_ReplicaSet plus the pod-template defaults."""
    _spec_for_defaulting(obj)


def default_deployment(obj: Obj) -> None:
    """SetDefaults_Deployment plus the pod-template defaults."""
    spec = _spec_for_defaulting(obj)
    strategy = spec.get("strategy")
    if not isinstance(strategy, dict):
        strategy = spec["strategy"] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if not isinstance(rolling, dict):
            rolling = strategy["rollingUpdate"] = {}
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = DEFAULT_MAX_UNAVAILABLE
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = DEFAULT_MAX_SURGE
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = DEFAULT_REVISION_HISTORY_LIMIT
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = DEFAULT_PROGRESS_DEADLINE_S


# -- strategy --------------------------------------------------------------------------------
def _clear_status(obj: Obj) -> None:
    """PrepareForCreate: status starts empty (the apiserver sets generation 1)."""
    obj["status"] = {}


def _prepare_deployment_update(new: Obj, old: Obj) -> None:
    """deployment PrepareForUpdate: annotation changes bump generation too (copied to RSes)."""
    meta, old_meta = new.get("metadata") or {}, old.get("metadata") or {}
    if (meta.get("annotations") or {}) != (old_meta.get("annotations") or {}):
        meta["generation"] = int(old_meta.get("generation") or 1) + 1


# -- Go renderings ---------------------------------------------------------------------------
def _go_map(m: Any) -> GoValue:
    if m is None:
        return GoValue("map[string]string(nil)")
    items = ", ".join(f"{_q(k)}:{_q(v)}" for k, v in sorted(dict(m).items()))
    return GoValue("map[string]string{" + items + "}")


def _q(value: Any) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def go_label_selector(ls: Mapping[str, Any]) -> GoValue:
    """A metav1.LabelSelector as `%#v` prints it (field.Error dereferences the pointer)."""
    exprs = ls.get("matchExpressions")
    if exprs is None:
        exprs_text = "[]v1.LabelSelectorRequirement(nil)"
    else:
        parts = []
        for e in exprs:
            values = e.get("values")
            values_text = str(go_string_list(values)) if values is not None else "[]string(nil)"
            parts.append(
                f"v1.LabelSelectorRequirement{{Key:{_q(e.get('key', ''))}, "
                f"Operator:{_q(e.get('operator', ''))}, Values:{values_text}}}"
            )
        exprs_text = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    labels = _go_map(ls.get("matchLabels"))
    return GoValue(f"v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs_text}}}")


# -- validation ------------------------------------------------------------------------------
def _validate_common_spec(spec: Mapping[str, Any]) -> Errs:
    """The selector and template half shared by ValidateDeploymentSpec and ...ReplicaSetSpec."""
    errs: Errs = []
    selector = spec.get("selector")
    if selector is None:
        errs.append(required("spec.selector"))
    elif isinstance(selector, Mapping):
        errs += validate_label_selector(selector, "spec.selector")
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            detail = "empty selector is invalid for deployment"  # sic: also for ReplicaSets
            errs.append(invalid("spec.selector", go_label_selector(selector), detail))
    try:
        parsed = selector_from_label_selector(selector if isinstance(selector, Mapping) else None)
    except SelectorError:
        value = go_label_selector(selector) if isinstance(selector, Mapping) else None
        return errs + [invalid("spec.selector", value, "invalid label selector")]
    template = spec.get("template")
    template = template if isinstance(template, Mapping) else {}
    meta = template.get("metadata")
    labels = meta.get("labels") if isinstance(meta, Mapping) else None
    if not parsed.empty() and not parsed.matches(labels or {}):
        detail = "`selector` does not match template `labels`"
        errs.append(invalid("spec.template.metadata.labels", _go_map(labels), detail))
    errs += validate_pod_template_spec(template, "spec.template")
    pod_spec = template.get("spec")
    pod_spec = pod_spec if isinstance(pod_spec, Mapping) else {}
    policy = pod_spec.get("restartPolicy", "")
    if policy != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", policy, ("Always",)))
    if pod_spec.get("activeDeadlineSeconds") is not None:
        detail = "activeDeadlineSeconds in ReplicaSet is not Supported"  # sic: also Deployments
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds", detail))
    return errs


def validate_replica_set(rs: Mapping[str, Any]) -> Errs:
    """ValidateReplicaSetSpec (ObjectMeta is the apiserver's)."""
    spec = rs.get("spec") or {}
    errs = validate_nonnegative(spec.get("replicas", 0), "spec.replicas")
    errs += validate_nonnegative(spec.get("minReadySeconds", 0), "spec.minReadySeconds")
    return errs + _validate_common_spec(spec)


def validate_deployment(deploy: Mapping[str, Any]) -> Errs:
    """ValidateDeploymentSpec (ObjectMeta is the apiserver's)."""
    spec = deploy.get("spec") or {}
    errs = validate_nonnegative(spec.get("replicas", 0), "spec.replicas")
    errs += _validate_common_spec(spec)
    strategy = spec.get("strategy")
    errs += _validate_strategy(strategy if isinstance(strategy, Mapping) else {})
    min_ready = spec.get("minReadySeconds", 0)
    errs += validate_nonnegative(min_ready, "spec.minReadySeconds")
    if spec.get("revisionHistoryLimit") is not None:
        errs += validate_nonnegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit")
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs += validate_nonnegative(deadline, "spec.progressDeadlineSeconds")
        if _is_int(deadline) and _is_int(min_ready) and deadline <= min_ready:
            detail = "must be greater than minReadySeconds"
            errs.append(invalid("spec.progressDeadlineSeconds", deadline, detail))
    return errs


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_strategy(strategy: Mapping[str, Any]) -> Errs:
    """ValidateDeploymentStrategy."""
    kind, rolling = strategy.get("type", ""), strategy.get("rollingUpdate")
    path = "spec.strategy"
    if kind == "Recreate":
        if rolling is not None:
            detail = "may not be specified when strategy `type` is 'Recreate'"
            return [forbidden(f"{path}.rollingUpdate", detail)]
        return []
    if kind == "RollingUpdate":
        if not isinstance(rolling, Mapping):
            return [required(f"{path}.rollingUpdate", "this should be defaulted and never be nil")]
        return _validate_rolling_update(rolling, f"{path}.rollingUpdate")
    # Go prints a pointer's address here; a fixed stand-in keeps messages deterministic.
    address = "nil" if rolling is None else "0xc000000000"
    rolling_text = f"(*apps.RollingUpdateDeployment)({address})"
    value = GoValue(f"apps.DeploymentStrategy{{Type:{_q(kind)}, RollingUpdate:{rolling_text}}}")
    return [not_supported(path, value, STRATEGY_TYPES)]


def _validate_rolling_update(rolling: Mapping[str, Any], path: str) -> Errs:
    """ValidateRollingUpdateDeployment."""
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    errs = _validate_int_or_percent(unavailable, f"{path}.maxUnavailable")
    errs += _validate_int_or_percent(surge, f"{path}.maxSurge")
    if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
        detail = "may not be 0 when `maxSurge` is 0"
        errs.append(invalid(f"{path}.maxUnavailable", go_int_or_string(unavailable), detail))
    percent = _percent_value(unavailable)
    if percent is not None and percent > 100:
        detail = "must not be greater than 100%"
        errs.append(invalid(f"{path}.maxUnavailable", go_int_or_string(unavailable), detail))
    return errs


def _validate_int_or_percent(value: Any, path: str) -> Errs:
    """ValidatePositiveIntOrPercent."""
    if isinstance(value, str):
        return [invalid(path, go_int_or_string(value), m) for m in is_valid_percent(value)]
    if _is_int(value):
        return validate_nonnegative(value, path)
    return [invalid(path, value, _INT_OR_PERCENT)]


def _percent_value(value: Any) -> int | None:
    if isinstance(value, str) and not is_valid_percent(value):
        return int(value[:-1])
    return None


def _int_or_percent_value(value: Any) -> int:
    """getIntOrPercentValue: a percent's number, else IntOrString.IntValue()."""
    percent = _percent_value(value)
    if percent is not None:
        return percent
    if _is_int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return 0
    return 0


def _same_selector(a: Any, b: Any) -> bool:
    """apiequality.Semantic.DeepEqual on two label selectors (nil == empty)."""
    if a is None or b is None:
        return a is None and b is None
    return (a.get("matchLabels") or {}) == (b.get("matchLabels") or {}) and list(
        a.get("matchExpressions") or []
    ) == list(b.get("matchExpressions") or [])


def _validate_selector_immutable(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """The strategies' ValidateUpdate for apps/v1: spec.selector may not change."""
    sel = (new.get("spec") or {}).get("selector")
    old_sel = (old.get("spec") or {}).get("selector")
    if _same_selector(sel, old_sel):
        return []
    return [immutable("spec.selector", go_label_selector(sel) if sel is not None else None)]


# -- status ----------------------------------------------------------------------------------
_NOT_ABOVE_REPLICAS = "cannot be greater than status.replicas"


def _validate_counts(status: Mapping[str, Any], fields: tuple[str, ...]) -> Errs:
    errs: Errs = []
    for name in fields:
        errs += validate_nonnegative(status.get(name, 0), f"status.{name}")
    return errs


def _above(status: Mapping[str, Any], name: str, bound: str, detail: str) -> Errs:
    value, limit = status.get(name, 0), status.get(bound, 0)
    if _is_int(value) and _is_int(limit) and value > limit:
        return [invalid(f"status.{name}", value, detail)]
    return []


def _validate_deployment_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateDeploymentStatusUpdate (ObjectMeta is the apiserver's)."""
    status = new.get("status") or {}
    counts = ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas")
    errs = _validate_counts(status, (*counts, "availableReplicas", "unavailableReplicas"))
    if status.get("collisionCount") is not None:
        errs += validate_nonnegative(status["collisionCount"], "status.collisionCount")
    for name in ("updatedReplicas", "readyReplicas", "availableReplicas"):
        errs += _above(status, name, "replicas", _NOT_ABOVE_REPLICAS)
    errs += _above(
        status, "availableReplicas", "readyReplicas", "cannot be greater than readyReplicas"
    )
    old_count = (old.get("status") or {}).get("collisionCount")
    count = status.get("collisionCount")
    if old_count is not None and (count is None or (_is_int(count) and count < old_count)):
        errs.append(invalid("status.collisionCount", count or 0, "cannot be decremented"))
    return errs


def _validate_replica_set_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateReplicaSetStatusUpdate (ObjectMeta is the apiserver's)."""
    status = new.get("status") or {}
    fields = ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas")
    errs = _validate_counts(status, (*fields, "observedGeneration"))
    for name in fields[1:]:
        errs += _above(status, name, "replicas", _NOT_ABOVE_REPLICAS)
    errs += _above(
        status, "availableReplicas", "readyReplicas", "cannot be greater than readyReplicas"
    )
    return errs


# -- scale subresource -----------------------------------------------------------------------
def get_scale(obj: Mapping[str, Any]) -> dict[str, Any]:
    """An autoscaling/v1 Scale for a Deployment or ReplicaSet (scaleFromDeployment)."""
    meta = obj.get("metadata") or {}
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    selector = spec.get("selector")
    scale_meta = {k: meta[k] for k in _SCALE_META if meta.get(k) is not None}
    scale_spec = {"replicas": spec["replicas"]} if spec.get("replicas") else {}
    scale_status: dict[str, Any] = {"replicas": status.get("replicas", 0)}
    text = str(selector_from_label_selector(selector)) if isinstance(selector, Mapping) else ""
    if text:
        scale_status["selector"] = text
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": scale_meta,
        "spec": scale_spec,
        "status": scale_status,
    }


_SCALE_META = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")


def apply_scale(obj: Mapping[str, Any], scale: Mapping[str, Any]) -> dict[str, Any]:
    """`obj` with spec.replicas from `scale` (scaleUpdatedObjectInfo); `obj` is not modified.

    A resourceVersion on the Scale becomes the object's, so the update is conditional on it.
    Only the top level, metadata and spec are copied; other parts are shared with `obj`.
    """
    out = dict(obj)
    out["spec"] = dict(obj.get("spec") or {})
    out["spec"]["replicas"] = (scale.get("spec") or {}).get("replicas", 0)
    rv = (scale.get("metadata") or {}).get("resourceVersion")
    if rv:
        out["metadata"] = {**(obj.get("metadata") or {}), "resourceVersion": rv}
    return out


REPLICASET = Kind(
    kind="ReplicaSet",
    group="apps",
    version="v1",
    plural="replicasets",
    namespaced=True,
    short_names=("rs",),
    categories=("all",),
    subresources=("status", "scale"),
    spec_generation=True,
    name_validator=name_is_dns_subdomain,
    default=default_replica_set,
    prepare_for_create=_clear_status,
    validate=validate_replica_set,
    validate_update=_validate_selector_immutable,
    validate_status_update=_validate_replica_set_status_update,
)

DEPLOYMENT = Kind(
    kind="Deployment",
    group="apps",
    version="v1",
    plural="deployments",
    namespaced=True,
    short_names=("deploy",),
    categories=("all",),
    subresources=("status", "scale"),
    spec_generation=True,
    name_validator=name_is_dns_subdomain,
    default=default_deployment,
    prepare_for_create=_clear_status,
    prepare_for_update=_prepare_deployment_update,
    validate=validate_deployment,
    validate_update=_validate_selector_immutable,
    validate_status_update=_validate_deployment_status_update,
)
