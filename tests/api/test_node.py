"""Node defaulting, strategy and validation against upstream 1.32.

Facts from pkg/apis/core/v1/defaults_test.go (TestSetDefaultNodeStatusAllocatable),
pkg/apis/core/validation/validation_test.go (TestValidateNode, TestValidateNodeUpdate) and
pkg/registry/core/node/strategy.go.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sim.api.builtin.node import NODE

QNAME = (
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
    "subdomain prefix and '/' (e.g. 'example.com/MyName')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value', "
    " or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
PODCIDR_CHANGE = (
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'
)


def make_node(spec: dict[str, Any] | None = None, status: dict[str, Any] | None = None) -> dict:
    node: dict[str, Any] = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}}
    if spec is not None:
        node["spec"] = copy.deepcopy(spec)
    if status is not None:
        node["status"] = copy.deepcopy(status)
    return node


def created(spec: dict[str, Any] | None = None, status: dict[str, Any] | None = None) -> dict:
    node = make_node(spec, status)
    NODE.default(node)
    NODE.prepare_for_create(node)
    return node


def messages(node: dict[str, Any]) -> list[str]:
    return [e.message for e in NODE.validate(node)]


# -------------------------------------------------------------------------------------------
# Defaulting and strategy
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "status", "expected_spec", "expected_status"),
    [
        pytest.param(
            None,
            {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
            None,
            {
                "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            },
            id="allocatable-defaults-to-capacity",
        ),
        pytest.param(
            None,
            {"capacity": {"cpu": "4"}, "allocatable": {"cpu": "3800m"}},
            None,
            {"capacity": {"cpu": "4"}, "allocatable": {"cpu": "3800m"}},
            id="allocatable-kept",
        ),
        pytest.param(
            None,
            {"capacity": {"cpu": 8, "memory": "0.5Gi"}},
            None,
            {
                "capacity": {"cpu": "8", "memory": "512Mi"},
                "allocatable": {"cpu": "8", "memory": "512Mi"},
            },
            id="quantities-canonical",
        ),
        pytest.param(
            {"podCIDR": "10.244.1.0/24"},
            None,
            {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"]},
            None,
            id="pod-cidr-fills-pod-cidrs",
        ),
        pytest.param(
            {"podCIDRs": ["10.244.1.0/24", "fd00::/64"]},
            None,
            {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24", "fd00::/64"]},
            None,
            id="pod-cidrs-fill-pod-cidr",
        ),
        pytest.param(
            {"configSource": {"configMap": {"name": "kubelet"}}, "unschedulable": True},
            {"config": {"active": {}}},
            {"unschedulable": True},
            {},
            id="config-source-dropped-on-create",
        ),
    ],
)
def test_defaults_and_create(
    spec: dict | None, status: dict | None, expected_spec: dict | None, expected_status: dict | None
) -> None:
    node = created(spec, status)
    assert node.get("spec") == expected_spec
    assert node.get("status") == expected_status


def test_update_keeps_the_old_status() -> None:
    old = created({"unschedulable": False}, {"capacity": {"cpu": "4"}})
    new = copy.deepcopy(old)
    new["spec"]["unschedulable"] = True
    new["status"] = {"capacity": {"cpu": "64"}}
    NODE.prepare_for_update(new, old)
    assert new["status"] == old["status"]
    assert new["spec"]["unschedulable"] is True


# -------------------------------------------------------------------------------------------
# ValidateNode
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "status"),
    [
        pytest.param(None, None, id="empty-node"),
        pytest.param(
            {
                "taints": [
                    {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
                    {"key": "dedicated", "value": "gpu", "effect": "NoExecute"},
                    {
                        "key": "node.kubernetes.io/unreachable",
                        "effect": "NoExecute",
                        "timeAdded": "2025-01-01T00:00:00Z",
                    },
                ]
            },
            None,
            id="taints-unique-by-key-and-effect",
        ),
        pytest.param(
            None,
            {
                "capacity": {
                    "cpu": "4",
                    "memory": "16Gi",
                    "pods": "110",
                    "example.com/gpu": "2",
                    "hugepages-2Mi": "0",
                }
            },
            id="capacity",
        ),
        pytest.param({"podCIDRs": ["10.244.0.0/24", "fd00:10:244::/64"]}, None, id="dual-stack"),
        pytest.param({"podCIDR": "10.244.0.1/24"}, None, id="host-bits-are-fine"),
        pytest.param({"podCIDR": "010.244.000.000/24"}, None, id="leading-zeros-are-sloppy-ok"),
    ],
)
def test_valid_nodes(spec: dict | None, status: dict | None) -> None:
    assert messages(created(spec, status)) == []


@pytest.mark.parametrize(
    ("spec", "status", "expected"),
    [
        pytest.param(
            {"taints": [{"key": "", "effect": "NoSchedule"}]},
            None,
            [
                'metadata.taints[0].key: Invalid value: "": name part must be non-empty',
                'metadata.taints[0].key: Invalid value: "": name part must consist of '
                "alphanumeric characters, '-', '_' or '.', and must start and end with an "
                "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
                "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ],
            id="taint-key-required",
        ),
        pytest.param(
            {"taints": [{"key": "a/b/c", "effect": "NoSchedule"}]},
            None,
            [f'metadata.taints[0].key: Invalid value: "a/b/c": {QNAME}'],
            id="taint-key-qualified",
        ),
        pytest.param(
            {"taints": [{"key": "k", "value": "no spaces", "effect": "NoSchedule"}]},
            None,
            [f'metadata.taints[0].value: Invalid value: "no spaces": {LABEL_VALUE}'],
            id="taint-value-label-value",
        ),
        pytest.param(
            {"taints": [{"key": "k"}]},
            None,
            ["metadata.taints[0].effect: Required value"],
            id="taint-effect-required",
        ),
        pytest.param(
            {"taints": [{"key": "k", "effect": "NoRun"}]},
            None,
            [
                'metadata.taints[0].effect: Unsupported value: "NoRun": supported values: '
                '"NoSchedule", "PreferNoSchedule", "NoExecute"'
            ],
            id="taint-effect-supported",
        ),
        pytest.param(
            {
                "taints": [
                    {"key": "k", "value": "a", "effect": "NoSchedule"},
                    {"key": "k", "value": "b", "effect": "NoSchedule"},
                ]
            },
            None,
            [
                'metadata.taints[1]: Duplicate value: core.Taint{Key:"k", Value:"b", '
                'Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by '
                "key and effect pair"
            ],
            id="taints-unique",
        ),
        pytest.param(
            None,
            {"capacity": {"cpu": "-1"}},
            [
                'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
                'status.allocatable.cpu: Invalid value: "-1": must be greater than or equal to 0',
            ],
            id="capacity-non-negative",
        ),
        pytest.param(
            None,
            {"capacity": {"cpu": "4"}, "allocatable": {"pods": "1.5"}},
            ["status.allocatable.pods: Invalid value: 1500m: must be an integer"],
            id="pods-whole-number",
        ),
        pytest.param(
            None,
            {"allocatable": {"example.com/gpu": "0.5"}},
            ["status.allocatable.example.com/gpu: Invalid value: 500m: must be an integer"],
            id="extended-resources-whole-number",
        ),
        pytest.param(
            {"podCIDRs": ["10.244.0.0/33"]},
            None,
            [f'spec.podCIDRs[0]: Invalid value: "10.244.0.0/33": {CIDR}'],
            id="pod-cidr-valid",
        ),
        pytest.param(
            {"podCIDR": "10.244.0.0"},
            None,
            [f'spec.podCIDRs[0]: Invalid value: "10.244.0.0": {CIDR}'],
            id="pod-cidr-needs-a-prefix",
        ),
        pytest.param(
            {"podCIDRs": ["10.244.0.0/24", "10.245.0.0/24"]},
            None,
            [
                'spec.podCIDRs: Invalid value: []string{"10.244.0.0/24", "10.245.0.0/24"}: '
                "may specify no more than one CIDR for each IP family"
            ],
            id="one-cidr-per-family",
        ),
        pytest.param(
            {"podCIDRs": ["10.244.0.0/24", "fd00::/64", "10.245.0.0/24"]},
            None,
            [
                'spec.podCIDRs: Invalid value: []string{"10.244.0.0/24", "fd00::/64", '
                '"10.245.0.0/24"}: may specify no more than one CIDR for each IP family'
            ],
            id="at-most-two-cidrs",
        ),
        pytest.param(
            {"podCIDRs": ["10.244.0.0/24", "10.244.0.0/24"]},
            None,
            [
                'spec.podCIDRs: Invalid value: []string{"10.244.0.0/24", "10.244.0.0/24"}: '
                "may specify no more than one CIDR for each IP family",
                'spec.podCIDRs[1]: Duplicate value: "10.244.0.0/24"',
            ],
            id="cidrs-unique",
        ),
    ],
)
def test_invalid_nodes(spec: dict | None, status: dict | None, expected: list[str]) -> None:
    assert messages(created(spec, status)) == expected


# -------------------------------------------------------------------------------------------
# ValidateNodeUpdate
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old_spec", "new_spec", "expected"),
    [
        pytest.param({}, {"podCIDR": "10.244.1.0/24"}, [], id="pod-cidr-may-be-set-once"),
        pytest.param(
            {"podCIDR": "10.244.1.0/24"},
            {"podCIDR": "10.244.2.0/24"},
            [PODCIDR_CHANGE],
            id="pod-cidr-may-not-change",
        ),
        pytest.param(
            {"podCIDRs": ["10.244.1.0/24"]},
            {"podCIDRs": ["10.244.1.0/24", "fd00::/64"]},
            [PODCIDR_CHANGE],
            id="pod-cidrs-may-not-grow",
        ),
        pytest.param(
            {"podCIDRs": ["10.244.1.0/24", "fd00::/64"]},
            {"podCIDRs": ["10.244.2.0/24", "fd01::/64"]},
            [PODCIDR_CHANGE, PODCIDR_CHANGE],
            id="one-error-per-changed-cidr",
        ),
        pytest.param({}, {"providerID": "kubesim://node-1"}, [], id="provider-id-may-be-set-once"),
        pytest.param(
            {"providerID": "kubesim://node-1"},
            {"providerID": "kubesim://node-2"},
            [
                "spec.providerID: Forbidden: node updates may not change providerID except "
                'from "" to valid'
            ],
            id="provider-id-may-not-change",
        ),
        pytest.param(
            {"externalID": "a"},
            {"externalID": "b"},
            ["spec.externalID: Forbidden: may not be updated"],
            id="external-id-immutable",
        ),
        pytest.param(
            {},
            {"unschedulable": True, "taints": [{"key": "k", "effect": "NoSchedule"}]},
            [],
            id="taints-and-cordon-may-change",
        ),
    ],
)
def test_node_updates(old_spec: dict, new_spec: dict, expected: list[str]) -> None:
    old = created(old_spec)
    new = make_node(new_spec)
    NODE.default(new)
    NODE.prepare_for_update(new, old)
    assert [e.message for e in NODE.validate_update(new, old)] == expected


def test_status_update_checks_addresses_resources_and_taints() -> None:
    old = created({"taints": [{"key": "k", "effect": "NoRun"}]}, {})
    new = copy.deepcopy(old)
    new["status"] = {
        "capacity": {"cpu": "-1"},
        "allocatable": {"cpu": "1"},
        "addresses": [
            {"type": "InternalIP", "address": "10.0.0.1"},
            {"type": "InternalIP", "address": "10.0.0.1"},
        ],
    }
    NODE.default(new)
    assert [e.message for e in NODE.validate_status_update(new, old)] == [
        'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
        'status.addresses[1]: Duplicate value: core.NodeAddress{Type:"InternalIP", '
        'Address:"10.0.0.1"}',
        'metadata.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", '
        '"PreferNoSchedule", "NoExecute"',
    ]


def test_kind_metadata() -> None:
    assert (NODE.plural, NODE.short_names, NODE.namespaced, NODE.subresources) == (
        "nodes",
        ("no",),
        False,
        ("status", "proxy"),
    )
    assert NODE.allow_create_on_update
