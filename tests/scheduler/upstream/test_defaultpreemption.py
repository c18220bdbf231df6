"""DefaultPreemption, with the cases of upstream's
pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go (TestPostFilter,
TestDryRunPreemption, TestSelectBestCandidate, TestPreempt) as facts, read through explain's
dry run: the nominated node, its victims and the PostFilter message.

Read from the stored copy at commit 5def93b1 (internal/cache: 1.30/1.31), the newest stored.
Upstream's epochTime1..6 differ by nanoseconds; status.startTime is second-precision JSON, so
they become 1..6 seconds here (the same order). st.MakeNode().Capacity(...) gives the node 32
pods unless the list names pods; that is spelled out here. Not carried: cases that inject
statuses or plugins explain cannot build (artificial filteredNodesStatuses, TestPlugin's
AddPod/RemovePod errors, fake filters that count calls, extenders), cases with
PodDisruptionBudgets (kubesim has none), the candidate lists of multi-candidate dry runs (the
seeded offset decides which candidates are found; explain reports only the one picked), and
TestPodEligibleToPreemptOthers but its PreemptNever case (nominatedNodeName states).
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.scheduler import explain
from tests.scheduler.upstream.st import PROFILE, make_node, make_pod

NEG, LOW, MID, HIGH, VERY_HIGH = -100, 0, 100, 1000, 10000
SMALL = {"cpu": "100m", "memory": "100"}
MEDIUM = {"cpu": "200m", "memory": "200"}
LARGE = {"cpu": "300m", "memory": "300"}
VERY_LARGE = {"cpu": "500m", "memory": "500"}


def cfg(*filters: str) -> dict[str, Any]:
    """The Go tests' framework: the filter plugins named, DefaultPreemption as PostFilter."""
    enabled = [{"name": n} for n in ("PrioritySort", "DefaultBinder", *filters)]
    return {
        "apiVersion": "kubescheduler.config.k8s.io/v1",
        "kind": "KubeSchedulerConfiguration",
        "profiles": [
            {
                "schedulerName": PROFILE,
                "plugins": {
                    "multiPoint": {"disabled": [{"name": "*"}], "enabled": enabled},
                    "score": {"disabled": [{"name": "*"}]},
                    "postFilter": {"enabled": [{"name": "DefaultPreemption"}]},
                },
            }
        ],
    }


FIT = cfg("NodeResourcesFit")


def pod(
    name: str,
    priority: int | None = None,
    req: dict[str, str] | None = None,
    node: str | None = None,
    start: int | None = None,
    labels: dict[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    p = make_pod(name, *([req] if req else []), node=node, labels=labels, **spec)
    if priority is not None:
        p["spec"]["priority"] = priority
    if start is not None:
        p["status"] = {"startTime": f"1970-01-01T00:00:{start:02d}Z"}
    return p


def node(name: str, capacity: dict[str, str], **labels: str) -> dict[str, Any]:
    """st.MakeNode().Name(name).Capacity(capacity): pods 32 unless given."""
    return make_node(name, {"pods": "32", **capacity}, labels=labels)


def run(
    incoming: dict[str, Any], nodes: list[dict[str, Any]], pods: list[dict[str, Any]], c: Any
) -> tuple[str | None, list[str], str]:
    ex = explain(incoming, nodes, pods, c)
    assert ex.selected is None, "the Go cases need preemption"
    victims = sorted(v.split("/")[-1] for v in ex.victims)
    return ex.nominated_node or None, victims, ex.message


ONE_POD = {"pods": "1"}
NODE_RES = {"cpu": "200m", "memory": "400"}


@pytest.mark.parametrize(
    ("case", "incoming", "pods", "nodes", "want_node", "want_msg"),
    [
        (
            "pod with higher priority can be made schedulable",
            pod("p", HIGH),
            [pod("p1", node="node1")],
            [node("node1", ONE_POD)],
            "node1",
            None,
        ),
        (
            "pod with tied priority is still unschedulable",
            pod("p"),
            [pod("p1", node="node1")],
            [node("node1", ONE_POD)],
            None,
            "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
        ),
        (
            "pod can be made schedulable on one node",
            pod("p", MID),
            [pod("p1", HIGH, node="node1"), pod("p2", LOW, node="node2")],
            [node("node1", ONE_POD), node("node2", ONE_POD)],
            "node2",
            None,
        ),
        (
            "no candidate nodes found, no enough resource after removing low priority pods",
            pod("p", HIGH, LARGE),
            [pod("p1", node="node1"), pod("p2", node="node2")],
            [node("node1", NODE_RES), node("node2", NODE_RES)],
            None,
            "preemption: 0/2 nodes are available: 2 Insufficient cpu.",
        ),
        (
            "no candidate nodes found with mixed reasons, no lower priority pod and no enough CPU "
            "resource",
            pod("p", HIGH, LARGE),
            [pod("p1", HIGH, node="node1"), pod("p2", node="node2"), pod("p3", HIGH, node="node3")],
            [node("node1", ONE_POD), node("node2", NODE_RES), node("node3", ONE_POD)],
            None,
            "preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims "
            "found for incoming pod.",
        ),
    ],
)
def test_post_filter(
    case: str, incoming: Any, pods: Any, nodes: Any, want_node: Any, want_msg: Any
) -> None:
    got, _, msg = run(incoming, nodes, pods, FIT)
    assert got == want_node
    if want_msg:  # FitError.Error() appends " %v." to the PostFilter message
        assert msg.endswith(f" {want_msg}.")


def vl_nodes(*names: str) -> list[dict[str, Any]]:
    """TestDryRunPreemption's nodes: veryLargeRes, "name/zone" names labelled hostname, zone."""
    out = []
    for spec in names:
        parts = spec.split("/")
        labels = dict(zip(("hostname", "zone", "region"), parts, strict=False))
        out.append(node(parts[0], VERY_LARGE, **labels))
    return out


ANTI_FOO = {
    "podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [
            {
                "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]},
                "topologyKey": "hostname",
            }
        ]
    }
}
FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}


