"""Go-style value printing and the small readers every Pod rule shares.

`GoValue`, `go_str` and `go_string_list` render a bad value the way Go's `%#v` (or a Stringer)
prints it in a field.Error, so messages match k8s.io/apimachinery/pkg/util/validation/field
byte for byte. `_map` and `_items` read a possibly missing or mistyped JSON member as an empty
mapping or list without copying, so validators never raise on malformed input. Other kinds
(node, apps, service) reuse these printers through `sim.api.builtin.pod`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sim.api.errors import FieldError, invalid
from sim.api.quantity import Quantity, QuantityError, parse_quantity
from sim.api.validation.common import is_dns1123_label, is_dns1123_subdomain, is_qualified_name

Obj = dict[str, Any]
Errs = list[FieldError]


class GoValue:
    """A bad value rendered the way Go's `%#v` or a Stringer prints it in field.Error."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"GoValue({self.text!r})"


def go_str(value: Any) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _go_string_map(m: Mapping[str, Any] | None) -> GoValue:
    items = ", ".join(f"{go_str(k)}:{go_str(v)}" for k, v in sorted((m or {}).items()))
    return GoValue("map[string]string{" + items + "}")


def go_string_list(values: Iterable[Any]) -> GoValue:
    return GoValue("[]string{" + ", ".join(go_str(v) for v in values) + "}")


def quantity(value: Any) -> Quantity:
    """parse_quantity (which caches parsed strings)."""
    return parse_quantity(value)


def _try_quantity(value: Any) -> Quantity | None:
    try:
        return quantity(value)
    except (QuantityError, TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    """An integer field's value, or None when absent or not an integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


_EMPTY_MAP: Mapping[str, Any] = {}
_EMPTY_LIST: list[Any] = []


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else _EMPTY_LIST


def _map(value: Any) -> Mapping[str, Any]:
    # dict (and the store's FrozenDict) is a C-level check; Mapping's ABC check is not.
    return value if isinstance(value, dict) else _EMPTY_MAP


def label_name_errors(key: Any, path: str) -> Errs:
    """metav1validation.ValidateLabelName."""
    return [invalid(path, key, m) for m in is_qualified_name(key if isinstance(key, str) else "")]


def _dns_label_errors(value: str, path: str) -> Errs:
    return [invalid(path, value, m) for m in is_dns1123_label(value)]


def _dns_subdomain_errors(value: str, path: str) -> Errs:
    return [invalid(path, value, m) for m in is_dns1123_subdomain(value)]
