"""The Namespace kind: defaulting, strategy and validation as upstream Kubernetes 1.32 does them.

Guarantees:
- `default` is SetObjectDefaults_Namespace (pkg/apis/core/v1/defaults.go): the
  `kubernetes.io/metadata.name` label always equals the name, and status.phase defaults to
  Active. The strategy sets the label again after name generation, as upstream's Canonicalize
  does (pkg/registry/core/namespace/strategy.go), so users can neither remove nor change it.
- `prepare_for_create` gives a new namespace status Active and the `kubernetes` finalizer in
  spec.finalizers; `prepare_for_update` keeps the old spec.finalizers and status (they change
  only through the finalize and status subresources).
- `validate` is ValidateNamespace of pkg/apis/core/validation/validation.go without ObjectMeta
  (spec.finalizers: qualified names, standard names when unqualified; reported at
  `spec.finalizers`, unindexed, as upstream does); `validate_update` adds nothing, as
  ValidateNamespaceUpdate only checks ObjectMeta; `validate_status_update` is
  ValidateNamespaceStatusUpdate (phase Active unless deleting, then Terminating, reported at
  upstream's `status.Phase`). `NAMESPACE.extra["validate_finalize_update"]` is
  ValidateNamespaceFinalizeUpdate for the finalize subresource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.errors import FieldError, invalid
from sim.api.frozen import thaw
from sim.api.kinds import Kind
from sim.api.validation.common import is_qualified_name, name_is_dns_label

__all__ = [
    "FINALIZER_KUBERNETES",
    "LABEL_METADATA_NAME",
    "NAMESPACE",
    "default_namespace",
    "prepare_namespace_for_create",
    "prepare_namespace_for_update",
    "validate_namespace",
    "validate_namespace_finalize_update",
    "validate_namespace_status_update",
]

Obj = dict[str, Any]
Errs = list[FieldError]

LABEL_METADATA_NAME = "kubernetes.io/metadata.name"
FINALIZER_KUBERNETES = "kubernetes"
# helper.IsStandardFinalizerName
_STANDARD_FINALIZERS = frozenset((FINALIZER_KUBERNETES, "orphan", "foregroundDeletion"))


def _set_name_label(ns: Obj) -> None:
    meta = ns.get("metadata")
    if not isinstance(meta, dict) or not meta.get("name"):
        return  # a generateName namespace gets its label once the name is known
    labels = meta.get("labels")
    if not isinstance(labels, dict):
        labels = meta["labels"] = {}
    labels[LABEL_METADATA_NAME] = meta["name"]


def default_namespace(ns: Obj) -> None:
    """SetDefaults_Namespace and SetDefaults_NamespaceStatus."""
    _set_name_label(ns)
    status = ns.get("status")
    if status is None:
        status = ns["status"] = {}
    if isinstance(status, dict) and not status.get("phase"):
        status["phase"] = "Active"


def prepare_namespace_for_create(ns: Obj) -> None:
    """PrepareForCreate (status Active, the kubernetes finalizer) and Canonicalize (the label)."""
    ns["status"] = {"phase": "Active"}
    spec = ns.get("spec")
    if not isinstance(spec, dict):
        spec = ns["spec"] = {}
    finalizers = spec.get("finalizers")
    if not isinstance(finalizers, list):
        finalizers = spec["finalizers"] = []
    if FINALIZER_KUBERNETES not in finalizers:
        finalizers.append(FINALIZER_KUBERNETES)
    _set_name_label(ns)


def prepare_namespace_for_update(new: Obj, old: Mapping[str, Any]) -> None:
    """PrepareForUpdate (finalizers and status are kept) and Canonicalize (the label)."""
    old_spec = old.get("spec")
    old_finalizers = old_spec.get("finalizers") if isinstance(old_spec, Mapping) else None
    spec = new.get("spec")
    if not isinstance(spec, dict):
        spec = new["spec"] = {}
    if old_finalizers is None:
        spec.pop("finalizers", None)
    else:
        spec["finalizers"] = thaw(old_finalizers)
    if "status" in old:
        new["status"] = thaw(old["status"])
    else:
        new.pop("status", None)
    _set_name_label(new)


def _finalizer_errors(name: Any, path: str) -> Errs:
    """validateFinalizerName: a qualified name, and a standard one when it has no '/'."""
    text = name if isinstance(name, str) else ""
    errs = [invalid(path, name, m) for m in is_qualified_name(text)]
    if "/" not in text and text not in _STANDARD_FINALIZERS:
        errs.append(
            invalid(
                path, name, "name is neither a standard finalizer name nor is it fully qualified"
            )
        )
    return errs


def _finalizers(ns: Mapping[str, Any]) -> list[Any]:
    spec = ns.get("spec")
    finalizers = spec.get("finalizers") if isinstance(spec, Mapping) else None
    return finalizers if isinstance(finalizers, list) else []


def validate_namespace(ns: Mapping[str, Any]) -> Errs:
    """ValidateNamespace minus ObjectMeta."""
    errs: Errs = []
    for name in _finalizers(ns):
        errs += _finalizer_errors(name, "spec.finalizers")
    return errs


def validate_namespace_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateNamespaceUpdate checks only ObjectMeta, which the apiserver does."""
    return []


def validate_namespace_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateNamespaceStatusUpdate minus ObjectMeta."""
    meta = new.get("metadata")
    deleting = isinstance(meta, Mapping) and bool(meta.get("deletionTimestamp"))
    status = new.get("status")
    phase = status.get("phase", "") if isinstance(status, Mapping) else ""
    if not deleting and phase != "Active":
        return [
            invalid("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty")
        ]
    if deleting and phase != "Terminating":
        return [
            invalid(
                "status.Phase",
                phase,
                "may only be 'Terminating' if `deletionTimestamp` is not empty",
            )
        ]
    return []


def validate_namespace_finalize_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidateNamespaceFinalizeUpdate minus ObjectMeta (these paths are indexed)."""
    errs: Errs = []
    for i, name in enumerate(_finalizers(new)):
        errs += _finalizer_errors(name, f"spec.finalizers[{i}]")
    return errs


NAMESPACE = Kind(
    kind="Namespace",
    group="",
    version="v1",
    plural="namespaces",
    namespaced=False,
    short_names=("ns",),
    subresources=("status", "finalize"),
    name_validator=name_is_dns_label,
    default=default_namespace,
    prepare_for_create=prepare_namespace_for_create,
    prepare_for_update=prepare_namespace_for_update,
    validate=validate_namespace,
    validate_update=validate_namespace_update,
    validate_status_update=validate_namespace_status_update,
    extra={"validate_finalize_update": validate_namespace_finalize_update},
)
