"""InterPodAffinity and PodTopologySpread: cases shaped on upstream's
interpodaffinity/filtering_test.go, scoring_test.go and podtopologyspread/filtering_test.go,
scoring_test.go."""

from __future__ import annotations

from typing import Any

import pytest

from sim.scheduler import explain
from tests.scheduler.helpers import node, only, pod

IPA = only("InterPodAffinity")
R1 = {"region": "r1", "zone": "z11"}
R1B = {"region": "r1", "zone": "z12"}
R2 = {"region": "r2", "zone": "z21"}


def term(labels: dict[str, str], key: str = "region", **extra: Any) -> dict[str, Any]:
    return {"labelSelector": {"matchLabels": labels}, "topologyKey": key, **extra}


def affinity(kind: str, *terms: dict[str, Any]) -> dict[str, Any]:
    return {kind: {"requiredDuringSchedulingIgnoredDuringExecution": list(terms)}}


NODES = [node("n1", labels=R1), node("n2", labels=R1B), node("n3", labels=R2)]
S1_ON_N1 = [pod("existing", node_name="n1", labels={"security": "S1"})]


@pytest.mark.parametrize(
    ("case", "incoming", "existing", "want"),
    [
        (
            "satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod",
            pod(affinity=affinity("podAffinity", term({"security": "S1"}))),
            S1_ON_N1,
            {
                "n1": None,
                "n2": None,
                "n3": ("UnschedulableAndUnresolvable", "node(s) didn't match pod affinity rules"),
            },
        ),
        (
            "doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
            pod(affinity=affinity("podAffinity", term({"security": "S2"}))),
            S1_ON_N1,
            {
                n: ("UnschedulableAndUnresolvable", "node(s) didn't match pod affinity rules")
                for n in ("n1", "n2", "n3")
            },
        ),
        (
            "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod",
            pod(affinity=affinity("podAntiAffinity", term({"security": "S1"}, "zone"))),
            S1_ON_N1,
            {
                "n1": ("Unschedulable", "node(s) didn't match pod anti-affinity rules"),
                "n2": None,
                "n3": None,
            },
        ),
        (
            "existing pod's anti-affinity blocks the incoming pod in its topology",
            pod(labels={"security": "S1"}),
            [
                pod(
                    "existing",
                    node_name="n1",
                    labels={"app": "x"},
                    affinity=affinity("podAntiAffinity", term({"security": "S1"})),
                )
            ],
            {
                "n1": ("Unschedulable", "node(s) didn't satisfy existing pods anti-affinity rules"),
                "n2": ("Unschedulable", "node(s) didn't satisfy existing pods anti-affinity rules"),
                "n3": None,
            },
        ),
        (
            "the first pod of a collection matching its own affinity may go anywhere with the topology key",
            pod(
                labels={"security": "S1"},
                affinity=affinity("podAffinity", term({"security": "S1"})),
            ),
            [],
            {"n1": None, "n2": None, "n3": None},
        ),
        (
            "affinity terms in other namespaces do not match unless listed",
            pod(affinity=affinity("podAffinity", term({"security": "S1"}))),
            [pod("existing", node_name="n1", namespace="other", labels={"security": "S1"})],
            {
                n: ("UnschedulableAndUnresolvable", "node(s) didn't match pod affinity rules")
                for n in ("n1", "n2", "n3")
            },
        ),
        (
            "namespaceSelector selects the namespaces of matching pods",
            pod(
                affinity=affinity(
                    "podAffinity",
                    term({"security": "S1"}, namespaceSelector={"matchLabels": {"team": "a"}}),
                )
            ),
            [pod("existing", node_name="n3", namespace="team-a", labels={"security": "S1"})],
            {
                "n1": ("UnschedulableAndUnresolvable", "node(s) didn't match pod affinity rules"),
                "n2": ("UnschedulableAndUnresolvable", "node(s) didn't match pod affinity rules"),
                "n3": None,
            },
        ),
    ],
    ids=lambda v: v[:90] if isinstance(v, str) and " " in v else "",
)
def test_inter_pod_affinity_filter(
    case: str, incoming: dict[str, Any], existing: list[Any], want: dict[str, Any]
) -> None:
    objects = [{"kind": "Namespace", "metadata": {"name": "team-a", "labels": {"team": "a"}}}]
    e = explain(incoming, NODES, existing, IPA, objects)
    got = {
        n: (
            None
            if s["InterPodAffinity"].is_success()
            else (s["InterPodAffinity"].code, s["InterPodAffinity"].message)
        )
        for n, s in e.filters.items()
    }
    assert got == want


def test_inter_pod_affinity_missing_topology_key_is_unresolvable() -> None:
    e = explain(
        pod(affinity=affinity("podAffinity", term({"security": "S1"}, "rack"))),
        NODES,
        S1_ON_N1,
        IPA,
    )
    assert all(
        s["InterPodAffinity"].code == "UnschedulableAndUnresolvable" for s in e.filters.values()
    )