def spread(key: str) -> dict[str, Any]:
    return {
        "maxSkew": 1,
        "topologyKey": key,
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": FOO,
    }


SPREAD_POD = pod(
    "p", HIGH, labels={"foo": ""}, topologySpreadConstraints=[spread("zone"), spread("hostname")]
)
SPREAD_NODES = vl_nodes("node-a/zone1", "node-b/zone1", "node-x/zone2")


@pytest.mark.parametrize(
    ("case", "incoming", "pods", "nodes", "c", "want"),
    [
        (
            "a pod that would fit on the nodes, but other pods running are higher priority, no "
            "preemption would happen",
            pod("p", LOW, LARGE),
            [pod("p1", MID, LARGE, "node1"), pod("p2", MID, LARGE, "node2")],
            vl_nodes("node1", "node2"),
            FIT,
            {None: []},
        ),
        (
            "mixed priority pods are preempted",
            pod("p", HIGH, LARGE),
            [
                pod("p1.1", MID, SMALL, "node1"),
                pod("p1.2", LOW, SMALL, "node1"),
                pod("p1.3", MID, MEDIUM, "node1"),
                pod("p1.4", HIGH, SMALL, "node1"),
                pod("p2", HIGH, LARGE, "node2"),
            ],
            vl_nodes("node1", "node2"),
            FIT,
            {"node1": ["p1.2", "p1.3"]},
        ),
        (
            "mixed priority pods are preempted, pick later StartTime one when priorities are equal",
            pod("p", HIGH, LARGE),
            [
                pod("p1.1", LOW, SMALL, "node1", start=5),
                pod("p1.2", LOW, SMALL, "node1", start=4),
                pod("p1.3", MID, MEDIUM, "node1", start=3),
                pod("p1.4", HIGH, SMALL, "node1", start=2),
                pod("p2", HIGH, LARGE, "node2", start=1),
            ],
            vl_nodes("node1", "node2"),
            FIT,
            {"node1": ["p1.1", "p1.3"]},
        ),
        (
            "pod with anti-affinity is preempted",
            pod("p", HIGH, SMALL, labels={"foo": ""}),
            [
                pod("p1.1", LOW, SMALL, "node1", labels={"foo": ""}, affinity=ANTI_FOO),
                pod("p1.2", MID, SMALL, "node1"),
                pod("p1.3", HIGH, SMALL, "node1"),
            ],
            # upstream also has node2 with p2 (HIGH): no candidate there, but the pod fits on
            # it without preemption, so explain would select it; left out
            vl_nodes("node1"),
            cfg("NodeResourcesFit", "InterPodAffinity"),
            {"node1": ["p1.1"]},
        ),
        (
            "preemption to resolve pod topology spread filter failure",
            SPREAD_POD,
            [
                pod("pod-a1", MID, node="node-a", labels={"foo": ""}),
                pod("pod-a2", LOW, node="node-a", labels={"foo": ""}),
                pod("pod-b1", LOW, node="node-b", labels={"foo": ""}),
                pod("pod-x1", HIGH, node="node-x", labels={"foo": ""}),
                pod("pod-x2", HIGH, node="node-x", labels={"foo": ""}),
            ],
            SPREAD_NODES,
            cfg("PodTopologySpread"),
            {"node-a": ["pod-a2"], "node-b": ["pod-b1"]},  # both candidates tie
        ),
    ],
)
def test_dry_run_preemption(
    case: str, incoming: Any, pods: Any, nodes: Any, c: Any, want: Any
) -> None:
    got, victims, _ = run(incoming, nodes, pods, c)
    assert got in want and victims == want[got]


