"""PodTopologySpread filter, with the cases of upstream's
pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go (TestSingleConstraint,
TestMultipleConstraints) as facts: the Filter status code on every node (upstream checks codes
only). PodTopologySpread runs alone, as in the Go test, so NodeAffinity and TaintToleration
do not reject nodes here. NodeInclusionPolicyInPodTopologySpread is on by default in 1.32.
Not carried: TestPreFilterState* (internal pre-filter state) and TestPodTopoSignatures (later).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.scheduler.upstream.st import config, filters, make_node, make_pod

PLUGIN = "PodTopologySpread"
FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
BAR = {"matchExpressions": [{"key": "bar", "operator": "Exists"}]}
TAINTS = [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]
S, U, X = "Success", "Unschedulable", "UnschedulableAndUnresolvable"


def c(
    skew: int,
    key: str,
    selector: dict[str, Any] | None,
    min_domains: int | None = None,
    affinity_policy: str | None = None,
    taints_policy: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "maxSkew": skew,
        "topologyKey": key,
        "whenUnsatisfiable": "DoNotSchedule",
    }
    if selector is not None:
        out["labelSelector"] = selector
    if min_domains is not None:
        out["minDomains"] = min_domains
    if affinity_policy:
        out["nodeAffinityPolicy"] = affinity_policy
    if taints_policy:
        out["nodeTaintsPolicy"] = taints_policy
    return out


def incoming(labels: list[str], *constraints: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return make_pod(
        "p", labels={k: "" for k in labels}, topologySpreadConstraints=list(constraints), **spec
    )


def n(name: str, taints: list[dict[str, str]] | None = None, **labels: str) -> dict[str, Any]:
    return make_node(name, labels=labels, taints=taints)


def zn(name: str, zone: str, **labels: str) -> dict[str, Any]:
    return make_node(name, labels={"zone": zone, "node": name, **labels})


ZN4 = [zn("node-a", "zone1"), zn("node-b", "zone1"), zn("node-x", "zone2"), zn("node-y", "zone2")]


def on(
    node: str, name: str, *labels: str, namespace: str = "default", terminating: bool = False
) -> dict[str, Any]:
    p = make_pod(name, node=node, namespace=namespace, labels={k: "" for k in labels})
    if terminating:
        p["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    return p


def foo_pods(**counts: int) -> list[dict[str, Any]]:
    """`node_a=2` puts p-a1, p-a2 (label foo) on node-a."""
    return [
        on(f"node-{k.split('_')[1]}", f"p-{k.split('_')[1]}{i + 1}", "foo")
        for k, v in counts.items()
        for i in range(v)
    ]


def affinity_in(key: str, *values: str, op: str = "In") -> dict[str, Any]:
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": key, "operator": op, "values": list(values)}]}
                ]
            }
        }
    }


def incl4(y_taints: bool = False) -> list[dict[str, Any]]:
    """The node-inclusion cases' nodes: node-a/b/x labelled foo, node-y not (maybe tainted)."""
    return [
        n("node-a", node="node-a", foo=""),
        n("node-b", node="node-b", foo=""),
        n("node-x", node="node-x", foo=""),
        n("node-y", TAINTS if y_taints else None, node="node-y"),
    ]


INCL_PODS = [on("node-a", "p-b1", "foo"), on("node-b", "p-b2", "foo"), on("node-y", "p-y1", "foo")]

