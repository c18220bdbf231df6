"""NodeAffinity, with the cases of upstream's
pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go (TestNodeAffinity,
TestNodeAffinityPriority) as facts: Filter's code and reason per case, normalized scores.

PreFilterResult node-name sets are not observable through explain; where upstream's PreFilter
narrows the nodes, the node it leaves out shows as the Filter rejection upstream expects.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.scheduler import explain
from tests.scheduler.upstream.st import config, filters, make_node, make_pod, scores

PLUGIN = "NodeAffinity"
UNRESOLVABLE = "UnschedulableAndUnresolvable"
POD = (UNRESOLVABLE, ("node(s) didn't match Pod's node affinity/selector",))
ENFORCED = (UNRESOLVABLE, ("node(s) didn't match scheduler-enforced node affinity",))
OK = ("Success", ())


def expr(key: str, op: str, *values: str) -> dict[str, Any]:
    e: dict[str, Any] = {"key": key, "operator": op}
    if values:
        e["values"] = list(values)
    return e


def required(*terms: dict[str, Any]) -> dict[str, Any]:
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}
        }
    }


def name_in(*names: str) -> dict[str, Any]:
    return expr("metadata.name", "In", *names)


FILTER_CASES: list[tuple[str, dict[str, Any], dict[str, str], str, dict[str, Any] | None, Any]] = [
    ("missing labels", {"nodeSelector": {"foo": "bar"}}, {}, "node1", None, POD),
    ("same labels", {"nodeSelector": {"foo": "bar"}}, {"foo": "bar"}, "node1", None, OK),
    (
        "node labels are superset",
        {"nodeSelector": {"foo": "bar"}},
        {"foo": "bar", "baz": "blah"},
        "node1",
        None,
        OK,
    ),
    (
        "node labels are subset",
        {"nodeSelector": {"foo": "bar", "baz": "blah"}},
        {"foo": "bar"},
        "node1",
        None,
        POD,
    ),
    (
        "Pod with matchExpressions using In operator that matches the existing node",
        {"affinity": required({"matchExpressions": [expr("foo", "In", "bar", "value2")]})},
        {"foo": "bar"},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with matchExpressions using Gt operator that matches the existing node",
        {"affinity": required({"matchExpressions": [expr("kernel-version", "Gt", "0204")]})},
        {"kernel-version": "0206"},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with matchExpressions using NotIn operator that matches the existing node",
        {"affinity": required({"matchExpressions": [expr("mem-type", "NotIn", "DDR", "DDR2")]})},
        {"mem-type": "DDR3"},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with matchExpressions using Exists operator that matches the existing node",
        {"affinity": required({"matchExpressions": [expr("GPU", "Exists")]})},
        {"GPU": "NVIDIA-GRID-K1"},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with affinity that don't match node's labels won't schedule onto the node",
        {"affinity": required({"matchExpressions": [expr("foo", "In", "value1", "value2")]})},
        {"foo": "bar"},
        "node1",
        None,
        POD,
    ),
    (
        "Pod with empty MatchExpressions is not a valid value will match no objects and won't "
        "schedule onto the node",
        {"affinity": required({"matchExpressions": []})},
        {"foo": "bar"},
        "node1",
        None,
        POD,
    ),
    ("Pod with no Affinity will schedule onto a node", {}, {"foo": "bar"}, "node1", None, OK),
    (
        "Pod with Affinity but nil NodeSelector will schedule onto a node",
        {"affinity": {"nodeAffinity": {}}},
        {"foo": "bar"},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with multiple matchExpressions ANDed that matches the existing node",
        {
            "affinity": required(
                {"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "NotIn", "AMD", "INTER")]}
            )
        },
        {"GPU": "NVIDIA-GRID-K1"},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with multiple matchExpressions ANDed that doesn't match the existing node",
        {
            "affinity": required(
                {"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "In", "AMD", "INTER")]}
            )
        },
        {"GPU": "NVIDIA-GRID-K1"},
        "node1",
        None,
        POD,
    ),
    (
        "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and "
        "will schedule onto the node",
        {
            "affinity": required(
                {"matchExpressions": [expr("foo", "In", "bar", "value2")]},
                {"matchExpressions": [expr("diffkey", "In", "wrong", "value2")]},
            )
        },
        {"foo": "bar"},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) "
        "both are satisfied, will schedule onto the node",
        {
            "nodeSelector": {"foo": "bar"},
            "affinity": required({"matchExpressions": [expr("foo", "Exists")]}),
        },
        {"foo": "bar"},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing "
        "that we are deprecating) is not satisfied, won't schedule onto the node",
        {
            "nodeSelector": {"foo": "bar"},
            "affinity": required({"matchExpressions": [expr("foo", "Exists")]}),
        },
        {"foo": "barrrrrr"},
        "node1",
        None,
        POD,
    ),
    (
        "Pod with an invalid value in Affinity term won't be scheduled onto the node",
        {
            "affinity": required(
                {"matchExpressions": [expr("foo", "NotIn", "invalid value: ___@#$%^")]}
            )
        },
        {"foo": "bar"},
        "node1",
        None,
        POD,
    ),
    (
        "Pod with matchFields using In operator that matches the existing node",
        {"affinity": required({"matchFields": [name_in("node1")]})},
        {},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with matchFields using In operator that does not match the existing node",
        {"affinity": required({"matchFields": [name_in("node1")]})},
        {},
        "node2",
        None,
        POD,
    ),
    (
        "Pod with two terms: matchFields does not match, but matchExpressions matches",
        {
            "affinity": required(
                {"matchFields": [name_in("node1")]},
                {"matchExpressions": [expr("foo", "In", "bar")]},
            )
        },
        {"foo": "bar"},
        "node2",
        None,
        OK,
    ),
    (
        "Pod with one term: matchFields does not match, but matchExpressions matches",
        {
            "affinity": required(
                {"matchFields": [name_in("node1")], "matchExpressions": [expr("foo", "In", "bar")]}
            )
        },
        {"foo": "bar"},
        "node2",
        None,
        POD,
    ),
    (
        "Pod with one term: both matchFields and matchExpressions match",
        {
            "affinity": required(
                {"matchFields": [name_in("node1")], "matchExpressions": [expr("foo", "In", "bar")]}
            )
        },
        {"foo": "bar"},
        "node1",
        None,
        OK,
    ),
    (
        "Pod with two terms: both matchFields and matchExpressions do not match",
        {
            "affinity": required(
                {"matchFields": [name_in("node1")]},
                {"matchExpressions": [expr("foo", "In", "not-match-to-bar")]},
            )
        },
        {"foo": "bar"},
        "node2",
        None,
        POD,
    ),
    (
        "Pod with two terms of node.Name affinity",
        {
            "affinity": required(
                {"matchFields": [name_in("node1")]}, {"matchFields": [name_in("node2")]}
            )
        },
        {},
        "node2",
        None,
        OK,
    ),
    (
        "Matches added affinity and Pod's node affinity",
        {"affinity": required({"matchExpressions": [expr("zone", "In", "foo")]})},
        {"zone": "foo"},
        "node2",
        {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchFields": [name_in("node2")]}]
            }
        },
        OK,
    ),
    (
        "Matches added affinity but not Pod's node affinity",
        {"affinity": required({"matchExpressions": [expr("zone", "In", "bar")]})},
        {"zone": "foo"},
        "node2",
        {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchFields": [name_in("node2")]}]
            }
        },
        POD,
    ),
    (
        "Doesn't match added affinity",
        {},
        {"zone": "foo"},
        "node2",
        {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [expr("zone", "In", "bar")]}]
            }
        },
        ENFORCED,
    ),
]


@pytest.mark.parametrize(
    ("case", "spec", "labels", "node_name", "added", "want"),
    FILTER_CASES,
    ids=[c[0] for c in FILTER_CASES],
)
def test_node_affinity(
    case: str, spec: dict[str, Any], labels: dict[str, str], node_name: str, added: Any, want: Any
) -> None:
    args = {"addedAffinity": added} if added else None
    cfg = config(PLUGIN, args, points=("filter",))
    pod = make_pod("p", **spec)
    node = make_node(node_name, labels=labels)
    assert filters(PLUGIN, pod, [node], cfg=cfg) == {node_name: want}


def test_node_affinity_two_conflicting_match_field_requirements() -> None:
    """ "Pod with two conflicting mach field requirements": PreFilter is UnschedulableAndUnresolvable
    with "pod affinity terms conflict", so no node passes."""
    pod = make_pod("p", affinity=required({"matchFields": [name_in("node1"), name_in("node2")]}))
    ex = explain(
        pod, [make_node("node2", labels={"foo": "bar"})], [], config(PLUGIN, points=("filter",))
    )
    st = ex.prefilter[PLUGIN]
    assert (st.code, st.reasons) == (UNRESOLVABLE, ("pod affinity terms conflict",))
    assert ex.feasible() == []


# -- TestNodeAffinityPriority -------------------------------------------------------------------
LABEL1 = {"foo": "bar"}
LABEL2 = {"key": "value"}
LABEL3 = {"az": "az1"}
LABEL4 = {"abc": "az11", "def": "az22"}
LABEL5 = {"foo": "bar", "key": "value", "az": "az1"}


def preferred(*terms: tuple[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{"weight": w, "preference": {"matchExpressions": e}} for w, e in terms]


PREF1 = preferred((2, [expr("foo", "In", "bar")]))
PREF2 = preferred(
    (2, [expr("foo", "In", "bar")]),
    (4, [expr("key", "In", "value")]),
    (5, [expr("foo", "In", "bar"), expr("key", "In", "value"), expr("az", "In", "az1")]),
)


def pref_affinity(terms: list[dict[str, Any]]) -> dict[str, Any]:
    return {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": terms}}


@pytest.mark.parametrize(
    ("case", "spec", "nodes", "added", "want"),
    [
        (
            "all nodes are same priority as NodeAffinity is nil",
            {},
            {"node1": LABEL1, "node2": LABEL2, "node3": LABEL3},
            None,
            {"node1": 0, "node2": 0, "node3": 0},
        ),
        (
            "no node matches preferred scheduling requirements in NodeAffinity of pod so all "
            "nodes' priority is zero",
            {"affinity": pref_affinity(PREF1)},
            {"node1": LABEL4, "node2": LABEL2, "node3": LABEL3},
            None,
            {"node1": 0, "node2": 0, "node3": 0},
        ),
        (
            "only node1 matches the preferred scheduling requirements of pod",
            {"affinity": pref_affinity(PREF1)},
            {"node1": LABEL1, "node2": LABEL2, "node3": LABEL3},
            None,
            {"node1": 100, "node2": 0, "node3": 0},
        ),
        (
            "all nodes matches the preferred scheduling requirements of pod but with different "
            "priorities",
            {"affinity": pref_affinity(PREF2)},
            {"node1": LABEL1, "node5": LABEL5, "node2": LABEL2},
            None,
            {"node1": 18, "node5": 100, "node2": 36},
        ),
        (
            "added affinity",
            {},
            {"node1": LABEL1, "node2": LABEL2},
            {"preferredDuringSchedulingIgnoredDuringExecution": PREF1},
            {"node1": 100, "node2": 0},
        ),
        (
            "added affinity and pod has default affinity",
            {"affinity": pref_affinity(PREF1)},
            {"node1": LABEL1, "node2": LABEL2, "node3": LABEL5},
            {
                "preferredDuringSchedulingIgnoredDuringExecution": preferred(
                    (3, [expr("key", "In", "value")])
                )
            },
            {"node1": 40, "node2": 60, "node3": 100},
        ),
    ],
)
def test_node_affinity_priority(
    case: str,
    spec: dict[str, Any],
    nodes: dict[str, dict[str, str]],
    added: Any,
    want: dict[str, int],
) -> None:
    args = {"addedAffinity": added} if added else None
    cfg = config(PLUGIN, args, points=("score",))
    node_objs = [make_node(n, labels=lbl) for n, lbl in nodes.items()]
    assert scores(PLUGIN, make_pod("p", **spec), node_objs, cfg=cfg) == want
