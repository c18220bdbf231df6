"""Table tests per plugin, with the cases of upstream's plugin tests
(pkg/scheduler/framework/plugins/*/*_test.go) checked through `explain`."""

from __future__ import annotations

from typing import Any

import pytest

from sim.scheduler import explain
from tests.scheduler.helpers import node, only, pod


def taint(key: str, value: str, effect: str = "NoSchedule") -> dict[str, str]:
    return {"key": key, "value": value, "effect": effect}


def tol(key: str, value: str = "", effect: str = "NoSchedule", op: str = "Equal") -> dict[str, str]:
    t = {"key": key, "operator": op, "effect": effect}
    if value:
        t["value"] = value
    return t


# -- TaintToleration (tainttoleration/taint_toleration_test.go TestTaintTolerationFilter) ------
@pytest.mark.parametrize(
    ("case", "tolerations", "taints", "reason"),
    [
        (
            "A pod having no tolerations can't be scheduled onto a node with nonempty taints",
            [],
            [taint("dedicated", "user1")],
            "node(s) had untolerated taint {dedicated: user1}",
        ),
        (
            "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
            [tol("dedicated", "user1")],
            [taint("dedicated", "user1")],
            None,
        ),
        (
            "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
            [tol("dedicated", "user2")],
            [taint("dedicated", "user1")],
            "node(s) had untolerated taint {dedicated: user1}",
        ),
        (
            "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node",
            [tol("foo", op="Exists")],
            [taint("foo", "bar")],
            None,
        ),
        (
            "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node",
            [tol("dedicated", "user2"), tol("foo", op="Exists")],
            [taint("dedicated", "user2"), taint("foo", "bar")],
            None,
        ),
        (
            "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
            [tol("foo", "bar", "PreferNoSchedule")],
            [taint("foo", "bar")],
            "node(s) had untolerated taint {foo: bar}",
        ),
        (
            "The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
            [tol("foo", "bar", "")],
            [taint("foo", "bar")],
            None,
        ),
        (
            "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
            [tol("dedicated", "user2")],
            [taint("dedicated", "user1", "PreferNoSchedule")],
            None,
        ),
        (
            "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
            [],
            [taint("dedicated", "user1", "PreferNoSchedule")],
            None,
        ),
    ],
    ids=lambda v: v[:80] if isinstance(v, str) and " " in v else "",
)
def test_taint_toleration_filter(
    case: str, tolerations: list[Any], taints: list[Any], reason: str | None
) -> None:
    e = explain(
        pod(tolerations=tolerations), [node("nodeA", taints=taints)], [], only("TaintToleration")
    )
    st = e.filters["nodeA"]["TaintToleration"]
    if reason is None:
        assert st.is_success()
    else:
        assert (st.code, st.reasons) == ("UnschedulableAndUnresolvable", (reason,))


@pytest.mark.parametrize(
    ("case", "tolerations", "node_taints", "want"),
    [
        (
            "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
            [tol("foo", "bar", "PreferNoSchedule")],
            [[taint("foo", "bar", "PreferNoSchedule")], [taint("foo", "blah", "PreferNoSchedule")]],
            [100, 0],
        ),
        (
            "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
            [
                tol("cpu-type", "arm64", "PreferNoSchedule"),
                tol("disk-type", "ssd", "PreferNoSchedule"),
            ],
            [
                [],
                [taint("cpu-type", "arm64", "PreferNoSchedule")],
                [
                    taint("cpu-type", "arm64", "PreferNoSchedule"),
                    taint("disk-type", "ssd", "PreferNoSchedule"),
                ],
            ],
            [100, 100, 100],
        ),
        (
            "the more intolerable taints a node has, the lower score it gets.",
            [tol("foo", "bar", "PreferNoSchedule")],
            [
                [],
                [taint("cpu-type", "arm64", "PreferNoSchedule")],
                [
                    taint("cpu-type", "arm64", "PreferNoSchedule"),
                    taint("disk-type", "ssd", "PreferNoSchedule"),
                ],
            ],
            [100, 50, 0],
        ),
        (
            "only taints and tolerations that have effect PreferNoSchedule are checked by prioritize function",
            [tol("cpu-type", "arm64"), tol("disk-type", "ssd")],
            [
                [],
                [taint("cpu-type", "arm64")],
                [
                    taint("cpu-type", "arm64", "PreferNoSchedule"),
                    taint("disk-type", "ssd", "PreferNoSchedule"),
                ],
            ],
            [100, 100, 0],
        ),
        (
            "Default behaviour No taints and tolerations, lands on node with no taints",
            [],
            [[], [taint("cpu-type", "arm64", "PreferNoSchedule")]],
            [100, 0],
        ),
    ],
    ids=lambda v: v[:80] if isinstance(v, str) and " " in v else "",
)
def test_taint_toleration_score(
    case: str, tolerations: list[Any], node_taints: list[Any], want: list[int]
) -> None:
    nodes = [node(f"node{i}", taints=t) for i, t in enumerate(node_taints)]
    e = explain(pod(tolerations=tolerations), nodes, [], only("TaintToleration"))
    assert [e.scores[f"node{i}"]["TaintToleration"] for i in range(len(nodes))] == want


