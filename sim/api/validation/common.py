"""Shared validation rules with upstream's exact messages.

Follows k8s.io/apimachinery/pkg/util/validation/validation.go (names, labels, ports, percent),
k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ObjectMeta on create and update) and
k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (labels, label selectors).
"""

from __future__ import annotations

import functools
import re
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

__all__ = [
    "DNS1123_LABEL_MAX",
    "DNS1123_SUBDOMAIN_MAX",
    "NameFn",
    "empty_error",
    "immutable",
    "inclusive_range_error",
    "is_c_identifier",
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_qualified_name",
    "is_valid_label_value",
    "is_valid_percent",
    "is_valid_port_name",
    "is_valid_port_num",
    "max_len_error",
    "name_is_dns1035_label",
    "name_is_dns_label",
    "name_is_dns_subdomain",
    "regex_error",
    "validate_annotations",
    "validate_finalizers",
    "validate_immutable_field",
    "validate_labels",
    "validate_nonnegative",
    "validate_object_meta",
    "validate_object_meta_update",
    "validate_owner_references",
]

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63
TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character"
)
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character"
)
_QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QUALIFIED_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
_LABEL_VALUE_FMT = "(" + _QUALIFIED_NAME_FMT + ")?"
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character"
)
_C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*"
_C_IDENTIFIER_MSG = (
    "a valid C identifier must start with alphabetic character or '_', followed by a string of "
    "alphanumeric characters or '_'"
)
_PERCENT_FMT = "[0-9]+%"
_PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"

_dns1123_label_re = re.compile(f"^{_DNS1123_LABEL_FMT}$")
_dns1123_subdomain_re = re.compile(f"^{_DNS1123_SUBDOMAIN_FMT}$")
_dns1035_label_re = re.compile(f"^{_DNS1035_LABEL_FMT}$")
_qualified_name_re = re.compile(f"^{_QUALIFIED_NAME_FMT}$")
_label_value_re = re.compile(f"^{_LABEL_VALUE_FMT}$")
_c_identifier_re = re.compile(f"^{_C_IDENTIFIER_FMT}$")
_percent_re = re.compile(f"^{_PERCENT_FMT}$")
_port_name_charset_re = re.compile("^[-a-z0-9]+$")
_port_name_letter_re = re.compile("[a-z]")

NameFn = Callable[[str, bool], list[str]]


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """upstream RegexError (note the doubled space between examples, as upstream prints)."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    out = msg + " (e.g. "
    for i, ex in enumerate(examples):
        if i > 0:
            out += " or "
        out += f"'{ex}', "
    return out + f"regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def empty_error() -> str:
    return "must be non-empty"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


def is_dns1123_label(value: str) -> list[str]:
    return list(_is_dns1123_label(value))


@functools.lru_cache(maxsize=8192)
def _is_dns1123_label(value: str) -> tuple[str, ...]:
    errs = []
    if len(value) > DNS1123_LABEL_MAX:
        errs.append(max_len_error(DNS1123_LABEL_MAX))
    if not _dns1123_label_re.match(value):
        if _dns1123_subdomain_re.match(value):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_DNS1123_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return tuple(errs)


def is_dns1123_subdomain(value: str) -> list[str]:
    return list(_is_dns1123_subdomain(value))


@functools.lru_cache(maxsize=8192)
def _is_dns1123_subdomain(value: str) -> tuple[str, ...]:
    errs = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _dns1123_subdomain_re.match(value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return tuple(errs)


def is_dns1035_label(value: str) -> list[str]:
    return list(_is_dns1035_label(value))


@functools.lru_cache(maxsize=8192)
def _is_dns1035_label(value: str) -> tuple[str, ...]:
    errs = []
    if len(value) > DNS1123_LABEL_MAX:
        errs.append(max_len_error(DNS1123_LABEL_MAX))
    if not _dns1035_label_re.match(value):
        errs.append(regex_error(_DNS1035_LABEL_MSG, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return tuple(errs)


def is_qualified_name(value: str) -> list[str]:
    return list(_is_qualified_name(value))


@functools.lru_cache(maxsize=8192)
def _is_qualified_name(value: str) -> tuple[str, ...]:
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + empty_error())
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return (
            "a qualified name "
            + regex_error(_QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        )
    if not name:
        errs.append("name part " + empty_error())
    elif len(name) > QUALIFIED_NAME_MAX:
        errs.append("name part " + max_len_error(QUALIFIED_NAME_MAX))
    if not _qualified_name_re.match(name):
        errs.append(
            "name part "
            + regex_error(_QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return tuple(errs)


def is_valid_label_value(value: str) -> list[str]:
    return list(_is_valid_label_value(value))


@functools.lru_cache(maxsize=8192)
def _is_valid_label_value(value: str) -> tuple[str, ...]:
    errs = []
    if len(value) > LABEL_VALUE_MAX:
        errs.append(max_len_error(LABEL_VALUE_MAX))
    if not _label_value_re.match(value):
        errs.append(regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return tuple(errs)


def is_c_identifier(value: str) -> list[str]:
    if not _c_identifier_re.match(value):
        return [regex_error(_C_IDENTIFIER_MSG, _C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName")]
    return []


def is_valid_port_num(port: Any) -> list[str]:
    if isinstance(port, int) and not isinstance(port, bool) and 1 <= port <= 65535:
        return []
    return [inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    errs = []
    if len(port) > 15:
        errs.append(max_len_error(15))
    if not _port_name_charset_re.match(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _port_name_letter_re.search(port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_valid_percent(value: str) -> list[str]:
    if not _percent_re.match(value):
        return [regex_error(_PERCENT_MSG, _PERCENT_FMT, "1%", "93%")]
    return []


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
    """upstream ValidateObjectMetaAccessor."""
    errs: list[FieldError] = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        for msg in name_fn(generate_name, True):
            errs.append(invalid(f"{path}.generateName", generate_name, msg))
    name = meta.get("name") or ""
    if not name:
        errs.append(required(f"{path}.name", "name or generateName is required"))
    else:
        for msg in name_fn(name, False):
            errs.append(invalid(f"{path}.name", name, msg))
    namespace = meta.get("namespace") or ""
    if namespaced:
        if not namespace:
            errs.append(required(f"{path}.namespace"))
        else:
            for msg in name_is_dns_label(namespace, False):
                errs.append(invalid(f"{path}.namespace", namespace, msg))
    elif namespace:
        errs.append(forbidden(f"{path}.namespace", "not allowed on this type"))
    errs += validate_nonnegative(meta.get("generation", 0), f"{path}.generation")
    errs += validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += validate_owner_references(meta.get("ownerReferences"), f"{path}.ownerReferences")
    errs += validate_finalizers(meta.get("finalizers"), f"{path}.finalizers")
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
