"""PodTopologySpread scoring, with the cases of upstream's
pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go (TestPodTopologySpreadScore)
as facts: normalized scores over the candidate nodes, with the plugin's system-default args.

Upstream's failedNodes (in the snapshot, not candidates) are marked unschedulable here and
NodeUnschedulable filters them out, so PreScore sees exactly upstream's candidate list.
Not carried: "matchLabelKeys ignored when feature gate disabled" (MatchLabelKeysInPodTopologySpread
is on by default in 1.32); TestPreScoreStateEmptyNodes and TestPreScoreSkip check internal
pre-score state that explain does not expose.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.scheduler import explain
from tests.scheduler.upstream.st import make_node, make_pod

PLUGIN = "PodTopologySpread"
HOST = "kubernetes.io/hostname"
FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}  # fooSelector
BAR = {"matchExpressions": [{"key": "bar", "operator": "Exists"}]}  # barSelector
UNSCHEDULABLE_TAINT = [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]


def spread(
    skew: int,
    key: str,
    selector: dict[str, Any] | None,
    *,
    min_domains: int | None = None,
    affinity_policy: str | None = None,
    taints_policy: str | None = None,
    match_label_keys: list[str] | None = None,
) -> dict[str, Any]:
    c: dict[str, Any] = {"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway"}
    if selector is not None:
        c["labelSelector"] = selector
    if min_domains is not None:
        c["minDomains"] = min_domains
    if affinity_policy:
        c["nodeAffinityPolicy"] = affinity_policy
    if taints_policy:
        c["nodeTaintsPolicy"] = taints_policy
    if match_label_keys:
        c["matchLabelKeys"] = match_label_keys
    return c


def incoming(labels: list[str], *constraints: dict[str, Any], **spec: Any) -> dict[str, Any]:
    if constraints:
        spec["topologySpreadConstraints"] = list(constraints)
    return make_pod("p", labels={k: "" for k in labels}, **spec)


def on(
    node: str, name: str, *labels: str, namespace: str = "default", terminating: bool = False
) -> dict[str, Any]:
    p = make_pod(name, node=node, namespace=namespace, labels={k: "" for k in labels})
    if terminating:
        p["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    return p


def spread_pods(counts: dict[str, int], *labels: str) -> list[dict[str, Any]]:
    """`counts[node]` pods carrying `labels` on each node, named as upstream (p-a1, ...)."""
    return [
        on(node, f"p-{node.split('-')[1]}{i + 1}", *labels)
        for node, n in counts.items()
        for i in range(n)
    ]


def host(name: str, **labels: str) -> dict[str, Any]:
    return make_node(name, labels={HOST: name, **labels})


def zone_host(name: str, zone: str) -> dict[str, Any]:
    return make_node(name, labels={"zone": zone, HOST: name})


CONFIG = {
    "apiVersion": "kubescheduler.config.k8s.io/v1",
    "kind": "KubeSchedulerConfiguration",
    "profiles": [
        {
            "schedulerName": "default-scheduler",
            "plugins": {
                "multiPoint": {
                    "disabled": [{"name": "*"}],
                    "enabled": [
                        {"name": "PrioritySort"},
                        {"name": "DefaultBinder"},
                        {"name": "NodeUnschedulable"},
                        {"name": PLUGIN},
                    ],
                }
            },
        }
    ],
}


def failed(node: dict[str, Any]) -> dict[str, Any]:
    node["spec"]["unschedulable"] = True
    return node


CASES: list[
    tuple[
        str,
        dict[str, Any],
        list[dict[str, Any]],
        list[dict[str, Any]],
        list[dict[str, Any]],
        dict[str, int],
    ]
] = [
    (
        "one constraint on node, no existing pods",
        incoming(["foo"], spread(1, HOST, FOO)),
        [host("node-a"), host("node-b")],
        [],
        [],
        {"node-a": 100, "node-b": 100},
    ),
    (
        "one constraint on node, only one node is candidate",
        incoming(["foo"], spread(1, HOST, FOO)),
        [host("node-a"), failed(host("node-b"))],
        spread_pods({"node-a": 2, "node-b": 1}, "foo"),
        [],
        {"node-a": 100},
    ),
    (
        "one constraint on node, all nodes have the same number of matching pods",
        incoming(["foo"], spread(1, HOST, FOO)),
        [host("node-a"), host("node-b")],
        spread_pods({"node-a": 1, "node-b": 1}, "foo"),
        [],
        {"node-a": 100, "node-b": 100},
    ),
    (
        "one constraint on node, all 4 nodes are candidates",
        incoming(["foo"], spread(1, HOST, FOO)),
        [host("node-a"), host("node-b"), host("node-c"), host("node-d")],
        spread_pods({"node-a": 2, "node-b": 1, "node-d": 3}, "foo"),
        [],
        {"node-a": 20, "node-b": 60, "node-c": 100, "node-d": 0},
    ),
    (
        "one constraint on node, null selector",
        incoming(["foo"], spread(1, HOST, None)),
        [host("node-a"), host("node-b"), host("node-c"), host("node-d")],
        spread_pods({"node-a": 2, "node-b": 1, "node-d": 3}, "foo"),
        [],
        {"node-a": 100, "node-b": 100, "node-c": 100, "node-d": 100},
    ),
    (
        "one constraint on node, all 4 nodes are candidates, maxSkew=2",
        incoming(["foo"], spread(2, HOST, FOO)),
        [host("node-a"), host("node-b"), host("node-c"), host("node-d")],
        spread_pods({"node-a": 2, "node-b": 1, "node-d": 3}, "foo"),
        [],
        {"node-a": 33, "node-b": 66, "node-c": 100, "node-d": 16},
    ),
    (
        "one constraint on node, all 4 nodes are candidates, maxSkew=3",
        incoming(["foo"], spread(3, HOST, FOO)),
        [host("node-a"), host("node-b"), host("node-c"), host("node-d")],
        spread_pods({"node-a": 4, "node-b": 3, "node-c": 2, "node-d": 1}, "foo"),
        [],
        {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100},
    ),
    (
        "system defaulting, nodes don't have zone, pods match service",
        incoming(["foo"]),
        [host("node-a"), host("node-b"), host("node-c"), host("node-d")],
        spread_pods({"node-a": 4, "node-b": 3, "node-c": 2, "node-d": 1}, "foo"),
        [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "svc", "namespace": "default"},
                "spec": {"selector": {"foo": ""}},
            }
        ],
        {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100},
    ),
    (
        "one constraint on node, 3 out of 4 nodes are candidates",
        incoming(["foo"], spread(1, HOST, FOO)),
        [host("node-a"), host("node-b"), host("node-x"), failed(host("node-y"))],
        spread_pods({"node-a": 4, "node-b": 2, "node-x": 1, "node-y": 3}, "foo"),
        [],
        {"node-a": 33, "node-b": 83, "node-x": 100},
    ),
    (
        "one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match "
        "topology key",
        incoming(["foo"], spread(1, HOST, FOO)),
        [
            host("node-a"),
            make_node("node-b", labels={"n": "node-b"}),
            host("node-x"),
            failed(host("node-y")),
        ],
        spread_pods({"node-a": 4, "node-b": 2, "node-x": 1, "node-y": 3}, "foo"),
        [],
        {"node-a": 16, "node-b": 0, "node-x": 100},
    ),
    (
        "one constraint on zone, 3 out of 4 nodes are candidates",
        incoming(["foo"], spread(1, "zone", FOO)),
        [
            zone_host("node-a", "zone1"),
            zone_host("node-b", "zone1"),
            zone_host("node-x", "zone2"),
            failed(zone_host("node-y", "zone2")),
        ],
        spread_pods({"node-a": 4, "node-b": 2, "node-x": 1, "node-y": 3}, "foo"),
        [],
        {"node-a": 75, "node-b": 75, "node-x": 100},
    ),
    (
        "two Constraints on zone and node, 2 out of 4 nodes are candidates",
        incoming(["foo"], spread(1, "zone", FOO), spread(1, HOST, FOO)),
        [
            zone_host("node-a", "zone1"),
            zone_host("node-x", "zone2"),
            failed(zone_host("node-b", "zone1")),
            failed(zone_host("node-y", "zone2")),
        ],
        spread_pods({"node-a": 2, "node-b": 1, "node-x": 2, "node-y": 4}, "foo"),
        [],
        {"node-a": 100, "node-x": 63},
    ),
    (
        "two Constraints on zone, 2 out of 4 nodes are candidates",
        incoming(["foo", "bar"], spread(1, "zone", FOO), spread(1, "zone", BAR)),
        [
            make_node("node-a", labels={"zone": "zone1"}),
            make_node("node-x", labels={"zone": "zone2"}),
            failed(make_node("node-b", labels={"zone": "zone1"})),
            failed(make_node("node-y", labels={"zone": "zone2"})),
        ],
        [
            on("node-a", "p-a1", "foo", "bar"),
            on("node-a", "p-a2", "foo"),
            on("node-b", "p-b1", "foo", "bar"),
            on("node-y", "p-y1", "foo"),
            on("node-y", "p-y2", "foo", "bar"),
            on("node-y", "p-y3", "foo"),
        ],
        [],
        {"node-a": 85, "node-x": 100},
    ),
    (
        "two Constraints on zone and node, with different labelSelectors",
        incoming(["foo", "bar"], spread(1, "zone", FOO), spread(1, HOST, BAR)),
        [
            zone_host("node-a", "zone1"),
            zone_host("node-b", "zone1"),
            zone_host("node-x", "zone2"),
            zone_host("node-y", "zone2"),
        ],
        [
            on("node-a", "p-a1", "foo"),
            on("node-b", "p-b1", "foo", "bar"),
            on("node-y", "p-y1", "foo"),
            on("node-y", "p-y2", "bar"),
        ],
        [],
        {"node-a": 60, "node-b": 20, "node-x": 100, "node-y": 60},
    ),
    (
        "two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods",
        incoming(["foo", "bar"], spread(1, "zone", FOO), spread(1, HOST, BAR)),
        [
            zone_host("node-a", "zone1"),
            zone_host("node-b", "zone1"),
            zone_host("node-x", "zone2"),
            zone_host("node-y", "zone2"),
        ],
        [
            on("node-b", "p-b1", "bar"),
            on("node-x", "p-x1", "foo"),
            on("node-y", "p-y1", "foo", "bar"),
        ],
        [],
        {"node-a": 100, "node-b": 60, "node-x": 40, "node-y": 0},
    ),
    (
        "two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are "
        "candidates",
        incoming(["foo", "bar"], spread(1, "zone", FOO), spread(1, HOST, BAR)),
        [
            zone_host("node-a", "zone1"),
            zone_host("node-b", "zone1"),
            zone_host("node-x", "zone2"),
            failed(zone_host("node-y", "zone2")),
        ],
        [
            on("node-a", "p-a1", "foo"),
            on("node-b", "p-b1", "foo", "bar"),
            on("node-y", "p-y1", "foo"),
            on("node-y", "p-y2", "bar"),
        ],
        [],
        {"node-a": 50, "node-b": 25, "node-x": 100},
    ),
    (
        "existing pods in a different namespace do not count",
        incoming(["foo"], spread(1, HOST, FOO)),
        [host("node-a"), host("node-b")],
        [
            on("node-a", "p-a1", "foo", namespace="ns1"),
            on("node-a", "p-a2", "foo"),
            on("node-b", "p-b1", "foo"),
            on("node-b", "p-b2", "foo"),
        ],
        [],
        {"node-a": 100, "node-b": 33},
    ),
    (
        "terminating Pods should be excluded",
        incoming(["foo"], spread(1, HOST, FOO)),
        [host("node-a"), host("node-b")],
        [on("node-a", "p-a", "foo", terminating=True), on("node-b", "p-b", "foo")],
        [],
        {"node-a": 100, "node-b": 0},
    ),
    (
        "minDomains has no effect when ScheduleAnyway",
        incoming(["foo"], spread(2, "node", FOO, min_domains=10)),
        [make_node(n, labels={"node": n}) for n in ("node-a", "node-b", "node-c")],
        spread_pods({"node-a": 2, "node-b": 2, "node-c": 1}, "foo"),
        [],
        {"node-a": 75, "node-b": 75, "node-c": 100},
    ),
    (
        "NodeAffinityPolicy honoed with labelSelectors",
        incoming(["foo"], spread(1, "node", FOO), nodeSelector={"foo": ""}),
        [
            make_node("node-a", labels={"node": "node-a", "foo": ""}),
            make_node("node-b", labels={"node": "node-b", "foo": ""}),
            make_node("node-c", labels={"node": "node-c"}),
        ],
        spread_pods({"node-a": 2, "node-b": 1, "node-c": 1}, "foo"),
        [],
        {"node-a": 0, "node-b": 33, "node-c": 100},
    ),
    (
        "NodeAffinityPolicy ignored with labelSelectors",
        incoming(
            ["foo"], spread(1, "node", FOO, affinity_policy="Ignore"), nodeSelector={"foo": ""}
        ),
        [
            make_node("node-a", labels={"node": "node-a", "foo": ""}),
            make_node("node-b", labels={"node": "node-b", "foo": ""}),
            make_node("node-c", labels={"node": "node-c"}),
        ],
        spread_pods({"node-a": 2, "node-b": 1, "node-c": 1}, "foo"),
        [],
        {"node-a": 66, "node-b": 100, "node-c": 100},
    ),
    (
        "NodeAffinityPolicy honoed with nodeAffinity",
        incoming(
            ["foo"],
            spread(1, "node", FOO),
            affinity={
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {"matchExpressions": [{"key": "foo", "operator": "In", "values": [""]}]}
                        ]
                    }
                }
            },
        ),
        [
            make_node("node-a", labels={"node": "node-a", "foo": ""}),
            make_node("node-b", labels={"node": "node-b", "foo": ""}),
            make_node("node-c", labels={"node": "node-c"}),
        ],
        spread_pods({"node-a": 2, "node-b": 1, "node-c": 1}, "foo"),
        [],
        {"node-a": 0, "node-b": 33, "node-c": 100},
    ),
    (
        "NodeAffinityPolicy ignored with nodeAffinity",
        incoming(
            ["foo"],
            spread(1, "node", FOO, affinity_policy="Ignore"),
            affinity={
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {"matchExpressions": [{"key": "foo", "operator": "In", "values": [""]}]}
                        ]
                    }
                }
            },
        ),
        [
            make_node("node-a", labels={"node": "node-a", "foo": ""}),
            make_node("node-b", labels={"node": "node-b", "foo": ""}),
            make_node("node-c", labels={"node": "node-c"}),
        ],
        spread_pods({"node-a": 2, "node-b": 1, "node-c": 1}, "foo"),
        [],
        {"node-a": 66, "node-b": 100, "node-c": 100},
    ),
    (
        "NodeTaintsPolicy honored",
        incoming(["foo"], spread(1, "node", FOO, taints_policy="Honor")),
        [
            make_node("node-a", labels={"node": "node-a"}),
            make_node("node-b", labels={"node": "node-b"}),
            make_node("node-c", labels={"node": "node-c"}, taints=UNSCHEDULABLE_TAINT),
        ],
        spread_pods({"node-a": 2, "node-b": 1, "node-c": 1}, "foo"),
        [],
        {"node-a": 0, "node-b": 33, "node-c": 100},
    ),
    (
        "NodeTaintsPolicy ignored",
        incoming(["foo"], spread(1, "node", FOO)),
        [
            make_node("node-a", labels={"node": "node-a"}),
            make_node("node-b", labels={"node": "node-b"}),
            make_node("node-c", labels={"node": "node-c"}, taints=UNSCHEDULABLE_TAINT),
        ],
        spread_pods({"node-a": 2, "node-b": 1, "node-c": 1}, "foo"),
        [],
        {"node-a": 66, "node-b": 100, "node-c": 100},
    ),
    (
        "matchLabelKeys ANDed with LabelSelector when LabelSelector is empty",
        incoming(
            ["foo", "bar"],
            spread(1, "zone", {}, match_label_keys=["foo"]),
            spread(1, HOST, {}, match_label_keys=["bar"]),
        ),
        [
            zone_host("node-a", "zone1"),
            zone_host("node-b", "zone1"),
            zone_host("node-c", "zone2"),
            zone_host("node-d", "zone2"),
        ],
        [
            on("node-a", "p-a1", "foo"),
            on("node-b", "p-b1", "foo", "bar"),
            on("node-c", "p-y1", "foo"),
            on("node-c", "p-y2", "bar"),
        ],
        [],
        {"node-a": 60, "node-b": 20, "node-c": 60, "node-d": 100},
    ),
    (
        "matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty",
        incoming(
            ["foo", "bar", "baz"],
            spread(1, "zone", FOO),
            spread(1, HOST, BAR, match_label_keys=["baz"]),
        ),
        [
            zone_host("node-a", "zone1"),
            zone_host("node-b", "zone1"),
            zone_host("node-c", "zone2"),
            zone_host("node-d", "zone2"),
        ],
        [
            on("node-a", "p-a1", "foo"),
            on("node-b", "p-b1", "foo", "bar", "baz"),
            on("node-c", "p-c1", "foo"),
            on("node-c", "p-c2", "bar"),
            on("node-c", "p-d3", "bar", "baz"),
        ],
        [],
        {"node-a": 60, "node-b": 20, "node-c": 60, "node-d": 100},
    ),
]


@pytest.mark.parametrize(
    ("case", "pod", "nodes", "existing", "objects", "want"), CASES, ids=[c[0] for c in CASES]
)
def test_pod_topology_spread_score(
    case: str,
    pod: dict[str, Any],
    nodes: list[dict[str, Any]],
    existing: list[dict[str, Any]],
    objects: list[dict[str, Any]],
    want: dict[str, int],
) -> None:
    ex = explain(pod, nodes, existing, CONFIG, objects)
    assert {n: per[PLUGIN] for n, per in ex.scores.items()} == want