# -- NodeAffinity (nodeaffinity/node_affinity_test.go TestNodeAffinity) -----------------------
def req_aff(*terms: dict[str, Any]) -> dict[str, Any]:
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}
        }
    }


def expr(key: str, op: str, *values: str) -> dict[str, Any]:
    e: dict[str, Any] = {"key": key, "operator": op}
    if values:
        e["values"] = list(values)
    return e


NA_FAIL = "node(s) didn't match Pod's node affinity/selector"


@pytest.mark.parametrize(
    ("case", "spec", "labels", "ok"),
    [
        ("missing labels", {"nodeSelector": {"foo": "bar"}}, {}, False),
        ("same labels", {"nodeSelector": {"foo": "bar"}}, {"foo": "bar"}, True),
        (
            "node labels are superset",
            {"nodeSelector": {"foo": "bar"}},
            {"foo": "bar", "baz": "blah"},
            True,
        ),
        (
            "node labels are subset",
            {"nodeSelector": {"foo": "bar", "baz": "blah"}},
            {"foo": "bar"},
            False,
        ),
        (
            "Pod with matchExpressions using In operator that matches the existing node",
            {"affinity": req_aff({"matchExpressions": [expr("foo", "In", "bar", "value2")]})},
            {"foo": "bar"},
            True,
        ),
        (
            "Pod with matchExpressions using Gt operator that matches the existing node",
            {"affinity": req_aff({"matchExpressions": [expr("kernel-version", "Gt", "0204")]})},
            {"kernel-version": "0206"},
            True,
        ),
        (
            "Pod with matchExpressions using NotIn operator that matches the existing node",
            {"affinity": req_aff({"matchExpressions": [expr("mem-type", "NotIn", "DDR", "DDR2")]})},
            {"mem-type": "DDR3"},
            True,
        ),
        (
            "Pod with matchExpressions using Exists operator that matches the existing node",
            {"affinity": req_aff({"matchExpressions": [expr("GPU", "Exists")]})},
            {"GPU": "NVIDIA-GRID-K1"},
            True,
        ),
        (
            "Pod with affinity that don't match node's labels won't schedule onto the node",
            {"affinity": req_aff({"matchExpressions": [expr("foo", "In", "value1", "value2")]})},
            {"foo": "bar"},
            False,
        ),
        (
            "Pod with an empty []NodeSelectorTerm in affinity, can't match the node's labels and won't schedule onto the node",
            {"affinity": req_aff()},
            {"foo": "bar"},
            False,
        ),
        (
            "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
            {"affinity": req_aff({"matchExpressions": []})},
            {"foo": "bar"},
            False,
        ),
        ("Pod with no Affinity will schedule onto a node", {}, {"foo": "bar"}, True),
        (
            "Pod with Affinity but nil NodeSelector will schedule onto a node",
            {"affinity": {"nodeAffinity": {}}},
            {"foo": "bar"},
            True,
        ),
        (
            "Pod with multiple matchExpressions ANDed that matches the existing node",
            {
                "affinity": req_aff(
                    {
                        "matchExpressions": [
                            expr("GPU", "Exists"),
                            expr("GPU", "NotIn", "AMD", "INTER"),
                        ]
                    }
                )
            },
            {"GPU": "NVIDIA-GRID-K1"},
            True,
        ),
        (
            "Pod with multiple matchExpressions ANDed that doesn't match the existing node",
            {
                "affinity": req_aff(
                    {"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "In", "AMD", "INTER")]}
                )
            },
            {"GPU": "NVIDIA-GRID-K1"},
            False,
        ),
        (
            "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
            {
                "affinity": req_aff(
                    {"matchExpressions": [expr("foo", "In", "bar", "value2")]},
                    {"matchExpressions": [expr("diffkey", "In", "wrong", "value2")]},
                )
            },
            {"foo": "bar"},
            True,
        ),
        (
            "Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, will schedule onto the node",
            {
                "nodeSelector": {"foo": "bar"},
                "affinity": req_aff({"matchExpressions": [expr("foo", "Exists")]}),
            },
            {"foo": "bar"},
            True,
        ),
        (
            "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are deprecating) is not satisfied, won't schedule onto the node",
            {
                "nodeSelector": {"foo": "bar"},
                "affinity": req_aff({"matchExpressions": [expr("foo", "Exists")]}),
            },
            {"foo": "barrrrrr"},
            False,
        ),
        (
            "Pod with an invalid value in Affinity term won't be scheduled onto the node",
            {
                "affinity": req_aff(
                    {"matchExpressions": [expr("foo", "NotIn", "invalid value: ___@#$%^")]}
                )
            },
            {"foo": "bar"},
            False,
        ),
        (
            "Pod with matchFields using In operator that matches the existing node",
            {"affinity": req_aff({"matchFields": [expr("metadata.name", "In", "node1")]})},
            {},
            True,
        ),
        (
            "Pod with matchFields using In operator that does not match the existing node",
            {"affinity": req_aff({"matchFields": [expr("metadata.name", "In", "node2")]})},
            {},
            False,
        ),
        (
            "Pod with two terms: matchFields does not match, but matchExpressions matches",
            {
                "affinity": req_aff(
                    {"matchFields": [expr("metadata.name", "In", "node2")]},
                    {"matchExpressions": [expr("foo", "In", "bar")]},
                )
            },
            {"foo": "bar"},
            True,
        ),
        (
            "Pod with one term: matchFields does not match, but matchExpressions matches",
            {
                "affinity": req_aff(
                    {
                        "matchFields": [expr("metadata.name", "In", "node2")],
                        "matchExpressions": [expr("foo", "In", "bar")],
                    }
                )
            },
            {"foo": "bar"},
            False,
        ),
        (
            "Pod with one term: both matchFields and matchExpressions match",
            {
                "affinity": req_aff(
                    {
                        "matchFields": [expr("metadata.name", "In", "node1")],
                        "matchExpressions": [expr("foo", "In", "bar")],
                    }
                )
            },
            {"foo": "bar"},
            True,
        ),
        (
            "Pod with two terms: both matchFields and matchExpressions do not match",
            {
                "affinity": req_aff(
                    {"matchFields": [expr("metadata.name", "In", "node2")]},
                    {"matchExpressions": [expr("foo", "In", "not-match-to-bar")]},
                )
            },
            {"foo": "bar"},
            False,
        ),
    ],
    ids=lambda v: v[:90] if isinstance(v, str) and " " in v else "",
)
def test_node_affinity_filter(
    case: str, spec: dict[str, Any], labels: dict[str, str], ok: bool
) -> None:
    e = explain(pod(**spec), [node("node1", labels=labels)], [], only("NodeAffinity"))
    st = e.filters["node1"]["NodeAffinity"]
    if ok:
        assert st.is_success() and e.selected == "node1"
    else:
        assert (st.code, st.reasons) == ("UnschedulableAndUnresolvable", (NA_FAIL,))
        assert e.selected is None


def test_node_affinity_conflicting_match_fields_fail_at_prefilter() -> None:
    aff = req_aff(
        {
            "matchFields": [
                expr("metadata.name", "In", "node1"),
                expr("metadata.name", "In", "node2"),
            ]
        }
    )
    e = explain(pod(affinity=aff), [node("node1")], [], only("NodeAffinity"))
    assert e.prefilter["NodeAffinity"].reasons == ("pod affinity terms conflict",)
    assert e.selected is None


def test_added_affinity_is_enforced() -> None:
    cfg = only(
        "NodeAffinity",
        args={
            "NodeAffinity": {
                "addedAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [{"matchExpressions": [expr("pool", "In", "a")]}]
                    }
                }
            }
        },
    )
    e = explain(
        pod(), [node("n1", labels={"pool": "a"}), node("n2", labels={"pool": "b"})], [], cfg
    )
    assert e.filters["n2"]["NodeAffinity"].reasons == (
        "node(s) didn't match scheduler-enforced node affinity",
    )
    assert e.selected == "n1"


