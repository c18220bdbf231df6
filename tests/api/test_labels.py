"""sim.api.labels against upstream selector_test.go, helpers.go and validation.go (1.32)."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.api.labels import (
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    EVERYTHING,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    NOTHING,
    Requirement,
    Selector,
    SelectorError,
    label_selector_matches,
    new_requirement,
    parse_selector,
    selector_from_label_selector,
    selector_from_set,
    validate_label_selector,
)

LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
QUALIFIED_NAME_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)

GT_LT_INTEGER = "for 'Gt', 'Lt' operators, the value must be an integer"
IN_NEEDS_VALUES = "for 'in', 'notin' operators, values set can't be empty"
EXISTS_NO_VALUES = "values set must be empty for exists and does not exist"
EXPR0 = "spec.selector.matchExpressions[0]"


# upstream TestSelectorParse: good strings re-print without their spaces
GOOD_STRINGS = ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1"]
GOOD_STRINGS += ["x>1,z<5", "x==a", "notin=in"]


@pytest.mark.parametrize("text", GOOD_STRINGS, ids=[f"{t!r}-reprints" for t in GOOD_STRINGS])
def test_good_selector_reprints_without_spaces(text: str) -> None:
    assert str(parse_selector(text)) == text.replace(" ", "")


def R(key: str, op: str, *values: str) -> Requirement:  # noqa: N802 - reads like a literal
    return new_requirement(key, op, list(values))


# upstream TestSetSelectorParser: the parsed requirements
PARSE_TABLE: list[tuple[str, list[Requirement]]] = [
    ("", []),
    ("\rx", [R("x", EXISTS)]),
    (
        "this-is-a-dns.domain.com/key-with-dash",
        [R("this-is-a-dns.domain.com/key-with-dash", EXISTS)],
    ),
    (
        "this-is-another-dns.domain.com/key-with-dash in (so,what)",
        [R("this-is-another-dns.domain.com/key-with-dash", IN, "so", "what")],
    ),
    (
        "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
        [R("0.1.2.domain/99", NOT_IN, "10.10.100.1", "tick.tack.clock")],
    ),
    ("foo  in\t (abc)", [R("foo", IN, "abc")]),
    ("x notin\n (abc)", [R("x", NOT_IN, "abc")]),
    ("x  notin\t\t\t(abc,def)", [R("x", NOT_IN, "abc", "def")]),
    ("x in (abc,def)", [R("x", IN, "abc", "def")]),
    ("x in (abc,)", [R("x", IN, "", "abc")]),
    ("x in ()", [R("x", IN, "")]),
    (
        "x notin (abc,def),bar,z in (),w",
        [R("bar", EXISTS), R("w", EXISTS), R("x", NOT_IN, "abc", "def"), R("z", IN, "")],
    ),
    ("x,y in (a)", [R("x", EXISTS), R("y", IN, "a")]),
    ("x=a", [R("x", EQUALS, "a")]),
    ("x>1", [R("x", GREATER_THAN, "1")]),
    ("x<7", [R("x", LESS_THAN, "7")]),
    ("x=a,y!=b", [R("x", EQUALS, "a"), R("y", NOT_EQUALS, "b")]),
    (
        "x=a,y!=b,z in (h,i,j)",
        [R("x", EQUALS, "a"), R("y", NOT_EQUALS, "b"), R("z", IN, "h", "i", "j")],
    ),
    ("x notin ( )", [R("x", NOT_IN, "")]),
    ("x notin (, a)", [R("x", NOT_IN, "", "a")]),
    ("a ", [R("a", EXISTS)]),
    ("a in (x,y,notin, z,in)", [R("a", IN, "in", "notin", "x", "y", "z")]),
    ("x in (b,a,b)", [R("x", IN, "a", "b")]),
    ("x in (a,,b)", [R("x", IN, "", "a", "b")]),
    ("x==a", [R("x", DOUBLE_EQUALS, "a")]),
    ("!x,x", [R("x", DOES_NOT_EXIST), R("x", EXISTS)]),
    ("x,!x", [R("x", EXISTS), R("x", DOES_NOT_EXIST)]),
    ("a \0b=c", [R("a", EXISTS)]),
]


@pytest.mark.parametrize(
    ("text", "want"), PARSE_TABLE, ids=[f"{t!r}-parses" for t, _ in PARSE_TABLE]
)
def test_parse_yields_sorted_requirements(text: str, want: list[Requirement]) -> None:
    assert list(parse_selector(text).requirements) == want


# upstream's bad strings, with the message each one yields
BAD_TABLE = [
    (
        "x=a||y=b",
        f'unable to parse requirement: values[0][x]: Invalid value: "a||y": {LABEL_VALUE_MSG}',
    ),
    ("x==a==b", "found '==', expected: ',' or 'end of string'"),
    ("!x=a", "found '=', expected: ',' or 'end of string'"),
    (
        "x<a",
        'unable to parse requirement: values[0]: Invalid value: "a": '
        "for 'Gt', 'Lt' operators, the value must be an integer",
    ),
    ("x,y,", "found '', expected: identifier after ','"),
    (",x,y", "found ',', expected: !, identifier, or 'end of string'"),
    (
        "x nott in (y)",
        "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt",
    ),
    ("a in (xyz),", "found '', expected: identifier after ','"),
    ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
    ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
    ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
    ("a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"),
    ("(", "found '(', expected: !, identifier, or 'end of string'"),
    ("x in a", "unable to parse requirement: found 'a' expected: '('"),
    ("x in (a=b)", "unable to parse requirement: found '=', expected: ',' or ')'"),
    ("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
    ("x===a", "unable to parse requirement: found '=', expected: identifier"),
    ("!", "unable to parse requirement: found '', expected: identifier"),
    ("x=a b", "found 'b', expected: ',' or 'end of string'"),
    (
        "x>1a",
        f'unable to parse requirement: values[0]: Invalid value: "1a": {GT_LT_INTEGER}',
    ),
    (
        "x>99999999999999999999",
        "unable to parse requirement: values[0]: "
        f'Invalid value: "99999999999999999999": {GT_LT_INTEGER}',
    ),
    (
        "x/=a",
        'unable to parse requirement: <nil>: Invalid value: "x/": '
        f"name part must be non-empty; {QUALIFIED_NAME_MSG}",
    ),
    (
        "a/b/c",
        'unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must '
        "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
        "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
        "subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ),
    ("a\0b=c", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
    ("z>-5", f'unable to parse requirement: values[0][z]: Invalid value: "-5": {LABEL_VALUE_MSG}'),
    (
        "x=\x01",
        f'unable to parse requirement: values[0][x]: Invalid value: "\\x01": {LABEL_VALUE_MSG}',
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_TABLE, ids=[f"{t!r}-fails" for t, _ in BAD_TABLE])
def test_bad_selector_raises_upstream_message(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as err:
        parse_selector(text)
    assert str(err.value) == message


def test_parse_is_deterministic_whatever_the_order() -> None:
    assert str(parse_selector("x=a,a=x")) == str(parse_selector("a=x,x=a")) == "a=x,x=a"


# upstream TestSelectorMatches
MATCH_TABLE: list[tuple[str, dict[str, str], bool]] = [
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),
    ("x", {"x": "z"}, True),
    ("!x", {"y": "z"}, True),
    ("x>1", {"x": "2"}, True),
    ("x<1", {"x": "0"}, True),
    ("x=z", {}, False),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("x", {"y": "z"}, False),
    ("!x", {"x": "z"}, False),
    ("x>1", {"x": "0"}, False),
    ("x<1", {"x": "2"}, False),
    ("foo=bar", {"foo": "bar", "baz": "blah"}, True),
    ("baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
    ("baz=bar", {"foo": "bar", "baz": "blah"}, False),
    ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
    # upstream TestRequirementSelectorMatching
    ("x in (foo),y notin (alpha)", {"x": "foo", "y": "baz"}, True),
    ("x in (foo),y in (alpha)", {"x": "foo", "y": "baz"}, False),
    ("x notin (),y", {"y": ""}, True),
    ("!x,y", {"y": ""}, True),
    ("x notin (),!y", {"y": ""}, False),
    ("x in ()", {"y": "baz"}, False),
    ("x in ()", {"x": ""}, True),
    ("z>1", {"z": "2"}, True),
    ("z>1", {"z": "v2"}, False),
    ("z>5", {"z": "+7"}, True),
    ("z<5", {"z": "-7"}, True),
    ("z<1", {"z": " 0"}, False),
    ("z>1", {}, False),
    ("x notin (a,b)", {}, True),
    ("x notin (a,b)", {"x": "b"}, False),
    ("x in (a,b)", {"x": "b"}, True),
    ("x==a", {"x": "a"}, True),
]


@pytest.mark.parametrize(
    ("text", "labels", "want"),
    MATCH_TABLE,
    ids=[f"{t!r}-{'matches' if w else 'rejects'}-{ls}" for t, ls, w in MATCH_TABLE],
)
def test_selector_matches_like_upstream(text: str, labels: dict[str, str], want: bool) -> None:
    assert parse_selector(text).matches(labels) is want


def test_none_labels_match_like_empty_labels() -> None:
    assert parse_selector("!x").matches(None)
    assert not parse_selector("x").matches(None)


def test_everything_matches_all_and_is_empty() -> None:
    assert EVERYTHING.matches({"x": "y"}) and EVERYTHING.matches(None)
    assert EVERYTHING.empty() and str(EVERYTHING) == ""
    assert parse_selector("") == EVERYTHING


def test_nothing_matches_nothing_and_is_not_empty() -> None:
    assert not NOTHING.matches({}) and not NOTHING.matches({"x": "y"})
    assert not NOTHING.empty() and str(NOTHING) == ""
    assert NOTHING.matches_nothing() and not EVERYTHING.matches_nothing()
    assert NOTHING != EVERYTHING
    assert NOTHING.add(R("x", EXISTS)) is NOTHING
    assert pickle.loads(pickle.dumps(NOTHING)) is NOTHING


# upstream TestToString
@pytest.mark.parametrize(
    ("reqs", "want"),
    [
        (
            [R("x", IN, "abc", "def"), R("y", NOT_IN, "jkl"), R("z", EXISTS)],
            "x in (abc,def),y notin (jkl),z",
        ),
        (
            [R("x", NOT_IN, "abc", "def"), R("y", NOT_EQUALS, "jkl"), R("z", DOES_NOT_EXIST)],
            "x notin (abc,def),y!=jkl,!z",
        ),
        (
            [R("x", NOT_IN, "abc"), R("y", IN, "jkl", "mno"), R("z", NOT_IN, "")],
            "x notin (abc),y in (jkl,mno),z notin ()",
        ),
        (
            [
                R("x", EQUALS, "abc"),
                R("y", DOUBLE_EQUALS, "jkl"),
                R("z", NOT_EQUALS, "a"),
                R("z", EXISTS),
            ],
            "x=abc,y==jkl,z!=a,z",
        ),
        ([R("x", GREATER_THAN, "2"), R("y", LESS_THAN, "8"), R("z", EXISTS)], "x>2,y<8,z"),
        ([R("x", IN, "def", "abc")], "x in (abc,def)"),
    ],
    ids=[
        "in-notin-exists",
        "notin-neq-dne",
        "empty-value",
        "equals-forms",
        "gt-lt",
        "sorted-values",
    ],
)
def test_string_form_matches_upstream(reqs: list[Requirement], want: str) -> None:
    assert str(Selector(reqs)) == want


def test_values_print_sorted_without_reordering_the_requirement() -> None:
    req = R("x", IN, "def", "abc")
    assert req.values == ("def", "abc")
    assert str(req) == "x in (abc,def)"


# upstream TestRequirementConstructor
CONSTRUCTOR_TABLE: list[tuple[str, str, list[str] | None, str | None]] = [
    (
        "x",
        IN,
        None,
        f"values: Invalid value: []string(nil): {IN_NEEDS_VALUES}",
    ),
    (
        "x",
        NOT_IN,
        [],
        "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    ),
    ("x", IN, ["foo"], None),
    ("x", NOT_IN, ["foo"], None),
    ("x", EXISTS, None, None),
    ("x", DOES_NOT_EXIST, None, None),
    ("1foo", IN, ["bar"], None),
    ("1234", IN, ["bar"], None),
    ("y", GREATER_THAN, ["1"], None),
    ("z", LESS_THAN, ["6"], None),
    (
        "foo",
        GREATER_THAN,
        ["bar"],
        "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer",
    ),
    (
        "barz",
        LESS_THAN,
        ["blah"],
        f'values[0]: Invalid value: "blah": {GT_LT_INTEGER}',
    ),
    (
        "x",
        EQUALS,
        ["a", "b"],
        'values: Invalid value: []string{"a", "b"}: '
        "exact-match compatibility requires one single value",
    ),
    (
        "x",
        EXISTS,
        ["a"],
        f'values: Invalid value: []string{{"a"}}: {EXISTS_NO_VALUES}',
    ),
    (
        "x",
        GREATER_THAN,
        ["1", "2"],
        'values: Invalid value: []string{"1", "2"}: '
        "for 'Gt', 'Lt' operators, exactly one value is required",
    ),
    (
        "x",
        "foo",
        ["a"],
        'operator: Unsupported value: "foo": supported values: '
        '"in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    ),
    (
        "a" * 254,
        EXISTS,
        None,
        f'key: Invalid value: "{"a" * 254}": name part must be no more than 63 characters',
    ),
    (
        "x y",
        IN,
        ["a b"],
        f'[key: Invalid value: "x y": {QUALIFIED_NAME_MSG}, '
        f'values[0][x y]: Invalid value: "a b": {LABEL_VALUE_MSG}]',
    ),
]


@pytest.mark.parametrize(
    ("key", "op", "values", "error"),
    CONSTRUCTOR_TABLE,
    ids=[f"{k[:8]}-{op}-{v}-{'ok' if e is None else 'fails'}" for k, op, v, e in CONSTRUCTOR_TABLE],
)
def test_new_requirement_checks_like_upstream(
    key: str, op: str, values: list[str] | None, error: str | None
) -> None:
    if error is None:
        req = new_requirement(key, op, values)
        assert (req.key, req.operator, req.values) == (key, op, tuple(values or ()))
        return
    with pytest.raises(SelectorError) as err:
        new_requirement(key, op, values)
    assert str(err.value) == error


# upstream TestAdd
def test_add_returns_a_new_sorted_selector() -> None:
    base = Selector([R("key", IN, "value")])
    added = base.add(R("a", EQUALS, "b"))
    assert list(added.requirements) == [R("a", EQUALS, "b"), R("key", IN, "value")]
    assert list(base.requirements) == [R("key", IN, "value")]


@pytest.mark.parametrize(
    ("text", "key", "want"),
    [
        ("x=a,y=b", "y", "b"),
        ("x in (a)", "x", "a"),
        ("x in (a,b)", "x", None),
        ("x!=a", "x", None),
        ("x=a", "z", None),
    ],
    ids=["equals", "single-in", "multi-in", "not-equals", "absent"],
)
def test_requires_exact_match(text: str, key: str, want: str | None) -> None:
    assert parse_selector(text).requires_exact_match(key) == want


def test_selector_from_set_is_equality_on_every_pair() -> None:
    sel = selector_from_set({"foo": "bar", "baz": "blah"})
    assert str(sel) == "baz=blah,foo=bar"
    assert sel.matches({"foo": "bar", "baz": "blah", "x": "y"})
    assert not sel.matches({"foo": "bar"})
    assert selector_from_set({}) == EVERYTHING and selector_from_set(None) == EVERYTHING


def test_selectors_are_immutable_hashable_and_picklable() -> None:
    sel = parse_selector("x in (a,b),!y")
    assert hash(sel) == hash(parse_selector("!y,x in (b,a)"))
    assert pickle.loads(pickle.dumps(sel)) == sel
    with pytest.raises(AttributeError):
        sel._reqs = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        sel.requirements[0].key = "z"  # type: ignore[misc]


# -- metav1.LabelSelector ----------------------------------------------------------------------

LS_TABLE: list[tuple[str, dict[str, Any], str]] = [
    ("empty-selects-everything", {}, ""),
    ("null-parts-select-everything", {"matchLabels": None, "matchExpressions": None}, ""),
    ("match-labels", {"matchLabels": {"b": "2", "a": "1"}}, "a=1,b=2"),
    (
        "in",
        {"matchExpressions": [{"key": "x", "operator": "In", "values": ["b", "a"]}]},
        "x in (a,b)",
    ),
    (
        "notin",
        {"matchExpressions": [{"key": "x", "operator": "NotIn", "values": ["a"]}]},
        "x notin (a)",
    ),
    ("exists", {"matchExpressions": [{"key": "x", "operator": "Exists"}]}, "x"),
    (
        "does-not-exist",
        {"matchExpressions": [{"key": "x", "operator": "DoesNotExist", "values": []}]},
        "!x",
    ),
    (
        "labels-then-expressions-by-key",
        {"matchLabels": {"z": "1"}, "matchExpressions": [{"key": "a", "operator": "Exists"}]},
        "a,z=1",
    ),
]


@pytest.mark.parametrize(("name", "ls", "want"), LS_TABLE, ids=[n for n, _, _ in LS_TABLE])
def test_label_selector_converts_like_upstream(name: str, ls: dict[str, Any], want: str) -> None:
    sel = selector_from_label_selector(ls)
    assert str(sel) == want
    assert sel.empty() is (want == "")


def test_null_label_selector_selects_nothing() -> None:
    assert selector_from_label_selector(None) is NOTHING
    assert not label_selector_matches(None, {"a": "b"})
    assert label_selector_matches({}, {"a": "b"})


LS_ERRORS: list[tuple[str, dict[str, Any], str]] = [
    (
        "unknown-operator",
        {"matchExpressions": [{"key": "x", "operator": "Foo"}]},
        '"Foo" is not a valid pod selector operator',
    ),
    (
        "in-without-values",
        {"matchExpressions": [{"key": "x", "operator": "In"}]},
        f"values: Invalid value: []string(nil): {IN_NEEDS_VALUES}",
    ),
    (
        "exists-with-values",
        {"matchExpressions": [{"key": "x", "operator": "Exists", "values": ["a"]}]},
        f'values: Invalid value: []string{{"a"}}: {EXISTS_NO_VALUES}',
    ),
    (
        "bad-label-key",
        {"matchLabels": {"a b": "c"}},
        f'key: Invalid value: "a b": {QUALIFIED_NAME_MSG}',
    ),
    (
        "bad-label-value",
        {"matchLabels": {"a": "b c"}},
        f'values[0][a]: Invalid value: "b c": {LABEL_VALUE_MSG}',
    ),
]


@pytest.mark.parametrize(("name", "ls", "message"), LS_ERRORS, ids=[n for n, _, _ in LS_ERRORS])
def test_invalid_label_selector_raises_upstream_message(
    name: str, ls: dict[str, Any], message: str
) -> None:
    with pytest.raises(SelectorError) as err:
        selector_from_label_selector(ls)
    assert str(err.value) == message
    assert not label_selector_matches(ls, {"x": "a", "a": "b c"})


@pytest.mark.parametrize(
    ("labels", "want"),
    [
        ({"app": "web", "tier": "fe"}, True),
        ({"app": "web", "tier": "be"}, False),
        ({"tier": "fe"}, False),
        (None, False),
    ],
    ids=["all-hold", "expression-fails", "label-missing", "no-labels"],
)
def test_label_selector_matches(labels: dict[str, str] | None, want: bool) -> None:
    ls = {
        "matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}],
    }
    assert label_selector_matches(ls, labels) is want


# -- ValidateLabelSelector ---------------------------------------------------------------------

VALIDATION_TABLE: list[tuple[str, dict[str, Any] | None, list[str]]] = [
    ("nil-is-valid", None, []),
    ("empty-is-valid", {}, []),
    (
        "good",
        {
            "matchLabels": {"a": "b"},
            "matchExpressions": [{"key": "x", "operator": "In", "values": ["y"]}],
        },
        [],
    ),
    (
        "in-needs-values",
        {"matchExpressions": [{"key": "x", "operator": "In", "values": []}]},
        [f"{EXPR0}.values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
    ),
    (
        "notin-needs-values",
        {"matchExpressions": [{"key": "x", "operator": "NotIn"}]},
        [f"{EXPR0}.values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
    ),
    (
        "exists-forbids-values",
        {"matchExpressions": [{"key": "x", "operator": "Exists", "values": ["a"]}]},
        [
            f"{EXPR0}.values: Forbidden: "
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
        ],
    ),
    (
        "unknown-operator",
        {"matchExpressions": [{"key": "x", "operator": "Gt", "values": ["1"]}]},
        [f'{EXPR0}.operator: Invalid value: "Gt": not a valid selector operator'],
    ),
    (
        "bad-key-and-value",
        {"matchExpressions": [{}, {"key": "a b", "operator": "In", "values": ["ok", "b c"]}]},
        [
            f'{EXPR0}.operator: Invalid value: "": not a valid selector operator',
            'spec.selector.matchExpressions[0].key: Invalid value: "": name part must be non-empty',
            f'spec.selector.matchExpressions[0].key: Invalid value: "": {QUALIFIED_NAME_MSG}',
            f'spec.selector.matchExpressions[1].key: Invalid value: "a b": {QUALIFIED_NAME_MSG}',
            f'spec.selector.matchExpressions[1].values[1]: Invalid value: "b c": {LABEL_VALUE_MSG}',
        ],
    ),
    (
        "match-labels-errors-at-the-map",
        {"matchLabels": {"a b": "c d"}},
        [
            f'spec.selector.matchLabels: Invalid value: "a b": {QUALIFIED_NAME_MSG}',
            f'spec.selector.matchLabels: Invalid value: "c d": {LABEL_VALUE_MSG}',
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "ls", "want"), VALIDATION_TABLE, ids=[n for n, _, _ in VALIDATION_TABLE]
)
def test_validate_label_selector(name: str, ls: dict[str, Any] | None, want: list[str]) -> None:
    assert [e.message for e in validate_label_selector(ls, "spec.selector")] == want


def test_validation_reasons_follow_the_error_type() -> None:
    ls = {
        "matchExpressions": [
            {"key": "x", "operator": "In"},
            {"key": "y", "operator": "Exists", "values": ["v"]},
            {"key": "z", "operator": "?"},
        ]
    }
    reasons = [e.reason for e in validate_label_selector(ls, "sel")]
    assert reasons == ["FieldValueRequired", "FieldValueForbidden", "FieldValueInvalid"]


def test_invalid_values_can_be_allowed_for_stored_objects() -> None:
    ls = {"matchExpressions": [{"key": "x", "operator": "In", "values": ["b c"]}]}
    assert validate_label_selector(ls, "s")
    assert validate_label_selector(ls, "s", allow_invalid_label_value=True) == []


def test_empty_path_gives_bare_child_paths() -> None:
    errs = validate_label_selector({"matchLabels": {"a b": "c"}}, "")
    assert [e.path for e in errs] == ["matchLabels"]


# -- properties --------------------------------------------------------------------------------

alnum = st.text("abcxyz0189", min_size=1, max_size=3)
names = st.one_of(
    alnum, st.builds(lambda a, m, b: a + m + b, alnum, st.text("._-a", max_size=3), alnum)
)
keys = st.one_of(names, st.builds(lambda p, n: f"{p}.io/{n}", alnum, names))
ops = st.sampled_from(
    [IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN]
)


@st.composite
def requirements(draw: st.DrawFn) -> Requirement:
    key, op = draw(keys), draw(ops)
    if op in (EXISTS, DOES_NOT_EXIST):
        values: list[str] = []
    elif op in (GREATER_THAN, LESS_THAN):
        values = [str(draw(st.integers(0, 10**6)))]
    elif op in (IN, NOT_IN):
        values = sorted(draw(st.sets(st.one_of(st.just(""), names), min_size=1, max_size=4)))
    else:
        values = [draw(st.one_of(st.just(""), names))]
    return new_requirement(key, op, values)


@given(st.lists(requirements(), max_size=6))
def test_printed_selector_reparses_to_the_same_selector(reqs: list[Requirement]) -> None:
    sel = Selector(reqs)
    again = parse_selector(str(sel))
    assert again == sel
    assert str(again) == str(sel)


@given(
    st.lists(requirements(), max_size=6),
    st.dictionaries(keys, st.one_of(st.just(""), names), max_size=6),
)
def test_selector_matches_iff_every_requirement_does(
    reqs: list[Requirement], labels: dict[str, str]
) -> None:
    sel = Selector(reqs)
    assert sel.matches(labels) == all(r.matches(labels) for r in reqs)
    assert parse_selector(str(sel)).matches(labels) == sel.matches(labels)
