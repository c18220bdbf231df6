"""Label selectors: the string grammar, metav1.LabelSelector, matching and validation.

Follows k8s.io/apimachinery/pkg/labels/selector.go (Parse, NewRequirement, Requirement.Matches,
String, SelectorFromValidatedSet), pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector) and
pkg/apis/meta/v1/validation/validation.go (ValidateLabelSelector), as of Kubernetes 1.32.

Guarantees:
- `parse_selector` accepts exactly upstream's grammar (`a=b,c!=d,e in (x,y),f notin (z),g,!h`,
  `==`, `x>1`, `x<1`) and raises `SelectorError` with upstream's message text, including the
  `unable to parse requirement: ...` wrapping and Go's value quoting.
- Selectors are immutable and hashable; requirements are sorted by key (stably, so the order of
  equal keys is kept), parsed value sets are sorted and de-duplicated, and `str(selector)` is
  upstream's String(), which re-parses to an equal selector.
- `Selector.matches` is precompiled per requirement; `None` labels match like empty labels.
- `selector_from_label_selector(None)` is NOTHING and `({})` is EVERYTHING, as upstream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sim.api.errors import FieldError, forbidden, invalid, required
from sim.api.validation.common import is_qualified_name, is_valid_label_value

__all__ = [
    "DOES_NOT_EXIST",
    "DOUBLE_EQUALS",
    "EQUALS",
    "EVERYTHING",
    "EXISTS",
    "GREATER_THAN",
    "IN",
    "LESS_THAN",
    "NOTHING",
    "NOT_EQUALS",
    "NOT_IN",
    "Requirement",
    "Selector",
    "SelectorError",
    "label_selector_matches",
    "new_requirement",
    "parse_selector",
    "selector_from_label_selector",
    "selector_from_set",
    "validate_label_selector",
]

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


# -- selectors ---------------------------------------------------------------------------------


class Selector:
    """An AND of requirements, sorted by key (upstream internalSelector); immutable."""

    __slots__ = ("_reqs", "_matchers")

    _reqs: tuple[Requirement, ...]
    _matchers: tuple[Matcher, ...]

    def __init__(self, requirements: Iterable[Requirement] = ()) -> None:
        reqs = tuple(sorted(requirements, key=lambda r: r.key))
        object.__setattr__(self, "_reqs", reqs)
        object.__setattr__(self, "_matchers", tuple(r.matches for r in reqs))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Selector is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Selector, (self._reqs,))

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return self._reqs

    def matches(self, labels: Labels | None) -> bool:
        """True if every requirement holds for `labels` (None counts as no labels)."""
        ls = _EMPTY if labels is None else labels
        for match in self._matchers:
            if not match(ls):
                return False
        return True

    def empty(self) -> bool:
        """True if the selector does not restrict anything (upstream Empty)."""
        return not self._reqs

    def matches_nothing(self) -> bool:
        """upstream labels.MatchesNothing: only the NOTHING selector."""
        return False

    def add(self, *requirements: Requirement) -> Selector:
        """upstream Selector.Add: a new selector with more requirements."""
        return Selector((*self._reqs, *requirements))

    def requires_exact_match(self, key: str) -> str | None:
        """upstream RequiresExactMatch: the single value `key` must have, if any."""
        for r in self._reqs:
            if r.key == key:
                exact = r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1
                return r.values[0] if exact else None
        return None

    def __str__(self) -> str:
        return ",".join(str(r) for r in self._reqs)

    def __repr__(self) -> str:
        return f"Selector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selector):
            return NotImplemented
        return type(self) is type(other) and self._reqs == other._reqs

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._reqs))


class _NothingSelector(Selector):
    """upstream labels.Nothing(): matches no labels, prints as ""."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_nothing, ())

    def matches(self, labels: Labels | None) -> bool:
        return False

    def empty(self) -> bool:
        return False

    def matches_nothing(self) -> bool:
        return True

    def add(self, *requirements: Requirement) -> Selector:
        return self

    def __repr__(self) -> str:
        return "NOTHING"


EVERYTHING = Selector()
NOTHING: Selector = _NothingSelector()


def _nothing() -> Selector:
    return NOTHING


def selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """upstream SelectorFromValidatedSet: `k=v` for every pair, unchecked; None/{} is EVERYTHING."""
    if not labels:
        return EVERYTHING
    return Selector(Requirement(k, EQUALS, (v,)) for k, v in labels.items())


# -- the string grammar ------------------------------------------------------------------------