PREF1 = {
    "nodeAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 2, "preference": {"matchExpressions": [expr("foo", "In", "bar")]}}
        ]
    }
}
PREF2 = {
    "nodeAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 2, "preference": {"matchExpressions": [expr("foo", "In", "bar")]}},
            {"weight": 4, "preference": {"matchExpressions": [expr("key", "In", "value")]}},
            {
                "weight": 5,
                "preference": {
                    "matchExpressions": [
                        expr("foo", "In", "bar"),
                        expr("key", "In", "value"),
                        expr("az", "In", "az1"),
                    ]
                },
            },
        ]
    }
}
L1, L2, L3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
L4, L5 = {"abc": "az11", "def": "az22"}, {"foo": "bar", "key": "value", "az": "az1"}


@pytest.mark.parametrize(
    ("case", "affinity", "labels", "want"),
    [
        ("all nodes are same priority as NodeAffinity is nil", {}, [L1, L2, L3], [0, 0, 0]),
        (
            "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
            PREF1,
            [L4, L2, L3],
            [0, 0, 0],
        ),
        (
            "only node1 matches the preferred scheduling requirements of pod",
            PREF1,
            [L1, L4, L2],
            [100, 0, 0],
        ),
        (
            "all nodes matches the preferred scheduling requirements of pod but with different priorities",
            PREF2,
            [L1, L5, L2],
            [18, 100, 36],
        ),
    ],
    ids=lambda v: v[:80] if isinstance(v, str) and " " in v else "",
)
def test_node_affinity_score(
    case: str, affinity: dict[str, Any], labels: list[dict[str, str]], want: list[int]
) -> None:
    nodes = [node(f"node{i}", labels=lb) for i, lb in enumerate(labels)]
    e = explain(pod(affinity=affinity) if affinity else pod(), nodes, [], only("NodeAffinity"))
    assert [e.scores[f"node{i}"]["NodeAffinity"] for i in range(3)] == want


