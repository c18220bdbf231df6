"""Shared validation rules with upstream's exact messages.

Follows k8s.io/apimachinery/pkg/util/validation/validation.go (names, labels, ports, percent),
k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ObjectMeta on create and update) and
k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (labels, label selectors).

Re-exports util.py (the string validators and their error texts) and objectmeta.py (ObjectMeta
and the name, label, annotation, ownerReference and finalizer rules), so that
`sim.api.validation.common` stays the one import path for both.
"""

from __future__ import annotations

from sim.api.validation.objectmeta import (
    NameFn,
    immutable,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    validate_annotations,
    validate_finalizers,
    validate_immutable_field,
    validate_labels,
    validate_nonnegative,
    validate_object_meta,
    validate_object_meta_update,
    validate_owner_references,
)
from sim.api.validation.util import (
    DNS1123_LABEL_MAX,
    DNS1123_SUBDOMAIN_MAX,
    empty_error,
    inclusive_range_error,
    is_c_identifier,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    is_valid_percent,
    is_valid_port_name,
    is_valid_port_num,
    max_len_error,
    regex_error,
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