SINGLE: list[
    tuple[str, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]
] = [
    (
        "no existing pods",
        incoming(["foo"], c(1, "zone", FOO)),
        ZN4,
        [],
        dict.fromkeys(["node-a", "node-b", "node-x", "node-y"], S),
    ),
    (
        "no existing pods, incoming pod doesn't match itself",
        incoming(["foo"], c(1, "zone", BAR)),
        ZN4,
        [],
        dict.fromkeys(["node-a", "node-b", "node-x", "node-y"], S),
    ),
    (
        "existing pods in a different namespace do not count",
        incoming(["foo"], c(1, "zone", FOO)),
        ZN4,
        [
            on("node-a", "p-a1", "foo", namespace="ns1"),
            on("node-a", "p-b1", "foo", namespace="ns2"),
            on("node-x", "p-x1", "foo"),
            on("node-y", "p-y1", "foo"),
        ],
        {"node-a": S, "node-b": S, "node-x": U, "node-y": U},
    ),
    (
        "existing pods do not match null selector",
        incoming(["foo"], c(1, "zone", None)),
        ZN4,
        [on("node-x", "p-x1", "foo"), on("node-y", "p-y1", "foo")],
        dict.fromkeys(["node-a", "node-b", "node-x", "node-y"], S),
    ),
    (
        "pods spread across zones as 3/3, all nodes fit",
        incoming(["foo"], c(1, "zone", FOO)),
        ZN4,
        foo_pods(node_a=2, node_b=1, node_y=3),
        dict.fromkeys(["node-a", "node-b", "node-x", "node-y"], S),
    ),
    (
        "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
        incoming(["foo"], c(1, "zone", FOO)),
        [
            zn("node-a", "zone1"),
            n("node-b", zon="zone1", node="node-b"),
            zn("node-x", "zone2"),
            zn("node-y", "zone2"),
        ],
        foo_pods(node_a=1, node_b=1, node_x=1, node_y=1),
        {"node-a": S, "node-b": X, "node-x": U, "node-y": U},
    ),
    (
        "pod cannot be scheduled as all nodes don't have label 'rack'",
        incoming(["foo"], c(1, "rack", FOO)),
        [zn("node-a", "zone1"), zn("node-x", "zone2")],
        [],
        {"node-a": X, "node-x": X},
    ),
    (
        "pods spread across nodes as 2/1/0/3, only node-x fits",
        incoming(["foo"], c(1, "node", FOO)),
        ZN4,
        foo_pods(node_a=2, node_b=1, node_y=3),
        {"node-a": U, "node-b": U, "node-x": S, "node-y": U},
    ),
    (
        "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
        incoming(["foo"], c(2, "node", FOO)),
        ZN4,
        foo_pods(node_a=2, node_b=1, node_y=3),
        {"node-a": U, "node-b": S, "node-x": S, "node-y": U},
    ),
    (
        "pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
        incoming(["bar"], c(1, "node", FOO)),
        ZN4,
        foo_pods(node_a=2, node_b=1, node_y=3),
        {"node-a": U, "node-b": S, "node-x": S, "node-y": U},
    ),
    (
        "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
        incoming(["foo"], c(1, "node", FOO), affinity=affinity_in("node", "node-a", "node-y")),
        ZN4,
        foo_pods(node_a=2, node_b=1, node_y=3),
        {"node-a": S, "node-b": S, "node-x": S, "node-y": U},
    ),
    (
        "terminating Pods should be excluded",
        incoming(["foo"], c(1, "node", FOO)),
        [n("node-a", node="node-a"), n("node-b", node="node-b")],
        [on("node-a", "p-a", "foo", terminating=True), on("node-b", "p-b", "foo")],
        {"node-a": S, "node-b": U},
    ),
    (
        "incoming pod has nodeAffinity, pods spread as 0/~2~/0/1, hence node-a fits",
        incoming(["foo"], c(1, "zone", FOO), affinity=affinity_in("node", "node-b", op="NotIn")),
        ZN4,
        foo_pods(node_b=2, node_y=1),
        {"node-a": S, "node-b": S, "node-x": U, "node-y": U},
    ),
    (
        "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains < minDomains, "
        "then the third node fits",
        incoming(["foo"], c(2, "node", FOO, min_domains=4)),
        [n(x, node=x) for x in ("node-a", "node-b", "node-c")],
        foo_pods(node_a=2, node_b=2, node_c=1),
        {"node-a": U, "node-b": U, "node-c": S},
    ),
    (
        "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains > minDomains, "
        "then the all nodes fit",
        incoming(["foo"], c(2, "node", FOO, min_domains=2)),
        [n(x, node=x) for x in ("node-a", "node-b", "node-c")],
        foo_pods(node_a=2, node_b=2, node_c=1),
        {"node-a": S, "node-b": S, "node-c": S},
    ),
    (
        "pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains, then "
        "the third and fourth nodes fit",
        incoming(["foo"], c(2, "zone", FOO, min_domains=3)),
        ZN4,
        [on("node-a", "p-b1", "foo"), on("node-b", "p-b2", "foo"), on("node-y", "p-y1", "foo")],
        {"node-a": U, "node-b": U, "node-x": S, "node-y": S},
    ),
    (
        "pods spread across zone as 2/1, maxSkew is 2 and the number of domains > minDomains, then "
        "the all nodes fit",
        incoming(["foo"], c(2, "zone", FOO, min_domains=1)),
        ZN4,
        [on("node-a", "p-b1", "foo"), on("node-b", "p-b2", "foo"), on("node-y", "p-y1", "foo")],
        dict.fromkeys(["node-a", "node-b", "node-x", "node-y"], S),
    ),
    (
        "NodeAffinityPolicy honored with labelSelectors",
        incoming(["foo"], c(1, "node", FOO), nodeSelector={"foo": ""}),
        incl4(),
        INCL_PODS,
        {"node-a": U, "node-b": U, "node-x": S, "node-y": S},
    ),
    (
        "NodeAffinityPolicy ignored with labelSelectors",
        incoming(["foo"], c(1, "node", FOO, affinity_policy="Ignore"), nodeSelector={"foo": ""}),
        incl4(),
        INCL_PODS,
        {"node-a": U, "node-b": U, "node-x": S, "node-y": U},
    ),
    (
        "NodeAffinityPolicy honored with nodeAffinity",
        incoming(["foo"], c(1, "node", FOO), affinity=affinity_in("foo", "")),
        incl4(),
        INCL_PODS,
        {"node-a": U, "node-b": U, "node-x": S, "node-y": S},
    ),
    (
        "NodeAffinityPolicy ignored with labelSelectors (nodeAffinity)",
        incoming(
            ["foo"], c(1, "node", FOO, affinity_policy="Ignore"), affinity=affinity_in("foo", "")
        ),
        incl4(),
        INCL_PODS,
        {"node-a": U, "node-b": U, "node-x": S, "node-y": U},
    ),
    (
        "NodeTaintsPolicy honored",
        incoming(["foo"], c(1, "node", FOO, taints_policy="Honor")),
        incl4(y_taints=True),
        INCL_PODS,
        {"node-a": U, "node-b": U, "node-x": S, "node-y": S},
    ),
    (
        "NodeTaintsPolicy ignored",
        incoming(["foo"], c(1, "node", FOO)),
        incl4(y_taints=True),
        INCL_PODS,
        {"node-a": U, "node-b": U, "node-x": S, "node-y": U},
    ),
]