# -- NodeUnschedulable, NodeName, NodePorts, SchedulingGates, ImageLocality -------------------
@pytest.mark.parametrize(
    ("case", "unschedulable", "tolerations", "ok"),
    [
        (
            "Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)",
            True,
            [],
            False,
        ),
        ("Schedule pod to normal node", False, [], True),
        (
            "Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
            True,
            [
                {
                    "key": "node.kubernetes.io/unschedulable",
                    "operator": "Exists",
                    "effect": "NoSchedule",
                }
            ],
            True,
        ),
    ],
    ids=lambda v: v[:80] if isinstance(v, str) and " " in v else "",
)
def test_node_unschedulable(
    case: str, unschedulable: bool, tolerations: list[Any], ok: bool
) -> None:
    e = explain(
        pod(tolerations=tolerations),
        [node("n1", unschedulable=unschedulable)],
        [],
        only("NodeUnschedulable"),
    )
    st = e.filters["n1"]["NodeUnschedulable"]
    assert st.is_success() == ok
    if not ok:
        assert (st.code, st.reasons) == (
            "UnschedulableAndUnresolvable",
            ("node(s) were unschedulable",),
        )


@pytest.mark.parametrize(
    ("case", "want", "ok"),
    [
        ("no host specified", None, True),
        ("host matches", "foo", True),
        ("host doesn't match", "bar", False),
    ],
)
def test_node_name(case: str, want: str | None, ok: bool) -> None:
    p = pod(node_name=want) if want else pod()
    st = explain(p, [node("foo")], [], only("NodeName")).filters["foo"]["NodeName"]
    assert st.is_success() == ok
    if not ok:
        assert st.reasons == ("node(s) didn't match the requested node name",)


def with_ports(
    name: str, *ports: tuple[str, str, int], node_name: str | None = None
) -> dict[str, Any]:
    p = pod(name, node_name=node_name)
    p["spec"]["containers"][0]["ports"] = [
        {"containerPort": 80, "hostIP": ip, "protocol": proto, "hostPort": port}
        for ip, proto, port in ports
    ]
    return p