def preferred(
    kind: str, weight: int, labels: dict[str, str], key: str = "region"
) -> dict[str, Any]:
    return {
        kind: {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": weight, "podAffinityTerm": term(labels, key)}
            ]
        }
    }


@pytest.mark.parametrize(
    ("case", "incoming", "existing", "want"),
    [
        (
            "all nodes have same priority as no pod has affinity",
            pod(labels={"security": "S1"}),
            S1_ON_N1,
            {"n1": 0, "n2": 0, "n3": 0},
        ),
        (
            "Affinity: pod that matches topology key & pods in nodes will get high score comparing to others",
            pod(affinity=preferred("podAffinity", 5, {"security": "S1"})),
            S1_ON_N1,
            {"n1": 100, "n2": 100, "n3": 0},
        ),
        (
            "Anti Affinity: pod that does not match existing pods in node will get high score",
            pod(affinity=preferred("podAntiAffinity", 5, {"security": "S1"})),
            S1_ON_N1,
            {"n1": 0, "n2": 0, "n3": 100},
        ),
        (
            "Affinity symmetry: existing pods' preferred affinity to the incoming pod counts",
            pod(labels={"security": "S2"}),
            [
                pod(
                    "existing",
                    node_name="n3",
                    labels={"x": "y"},
                    affinity=preferred("podAffinity", 5, {"security": "S2"}),
                )
            ],
            {"n1": 0, "n2": 0, "n3": 100},
        ),
        (
            "Hard affinity symmetry: existing pods' required affinity scores with hardPodAffinityWeight",
            pod(labels={"security": "S2"}),
            [
                pod(
                    "existing",
                    node_name="n1",
                    labels={"x": "y"},
                    affinity=affinity("podAffinity", term({"security": "S2"})),
                )
            ],
            {"n1": 100, "n2": 100, "n3": 0},
        ),
    ],
    ids=lambda v: v[:90] if isinstance(v, str) and " " in v else "",
)
def test_inter_pod_affinity_score(
    case: str, incoming: dict[str, Any], existing: list[Any], want: dict[str, int]
) -> None:
    e = explain(incoming, NODES, existing, IPA)
    assert {n: s["InterPodAffinity"] for n, s in e.scores.items()} == want


# -- PodTopologySpread --------------------------------------------------------------------------
PTS = only("PodTopologySpread")


def spread(
    max_skew: int = 1, key: str = "zone", when: str = "DoNotSchedule", **extra: Any
) -> list[dict[str, Any]]:
    return [
        {
            "maxSkew": max_skew,
            "topologyKey": key,
            "whenUnsatisfiable": when,
            "labelSelector": {"matchLabels": {"foo": ""}},
            **extra,
        }
    ]


ZONE_NODES = [
    node("node-a", labels={"zone": "zone1"}),
    node("node-b", labels={"zone": "zone1"}),
    node("node-x", labels={"zone": "zone2"}),
    node("node-y", labels={"zone": "zone2"}),
]


def foo(name: str, n: str) -> dict[str, Any]:
    return pod(name, node_name=n, labels={"foo": ""})


