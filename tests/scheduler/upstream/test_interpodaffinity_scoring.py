"""InterPodAffinity scoring, with the cases of upstream's
pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go (TestPreferredAffinity,
TestPreferredAffinityWithHardPodAffinitySymmetricWeight) as facts.

Upstream's pods without a namespace live in ""; here they live in "default" (and the
term's namespace "" becomes "default"), which is the same relation. Where upstream's PreScore
returns Skip, the plugin contributes no score: we assert 0 on every node.
Not carried: "invalid Affinity/AntiAffinity fails PreScore" (a label value the API server's
validation rejects; explain takes objects unvalidated) and "No nodes to score" (no nodes).
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.scheduler import explain
from tests.scheduler.upstream.st import config, make_node, make_pod

PLUGIN = "InterPodAffinity"

NAMESPACES = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": {"team": t}}}
    for n, t in [
        ("subteam1.team1", "team1"),
        ("subteam2.team1", "team1"),
        ("subteam1.team2", "team2"),
        ("subteam2.team2", "team2"),
    ]
]

RG_CHINA = {"region": "China"}
RG_INDIA = {"region": "India"}
AZ1 = {"az": "az1"}
AZ2 = {"az": "az2"}
RG_CHINA_AZ1 = {"region": "China", "az": "az1"}
S1 = {"security": "S1"}
S2 = {"security": "S2"}


def sel(*exprs: tuple[str, str, list[str] | None]) -> dict[str, Any]:
    out = []
    for key, op, values in exprs:
        e: dict[str, Any] = {"key": key, "operator": op}
        if values is not None:
            e["values"] = values
        out.append(e)
    return {"matchExpressions": out}


def term(selector: dict[str, Any], key: str, **extra: Any) -> dict[str, Any]:
    return {"labelSelector": selector, "topologyKey": key, **extra}


def weighted(w: int, t: dict[str, Any]) -> dict[str, Any]:
    return {"weight": w, "podAffinityTerm": t}


STAY_S1_REGION = {
    "podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(5, term(sel(("security", "In", ["S1"])), "region"))
        ]
    }
}
STAY_S2_REGION = {
    "podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(6, term(sel(("security", "In", ["S2"])), "region"))
        ]
    }
}
AFFINITY3 = {
    "podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(
                8, term(sel(("security", "NotIn", ["S1"]), ("security", "In", ["S2"])), "region")
            ),
            weighted(
                2,
                term(
                    sel(("security", "Exists", None), ("wrongkey", "DoesNotExist", None)), "region"
                ),
            ),
        ]
    }
}
HARD_AFFINITY = {
    "podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [
            term(sel(("security", "In", ["S1", "value2"])), "region"),
            term(sel(("security", "Exists", None), ("wrongkey", "DoesNotExist", None)), "region"),
        ]
    }
}
AWAY_S1_AZ = {
    "podAntiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(5, term(sel(("security", "In", ["S1"])), "az"))
        ]
    }
}
AWAY_S2_AZ = {
    "podAntiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(5, term(sel(("security", "In", ["S2"])), "az"))
        ]
    }
}
STAY_S1_REGION_AWAY_S2_AZ = {
    "podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(8, term(sel(("security", "In", ["S1"])), "region"))
        ]
    },
    "podAntiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(5, term(sel(("security", "In", ["S2"])), "az"))
        ]
    },
}
NS_TERM = {
    "namespaces": ["subteam2.team2"],
    "namespaceSelector": sel(("team", "In", ["team1"])),
}
AFFINITY_NS_SELECTOR = {
    "podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(5, term(sel(("security", "In", ["S1"])), "region", **NS_TERM))
        ]
    }
}
ANTI_AFFINITY_NS_SELECTOR = {
    "podAntiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(5, term(sel(("security", "In", ["S1"])), "region", **NS_TERM))
        ]
    }
}

_count = 0


def pod(
    node: str | None = None,
    labels: dict[str, str] | None = None,
    affinity: dict[str, Any] | None = None,
    namespace: str = "default",
) -> dict[str, Any]:
    global _count
    _count += 1
    spec: dict[str, Any] = {"affinity": affinity} if affinity else {}
    return make_pod(f"p{_count}", node=node, labels=labels, namespace=namespace, **spec)


def nodes(**labels: dict[str, str]) -> list[dict[str, Any]]:
    return [make_node(n, labels=lbl) for n, lbl in labels.items()]


PREFERRED = [
    (
        "all nodes are same priority as Affinity is nil",
        pod(labels=S1),
        [],
        nodes(node1=RG_CHINA, node2=RG_INDIA, node3=AZ1),
        False,
        {"node1": 0, "node2": 0, "node3": 0},  # PreScore: Skip
    ),
    (
        "Affinity: pod that matches topology key & pods in nodes will get high score comparing "
        "to otherswhich doesn't match either pods in nodes or in topology key",
        pod(labels=S1, affinity=STAY_S1_REGION),
        [pod("node1", S1), pod("node2", S2), pod("node3", S1)],
        nodes(node1=RG_CHINA, node2=RG_INDIA, node3=AZ1),
        False,
        {"node1": 100, "node2": 0, "node3": 0},
    ),
    (
        "All the nodes that have the same topology key & label value with one of them has an "
        "existing pod that match the affinity rules, have the same score",
        pod(affinity=STAY_S1_REGION),
        [pod("node1", S1)],
        nodes(node1=RG_CHINA, node2=RG_CHINA_AZ1, node3=RG_INDIA),
        False,
        {"node1": 100, "node2": 100, "node3": 0},
    ),
    (
        "Affinity: nodes in one region has more matching pods comparing to other region, so the "
        "region which has more matches will get high score",
        pod(labels=S1, affinity=STAY_S2_REGION),
        [pod(n, S2) for n in ("node1", "node1", "node2", "node3", "node4", "node5")],
        nodes(node1=RG_CHINA, node2=RG_INDIA, node3=RG_CHINA, node4=RG_CHINA, node5=RG_INDIA),
        False,
        {"node1": 100, "node2": 0, "node3": 100, "node4": 100, "node5": 0},
    ),
    (
        "Affinity: different Label operators and values for pod affinity scheduling preference, "
        "including some match failures",
        pod(labels=S1, affinity=AFFINITY3),
        [pod("node1", S1), pod("node2", S2), pod("node3", S1)],
        nodes(node1=RG_CHINA, node2=RG_INDIA, node3=AZ1),
        False,
        {"node1": 20, "node2": 100, "node3": 0},
    ),
    (
        "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution "
        "in pod affinity symmetry",
        pod(labels=S2),
        [pod("node1", S1, STAY_S1_REGION), pod("node2", S2, STAY_S2_REGION)],
        nodes(node1=RG_CHINA, node2=RG_INDIA, node3=AZ1),
        False,
        {"node1": 0, "node2": 100, "node3": 0},
    ),
    (
        "Affinity symmetry with namespace selector",
        pod(labels=S1, namespace="subteam1.team1"),
        [pod("node1", S1, AFFINITY_NS_SELECTOR), pod("node2", S2, STAY_S2_REGION)],
        nodes(node1=RG_CHINA, node2=RG_INDIA, node3=AZ1),
        False,
        {"node1": 100, "node2": 0, "node3": 0},
    ),
    (
        "AntiAffinity symmetry with namespace selector",
        pod(labels=S1, namespace="subteam1.team1"),
        [pod("node1", S1, ANTI_AFFINITY_NS_SELECTOR), pod("node2", S2, STAY_S2_REGION)],
        nodes(node1=RG_CHINA, node2=RG_INDIA, node3=AZ1),
        False,
        {"node1": 0, "node2": 100, "node3": 100},
    ),
    (
        "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod "
        "affinity symmetry",
        pod(labels=S1),
        [pod("node1", S1, HARD_AFFINITY), pod("node2", S2, HARD_AFFINITY)],
        nodes(node1=RG_CHINA, node2=RG_INDIA, node3=AZ1),
        False,
        {"node1": 100, "node2": 100, "node3": 0},
    ),
    (
        "Anti Affinity: pod that does not match existing pods in node will get high score",
        pod(labels=S1, affinity=AWAY_S1_AZ),
        [pod("node1", S1), pod("node2", S2)],
        nodes(node1=AZ1, node2=RG_CHINA),
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Anti Affinity: pod that does not match topology key & match the pods in nodes will get "
        "higher score comparing to others",
        pod(labels=S1, affinity=AWAY_S1_AZ),
        [pod("node1", S1), pod("node2", S1)],
        nodes(node1=AZ1, node2=RG_CHINA),
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Anti Affinity: one node has more matching pods comparing to other node, so the node "
        "which has more unmatches will get high score",
        pod(labels=S1, affinity=AWAY_S1_AZ),
        [pod("node1", S1), pod("node1", S1), pod("node2", S2)],
        nodes(node1=AZ1, node2=RG_INDIA),
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Anti Affinity symmetry: the existing pods in node which has anti affinity match will get "
        "high score",
        pod(labels=S2),
        [pod("node1", S1, AWAY_S2_AZ), pod("node2", S2, AWAY_S1_AZ)],
        nodes(node1=AZ1, node2=AZ2),
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution "
        "in both pod affinity & anti affinity",
        pod(labels=S1, affinity=STAY_S1_REGION_AWAY_S2_AZ),
        [pod("node1", S1), pod("node2", S1)],
        nodes(node1=RG_CHINA, node2=AZ1),
        False,
        {"node1": 100, "node2": 0},
    ),
    (
        "Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to "
        "schedule and existing pods have the same labels",
        pod(labels=S1, affinity=STAY_S1_REGION_AWAY_S2_AZ),
        [pod(n, S1) for n in ("node1", "node1", "node2", "node3", "node3", "node4", "node5")],
        nodes(node1=RG_CHINA_AZ1, node2=RG_INDIA, node3=RG_CHINA, node4=RG_CHINA, node5=RG_INDIA),
        False,
        {"node1": 100, "node2": 0, "node3": 100, "node4": 100, "node5": 0},
    ),
    (
        "Affinity and Anti Affinity and symmetry: considered only "
        "preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & "
        "symmetry",
        pod(labels=S1, affinity=STAY_S1_REGION_AWAY_S2_AZ),
        [
            pod("node1", S1),
            pod("node2", S2),
            pod("node3", None, STAY_S1_REGION_AWAY_S2_AZ),
            pod("node4", None, AWAY_S1_AZ),
        ],
        nodes(node1=RG_CHINA, node2=AZ1, node3=RG_INDIA, node4=AZ2),
        False,
        {"node1": 100, "node2": 0, "node3": 100, "node4": 0},
    ),
    (
        "Avoid panic when partial nodes in a topology don't have pods with affinity",
        pod(labels=S1),
        [pod("node1", S1), pod("node2", None, STAY_S1_REGION_AWAY_S2_AZ)],
        nodes(node1=RG_CHINA, node2=RG_CHINA),
        False,
        {"node1": 0, "node2": 0},
    ),
    (
        "Affinity with pods matching NamespaceSelector",
        pod(labels=S1, affinity=AFFINITY_NS_SELECTOR, namespace="subteam1.team1"),
        [
            pod("node1", S1, namespace="subteam1.team1"),
            pod("node1", S1, namespace="subteam1.team1"),
            pod("node1", S1, namespace="subteam1.team2"),
            pod("node2", S1, namespace="subteam2.team1"),
        ],
        nodes(node1=RG_CHINA, node2=RG_INDIA),
        False,
        {"node1": 100, "node2": 0},
    ),
    (
        "Affinity with pods matching both NamespaceSelector and Namespaces fields",
        pod(labels=S1, affinity=AFFINITY_NS_SELECTOR, namespace="subteam1.team1"),
        [
            pod("node1", S1, namespace="subteam1.team1"),
            pod("node1", S1, namespace="subteam1.team1"),
            pod("node1", S1, namespace="subteam2.team2"),
            pod("node2", S1, namespace="subteam2.team1"),
        ],
        nodes(node1=RG_CHINA, node2=RG_INDIA),
        False,
        {"node1": 100, "node2": 0},
    ),
    (
        "Affinity with pods matching NamespaceSelector (anti-affinity)",
        pod(labels=S1, affinity=ANTI_AFFINITY_NS_SELECTOR, namespace="subteam1.team1"),
        [
            pod("node1", S1, namespace="subteam1.team1"),
            pod("node1", S1, namespace="subteam1.team1"),
            pod("node1", S1, namespace="subteam1.team2"),
            pod("node2", S1, namespace="subteam2.team1"),
        ],
        nodes(node1=RG_CHINA, node2=RG_INDIA),
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Affinity with pods matching both NamespaceSelector and Namespaces fields (anti-affinity)",
        pod(labels=S1, affinity=ANTI_AFFINITY_NS_SELECTOR, namespace="subteam1.team1"),
        [
            pod("node1", S1, namespace="subteam1.team1"),
            pod("node1", S1, namespace="subteam1.team1"),
            pod("node1", S1, namespace="subteam2.team2"),
            pod("node2", S1, namespace="subteam2.team1"),
        ],
        nodes(node1=RG_CHINA, node2=RG_INDIA),
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Ignore preferred terms of existing pods",
        pod(labels=S2),
        [pod("node1", S1, STAY_S1_REGION_AWAY_S2_AZ), pod("node2", S2, STAY_S2_REGION)],
        nodes(node1=RG_CHINA, node2=RG_INDIA),
        True,
        {"node1": 0, "node2": 0},  # PreScore: Skip
    ),
    (
        "Do not ignore preferred terms of existing pods",
        pod(labels=S2),
        [pod("node1", S1, STAY_S1_REGION_AWAY_S2_AZ), pod("node2", S2, STAY_S2_REGION)],
        nodes(node1=RG_CHINA, node2=RG_INDIA),
        False,
        {"node1": 0, "node2": 100},
    ),
]


def _scores(ex: Any) -> dict[str, int]:
    return {n: per.get(PLUGIN, 0) for n, per in ex.scores.items()}


@pytest.mark.parametrize(
    ("case", "incoming", "existing", "node_objs", "ignore", "want"),
    PREFERRED,
    ids=[c[0] for c in PREFERRED],
)
def test_preferred_affinity(
    case: str,
    incoming: dict[str, Any],
    existing: list[dict[str, Any]],
    node_objs: list[dict[str, Any]],
    ignore: bool,
    want: dict[str, int],
) -> None:
    args = {"hardPodAffinityWeight": 1, "ignorePreferredTermsOfExistingPods": ignore}
    cfg = config(PLUGIN, args, points=("score",))
    assert _scores(explain(incoming, node_objs, existing, cfg, NAMESPACES)) == want


HARD_POD_AFFINITY = {
    "podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [
            term(
                sel(("service", "In", ["S1"])),
                "region",
                namespaces=["default", "subteam2.team2"],
                namespaceSelector=sel(("team", "In", ["team1"])),
            )
        ]
    }
}


@pytest.mark.parametrize(
    ("case", "namespace", "weight", "want"),
    [
        ("with default weight", "default", 1, {"node1": 100, "node2": 100, "node3": 0}),
        ("with zero weight", "default", 0, {"node1": 0, "node2": 0, "node3": 0}),  # Skip
        ("with no matching namespace", "subteam1.team2", 1, {"node1": 0, "node2": 0, "node3": 0}),
        (
            "with matching NamespaceSelector",
            "subteam1.team1",
            1,
            {"node1": 100, "node2": 100, "node3": 0},
        ),
        ("with matching Namespaces", "subteam2.team2", 1, {"node1": 100, "node2": 100, "node3": 0}),
    ],
)
def test_preferred_affinity_with_hard_pod_affinity_symmetric_weight(
    case: str, namespace: str, weight: int, want: dict[str, int]
) -> None:
    incoming = pod(labels={"service": "S1"}, namespace=namespace)
    existing = [pod("node1", None, HARD_POD_AFFINITY), pod("node2", None, HARD_POD_AFFINITY)]
    cfg = config(PLUGIN, {"hardPodAffinityWeight": weight}, points=("score",))
    node_objs = nodes(node1=RG_CHINA, node2=RG_INDIA, node3=AZ1)
    assert _scores(explain(incoming, node_objs, existing, cfg, NAMESPACES)) == want