@pytest.mark.parametrize(
    ("case", "want", "used", "ok"),
    [
        ("nothing running", [("127.0.0.1", "UDP", 8080)], [], True),
        ("other port", [("127.0.0.1", "UDP", 8080)], [("127.0.0.1", "UDP", 9090)], True),
        ("same udp port", [("127.0.0.1", "UDP", 8080)], [("127.0.0.1", "UDP", 8080)], False),
        ("same tcp port", [("127.0.0.1", "TCP", 8080)], [("127.0.0.1", "TCP", 8080)], False),
        ("different host ip", [("127.0.0.1", "TCP", 8080)], [("127.0.0.2", "TCP", 8080)], True),
        ("different protocol", [("127.0.0.1", "UDP", 8080)], [("127.0.0.1", "TCP", 8080)], True),
        (
            "second udp port conflict",
            [("127.0.0.1", "UDP", 8000), ("127.0.0.1", "UDP", 8080)],
            [("127.0.0.1", "UDP", 8080)],
            False,
        ),
        (
            "first tcp port conflict due to 0.0.0.0 hostIP",
            [("0.0.0.0", "TCP", 8001), ("127.0.0.1", "UDP", 8080)],
            [("127.0.0.1", "TCP", 8001)],
            False,
        ),
        (
            "first tcp port conflict due to 0.0.0.0 hostIP (existing)",
            [("10.0.10.10", "TCP", 8001), ("0.0.0.0", "TCP", 8001)],
            [("127.0.0.1", "TCP", 8001)],
            False,
        ),
        (
            "TCP hostPort conflict due to 0.0.0.0 hostIP",
            [("127.0.0.1", "TCP", 8001)],
            [("0.0.0.0", "TCP", 8001)],
            False,
        ),
        (
            "second tcp port conflict to 0.0.0.0 hostIP",
            [("10.0.10.10", "UDP", 8001), ("0.0.0.0", "TCP", 8001)],
            [("127.0.0.1", "TCP", 8001)],
            False,
        ),
        (
            "second different protocol",
            [("10.0.10.10", "UDP", 8001)],
            [("0.0.0.0", "TCP", 8001)],
            True,
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else "",
)
def test_node_ports(
    case: str, want: list[tuple[str, str, int]], used: list[tuple[str, str, int]], ok: bool
) -> None:
    existing = [with_ports("existing", *used, node_name="n1")] if used else []
    st = explain(with_ports("p", *want), [node("n1")], existing, only("NodePorts")).filters["n1"][
        "NodePorts"
    ]
    assert st.is_success() == ok
    if not ok:
        assert (st.code, st.reasons) == (
            "Unschedulable",
            ("node(s) didn't have free ports for the requested pod ports",),
        )


def test_scheduling_gates_keep_a_pod_out_of_the_queue() -> None:
    from sim.scheduler.plugins.basic import SchedulingGates
    from sim.scheduler.podinfo import PodInfo

    gated = PodInfo(pod(schedulingGates=[{"name": "foo"}, {"name": "bar"}]))
    st = SchedulingGates().pre_enqueue(gated)
    assert st is not None and (st.code, st.reasons) == (
        "UnschedulableAndUnresolvable",
        ("waiting for scheduling gates: [foo bar]",),
    )
    assert SchedulingGates().pre_enqueue(PodInfo(pod())) is None


MB = 1024 * 1024


def test_image_locality_scores() -> None:
    """imagelocality_test.go "two images spread on two nodes, prefer the larger image one":
    gcr.io/40 (40 MB) on node1, gcr.io/300 (300 MB) on node2; the pod uses both images."""
    p = pod(image="gcr.io/40")
    p["spec"]["containers"].append({"name": "c2", "image": "gcr.io/300"})
    nodes = [
        node("node1", images=[("gcr.io/40:latest", 40 * MB)]),
        node("node2", images=[("gcr.io/300:latest", 300 * MB)]),
    ]
    e = explain(p, nodes, [], only("ImageLocality"))
    # node1: 40MB * 1/2 = 20MB < 23MB threshold -> 0; node2: (150-23)*100/(2000-23) = 6
    assert {n: s["ImageLocality"] for n, s in e.scores.items()} == {"node1": 0, "node2": 6}
