"""metav1.LabelSelector: conversion to a Selector, matching, and validation.

Models k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector) and
pkg/apis/meta/v1/validation/validation.go (ValidateLabelSelector, ValidateLabelSelectorRequirement)
for Kubernetes 1.32: `selector_from_label_selector(None)` is NOTHING and `({})` is EVERYTHING,
as upstream; conversions of one selector are cached by its content. Inputs are never mutated.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sim.api.errors import FieldError, forbidden, invalid, required
from sim.api.labels.requirement import (
    DOES_NOT_EXIST,
    EQUALS,
    EXISTS,
    IN,
    NOT_IN,
    Labels,
    SelectorError,
    _go_quote,
    new_requirement,
)
from sim.api.labels.selector import EVERYTHING, NOTHING, Selector
from sim.api.validation.common import is_qualified_name, is_valid_label_value

_LABEL_SELECTOR_OPERATORS = {
    "In": IN,
    "NotIn": NOT_IN,
    "Exists": EXISTS,
    "DoesNotExist": DOES_NOT_EXIST,
}
SelectorKey = tuple[tuple[tuple[Any, Any], ...], tuple[tuple[Any, Any, tuple[Any, ...]], ...]]


def _selector_key(ls: Mapping[str, Any]) -> SelectorKey:
    match_labels = ls.get("matchLabels") or {}
    exprs = ls.get("matchExpressions") or ()
    return (
        tuple(sorted(match_labels.items())),
        tuple((e.get("key"), e.get("operator"), tuple(e.get("values") or ())) for e in exprs),
    )


@lru_cache(maxsize=4096)
def _selector_from_key(key: SelectorKey) -> Selector:
    match_labels, exprs = key
    reqs = [new_requirement(k, EQUALS, [v]) for k, v in match_labels]
    for k, operator, values in exprs:
        op = _LABEL_SELECTOR_OPERATORS.get(operator)
        if op is None:
            shown = _go_quote(operator) if isinstance(operator, str) else repr(operator)
            raise SelectorError(f"{shown} is not a valid pod selector operator")
        reqs.append(new_requirement(k, op, list(values) or None))
    return Selector(reqs)


def selector_from_label_selector(ls: Mapping[str, Any] | None) -> Selector:
    """upstream metav1.LabelSelectorAsSelector: None selects nothing, {} everything.

    matchLabels are taken in key order (Go's map order is random); SelectorError carries
    upstream's text for bad keys, values and operators.
    """
    if ls is None:
        return NOTHING
    key = _selector_key(ls)
    if not key[0] and not key[1]:
        return EVERYTHING
    return _selector_from_key(key)


def label_selector_matches(ls: Mapping[str, Any] | None, labels: Labels | None) -> bool:
    """Whether a metav1.LabelSelector selects `labels`; an invalid selector selects nothing."""
    try:
        selector = selector_from_label_selector(ls)
    except SelectorError:
        return False
    return selector.matches(labels)


def _validate_requirement(
    expr: Mapping[str, Any], path: str, allow_invalid_label_value: bool
) -> list[FieldError]:
    """upstream ValidateLabelSelectorRequirement."""
    errs: list[FieldError] = []
    # JSON null reads as Go's zero value "".
    op = expr.get("operator")
    op = "" if op is None else op
    values = expr.get("values") or []
    if op in ("In", "NotIn"):
        if not values:
            detail = "must be specified when `operator` is 'In' or 'NotIn'"
            errs.append(required(f"{path}.values", detail))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            detail = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
            errs.append(forbidden(f"{path}.values", detail))
    else:
        errs.append(invalid(f"{path}.operator", op, "not a valid selector operator"))
    key = expr.get("key")
    errs += _validate_label_name("" if key is None else key, f"{path}.key")
    if not allow_invalid_label_value:
        for i, v in enumerate(values):
            errs += _validate_label_value(v, f"{path}.values[{i}]")
    return errs


def _validate_label_name(name: Any, path: str) -> list[FieldError]:
    if not isinstance(name, str):
        return [invalid(path, name, "must be a string")]
    return [invalid(path, name, msg) for msg in is_qualified_name(name)]


def _validate_label_value(value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, str):
        return [invalid(path, value, "must be a string")]
    return [invalid(path, value, msg) for msg in is_valid_label_value(value)]


def validate_label_selector(
    ls: Mapping[str, Any] | None, path: str, *, allow_invalid_label_value: bool = False
) -> list[FieldError]:
    """upstream metav1validation.ValidateLabelSelector.

    matchLabels errors are reported at `<path>.matchLabels` for both keys and values, as
    upstream's ValidateLabels does; `allow_invalid_label_value` mirrors the option of the same
    name (kept for objects stored before values were checked).
    """
    errs: list[FieldError] = []
    if ls is None:
        return errs
    prefix = f"{path}." if path else ""
    labels_path = f"{prefix}matchLabels"
    for k, v in (ls.get("matchLabels") or {}).items():
        errs += _validate_label_name(k, labels_path)
        errs += _validate_label_value(v, labels_path)
    for i, expr in enumerate(ls.get("matchExpressions") or ()):
        expr_path = f"{prefix}matchExpressions[{i}]"
        errs += _validate_requirement(expr, expr_path, allow_invalid_label_value)
    return errs