@pytest.mark.parametrize(
    ("case", "constraints", "existing", "fits"),
    [
        (
            "no existing pods",
            spread(),
            [],
            {"node-a": True, "node-b": True, "node-x": True, "node-y": True},
        ),
        (
            "no existing pods, incoming pod doesn't match itself",
            [{**spread()[0], "labelSelector": {"matchLabels": {"bar": ""}}}],
            [],
            {"node-a": True, "node-b": True, "node-x": True, "node-y": True},
        ),
        (
            "existing pods in a different namespace do not count",
            spread(),
            [pod("p-a1", node_name="node-a", namespace="ns1", labels={"foo": ""})],
            {"node-a": True, "node-b": True, "node-x": True, "node-y": True},
        ),
        (
            "pods spread across zones as 3/3, all nodes fit",
            spread(),
            [
                foo("p-a1", "node-a"),
                foo("p-a2", "node-a"),
                foo("p-b1", "node-b"),
                foo("p-y1", "node-y"),
                foo("p-y2", "node-y"),
                foo("p-y3", "node-y"),
            ],
            {"node-a": True, "node-b": True, "node-x": True, "node-y": True},
        ),
        (
            "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
            spread(),
            [foo("p-a1", "node-a"), foo("p-x1", "node-x"), foo("p-y1", "node-y")],
            {"node-a": True, "node-b": False, "node-x": False, "node-y": False},
        ),
        (
            "pod cannot be scheduled as all nodes don't have label 'rack'",
            spread(key="rack"),
            [],
            {"node-a": False, "node-b": False, "node-x": False, "node-y": False},
        ),
        (
            "pods spread across nodes as 2/1/0/3, only node-x fits",
            spread(key="kubernetes.io/hostname"),
            [
                foo("p-a1", "node-a"),
                foo("p-a2", "node-a"),
                foo("p-b1", "node-b"),
                foo("p-y1", "node-y"),
                foo("p-y2", "node-y"),
                foo("p-y3", "node-y"),
            ],
            {"node-a": False, "node-b": False, "node-x": True, "node-y": False},
        ),
        (
            "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
            spread(2, "kubernetes.io/hostname"),
            [
                foo("p-a1", "node-a"),
                foo("p-a2", "node-a"),
                foo("p-b1", "node-b"),
                foo("p-y1", "node-y"),
                foo("p-y2", "node-y"),
                foo("p-y3", "node-y"),
            ],
            {"node-a": False, "node-b": True, "node-x": True, "node-y": False},
        ),
        (
            "terminating pods are not counted",
            spread(),
            [
                foo("p-a1", "node-a"),
                {
                    **foo("p-a2", "node-a"),
                    "metadata": {
                        "name": "p-a2",
                        "namespace": "default",
                        "labels": {"foo": ""},
                        "deletionTimestamp": "2025-01-01T00:00:00Z",
                    },
                },
            ],
            {"node-a": False, "node-b": False, "node-x": True, "node-y": True},
        ),
        (
            "minDomains greater than the number of domains makes the global minimum 0",
            spread(minDomains=3),
            [foo("p-a1", "node-a"), foo("p-x1", "node-x")],
            {"node-a": False, "node-b": False, "node-x": False, "node-y": False},
        ),
    ],
    ids=lambda v: v[:90] if isinstance(v, str) and " " in v else "",
)
def test_topology_spread_filter(
    case: str, constraints: list[Any], existing: list[Any], fits: dict[str, bool]
) -> None:
    nodes = list(ZONE_NODES)
    if "absence of label" in case:
        nodes[1] = node("node-b", labels={})
    e = explain(
        pod(labels={"foo": ""}, topologySpreadConstraints=constraints), nodes, existing, PTS
    )
    got = {n: s["PodTopologySpread"].is_success() for n, s in e.filters.items()}
    assert got == fits
    for n, s in e.filters.items():
        st = s["PodTopologySpread"]
        if not st.is_success():
            missing = "rack" in case or (n == "node-b" and "absence" in case)
            want = "node(s) didn't match pod topology spread constraints" + (
                " (missing required label)" if missing else ""
            )
            assert st.message == want
            assert st.code == ("UnschedulableAndUnresolvable" if missing else "Unschedulable")


def test_topology_spread_node_affinity_policy() -> None:
    """nodeAffinityPolicy Honor (the default) ignores nodes the pod cannot go to when counting."""
    existing = [foo("p-x1", "node-x"), foo("p-x2", "node-x")]
    p = pod(labels={"foo": ""}, topologySpreadConstraints=spread(), nodeSelector={"zone": "zone1"})
    honor = explain(p, ZONE_NODES, existing, PTS)
    assert honor.filters["node-a"]["PodTopologySpread"].is_success()
    p_ignore = pod(
        labels={"foo": ""},
        topologySpreadConstraints=spread(nodeAffinityPolicy="Ignore"),
        nodeSelector={"zone": "zone1"},
    )
    ignore = explain(p_ignore, ZONE_NODES, existing, PTS)
    assert ignore.filters["node-a"]["PodTopologySpread"].is_success()  # zone1 0+1 - min(0) = 1
    p3 = pod(
        labels={"foo": ""},
        topologySpreadConstraints=spread(nodeAffinityPolicy="Ignore"),
        nodeSelector={"zone": "zone2"},
    )
    assert (
        not explain(p3, ZONE_NODES, existing, PTS)
        .filters["node-x"]["PodTopologySpread"]
        .is_success()
    )


def test_topology_spread_score() -> None:
    """scoring_test.go shape: hostname spread 1/0/... prefers the emptier node; the score is
    count * log(size + 2) + maxSkew - 1, normalized inversely to 0..100."""
    existing = [foo("p-a1", "node-a"), foo("p-a2", "node-a"), foo("p-b1", "node-b")]
    p = pod(
        labels={"foo": ""},
        topologySpreadConstraints=spread(key="kubernetes.io/hostname", when="ScheduleAnyway"),
    )
    e = explain(p, ZONE_NODES[:3], existing, PTS)
    # raw: a = 2*ln5 = 3.22 -> 3, b = 1*ln5 -> 2, x = 0; max 3, min 0: 100*(3+0-s)/3
    assert {n: s["PodTopologySpread"] for n, s in e.scores.items()} == {
        "node-a": 0,
        "node-b": 33,
        "node-x": 100,
    }


def test_system_default_spreading_uses_service_selector() -> None:
    svc = {
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}},
    }
    nodes = [
        node("n1", labels={"topology.kubernetes.io/zone": "a"}),
        node("n2", labels={"topology.kubernetes.io/zone": "b"}),
    ]
    existing = [pod("w1", node_name="n1", labels={"app": "web"})]
    e = explain(pod(labels={"app": "web"}), nodes, existing, PTS, [svc])
    assert e.scores["n2"]["PodTopologySpread"] > e.scores["n1"]["PodTopologySpread"]
    e2 = explain(pod(labels={"app": "web"}), nodes, existing, PTS)
    assert (
        e2.scores["n1"]["PodTopologySpread"] == e2.scores["n2"]["PodTopologySpread"] == 0
    )  # skipped
