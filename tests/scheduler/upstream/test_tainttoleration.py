"""TaintToleration, with the cases of upstream's
pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go as facts.

The stored upstream copy is newer than 1.32. Not carried: the Gt/Lt toleration cases
(TaintTolerationComparisonOperators, added after 1.32) and TestTaintTolerationFilterWithFeatureGate.
The filter reason there is "node(s) had untolerated taint(s)"; 1.32's taint_toleration.go says
"node(s) had untolerated taint {key: value}", which is what we assert (code as upstream).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.scheduler.upstream.st import config, filters, make_node, make_pod, scores

PLUGIN = "TaintToleration"
UNRESOLVABLE = "UnschedulableAndUnresolvable"


def taint(key: str, value: str, effect: str) -> dict[str, str]:
    return {"key": key, "value": value, "effect": effect}


def tol(key: str, op: str = "Equal", value: str = "", effect: str = "") -> dict[str, str]:
    t = {"key": key, "operator": op}
    if value:
        t["value"] = value
    if effect:
        t["effect"] = effect
    return t


def pod_with(tolerations: list[dict[str, str]]) -> dict[str, Any]:
    return make_pod("pod1", tolerations=tolerations)


PNS, NS = "PreferNoSchedule", "NoSchedule"


@pytest.mark.parametrize(
    ("case", "tolerations", "node_taints", "want"),
    [
        (
            "node with taints tolerated by the pod, gets a higher score than those node with "
            "intolerable taints",
            [tol("foo", "Equal", "bar", PNS)],
            {"nodeA": [taint("foo", "bar", PNS)], "nodeB": [taint("foo", "blah", PNS)]},
            {"nodeA": 100, "nodeB": 0},
        ),
        (
            "the nodes that all of their taints are tolerated by the pod, get the same score, "
            "no matter how many tolerable taints a node has",
            [tol("cpu-type", "Equal", "arm64", PNS), tol("disk-type", "Equal", "ssd", PNS)],
            {
                "nodeA": [],
                "nodeB": [taint("cpu-type", "arm64", PNS)],
                "nodeC": [taint("cpu-type", "arm64", PNS), taint("disk-type", "ssd", PNS)],
            },
            {"nodeA": 100, "nodeB": 100, "nodeC": 100},
        ),
        (
            "the more intolerable taints a node has, the lower score it gets.",
            [tol("foo", "Equal", "bar", PNS)],
            {
                "nodeA": [],
                "nodeB": [taint("cpu-type", "arm64", PNS)],
                "nodeC": [taint("cpu-type", "arm64", PNS), taint("disk-type", "ssd", PNS)],
            },
            {"nodeA": 100, "nodeB": 50, "nodeC": 0},
        ),
        (
            "only taints and tolerations that have effect PreferNoSchedule are checked by "
            "taints-tolerations priority function",
            [tol("cpu-type", "Equal", "arm64", NS), tol("disk-type", "Equal", "ssd", NS)],
            {
                "nodeA": [],
                "nodeB": [taint("cpu-type", "arm64", NS)],
                "nodeC": [taint("cpu-type", "arm64", PNS), taint("disk-type", "ssd", PNS)],
            },
            {"nodeA": 100, "nodeB": 100, "nodeC": 0},
        ),
        (
            "Default behaviour No taints and tolerations, lands on node with no taints",
            [],
            {"nodeA": [], "nodeB": [taint("cpu-type", "arm64", PNS)]},
            {"nodeA": 100, "nodeB": 0},
        ),
    ],
)
def test_taint_toleration_score(
    case: str, tolerations: Any, node_taints: dict[str, Any], want: dict[str, int]
) -> None:
    nodes = [make_node(n, taints=t) for n, t in node_taints.items()]
    # Score alone, as upstream calls PreScore/Score/NormalizeScore without Filter
    # (nodeB of the fourth case carries a NoSchedule taint the pod tolerates anyway).
    assert (
        scores(PLUGIN, pod_with(tolerations), nodes, cfg=config(PLUGIN, points=("score",))) == want
    )


@pytest.mark.parametrize(
    ("case", "tolerations", "node_taints", "want"),
    [
        (
            "A pod having no tolerations can't be scheduled onto a node with nonempty taints",
            [],
            [taint("dedicated", "user1", NS)],
            (UNRESOLVABLE, ("node(s) had untolerated taint {dedicated: user1}",)),
        ),
        (
            "A pod which can be scheduled on a dedicated node assigned to user1 with effect "
            "NoSchedule",
            [{"key": "dedicated", "value": "user1", "effect": NS}],
            [taint("dedicated", "user1", NS)],
            ("Success", ()),
        ),
        (
            "A pod which can't be scheduled on a dedicated node assigned to user2 with effect "
            "NoSchedule",
            [tol("dedicated", "Equal", "user2", NS)],
            [taint("dedicated", "user1", NS)],
            (UNRESOLVABLE, ("node(s) had untolerated taint {dedicated: user1}",)),
        ),
        (
            "A pod can be scheduled onto the node, with a toleration uses operator Exists that "
            "tolerates the taints on the node",
            [tol("foo", "Exists", effect=NS)],
            [taint("foo", "bar", NS)],
            ("Success", ()),
        ),
        (
            "A pod has multiple tolerations, node has multiple taints, all the taints are "
            "tolerated, pod can be scheduled onto the node",
            [tol("dedicated", "Equal", "user2", NS), tol("foo", "Exists", effect=NS)],
            [taint("dedicated", "user2", NS), taint("foo", "bar", NS)],
            ("Success", ()),
        ),
        (
            "A pod has a toleration that keys and values match the taint on the node, but "
            "(non-empty) effect doesn't match, can't be scheduled onto the node",
            [tol("foo", "Equal", "bar", PNS)],
            [taint("foo", "bar", NS)],
            (UNRESOLVABLE, ("node(s) had untolerated taint {foo: bar}",)),
        ),
        (
            "The pod has a toleration that keys and values match the taint on the node, the "
            "effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be "
            "scheduled onto the node",
            [tol("foo", "Equal", "bar")],
            [taint("foo", "bar", NS)],
            ("Success", ()),
        ),
        (
            "The pod has a toleration that key and value don't match the taint on the node, but "
            "the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
            [tol("dedicated", "Equal", "user2", NS)],
            [taint("dedicated", "user1", PNS)],
            ("Success", ()),
        ),
        (
            "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. "
            "Pod can be scheduled onto the node",
            [],
            [taint("dedicated", "user1", PNS)],
            ("Success", ()),
        ),
    ],
)
def test_taint_toleration_filter(
    case: str, tolerations: Any, node_taints: Any, want: tuple[str, tuple[str, ...]]
) -> None:
    nodes = [make_node("nodeA", taints=node_taints)]
    assert filters(
        PLUGIN, pod_with(tolerations), nodes, cfg=config(PLUGIN, points=("filter",))
    ) == {"nodeA": want}
