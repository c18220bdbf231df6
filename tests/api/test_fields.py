"""sim.api.fields against upstream fields/selector_test.go and the registry field sets (1.32)."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.api.fields import (
    EVERYTHING_FIELDS,
    FieldSelector,
    FieldSelectorError,
    _split_term,
    _split_terms,
    convert_field_label,
    convert_field_selector,
    escape_value,
    object_fields,
    parse_field_selector,
    supported_fields,
    unescape_value,
)

# upstream TestSelectorParse
GOOD = ["x=a,y=b,z=c", "", "x!=a,y=b", r"x=a||y\=b", r"x=a\=\=b"]


@pytest.mark.parametrize("text", GOOD, ids=[f"{t!r}-reprints" for t in GOOD])
def test_good_selector_reprints_itself(text: str) -> None:
    assert str(parse_field_selector(text)) == text


BAD = [
    ("x=a||y=b", "invalid field selector: unescaped character in value: 61"),
    ("x==a==b", "invalid field selector: unescaped character in value: 61"),
    ("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"),
    ("x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"),
    ("x in (a,b,c)", "invalid selector: 'x in (a,b,c)'; can't understand 'b'"),
    ("x", "invalid selector: 'x'; can't understand 'x'"),
    (r"x=\a", r"invalid field selector: invalid escape sequence: \a"),
    ("x=a\\", "invalid field selector: invalid escape sequence: \\"),
    ("x=a,y", "invalid selector: 'x=a,y'; can't understand 'y'"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[f"{t!r}-fails" for t, _ in BAD])
def test_bad_selector_raises_upstream_message(text: str, message: str) -> None:
    with pytest.raises(FieldSelectorError) as err:
        parse_field_selector(text)
    assert str(err.value) == message


def test_parse_is_deterministic_whatever_the_order() -> None:
    assert str(parse_field_selector("x=a,a=x")) == str(parse_field_selector("a=x,x=a")) == "a=x,x=a"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("a==b", [("a", "=", "b")]),
        ("a!=b", [("a", "!=", "b")]),
        ("a=", [("a", "=", "")]),
        ("=b", [("", "=", "b")]),
        ("a=!b", [("a", "=", "!b")]),
        (r"a=\\", [("a", "=", "\\")]),
        ("x=y,,", [("x", "=", "y")]),
        (",,", []),
        ("함=수,목=록", [("목", "=", "록"), ("함", "=", "수")]),
    ],
    ids=[
        "double-equals",
        "not-equals",
        "empty-value",
        "empty-field",
        "bang-value",
        "backslash",
        "empty-terms",
        "only-commas",
        "multi-byte",
    ],
)
def test_requirements_are_field_op_value_triples(
    text: str, want: list[tuple[str, str, str]]
) -> None:
    assert parse_field_selector(text).requirements == want


def test_double_equals_prints_as_single_equals() -> None:
    assert str(parse_field_selector("a==b")) == "a=b"


# upstream TestSelectorMatches
FIELDSET = {"foo": "bar", "baz": "blah", "complex": "=value\\,\\"}
MATCHES: list[tuple[str, dict[str, str], bool]] = [
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("foo=bar", FIELDSET, True),
    ("baz=blah", FIELDSET, True),
    ("foo=bar,baz=blah", FIELDSET, True),
    (r"foo=bar,baz=blah,complex=\=value\\\,\\", FIELDSET, True),
    ("foo=blah", FIELDSET, False),
    ("baz=bar", FIELDSET, False),
    ("foo=bar,foobar=bar,baz=blah", FIELDSET, False),
    ("missing=", {}, True),
    ("missing!=", {}, False),
    ("missing!=x", {}, True),
]


@pytest.mark.parametrize(
    ("text", "fields", "want"),
    MATCHES,
    ids=[f"{t!r}-{'matches' if w else 'rejects'}" for t, _, w in MATCHES],
)
def test_selector_matches_like_upstream(text: str, fields: dict[str, str], want: bool) -> None:
    assert parse_field_selector(text).matches(fields) is want


def test_everything_is_empty_and_matches_all() -> None:
    assert EVERYTHING_FIELDS.empty() and EVERYTHING_FIELDS.matches({"x": "y"})
    assert parse_field_selector("") == EVERYTHING_FIELDS
    assert not parse_field_selector("a=b").empty()


@pytest.mark.parametrize(
    ("text", "field", "want"),
    [
        ("spec.nodeName=n1", "spec.nodeName", "n1"),
        ("a=b,c=d", "c", "d"),
        ("a!=b", "a", None),
        ("a=b", "z", None),
    ],
    ids=["single", "second-term", "not-equals-is-not-exact", "absent"],
)
def test_requires_exact_match(text: str, field: str, want: str | None) -> None:
    assert parse_field_selector(text).requires_exact_match(field) == want


# upstream TestEscapeValue / TestUnescapeValue
ESCAPES = [
    ("", ""),
    ("a", "a"),
    ("=", r"\="),
    (",", r"\,"),
    ("\\", "\\\\"),
    (r"\=\,\\", r"\\\=\\\,\\\\"),
]


@pytest.mark.parametrize(("raw", "escaped"), ESCAPES, ids=[f"{r!r}" for r, _ in ESCAPES])
def test_escape_and_unescape_are_inverse(raw: str, escaped: str) -> None:
    assert escape_value(raw) == escaped
    assert unescape_value(escaped) == raw


UNESCAPE_ERRORS = [
    ("\\", "invalid field selector: invalid escape sequence: \\"),
    ("\\\\\\", "invalid field selector: invalid escape sequence: \\"),
    (r"\a", r"invalid field selector: invalid escape sequence: \a"),
    (",", "invalid field selector: unescaped character in value: 44"),
    ("x,y", "invalid field selector: unescaped character in value: 44"),
    ("=", "invalid field selector: unescaped character in value: 61"),
    ("x=y", "invalid field selector: unescaped character in value: 61"),
]


@pytest.mark.parametrize(
    ("text", "message"), UNESCAPE_ERRORS, ids=[repr(t) for t, _ in UNESCAPE_ERRORS]
)
def test_unescape_rejects_bad_sequences(text: str, message: str) -> None:
    with pytest.raises(FieldSelectorError) as err:
        unescape_value(text)
    assert str(err.value) == message


# upstream TestSplitTerms
SPLIT_TERMS: list[tuple[str, list[str]]] = [
    ("a", ["a"]),
    ("a=avalue", ["a=avalue"]),
    ("a=avalue,b=bvalue", ["a=avalue", "b=bvalue"]),
    ("a=avalue,b==bvalue,c!=cvalue", ["a=avalue", "b==bvalue", "c!=cvalue"]),
    ("", []),
    ("a=a,", ["a=a", ""]),
    (",a=a", ["", "a=a"]),
    (r"k=\,,k2=v2", [r"k=\,", "k2=v2"]),
    (r"k=\\,k2=v2", [r"k=\\", "k2=v2"]),
    (r"k=\\\,,k2=v2", [r"k=\\\,", "k2=v2"]),
    (r"k=\a\b\ ".rstrip(), [r"k=\a\b\ ".rstrip()]),
    ("k=\\", ["k=\\"]),
    ("함=수,목=록", ["함=수", "목=록"]),
]


@pytest.mark.parametrize(("text", "want"), SPLIT_TERMS, ids=[repr(t) for t, _ in SPLIT_TERMS])
def test_split_terms_honours_escaped_commas(text: str, want: list[str]) -> None:
    assert _split_terms(text) == want


# upstream TestSplitTerm
SPLIT_TERM: list[tuple[str, tuple[str, str, str] | None]] = [
    ("a=value", ("a", "=", "value")),
    ("b==value", ("b", "==", "value")),
    ("c!=value", ("c", "!=", "value")),
    ("", None),
    ("a", None),
    (r"k=\,", ("k", "=", r"\,")),
    (r"k=\=", ("k", "=", r"\=")),
    ("k=\\\\\\a\\b\\=\\,\\", ("k", "=", "\\\\\\a\\b\\=\\,\\")),
    ("함=수", ("함", "=", "수")),
]


@pytest.mark.parametrize(("term", "want"), SPLIT_TERM, ids=[repr(t) for t, _ in SPLIT_TERM])
def test_split_term_splits_at_the_first_operator(
    term: str, want: tuple[str, str, str] | None
) -> None:
    assert _split_term(term) == want


def test_field_selector_is_immutable_hashable_and_picklable() -> None:
    sel = parse_field_selector(r"a=b\,c,d!=e")
    assert hash(sel) == hash(parse_field_selector(r"d!=e,a=b\,c"))
    assert pickle.loads(pickle.dumps(sel)) == sel
    with pytest.raises(AttributeError):
        sel._terms = ()  # type: ignore[misc]
    with pytest.raises(ValueError):
        FieldSelector((("a", "in", "b"),))


# -- per-kind fields ---------------------------------------------------------------------------

POD: dict[str, Any] = {
    "metadata": {"name": "web-1", "namespace": "prod"},
    "spec": {
        "nodeName": "node-a",
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "serviceAccountName": "sa",
        "hostNetwork": True,
    },
    "status": {
        "phase": "Running",
        "podIP": "10.0.0.9",
        "podIPs": [{"ip": "10.0.0.9"}],
        "nominatedNodeName": "node-b",
    },
}

OBJECT_FIELDS: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    (
        "Pod",
        POD,
        {
            "metadata.name": "web-1",
            "metadata.namespace": "prod",
            "spec.nodeName": "node-a",
            "spec.restartPolicy": "Always",
            "spec.schedulerName": "default-scheduler",
            "spec.serviceAccountName": "sa",
            "spec.hostNetwork": "true",
            "status.phase": "Running",
            "status.podIP": "10.0.0.9",
            "status.nominatedNodeName": "node-b",
        },
    ),
    (
        "Pod",
        {
            "metadata": {"name": "p", "namespace": "d"},
            "spec": {"serviceAccount": "old"},
            "status": {"podIP": "1.2.3.4"},
        },
        {
            "metadata.name": "p",
            "metadata.namespace": "d",
            "spec.nodeName": "",
            "spec.restartPolicy": "",
            "spec.schedulerName": "",
            "spec.serviceAccountName": "old",
            "spec.hostNetwork": "false",
            "status.phase": "",
            "status.podIP": "1.2.3.4",
            "status.nominatedNodeName": "",
        },
    ),
    (
        "Node",
        {"metadata": {"name": "n1"}, "spec": {"unschedulable": True}},
        {"metadata.name": "n1", "spec.unschedulable": "true"},
    ),
    ("Node", {"metadata": {"name": "n2"}}, {"metadata.name": "n2", "spec.unschedulable": "false"}),
    (
        "Namespace",
        {"metadata": {"name": "prod"}, "status": {"phase": "Active"}},
        {"metadata.name": "prod", "status.phase": "Active", "name": "prod"},
    ),
    (
        "ReplicaSet",
        {"metadata": {"name": "rs", "namespace": "d"}, "status": {"replicas": 3}},
        {"metadata.name": "rs", "metadata.namespace": "d", "status.replicas": "3"},
    ),
    (
        "ReplicaSet",
        {"metadata": {"name": "rs", "namespace": "d"}},
        {"metadata.name": "rs", "metadata.namespace": "d", "status.replicas": "0"},
    ),
    (
        "Secret",
        {"metadata": {"name": "s", "namespace": "d"}, "type": "Opaque"},
        {"metadata.name": "s", "metadata.namespace": "d", "type": "Opaque"},
    ),
    (
        "Service",
        {
            "metadata": {"name": "svc", "namespace": "d"},
            "spec": {"clusterIP": "10.96.0.1", "type": "ClusterIP"},
        },
        {
            "metadata.name": "svc",
            "metadata.namespace": "d",
            "spec.clusterIP": "10.96.0.1",
            "spec.type": "ClusterIP",
        },
    ),
    (
        "Deployment",
        {"metadata": {"name": "dep", "namespace": "d"}},
        {"metadata.name": "dep", "metadata.namespace": "d"},
    ),
    ("StorageClass", {"metadata": {"name": "fast"}}, {"metadata.name": "fast"}),
]


@pytest.mark.parametrize(
    ("kind", "obj", "want"),
    OBJECT_FIELDS,
    ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(OBJECT_FIELDS)],
)
def test_object_fields_match_upstream_get_attrs(
    kind: str, obj: dict[str, Any], want: dict[str, str]
) -> None:
    assert object_fields(kind, obj) == want


def test_event_fields_fall_back_to_the_reporting_component_for_source() -> None:
    event = {
        "metadata": {"name": "e", "namespace": "d"},
        "involvedObject": {
            "kind": "Pod",
            "namespace": "d",
            "name": "p",
            "uid": "u1",
            "apiVersion": "v1",
            "resourceVersion": "7",
            "fieldPath": "spec",
        },
        "reason": "Scheduled",
        "reportingComponent": "default-scheduler",
        "type": "Normal",
    }
    assert object_fields("Event", event) == {
        "metadata.name": "e",
        "metadata.namespace": "d",
        "involvedObject.kind": "Pod",
        "involvedObject.namespace": "d",
        "involvedObject.name": "p",
        "involvedObject.uid": "u1",
        "involvedObject.apiVersion": "v1",
        "involvedObject.resourceVersion": "7",
        "involvedObject.fieldPath": "spec",
        "reason": "Scheduled",
        "reportingComponent": "default-scheduler",
        "source": "default-scheduler",
        "type": "Normal",
    }
    event["source"] = {"component": "kubelet"}
    assert object_fields("Event", event)["source"] == "kubelet"


def test_namespaced_flag_overrides_the_builtin_scope() -> None:
    assert "metadata.namespace" not in object_fields(
        "Widget", {"metadata": {"name": "w"}}, namespaced=False
    )
    assert (
        object_fields("Node", {"metadata": {"name": "n", "namespace": "x"}}, namespaced=True)[
            "metadata.namespace"
        ]
        == "x"
    )


@pytest.mark.parametrize(
    ("selector", "want"),
    [
        ("spec.nodeName=node-a", True),
        ("spec.nodeName=", False),
        ("status.phase!=Running", False),
        ("status.phase!=Pending,metadata.namespace=prod", True),
        ("spec.hostNetwork=true", True),
        ("status.podIPs=", True),
    ],
    ids=[
        "bound-to-node",
        "unbound",
        "phase-not-running",
        "phase-and-namespace",
        "host-network",
        "unserved-field-reads-empty",
    ],
)
def test_pod_selection_by_fields(selector: str, want: bool) -> None:
    sel = convert_field_selector("Pod", parse_field_selector(selector))
    assert sel.matches(object_fields("Pod", POD)) is want


SUPPORTED: list[tuple[str, set[str]]] = [
    (
        "Pod",
        {
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        },
    ),
    ("Node", {"metadata.name", "spec.unschedulable"}),
    ("Namespace", {"metadata.name", "status.phase"}),
    ("Secret", {"metadata.name", "metadata.namespace", "type"}),
    ("Service", {"metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"}),
    ("ReplicationController", {"metadata.name", "metadata.namespace", "status.replicas"}),
    ("ReplicaSet", {"metadata.name", "metadata.namespace"}),
    ("Deployment", {"metadata.name", "metadata.namespace"}),
    (
        "Event",
        {
            "metadata.name",
            "metadata.namespace",
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        },
    ),
]


@pytest.mark.parametrize(("kind", "want"), SUPPORTED, ids=[k for k, _ in SUPPORTED])
def test_supported_fields_follow_the_field_label_conversions(kind: str, want: set[str]) -> None:
    assert supported_fields(kind) == frozenset(want)
    for label in want:
        assert convert_field_label(kind, label) == label


CONVERT_ERRORS = [
    ("Pod", "spec.foo", "field label not supported: spec.foo"),
    ("Node", "metadata.namespace", "field label not supported: metadata.namespace"),
    ("Namespace", "name", "field label not supported: name"),
    ("Event", "message", "field label not supported: message"),
    (
        "ReplicaSet",
        "status.replicas",
        '"status.replicas" is not a known field selector: '
        'only "metadata.name", "metadata.namespace"',
    ),
    (
        "Deployment",
        "spec.paused",
        '"spec.paused" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ),
]


@pytest.mark.parametrize(
    ("kind", "label", "message"), CONVERT_ERRORS, ids=[f"{k}-{lbl}" for k, lbl, _ in CONVERT_ERRORS]
)
def test_unsupported_field_labels_are_rejected_with_upstream_text(
    kind: str, label: str, message: str
) -> None:
    with pytest.raises(FieldSelectorError) as err:
        convert_field_label(kind, label)
    assert str(err.value) == message


def test_pod_spec_host_is_renamed_to_node_name() -> None:
    sel = convert_field_selector("Pod", parse_field_selector("spec.host=node-a"))
    assert str(sel) == "spec.nodeName=node-a"
    assert sel.matches(object_fields("Pod", POD))


def test_converting_a_selector_rejects_the_first_unsupported_label() -> None:
    with pytest.raises(FieldSelectorError, match="field label not supported: spec.bogus"):
        convert_field_selector("Pod", parse_field_selector("spec.nodeName=a,spec.bogus=b"))


# -- properties --------------------------------------------------------------------------------

field_names = st.text("abcxyz.", min_size=1, max_size=8)
values = st.text(st.sampled_from(list("ab=,\\! é")), max_size=8)
terms = st.tuples(field_names, st.sampled_from(["=", "!="]), values)


@given(st.lists(terms, max_size=5))
def test_printed_selector_reparses_to_the_same_selector(
    raw_terms: list[tuple[str, str, str]],
) -> None:
    text = ",".join(f"{f}{op}{escape_value(v)}" for f, op, v in raw_terms)
    sel = parse_field_selector(text)
    assert sorted(sel.requirements) == sorted(raw_terms)
    again = parse_field_selector(str(sel))
    assert again == sel
    assert str(again) == str(sel)


@given(values)
def test_unescape_inverts_escape(value: str) -> None:
    assert unescape_value(escape_value(value)) == value