(_ERROR, _EOS, _CPAR, _COMMA, _NOT, _DEQ, _EQ, _GT, _ID, _IN, _LT, _NEQ, _NOTIN, _OPAR) = range(14)
_STRING_TO_TOKEN = {
    ")": _CPAR,
    ",": _COMMA,
    "!": _NOT,
    "==": _DEQ,
    "=": _EQ,
    ">": _GT,
    "in": _IN,
    "<": _LT,
    "!=": _NEQ,
    "notin": _NOTIN,
    "(": _OPAR,
}
_OPERATOR_TOKENS = {
    _IN: IN,
    _EQ: EQUALS,
    _DEQ: DOUBLE_EQUALS,
    _GT: GREATER_THAN,
    _LT: LESS_THAN,
    _NOTIN: NOT_IN,
    _NEQ: NOT_EQUALS,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_KEY_AND_OPERATOR, _VALUES = 0, 1
Token = tuple[int, str]


class _Lexer:
    """upstream labels.Lexer; a NUL byte reads as end of input, as in Go."""

    def __init__(self, s: str) -> None:
        self.s, self.pos = s, 0

    def read(self) -> str:
        if self.pos < len(self.s):
            self.pos += 1
            return self.s[self.pos - 1]
        return "\0"

    def lex(self) -> Token:
        ch = self.read()
        while ch in _WHITESPACE:
            ch = self.read()
        if ch == "\0":
            return _EOS, ""
        self.pos -= 1
        return self._special() if ch in _SPECIAL else self._identifier()

    def _identifier(self) -> Token:
        buf = []
        while True:
            ch = self.read()
            if ch == "\0":
                break
            if ch in _SPECIAL or ch in _WHITESPACE:
                self.pos -= 1
                break
            buf.append(ch)
        s = "".join(buf)
        return _STRING_TO_TOKEN.get(s, _ID), s

    def _special(self) -> Token:
        buf, last = "", (_ERROR, "")
        while True:
            ch = self.read()
            if ch == "\0":
                break
            if ch not in _SPECIAL:
                self.pos -= 1
                break
            buf += ch
            if buf in _STRING_TO_TOKEN:
                last = (_STRING_TO_TOKEN[buf], buf)
            elif last[0] != _ERROR:
                self.pos -= 1
                break
        if last[0] == _ERROR:
            return _ERROR, f"error expected: keyword found '{buf}'"
        return last


class _Parser:
    """upstream labels.Parser: recursive descent over the scanned tokens."""

    def __init__(self, text: str) -> None:
        lexer, self.items, self.position = _Lexer(text), [], 0
        while True:
            tok = lexer.lex()
            self.items.append(tok)
            if tok[0] == _EOS:
                break

    def lookahead(self, context: int) -> Token:
        tok, lit = self.items[self.position]
        if context == _VALUES and tok in (_IN, _NOTIN):
            tok = _ID
        return tok, lit

    def consume(self, context: int) -> Token:
        self.position += 1
        tok, lit = self.items[self.position - 1]
        if context == _VALUES and tok in (_IN, _NOTIN):
            tok = _ID
        return tok, lit

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(_VALUES)
            if tok == _EOS:
                return reqs
            if tok not in (_ID, _NOT):
                raise SelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")
            try:
                reqs.append(self.requirement())
            except SelectorError as err:
                raise SelectorError(f"unable to parse requirement: {err}") from None
            tok, lit = self.consume(_VALUES)
            if tok == _EOS:
                return reqs
            if tok != _COMMA:
                raise SelectorError(f"found '{lit}', expected: ',' or 'end of string'")
            tok, lit = self.lookahead(_VALUES)
            if tok not in (_ID, _NOT):
                raise SelectorError(f"found '{lit}', expected: identifier after ','")

    def requirement(self) -> Requirement:
        key, op = self.key_and_inferred_operator()
        if op in (EXISTS, DOES_NOT_EXIST):
            return new_requirement(key, op, [])
        tok, lit = self.consume(_KEY_AND_OPERATOR)
        if tok not in _OPERATOR_TOKENS:
            expected = ", ".join(_BINARY_OPERATORS)
            raise SelectorError(f"found '{lit}', expected: {expected}")
        op = _OPERATOR_TOKENS[tok]
        values = self.value_set() if op in (IN, NOT_IN) else self.exact_value()
        return new_requirement(key, op, sorted(values))

    def key_and_inferred_operator(self) -> tuple[str, str]:
        op = ""
        tok, lit = self.consume(_VALUES)
        if tok == _NOT:
            op = DOES_NOT_EXIST
            tok, lit = self.consume(_VALUES)
        if tok != _ID:
            raise SelectorError(f"found '{lit}', expected: identifier")
        err = _key_error(lit, "<nil>")  # upstream passes a nil *field.Path here
        if err:
            raise SelectorError(err)
        if self.lookahead(_VALUES)[0] in (_EOS, _COMMA) and op != DOES_NOT_EXIST:
            op = EXISTS
        return lit, op

    def value_set(self) -> set[str]:
        tok, lit = self.consume(_VALUES)
        if tok != _OPAR:
            raise SelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(_VALUES)
        if tok in (_ID, _COMMA):
            values = self.identifiers()
            if self.consume(_VALUES)[0] != _CPAR:
                raise SelectorError(f"found '{lit}', expected: ')'")
            return values
        if tok == _CPAR:
            self.consume(_VALUES)
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def identifiers(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume(_VALUES)
            if tok == _ID:
                values.add(lit)
                tok2, lit2 = self.lookahead(_VALUES)
                if tok2 == _CPAR:
                    return values
                if tok2 != _COMMA:
                    raise SelectorError(f"found '{lit2}', expected: ',' or ')'")
            elif tok == _COMMA:
                if not values:
                    values.add("")  # "(,"
                tok2 = self.lookahead(_VALUES)[0]
                if tok2 == _CPAR:
                    values.add("")  # ",)"
                    return values
                if tok2 == _COMMA:
                    values.add("")  # ",,"
            else:
                raise SelectorError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        if self.lookahead(_VALUES)[0] in (_EOS, _COMMA):
            return {""}
        tok, lit = self.consume(_VALUES)
        if tok == _ID:
            return {lit}
        raise SelectorError(f"found '{lit}', expected: identifier")


@lru_cache(maxsize=4096)
def parse_selector(text: str) -> Selector:
    """upstream labels.Parse: a selector from its string form, or SelectorError."""
    return Selector(_Parser(text).parse())


# -- metav1.LabelSelector ----------------------------------------------------------------------

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
