"""Selector operators, requirements and their errors.

Models k8s.io/apimachinery/pkg/selection (the operators) and pkg/labels/selector.go
(NewRequirement with its validation, Requirement.Matches and String) for Kubernetes 1.32.
`new_requirement` raises `SelectorError` with upstream's aggregated message text, values
printed with Go's `%q` / `%#v` quoting. A `Requirement` is immutable and hashable, with its
match function compiled once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sim.api.validation.common import is_qualified_name, is_valid_label_value

# k8s.io/apimachinery/pkg/selection operators.
DOES_NOT_EXIST = "!"
EQUALS = "="
DOUBLE_EQUALS = "=="
IN = "in"
NOT_EQUALS = "!="
NOT_IN = "notin"
EXISTS = "exists"
GREATER_THAN = "gt"
LESS_THAN = "lt"

_BINARY_OPERATORS = (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN)
_VALID_OPERATORS = (*_BINARY_OPERATORS, EXISTS, DOES_NOT_EXIST)
_MIN_INT64, _MAX_INT64 = -(1 << 63), (1 << 63) - 1

Labels = Mapping[str, str]
Matcher = Callable[[Labels], bool]
_EMPTY: dict[str, str] = {}


class SelectorError(ValueError):
    """A selector that cannot be built; `str(err)` is upstream's error text."""


# -- Go-style value printing for the error texts (fmt %q and %#v) -------------------------------

_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_GO_ESCAPES |= {"\v": "\\v", '"': '\\"', "\\": "\\\\"}


def _go_quote(s: str) -> str:
    """Go strconv.Quote."""
    out = ['"']
    for ch in s:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _go_strings(values: Sequence[str] | None) -> str:
    """Go %#v of a []string."""
    if values is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(_go_quote(v) for v in values) + "}"


def _field_error(path: str, kind: str, shown: str, detail: str) -> str:
    """field.Error.Error(): `path: Kind: value: detail`."""
    return f"{path}: {kind}: {shown}: {detail}"


def _aggregate(messages: list[str]) -> str:
    """utilerrors.Aggregate.Error(): one message bare, several de-duplicated in brackets."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def _parse_int64(text: str) -> int | None:
    """Go strconv.ParseInt(text, 10, 64)."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    n = int(text)
    return n if _MIN_INT64 <= n <= _MAX_INT64 else None


# -- requirements ------------------------------------------------------------------------------


def _key_error(key: str, path: str) -> str | None:
    msgs = is_qualified_name(key)
    if not msgs:
        return None
    return _field_error(path, "Invalid value", _go_quote(key), "; ".join(msgs))


def _requirement_errors(key: str, op: str, values: Sequence[str] | None) -> list[str]:
    """upstream NewRequirement's checks, as field.Error strings."""
    vals = values or ()
    errs = [e for e in (_key_error(key, "key"),) if e]
    shown = _go_strings(values)
    if op in (IN, NOT_IN):
        if not vals:
            detail = "for 'in', 'notin' operators, values set can't be empty"
            errs.append(_field_error("values", "Invalid value", shown, detail))
    elif op in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS):
        if len(vals) != 1:
            detail = "exact-match compatibility requires one single value"
            errs.append(_field_error("values", "Invalid value", shown, detail))
    elif op in (EXISTS, DOES_NOT_EXIST):
        if vals:
            detail = "values set must be empty for exists and does not exist"
            errs.append(_field_error("values", "Invalid value", shown, detail))
    elif op in (GREATER_THAN, LESS_THAN):
        if len(vals) != 1:
            detail = "for 'Gt', 'Lt' operators, exactly one value is required"
            errs.append(_field_error("values", "Invalid value", shown, detail))
        for i, v in enumerate(vals):
            if _parse_int64(v) is None:
                detail = "for 'Gt', 'Lt' operators, the value must be an integer"
                errs.append(_field_error(f"values[{i}]", "Invalid value", _go_quote(v), detail))
    else:
        supported = ", ".join(_go_quote(o) for o in _VALID_OPERATORS)
        errs.append(f"operator: Unsupported value: {_go_quote(op)}: supported values: {supported}")
    for i, v in enumerate(vals):
        msgs = is_valid_label_value(v)
        if msgs:
            path = f"values[{i}][{key}]"
            errs.append(_field_error(path, "Invalid value", _go_quote(v), "; ".join(msgs)))
    return errs


def _compile(key: str, op: str, values: tuple[str, ...]) -> Matcher:
    """A fast predicate for one requirement (upstream Requirement.Matches)."""
    if op in (IN, EQUALS, DOUBLE_EQUALS):
        if len(values) == 1:
            only = values[0]
            return lambda ls: ls.get(key) == only
        allowed = frozenset(values)
        return lambda ls: ls.get(key) in allowed
    if op in (NOT_IN, NOT_EQUALS):
        banned = frozenset(values)
        return lambda ls: ls.get(key) not in banned
    if op == EXISTS:
        return lambda ls: key in ls
    if op == DOES_NOT_EXIST:
        return lambda ls: key not in ls
    if op in (GREATER_THAN, LESS_THAN) and len(values) == 1:
        bound = _parse_int64(values[0])
        if bound is not None:
            return _compile_order(key, bound, op == GREATER_THAN)
    return lambda ls: False


def _compile_order(key: str, bound: int, greater: bool) -> Matcher:
    def match(ls: Labels) -> bool:
        raw = ls.get(key)
        n = _parse_int64(raw) if isinstance(raw, str) else None
        if n is None:
            return False
        return n > bound if greater else n < bound

    return match


class Requirement:
    """One `key op values` term; immutable. Build checked ones with `new_requirement`."""

    __slots__ = ("key", "operator", "values", "matches")

    key: str
    operator: str
    values: tuple[str, ...]
    matches: Matcher

    def __init__(self, key: str, operator: str, values: Iterable[str] = ()) -> None:
        """An unchecked requirement (upstream's struct literal); see `new_requirement`."""
        vals = tuple(values)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "operator", operator)
        object.__setattr__(self, "values", vals)
        object.__setattr__(self, "matches", _compile(key, operator, vals))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Requirement is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Requirement, (self.key, self.operator, self.values))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Requirement):
            return NotImplemented
        return (self.key, self.operator, self.values) == (other.key, other.operator, other.values)

    def __hash__(self) -> int:
        return hash((self.key, self.operator, self.values))

    def __repr__(self) -> str:
        return f"Requirement({self.key!r}, {self.operator!r}, {self.values!r})"

    def __str__(self) -> str:
        """upstream Requirement.String(); several values print sorted."""
        op = self.operator
        if op == EXISTS:
            return self.key
        if op == DOES_NOT_EXIST:
            return "!" + self.key
        text = {IN: " in ", NOT_IN: " notin ", GREATER_THAN: ">", LESS_THAN: "<"}.get(op, op)
        vals = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        if op in (IN, NOT_IN):
            return f"{self.key}{text}({vals})"
        return f"{self.key}{text}{vals}"


def new_requirement(key: str, operator: str, values: Sequence[str] | None = None) -> Requirement:
    """upstream labels.NewRequirement: a checked requirement, or SelectorError."""
    errs = _requirement_errors(key, operator, values)
    if errs:
        raise SelectorError(_aggregate(errs))
    return Requirement(key, operator, values or ())
