"""Namespace defaulting, strategy and validation against upstream 1.32.

Facts from pkg/apis/core/v1/defaults_test.go (TestSetDefaultNamespace), pkg/registry/core/
namespace/strategy_test.go and pkg/apis/core/validation/validation_test.go (TestValidateNamespace,
TestValidateNamespaceFinalizeUpdate, TestValidateNamespaceStatusUpdate).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sim.api.builtin.namespace import NAMESPACE

QNAME = (
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
    "subdomain prefix and '/' (e.g. 'example.com/MyName')"
)
NOT_STANDARD = "name is neither a standard finalizer name nor is it fully qualified"


def make_ns(name: str = "team-a", **fields: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name},
        **copy.deepcopy(fields),
    }


def created(name: str = "team-a", **fields: Any) -> dict[str, Any]:
    ns = make_ns(name, **fields)
    NAMESPACE.default(ns)
    NAMESPACE.prepare_for_create(ns)
    return ns


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        pytest.param(None, {"kubernetes.io/metadata.name": "team-a"}, id="label-added"),
        pytest.param(
            {"env": "prod"},
            {"env": "prod", "kubernetes.io/metadata.name": "team-a"},
            id="label-added-to-existing",
        ),
        pytest.param(
            {"kubernetes.io/metadata.name": "other"},
            {"kubernetes.io/metadata.name": "team-a"},
            id="label-always-equals-name",
        ),
    ],
)
def test_metadata_name_label(labels: dict[str, str] | None, expected: dict[str, str]) -> None:
    ns = make_ns()
    if labels is not None:
        ns["metadata"]["labels"] = dict(labels)
    NAMESPACE.default(ns)
    assert ns["metadata"]["labels"] == expected


def test_generate_name_gets_the_label_once_named() -> None:
    ns: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"generateName": "tmp-"},
    }
    NAMESPACE.default(ns)
    assert "labels" not in ns["metadata"]
    ns["metadata"]["name"] = "tmp-x7k2p"
    NAMESPACE.prepare_for_create(ns)
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "tmp-x7k2p"}


@pytest.mark.parametrize(
    ("fields", "finalizers"),
    [
        pytest.param({}, ["kubernetes"], id="kubernetes-finalizer-added"),
        pytest.param(
            {"spec": {"finalizers": ["example.com/cleanup"]}},
            ["example.com/cleanup", "kubernetes"],
            id="appended-to-user-finalizers",
        ),
        pytest.param(
            {"spec": {"finalizers": ["kubernetes", "example.com/cleanup"]}},
            ["kubernetes", "example.com/cleanup"],
            id="not-duplicated",
        ),
    ],
)
def test_create_adds_the_kubernetes_finalizer(fields: dict, finalizers: list[str]) -> None:
    ns = created(**fields)
    assert ns["spec"]["finalizers"] == finalizers
    assert ns["status"] == {"phase": "Active"}


def test_create_resets_the_phase() -> None:
    assert created(status={"phase": "Terminating"})["status"] == {"phase": "Active"}


def test_update_keeps_finalizers_status_and_label() -> None:
    old = created()
    new = copy.deepcopy(old)
    new["spec"]["finalizers"] = []
    new["status"] = {"phase": "Terminating"}
    new["metadata"]["labels"]["kubernetes.io/metadata.name"] = "renamed"
    NAMESPACE.default(new)
    NAMESPACE.prepare_for_update(new, old)
    assert new["spec"]["finalizers"] == ["kubernetes"]
    assert new["status"] == {"phase": "Active"}
    assert new["metadata"]["labels"]["kubernetes.io/metadata.name"] == "team-a"
    assert NAMESPACE.validate_update(new, old) == []


@pytest.mark.parametrize(
    ("finalizers", "expected"),
    [
        pytest.param(["kubernetes", "example.com/cleanup"], [], id="standard-and-qualified"),
        pytest.param(["orphan"], [], id="other-standard-names"),
        pytest.param(
            ["cleanup"],
            [f'spec.finalizers: Invalid value: "cleanup": {NOT_STANDARD}'],
            id="unqualified-must-be-standard",
        ),
        pytest.param(
            ["a/b/c"], [f'spec.finalizers: Invalid value: "a/b/c": {QNAME}'], id="qualified-names"
        ),
        pytest.param(
            ["bad name"],
            [
                'spec.finalizers: Invalid value: "bad name": name part must consist of '
                "alphanumeric characters, '-', '_' or '.', and must start and end with an "
                "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
                "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                f'spec.finalizers: Invalid value: "bad name": {NOT_STANDARD}',
            ],
            id="both-rules-apply",
        ),
    ],
)
def test_validate_finalizers(finalizers: list[str], expected: list[str]) -> None:
    ns = created(spec={"finalizers": finalizers})
    assert [e.message for e in NAMESPACE.validate(ns)] == expected


@pytest.mark.parametrize(
    ("deleting", "phase", "expected"),
    [
        pytest.param(False, "Active", [], id="active"),
        pytest.param(True, "Terminating", [], id="terminating-while-deleting"),
        pytest.param(
            False,
            "Terminating",
            [
                "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if "
                "`deletionTimestamp` is empty"
            ],
            id="terminating-needs-deletion",
        ),
        pytest.param(
            True,
            "Active",
            [
                "status.Phase: Invalid value: \"Active\": may only be 'Terminating' if "
                "`deletionTimestamp` is not empty"
            ],
            id="deleting-must-terminate",
        ),
    ],
)
def test_status_update_phase(deleting: bool, phase: str, expected: list[str]) -> None:
    old = created()
    new = copy.deepcopy(old)
    if deleting:
        new["metadata"]["deletionTimestamp"] = "2025-01-01T00:00:00Z"
    new["status"] = {"phase": phase}
    assert [e.message for e in NAMESPACE.validate_status_update(new, old)] == expected


def test_finalize_update_paths_are_indexed() -> None:
    old = created()
    new = copy.deepcopy(old)
    new["spec"]["finalizers"] = ["kubernetes", "cleanup"]
    check = NAMESPACE.extra["validate_finalize_update"]
    assert [e.message for e in check(new, old)] == [
        f'spec.finalizers[1]: Invalid value: "cleanup": {NOT_STANDARD}'
    ]


def test_kind_metadata() -> None:
    assert (NAMESPACE.plural, NAMESPACE.short_names, NAMESPACE.namespaced) == (
        "namespaces",
        ("ns",),
        False,
    )
    assert NAMESPACE.subresources == ("status", "finalize")
    assert NAMESPACE.name_validator is not None
    assert NAMESPACE.name_validator("a.b", False) == ["must not contain dots"]
