"""Lease, Event, ConfigMap and PriorityClass hooks against upstream 1.32.

Cases carry facts from pkg/apis/coordination/validation/validation_test.go,
pkg/apis/core/validation/events_test.go, validation_test.go (TestValidateConfigMap*),
k8s.io/apimachinery/pkg/util/validation/validation_test.go (TestIsConfigMapKey) and
pkg/apis/scheduling/validation/validation_test.go.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sim.api.builtin.misc import CONFIGMAP, EVENT, LEASE, PRIORITYCLASS, is_config_map_key
from sim.api.kinds import Kind

Obj = dict[str, Any]

CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
QUALIFIED_NAME_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
    "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
IMMUTABLE = "Forbidden: field is immutable when `immutable` is set"


def checked(kind: Kind, obj: Obj) -> list[str]:
    kind.default(obj)
    kind.prepare_for_create(obj)
    return [e.message for e in kind.validate(obj)]


def checked_update(kind: Kind, old: Obj, new: Obj) -> list[str]:
    kind.default(new)
    kind.prepare_for_update(new, old)
    return [e.message for e in kind.validate(new) + kind.validate_update(new, old)]


def test_registration_facts() -> None:
    assert LEASE.api_version == "coordination.k8s.io/v1" and LEASE.allow_create_on_update
    assert EVENT.short_names == ("ev",) and EVENT.allow_create_on_update
    assert CONFIGMAP.short_names == ("cm",) and not CONFIGMAP.allow_create_on_update
    assert PRIORITYCLASS.short_names == ("pc",) and not PRIORITYCLASS.namespaced
    assert PRIORITYCLASS.api_version == "scheduling.k8s.io/v1"


# -- Lease -----------------------------------------------------------------------------------
def lease(**spec: Any) -> Obj:
    body = {"holderIdentity": "node-1", "leaseDurationSeconds": 40, **spec}
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "node-1", "namespace": "kube-node-lease"},
        "spec": body,
    }


LEASE_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("valid", {"leaseTransitions": 0, "renewTime": "2024-01-01T00:00:00.000000Z"}, []),
    ("holder-identity-is-free-text", {"holderIdentity": "Any Holder_1 !"}, []),
    (
        "zero-duration",
        {"leaseDurationSeconds": 0},
        ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"],
    ),
    (
        "negative-duration",
        {"leaseDurationSeconds": -1},
        ["spec.leaseDurationSeconds: Invalid value: -1: must be greater than 0"],
    ),
    (
        "negative-transitions",
        {"leaseTransitions": -1},
        ["spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"],
    ),
    ("strategy-dropped-while-gate-is-off", {"strategy": "Bogus", "preferredHolder": "x"}, []),
]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [(s, x) for _, s, x in LEASE_CASES],
    ids=[i for i, _, _ in LEASE_CASES],
)
def test_lease_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert checked(LEASE, lease(**spec)) == expected


def test_lease_keeps_strategy_fields_an_old_object_had() -> None:
    old = lease(strategy="OldestEmulationVersion", preferredHolder="a")
    new = lease(strategy="Bogus", preferredHolder="b")
    assert checked_update(LEASE, old, new) == [
        'spec.strategy.strategy: Unsupported value: "Bogus": '
        'supported values: "OldestEmulationVersion"'
    ]
    holder_only = lease(preferredHolder="b")
    old_holder = lease(preferredHolder="a")
    assert checked_update(LEASE, old_holder, holder_only) == [
        "spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"
    ]


# -- Event -----------------------------------------------------------------------------------
def event(namespace: str = "default", **fields: Any) -> Obj:
    body: Obj = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "web.17a8b2c3d4e5f6a7", "namespace": namespace},
        "involvedObject": {"kind": "Pod", "namespace": namespace, "name": "web"},
        "reason": "Scheduled",
        "message": "Successfully assigned default/web to node-1",
        "type": "Normal",
    }
    body.update(fields)
    return body


NEW_STYLE = {
    "eventTime": "2024-01-01T00:00:00.000000Z",
    "reportingComponent": "kubelet",
    "reportingInstance": "node-1",
    "action": "Started",
}

EVENT_CASES: list[tuple[str, Obj, list[str]]] = [
    ("old-style-valid", event(), []),
    ("type-is-not-checked-for-core-v1", event(type="Fine"), []),
    (
        "involved-object-in-other-namespace",
        event(involvedObject={"kind": "Pod", "name": "x", "namespace": "kube-system"}),
        ['involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace'],
    ),
    ("cluster-scoped-object-in-default", event(involvedObject={"kind": "Node", "name": "n1"}), []),
    (
        "cluster-scoped-object-elsewhere",
        event("team-a", involvedObject={"kind": "Node", "name": "n1"}),
        ['involvedObject.namespace: Invalid value: "": does not match event.namespace'],
    ),
    ("new-style-valid", event(**NEW_STYLE), []),
    (
        "new-style-cluster-scoped-in-kube-system",
        event("kube-system", involvedObject={"kind": "Node", "name": "n1"}, **NEW_STYLE),
        [],
    ),
    (
        "new-style-needs-reporting-fields",
        event(eventTime="2024-01-01T00:00:00.000000Z", reason=""),
        [
            "reportingComponent: Required value",
            'reportingComponent: Invalid value: "": name part must be non-empty',
            f'reportingComponent: Invalid value: "": {QUALIFIED_NAME_MSG}',
            "reportingInstance: Required value",
            "action: Required value",
            "reason: Required value",
        ],
    ),
    (
        "new-style-length-limits",
        event(**{**NEW_STYLE, "reason": "r" * 129, "message": "m" * 1025}),
        [
            'reason: Invalid value: "": can have at most 128 characters',
            'message: Invalid value: "": can have at most 1024 characters',
        ],
    ),
]


@pytest.mark.parametrize(
    ("obj", "expected"),
    [(o, x) for _, o, x in EVENT_CASES],
    ids=[i for i, _, _ in EVENT_CASES],
)
def test_event_validation(obj: Obj, expected: list[str]) -> None:
    assert checked(EVENT, obj) == expected


def test_event_update_revalidates_only() -> None:
    old = event()
    new = event(count=2, message="again")
    assert checked_update(EVENT, old, new) == []


# -- ConfigMap -------------------------------------------------------------------------------
def config_map(**fields: Any) -> Obj:
    body: Obj = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "default"},
        "data": {"LOG_LEVEL": "info", "app.properties": "a=1\n"},
    }
    body.update(fields)
    return body


CONFIG_MAP_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("valid", {}, []),
    ("binary-data", {"binaryData": {"logo.png": "iVBORw0KGgo="}}, []),
    (
        "space-in-key",
        {"data": {"app config": "x"}},
        [f'data[app config]: Invalid value: "app config": {CONFIG_KEY_MSG}'],
    ),
    ("dot-dot-key", {"data": {"..": "x"}}, ["data[..]: Invalid value: \"..\": must not be '..'"]),
    (
        "dot-dot-prefix",
        {"data": {"..data": "x"}},
        ["data[..data]: Invalid value: \"..data\": must not start with '..'"],
    ),
    (
        "binary-key",
        {"binaryData": {"a/b": "eA=="}},
        [f'binaryData[a/b]: Invalid value: "a/b": {CONFIG_KEY_MSG}'],
    ),
    (
        "key-in-both",
        {"data": {"k": "v"}, "binaryData": {"k": "dg=="}},
        ['data[k]: Invalid value: "k": duplicate of key present in binaryData'],
    ),
    ("exactly-one-mebibyte", {"data": {"big": "x" * (1024 * 1024)}}, []),
    (
        "over-one-mebibyte",
        {"data": {"big": "x" * (1024 * 1024), "more": "y"}},
        ["[]: Too long: may not be more than 1048576 bytes"],
    ),
    (
        "binary-counts-decoded-bytes",
        {"data": {"big": "x" * (1024 * 1024 - 3)}, "binaryData": {"b": "AAAA"}},
        [],
    ),
    (
        "binary-pushes-over-the-limit",
        {"data": {"big": "x" * (1024 * 1024 - 2)}, "binaryData": {"b": "AAAA"}},
        ["[]: Too long: may not be more than 1048576 bytes"],
    ),
]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [(f, x) for _, f, x in CONFIG_MAP_CASES],
    ids=[i for i, _, _ in CONFIG_MAP_CASES],
)
def test_config_map_validation(fields: dict[str, Any], expected: list[str]) -> None:
    assert checked(CONFIGMAP, config_map(**fields)) == expected


IMMUTABLE_CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[str]]] = [
    ("mutable-data-changes", {}, {"data": {"x": "1"}}, []),
    ("immutable-unchanged", {"immutable": True}, {"immutable": True}, []),
    (
        "immutable-data-change",
        {"immutable": True},
        {"immutable": True, "data": {"x": "1"}},
        [f"data: {IMMUTABLE}"],
    ),
    (
        "immutable-cannot-be-unset",
        {"immutable": True},
        {"immutable": False},
        [f"immutable: {IMMUTABLE}"],
    ),
    (
        "immutable-binary-data-change",
        {"immutable": True},
        {"immutable": True, "binaryData": {"b": "eA=="}},
        [f"binaryData: {IMMUTABLE}"],
    ),
    ("becoming-immutable-is-fine", {}, {"immutable": True}, []),
]


@pytest.mark.parametrize(
    ("old_fields", "new_fields", "expected"),
    [(o, n, x) for _, o, n, x in IMMUTABLE_CASES],
    ids=[i for i, _, _, _ in IMMUTABLE_CASES],
)
def test_config_map_immutability(
    old_fields: dict[str, Any], new_fields: dict[str, Any], expected: list[str]
) -> None:
    old = config_map(**old_fields)
    new = copy.deepcopy(old)
    new.update(new_fields)
    assert checked_update(CONFIGMAP, old, new) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a", []),
        ("_-.a", []),
        ("A.B_c-1", []),
        ("a" * 253, []),
        ("a" * 254, ["must be no more than 253 characters"]),
        (".", ["must not be '.'"]),
        ("..", ["must not be '..'"]),
        ("..a", ["must not start with '..'"]),
        ("a:b", [CONFIG_KEY_MSG]),
        ("", [CONFIG_KEY_MSG]),
        ("a\n", [CONFIG_KEY_MSG]),
    ],
    ids=[
        "letter",
        "punctuation",
        "mixed-case",
        "253-chars",
        "254-chars",
        "dot",
        "dot-dot",
        "dot-dot-prefix",
        "colon",
        "empty",
        "trailing-newline",
    ],
)
def test_is_config_map_key(key: str, expected: list[str]) -> None:
    assert is_config_map_key(key) == expected


# -- PriorityClass ---------------------------------------------------------------------------
def priority_class(name: str = "high-priority", **fields: Any) -> Obj:
    body: Obj = {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": name},
        "value": 1000000,
    }
    body.update(fields)
    return body


def test_priority_class_defaults_preemption_policy() -> None:
    obj = priority_class()
    PRIORITYCLASS.default(obj)
    assert obj["preemptionPolicy"] == "PreemptLowerPriority"
    never = priority_class(preemptionPolicy="Never")
    PRIORITYCLASS.default(never)
    assert never["preemptionPolicy"] == "Never"


RESERVED = (
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for "
    "system use only. error: "
)

PRIORITY_CASES: list[tuple[str, Obj, list[str]]] = [
    ("valid", priority_class(globalDefault=True, description="batch"), []),
    ("highest-user-value", priority_class(value=1_000_000_000), []),
    ("negative-value", priority_class(value=-5), []),
    (
        "above-user-range",
        priority_class(value=1_000_000_001),
        ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"],
    ),
    ("system-node-critical", priority_class("system-node-critical", value=2000001000), []),
    ("system-cluster-critical", priority_class("system-cluster-critical", value=2000000000), []),
    (
        "unknown-system-name",
        priority_class("system-important"),
        [RESERVED + "system-important is not a known system priority class"],
    ),
    (
        "system-class-wrong-value",
        priority_class("system-node-critical", value=2000000000),
        [RESERVED + "value of system-node-critical PriorityClass must be 2000001000"],
    ),
    (
        "system-class-global-default",
        priority_class("system-cluster-critical", value=2000000000, globalDefault=True),
        [RESERVED + "globalDefault of system-cluster-critical PriorityClass must be false"],
    ),
    (
        "unsupported-preemption-policy",
        priority_class(preemptionPolicy="Sometimes"),
        [
            'preemptionPolicy: Unsupported value: "Sometimes": '
            'supported values: "PreemptLowerPriority", "Never"'
        ],
    ),
    (
        "empty-preemption-policy",
        priority_class(preemptionPolicy=""),
        ["preemptionPolicy: Required value"],
    ),
]


@pytest.mark.parametrize(
    ("obj", "expected"),
    [(o, x) for _, o, x in PRIORITY_CASES],
    ids=[i for i, _, _ in PRIORITY_CASES],
)
def test_priority_class_validation(obj: Obj, expected: list[str]) -> None:
    assert checked(PRIORITYCLASS, obj) == expected


PRIORITY_UPDATE_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("description-and-default-may-change", {"description": "x", "globalDefault": True}, []),
    ("value-is-immutable", {"value": 5}, ["value: Forbidden: may not be changed in an update."]),
    (
        "preemption-policy-is-immutable",
        {"preemptionPolicy": "Never"},
        ['preemptionPolicy: Invalid value: "Never": field is immutable'],
    ),
]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [(f, x) for _, f, x in PRIORITY_UPDATE_CASES],
    ids=[i for i, _, _ in PRIORITY_UPDATE_CASES],
)
def test_priority_class_update(fields: dict[str, Any], expected: list[str]) -> None:
    old = priority_class()
    PRIORITYCLASS.default(old)
    new = copy.deepcopy(old)
    new.update(fields)
    assert checked_update(PRIORITYCLASS, old, new) == expected