MULTIPLE: list[
    tuple[str, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]
] = [
    (
        "two Constraints on zone and node, spreads = [3/3, 2/1/0/3]",
        incoming(["foo"], c(1, "zone", FOO), c(1, "node", FOO)),
        ZN4,
        foo_pods(node_a=2, node_b=1, node_y=3),
        {"node-a": U, "node-b": U, "node-x": S, "node-y": U},
    ),
    (
        "two Constraints on zone and node, spreads = [3/4, 2/1/0/4]",
        incoming(["foo"], c(1, "zone", FOO), c(1, "node", FOO)),
        ZN4,
        foo_pods(node_a=2, node_b=1, node_y=4),
        dict.fromkeys(["node-a", "node-b", "node-x", "node-y"], U),
    ),
    (
        "Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]",
        incoming(["foo", "bar"], c(1, "zone", FOO), c(1, "node", BAR)),
        ZN4,
        [on("node-a", "p-a1", "foo"), on("node-y", "p-y1", "bar")],
        {"node-a": U, "node-b": U, "node-x": S, "node-y": U},
    ),
    (
        "Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]",
        incoming(["foo", "bar"], c(1, "zone", FOO), c(1, "node", BAR)),
        ZN4,
        [on("node-a", "p-a1", "foo"), on("node-x", "p-x1", "bar"), on("node-y", "p-y1", "bar")],
        dict.fromkeys(["node-a", "node-b", "node-x", "node-y"], U),
    ),
    (
        "Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]",
        incoming(["foo", "bar"], c(1, "zone", FOO), c(1, "node", BAR)),
        ZN4,
        [
            on("node-a", "p-a1", "foo"),
            on("node-a", "p-a2", "foo", "bar"),
            on("node-y", "p-y1", "foo"),
            on("node-y", "p-y2", "foo", "bar"),
            on("node-y", "p-y3", "foo"),
        ],
        {"node-a": U, "node-b": S, "node-x": U, "node-y": U},
    ),
    (
        "Constraints hold different labelSelectors but pod doesn't match itself on 'zone' constraint",
        incoming(["bar"], c(1, "zone", FOO), c(1, "node", BAR)),
        ZN4,
        [on("node-a", "p-a1", "foo"), on("node-x", "p-x1", "bar"), on("node-y", "p-y1", "bar")],
        {"node-a": S, "node-b": S, "node-x": U, "node-y": U},
    ),
    (
        "two Constraints on zone and node, absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]",
        incoming(["foo"], c(1, "zone", FOO), c(1, "node", FOO)),
        [
            zn("node-a", "zone1"),
            zn("node-b", "zone1"),
            n("node-x", zone="zone2"),
            zn("node-y", "zone2"),
        ],
        [on("node-a", "p-a1", "foo"), on("node-y", "p-y3", "foo")],
        {"node-a": U, "node-b": S, "node-x": X, "node-y": U},
    ),
    (
        "two node inclusion Constraints, zone: honor/ignore, node: ignore/ignore",
        incoming(
            ["foo"],
            c(1, "zone", FOO),
            c(1, "node", FOO, affinity_policy="Ignore"),
            nodeSelector={"foo": ""},
        ),
        [
            zn("node-a", "zone1", foo=""),
            zn("node-b", "zone1", foo=""),
            zn("node-x", "zone2", foo=""),
            zn("node-y", "zone2"),
        ],
        [on("node-a", "p-a1", "foo"), on("node-b", "p-b1", "foo"), on("node-y", "p-y1", "foo")],
        {"node-a": U, "node-b": U, "node-x": S, "node-y": U},
    ),
    (
        "two node inclusion Constraints, zone: honor/honor, node: honor/ignore",
        incoming(["foo"], c(1, "zone", FOO, taints_policy="Honor"), c(1, "node", FOO)),
        [
            zn("node-a", "zone1", foo=""),
            zn("node-b", "zone1", foo=""),
            zn("node-x", "zone2", foo=""),
            n("node-y", TAINTS, zone="zone2", node="node-y"),
        ],
        [on("node-a", "p-a1", "foo"), on("node-b", "p-b1", "foo"), on("node-y", "p-y1", "foo")],
        {"node-a": U, "node-b": U, "node-x": S, "node-y": U},
    ),
    (
        "two node inclusion Constraints, zone: honor/ignore, node: honor/ignore",
        incoming(["foo"], c(1, "zone", FOO), c(1, "node", FOO), nodeSelector={"foo": ""}),
        [
            zn("node-a", "zone1", foo=""),
            zn("node-b", "zone1"),
            zn("node-x", "zone2", foo=""),
            n("node-y", TAINTS, zone="zone2", node="node-y", foo=""),
        ],
        [on("node-a", "p-a1", "foo"), on("node-b", "p-b1", "foo"), on("node-y", "p-y1", "foo")],
        {"node-a": U, "node-b": S, "node-x": S, "node-y": U},
    ),
    (
        "two node inclusion Constraints, zone: honor/honor, node: ignore/ignore",
        incoming(
            ["foo"],
            c(1, "zone", FOO, taints_policy="Honor"),
            c(1, "node", FOO, affinity_policy="Ignore"),
            nodeSelector={"foo": ""},
        ),
        [
            zn("node-a", "zone1", foo=""),
            zn("node-b", "zone1"),
            zn("node-x", "zone2", foo=""),
            n("node-y", TAINTS, zone="zone2", node="node-y", foo=""),
        ],
        [on("node-a", "p-a1", "foo"), on("node-b", "p-b1", "foo"), on("node-y", "p-y1", "foo")],
        {"node-a": U, "node-b": U, "node-x": S, "node-y": U},
    ),
    (
        "two Constraints on zone, spreads = [3/3, 2/1]",
        incoming(["foo", "bar"], c(1, "zone", BAR), c(1, "zone", FOO)),
        ZN4,
        [
            on("node-a", "p-a1", "foo", "bar"),
            on("node-a", "p-a2", "foo"),
            on("node-b", "p-b1", "foo", "bar"),
            on("node-y", "p-y1", "foo"),
            on("node-y", "p-y2", "foo", "bar"),
            on("node-y", "p-y3", "foo"),
        ],
        {"node-a": U, "node-b": U, "node-x": S, "node-y": S},
    ),
    (
        "two Constraints on zone, spreads = [3/4, 2/1]",
        incoming(["foo", "bar"], c(1, "zone", BAR), c(1, "zone", FOO)),
        ZN4,
        [
            on("node-a", "p-a1", "foo", "bar"),
            on("node-a", "p-a2", "foo"),
            on("node-b", "p-b1", "foo", "bar"),
            on("node-y", "p-y1", "foo"),
            on("node-y", "p-y2", "foo", "bar"),
            on("node-y", "p-y3", "foo"),
            on("node-y", "p-y4", "foo"),
        ],
        dict.fromkeys(["node-a", "node-b", "node-x", "node-y"], U),
    ),
]


def _codes(
    pod: dict[str, Any], nodes: list[dict[str, Any]], existing: list[dict[str, Any]]
) -> dict[str, str]:
    cfg = config(PLUGIN, {"defaultingType": "List"}, points=("filter",))
    return {k: v[0] for k, v in filters(PLUGIN, pod, nodes, existing, cfg).items()}


@pytest.mark.parametrize(
    ("case", "pod", "nodes", "existing", "want"), SINGLE, ids=[x[0] for x in SINGLE]
)
def test_single_constraint(
    case: str, pod: Any, nodes: Any, existing: Any, want: dict[str, str]
) -> None:
    assert _codes(pod, nodes, existing) == want


@pytest.mark.parametrize(
    ("case", "pod", "nodes", "existing", "want"), MULTIPLE, ids=[x[0] for x in MULTIPLE]
)
def test_multiple_constraints(
    case: str, pod: Any, nodes: Any, existing: Any, want: dict[str, str]
) -> None:
    assert _codes(pod, nodes, existing) == want
