"""ObjectMeta validation on create and update, and the name, label, annotation, ownerReference
and finalizer rules it applies, with upstream's exact messages.

Follows k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateObjectMetaAccessor,
ValidateObjectMetaAccessorUpdate, ValidateAnnotations, ValidateOwnerReferences,
ValidateFinalizers), generic.go (NameIsDNSSubdomain and the other ValidateNameFuncs,
ValidateNonnegativeField, ValidateImmutableField) and
k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (ValidateLabels) of Kubernetes
1.32. The string validators are util.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sim.api.errors import (
    FieldError,
    duplicate,
    forbidden,
    invalid,
    required,
    too_long,
)
from sim.api.validation.util import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
)

TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024

NameFn = Callable[[str, bool], list[str]]


def _mask_trailing_dash(name: str) -> str:
    if len(name) > 1 and name.endswith("-"):
        return name[:-1] + "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    """upstream NameIsDNSSubdomain (ValidateNameFunc): most kinds."""
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    """upstream NameIsDNSLabel: Namespace names."""
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    """upstream NameIsDNS1035Label: Service names."""
    return is_dns1035_label(_mask_trailing_dash(name) if prefix else name)


def validate_nonnegative(value: Any, path: str) -> list[FieldError]:
    """upstream ValidateNonnegativeField."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        return [invalid(path, value, "must be greater than or equal to 0")]
    return []


def validate_immutable_field(new: Any, old: Any, path: str) -> list[FieldError]:
    """upstream ValidateImmutableField."""
    if new != old:
        return [immutable(path, new)]
    return []


def immutable(path: str, value: Any) -> FieldError:
    return invalid(path, value, "field is immutable")


def validate_labels(labels: Any, path: str) -> list[FieldError]:
    """upstream metav1validation.ValidateLabels."""
    errs: list[FieldError] = []
    if labels is None:
        return errs
    if not isinstance(labels, Mapping):
        return [invalid(path, labels, "must be a map of strings")]
    for k, v in labels.items():
        for msg in is_qualified_name(k):
            errs.append(invalid(path, k, msg))
        if not isinstance(v, str):
            errs.append(invalid(path, v, "must be a string"))
            continue
        for msg in is_valid_label_value(v):
            errs.append(invalid(path, v, msg))
    return errs


def validate_annotations(annotations: Any, path: str) -> list[FieldError]:
    """upstream ValidateAnnotations: qualified (lower-cased) keys, 256 KiB in total."""
    errs: list[FieldError] = []
    if annotations is None:
        return errs
    if not isinstance(annotations, Mapping):
        return [invalid(path, annotations, "must be a map of strings")]
    total = 0
    for k, v in annotations.items():
        for msg in is_qualified_name(k.lower()):
            errs.append(invalid(path, k, msg))
        if not isinstance(v, str):
            errs.append(invalid(f"{path}[{k}]", v, "must be a string"))
            continue
        total += len(k) + len(v)
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B:
        errs.append(too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT_B))
    return errs


def validate_owner_references(refs: Any, path: str) -> list[FieldError]:
    """upstream validateOwnerReference and ValidateOwnerReferences."""
    errs: list[FieldError] = []
    if not refs:
        return errs
    controllers = []
    for i, ref in enumerate(refs):
        p = f"{path}[{i}]"
        if not isinstance(ref, Mapping):
            errs.append(invalid(p, ref, "must be an object"))
            continue
        if not ref.get("apiVersion"):
            errs.append(
                invalid(f"{p}.apiVersion", ref.get("apiVersion", ""), "version must not be empty")
            )
        if not ref.get("kind"):
            errs.append(invalid(f"{p}.kind", ref.get("kind", ""), "kind must not be empty"))
        if not ref.get("name"):
            errs.append(invalid(f"{p}.name", ref.get("name", ""), "name must not be empty"))
        if not ref.get("uid"):
            errs.append(invalid(f"{p}.uid", ref.get("uid", ""), "uid must not be empty"))
        if ref.get("controller") is True:
            controllers.append(f"{ref.get('kind', '')}/{ref.get('name', '')}")
    if len(controllers) > 1:
        errs.append(
            invalid(
                path,
                list(refs),
                'Only one reference can have Controller set to true. Found "true" in references for '
                + " and ".join(controllers),
            )
        )
    return errs


_STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")


def validate_finalizers(finalizers: Any, path: str) -> list[FieldError]:
    """upstream ValidateFinalizers: qualified names, no duplicates, not orphan and foreground."""
    errs: list[FieldError] = []
    if not finalizers:
        return errs
    seen: set[str] = set()
    for f in finalizers:
        if not isinstance(f, str):
            errs.append(invalid(path, f, "must be a string"))
            continue
        for msg in is_qualified_name(f):
            errs.append(invalid(path, f, msg))
        if f in seen:
            errs.append(duplicate(path, f))
        seen.add(f)
    if "orphan" in seen and "foregroundDeletion" in seen:
        errs.append(
            invalid(
                path, list(finalizers), "finalizer orphan and foregroundDeletion cannot be both set"
            )
        )
    return errs


def validate_object_meta(
    meta: Mapping[str, Any], namespaced: bool, name_fn: NameFn, path: str = "metadata"
) -> list[FieldError]:
    """upstream ValidateObjectMetaAccessor. (The optional sections are validated only when
    present: each validator accepts an absent one.)"""
    errs: list[FieldError] = []
    get = meta.get
    generate_name = get("generateName") or ""
    if generate_name:
        for msg in name_fn(generate_name, True):
            errs.append(invalid(f"{path}.generateName", generate_name, msg))
    name = get("name") or ""
    if not name:
        errs.append(required(f"{path}.name", "name or generateName is required"))
    else:
        for msg in name_fn(name, False):
            errs.append(invalid(f"{path}.name", name, msg))
    namespace = get("namespace") or ""
    if namespaced:
        if not namespace:
            errs.append(required(f"{path}.namespace"))
        else:
            for msg in name_is_dns_label(namespace, False):
                errs.append(invalid(f"{path}.namespace", namespace, msg))
    elif namespace:
        errs.append(forbidden(f"{path}.namespace", "not allowed on this type"))
    generation = get("generation", 0)
    if type(generation) is not int or generation < 0:
        errs += validate_nonnegative(generation, f"{path}.generation")
    labels = get("labels")
    if labels is not None:
        errs += validate_labels(labels, f"{path}.labels")
    annotations = get("annotations")
    if annotations is not None:
        errs += validate_annotations(annotations, f"{path}.annotations")
    refs = get("ownerReferences")
    if refs:
        errs += validate_owner_references(refs, f"{path}.ownerReferences")
    finalizers = get("finalizers")
    if finalizers:
        errs += validate_finalizers(finalizers, f"{path}.finalizers")
    return errs


def validate_object_meta_update(
    new: Mapping[str, Any], old: Mapping[str, Any], path: str = "metadata"
) -> list[FieldError]:
    """upstream ValidateObjectMetaAccessorUpdate: identity fields are immutable."""
    errs: list[FieldError] = []
    for fld in ("name", "namespace", "uid", "creationTimestamp"):
        errs += validate_immutable_field(new.get(fld, ""), old.get(fld, ""), f"{path}.{fld}")
    if old.get("deletionTimestamp") and new.get("deletionTimestamp") != old.get(
        "deletionTimestamp"
    ):
        errs.append(immutable(f"{path}.deletionTimestamp", new.get("deletionTimestamp")))
    if old.get("deletionGracePeriodSeconds") is not None and new.get(
        "deletionGracePeriodSeconds"
    ) != old.get("deletionGracePeriodSeconds"):
        errs.append(
            immutable(f"{path}.deletionGracePeriodSeconds", new.get("deletionGracePeriodSeconds"))
        )
    if new.get("generation", 0) < old.get("generation", 0):
        errs.append(
            invalid(f"{path}.generation", new.get("generation", 0), "must not be decremented")
        )
    return errs