@pytest.mark.parametrize(
    ("case", "nodes", "incoming", "pods", "want"),
    [
        (
            "a pod that fits on both nodes when lower priority pods are preempted",
            2,
            pod("p", HIGH, LARGE),
            [pod("p1", MID, LARGE, "node1", 0), pod("p2", MID, LARGE, "node2", 0)],
            {"node1", "node2"},
        ),
        (
            "node with min highest priority pod is picked",
            3,
            pod("p", HIGH, VERY_LARGE),
            [
                pod("p1.1", MID, MEDIUM, "node1", 0),
                pod("p1.2", MID, LARGE, "node1", 0),
                pod("p2.1", MID, MEDIUM, "node2", 0),
                pod("p2.2", LOW, MEDIUM, "node2", 0),
                pod("p3.1", LOW, MEDIUM, "node3", 0),
                pod("p3.2", LOW, MEDIUM, "node3", 0),
            ],
            {"node3"},
        ),
        (
            "when highest priorities are the same, minimum sum of priorities is picked",
            3,
            pod("p", HIGH, VERY_LARGE),
            [
                pod("p1.1", MID, MEDIUM, "node1", 0),
                pod("p1.2", MID, LARGE, "node1", 0),
                pod("p2.1", MID, LARGE, "node2", 0),
                pod("p2.2", LOW, MEDIUM, "node2", 0),
                pod("p3.1", MID, MEDIUM, "node3", 0),
                pod("p3.2", MID, MEDIUM, "node3", 0),
            ],
            {"node2"},
        ),
        (
            "when highest priority and sum are the same, minimum number of pods is picked",
            3,
            pod("p", HIGH, VERY_LARGE),
            [
                pod("p1.1", MID, SMALL, "node1", 0),
                pod("p1.2", NEG, SMALL, "node1", 0),
                pod("p1.3", MID, SMALL, "node1", 0),
                pod("p1.4", NEG, SMALL, "node1", 0),
                pod("p2.1", MID, LARGE, "node2", 0),
                pod("p2.2", NEG, MEDIUM, "node2", 0),
                pod("p3.1", MID, MEDIUM, "node3", 0),
                pod("p3.2", NEG, SMALL, "node3", 0),
                pod("p3.3", LOW, SMALL, "node3", 0),
            ],
            {"node2"},
        ),
        (
            "sum of adjusted priorities is considered",
            3,
            pod("p", HIGH, VERY_LARGE),
            [
                pod("p1.1", MID, SMALL, "node1", 0),
                pod("p1.2", NEG, SMALL, "node1", 0),
                pod("p1.3", NEG, SMALL, "node1", 0),
                pod("p2.1", MID, LARGE, "node2", 0),
                pod("p2.2", NEG, MEDIUM, "node2", 0),
                pod("p3.1", MID, MEDIUM, "node3", 0),
                pod("p3.2", NEG, SMALL, "node3", 0),
                pod("p3.3", LOW, SMALL, "node3", 0),
            ],
            {"node2"},
        ),
        (
            "non-overlapping lowest high priority, sum priorities, and number of pods",
            4,
            pod("p", VERY_HIGH, VERY_LARGE),
            [
                pod("p1.1", MID, SMALL, "node1", 0),
                pod("p1.2", LOW, SMALL, "node1", 0),
                pod("p1.3", LOW, SMALL, "node1", 0),
                pod("p2.1", HIGH, LARGE, "node2", 0),
                pod("p3.1", MID, MEDIUM, "node3", 0),
                pod("p3.2", LOW, SMALL, "node3", 0),
                pod("p3.3", LOW, SMALL, "node3", 0),
                pod("p3.4", LOW, MEDIUM, "node3", 0),
                pod("p4.1", MID, MEDIUM, "node4", 0),
                pod("p4.2", MID, SMALL, "node4", 0),
                pod("p4.3", MID, SMALL, "node4", 0),
                pod("p4.4", NEG, SMALL, "node4", 0),
            ],
            {"node1"},
        ),
        (
            "same priority, same number of victims, different start time for each node's pod",
            3,
            pod("p", HIGH, VERY_LARGE),
            [
                pod("p1.1", MID, MEDIUM, "node1", 2),
                pod("p1.2", MID, MEDIUM, "node1", 2),
                pod("p2.1", MID, MEDIUM, "node2", 3),
                pod("p2.2", MID, MEDIUM, "node2", 3),
                pod("p3.1", MID, MEDIUM, "node3", 1),
                pod("p3.2", MID, MEDIUM, "node3", 1),
            ],
            {"node2"},
        ),
        (
            "same priority, same number of victims, different start time for all pods",
            3,
            pod("p", HIGH, VERY_LARGE),
            [
                pod("p1.1", MID, MEDIUM, "node1", 4),
                pod("p1.2", MID, MEDIUM, "node1", 2),
                pod("p2.1", MID, MEDIUM, "node2", 5),
                pod("p2.2", MID, MEDIUM, "node2", 1),
                pod("p3.1", MID, MEDIUM, "node3", 3),
                pod("p3.2", MID, MEDIUM, "node3", 6),
            ],
            {"node3"},
        ),
        (
            "different priority, same number of victims, different start time for all pods",
            3,
            pod("p", HIGH, VERY_LARGE),
            [
                pod("p1.1", LOW, MEDIUM, "node1", 4),
                pod("p1.2", MID, MEDIUM, "node1", 2),
                pod("p2.1", MID, MEDIUM, "node2", 6),
                pod("p2.2", LOW, MEDIUM, "node2", 1),
                pod("p3.1", LOW, MEDIUM, "node3", 3),
                pod("p3.2", MID, MEDIUM, "node3", 5),
            ],
            {"node2"},
        ),
    ],
)
def test_select_best_candidate(
    case: str, nodes: int, incoming: Any, pods: Any, want: set[str]
) -> None:
    names = [f"node{i + 1}" for i in range(nodes)]
    got, _, _ = run(incoming, [node(n, VERY_LARGE) for n in names], pods, FIT)
    assert got in want


@pytest.mark.parametrize(
    ("case", "incoming", "pods", "nodes", "c", "want"),
    [
        (
            "basic preemption logic",
            pod("p", HIGH, VERY_LARGE, preemptionPolicy="PreemptLowerPriority"),
            [
                pod("p1.1", LOW, SMALL, "node1"),
                pod("p1.2", LOW, SMALL, "node1"),
                pod("p2.1", HIGH, LARGE, "node2"),
                pod("p3.1", MID, MEDIUM, "node3"),
            ],
            vl_nodes("node1", "node2", "node3"),
            FIT,
            ("node1", ["p1.1", "p1.2"]),
        ),
        (
            "preemption for topology spread constraints",
            SPREAD_POD,
            [
                pod("p-a1", HIGH, node="node-a", labels={"foo": ""}),
                pod("p-a2", HIGH, node="node-a", labels={"foo": ""}),
                pod("p-b1", LOW, node="node-b", labels={"foo": ""}),
                pod("p-x1", HIGH, node="node-x", labels={"foo": ""}),
                pod("p-x2", HIGH, node="node-x", labels={"foo": ""}),
            ],
            SPREAD_NODES,
            cfg("PodTopologySpread"),
            ("node-b", ["p-b1"]),
        ),
    ],
)
def test_preempt(case: str, incoming: Any, pods: Any, nodes: Any, c: Any, want: Any) -> None:
    got, victims, _ = run(incoming, nodes, pods, c)
    assert (got, victims) == want


def test_pod_eligible_to_preempt_others_preempt_never() -> None:
    """TestPodEligibleToPreemptOthers "Pod with 'PreemptNever' preemption policy"."""
    incoming = pod("p", HIGH, preemptionPolicy="Never")
    got, _, msg = run(incoming, [node("node1", ONE_POD)], [pod("p1", node="node1")], FIT)
    assert got is None
    assert msg.endswith(" preemption: not eligible due to preemptionPolicy=Never..")
