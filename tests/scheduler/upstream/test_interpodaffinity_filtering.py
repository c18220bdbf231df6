"""InterPodAffinity filter, with the cases of upstream's
pkg/scheduler/framework/plugins/interpodaffinity/filtering_test.go (TestRequiredAffinitySingleNode,
TestRequiredAffinityMultipleNodes) as facts.

Expectations follow the stored copy at commit 072825f9 (it imports backend/cache, so 1.32 or
later): one reason per status, the incoming pod's anti-affinity checked before existing pods'
(1.32's filtering.go), so "symmetry check b1/b2" report anti-affinity rules, not existing
pods'. The 1.17 copy (a leading "node(s) didn't match pod affinity/anti-affinity" reason,
existing pods checked first) is superseded. Not carried: "PodAffinity/PodAntiAffinity fails
PreFilter with an invalid ... label syntax" (values the API server rejects; explain takes
objects unvalidated); TestPreFilterStateAddRemovePod, TestPreFilterStateClone and
TestGetTPMapMatchingIncomingAffinityAntiAffinity (internal pre-filter state). Upstream's
namespace "" is "default" here; upstream's snapshot pods on nodes it does not list are left
out, and "Test incoming pod's anti-affinity: even if labelSelector matches..." drops the
incoming pod's nodeName (the Go test calls Filter directly, which ignores it).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.scheduler.upstream.st import config, filters, make_node, make_pod

PLUGIN = "InterPodAffinity"
OK = ("Success", ())
AFFINITY = ("UnschedulableAndUnresolvable", ("node(s) didn't match pod affinity rules",))
ANTI = ("Unschedulable", ("node(s) didn't match pod anti-affinity rules",))
EXISTING_ANTI = ("Unschedulable", ("node(s) didn't satisfy existing pods anti-affinity rules",))

POD_LABEL = {"service": "securityscan"}
POD_LABEL2 = {"security": "S1"}


def expr(key: str, op: str, *values: str) -> dict[str, Any]:
    e: dict[str, Any] = {"key": key, "operator": op}
    if values:
        e["values"] = list(values)
    return e


def t(
    *exprs: dict[str, Any], key: str | None = None, namespaces: list[str] | None = None
) -> dict[str, Any]:
    term: dict[str, Any] = {"labelSelector": {"matchExpressions": list(exprs)}}
    if key is not None:
        term["topologyKey"] = key
    if namespaces is not None:
        term["namespaces"] = namespaces
    return term


_n = 0


def with_terms(
    labels: dict[str, str] | None,
    affinity: list[dict[str, Any]] | None,
    anti: list[dict[str, Any]] | None,
    node: str | None = None,
    namespace: str = "default",
) -> dict[str, Any]:
    """createPodWithAffinityTerms(namespace, nodeName, labels, affinity, antiAffinity)."""
    global _n
    _n += 1
    aff: dict[str, Any] = {}
    if affinity:
        aff["podAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": affinity}
    if anti:
        aff["podAntiAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": anti}
    p = make_pod(f"p{_n}", node=node, namespace=namespace, labels=labels)
    if aff:
        p["spec"]["affinity"] = aff
    return p


def plain(node: str, labels: dict[str, str], namespace: str = "default") -> dict[str, Any]:
    return with_terms(labels, None, None, node=node, namespace=namespace)


IN_SECSCAN = expr("service", "In", "securityscan", "value2")
IN_ANTIVIRUS = expr("service", "In", "antivirusscan", "value2")

SINGLE = [
    (
        "A pod that has no required pod affinity scheduling rules can schedule onto a node with no "
        "existing pods",
        make_pod("p"),
        [],
        OK,
    ),
    (
        "satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In "
        "operator that matches the existing pod",
        with_terms(POD_LABEL2, [t(IN_SECSCAN, key="region")], None),
        [plain("machine1", POD_LABEL)],
        OK,
    ),
    (
        "satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using "
        "not in operator in labelSelector that matches the existing pod",
        with_terms(
            POD_LABEL2, [t(expr("service", "NotIn", "securityscan3", "value3"), key="region")], None
        ),
        [plain("machine1", POD_LABEL)],
        OK,
    ),
    (
        "Does not satisfy the PodAffinity with labelSelector because of diff Namespace",
        with_terms(POD_LABEL2, [t(IN_SECSCAN, namespaces=["DiffNameSpace"])], None),
        [plain("machine1", POD_LABEL, namespace="ns")],
        AFFINITY,
    ),
    (
        "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
        with_terms(POD_LABEL, [t(IN_ANTIVIRUS)], None),
        [plain("machine1", POD_LABEL)],
        AFFINITY,
    ),
    (
        "satisfies the PodAffinity with different label Operators in multiple "
        "RequiredDuringSchedulingIgnoredDuringExecution",
        with_terms(
            POD_LABEL2,
            [
                t(expr("service", "Exists"), expr("wrongkey", "DoesNotExist"), key="region"),
                t(
                    expr("service", "In", "securityscan"),
                    expr("service", "NotIn", "WrongValue"),
                    key="region",
                ),
            ],
            None,
        ),
        [plain("machine1", POD_LABEL)],
        OK,
    ),
    (
        "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule "
        "onto the node because one of the matchExpression item don't match.",
        with_terms(
            POD_LABEL2,
            [
                t(expr("service", "Exists"), expr("wrongkey", "DoesNotExist"), key="region"),
                t(
                    expr("service", "In", "securityscan2"),
                    expr("service", "NotIn", "WrongValue"),
                    key="region",
                ),
            ],
            None,
        ),
        [plain("machine1", POD_LABEL)],
        AFFINITY,
    ),
    (
        "satisfies the PodAffinity and PodAntiAffinity with the existing pod",
        with_terms(POD_LABEL2, [t(IN_SECSCAN, key="region")], [t(IN_ANTIVIRUS, key="node")]),
        [plain("machine1", POD_LABEL)],
        OK,
    ),
    (
        "satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod",
        with_terms(POD_LABEL2, [t(IN_SECSCAN, key="region")], [t(IN_ANTIVIRUS, key="node")]),
        [with_terms(POD_LABEL, None, [t(IN_ANTIVIRUS, key="node")], node="machine1")],
        OK,
    ),
    (
        "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
        with_terms(POD_LABEL2, [t(IN_SECSCAN, key="region")], [t(IN_SECSCAN, key="zone")]),
        [plain("machine1", POD_LABEL)],
        ANTI,
    ),
    (
        "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry "
        "with the existing pod",
        with_terms(POD_LABEL, [t(IN_SECSCAN, key="region")], [t(IN_ANTIVIRUS, key="node")]),
        [with_terms(POD_LABEL, None, [t(IN_SECSCAN, key="zone")], node="machine1")],
        EXISTING_ANTI,
    ),
    (
        "pod matches its own Label in PodAffinity and that matches the existing pod Labels",
        with_terms(
            POD_LABEL, [t(expr("service", "NotIn", "securityscan", "value2"), key="region")], None
        ),
        [plain("machine2", POD_LABEL)],
        AFFINITY,
    ),
    (
        "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity "
        "constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
        make_pod("p", labels=POD_LABEL),
        [with_terms(POD_LABEL, None, [t(IN_SECSCAN, key="zone")], node="machine1")],
        EXISTING_ANTI,
    ),
    (
        "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity "
        "constraints. satisfy PodAntiAffinity symmetry with the existing pod",
        make_pod("p", labels=POD_LABEL),
        [
            with_terms(
                POD_LABEL,
                None,
                [t(expr("service", "NotIn", "securityscan", "value2"), key="zone")],
                node="machine1",
            )
        ],
        OK,
    ),
    (
        "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry "
        "with incoming pod",
        with_terms(
            POD_LABEL,
            None,
            [
                t(expr("service", "Exists"), key="region"),
                t(expr("security", "Exists"), key="region"),
            ],
        ),
        [
            with_terms(
                POD_LABEL2, None, [t(expr("security", "Exists"), key="zone")], node="machine1"
            )
        ],
        ANTI,
    ),
    (
        "PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other "
        "on AffinityTerms",
        with_terms(
            POD_LABEL,
            None,
            [t(expr("service", "Exists"), key="zone"), t(expr("security", "Exists"), key="zone")],
        ),
        [
            with_terms(
                POD_LABEL2, None, [t(expr("security", "Exists"), key="zone")], node="machine1"
            )
        ],
        ANTI,
    ),
    (
        "PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other "
        "on AffinityTerms",
        with_terms(POD_LABEL2, None, [t(expr("security", "Exists"), key="zone")]),
        [
            with_terms(
                POD_LABEL,
                None,
                [
                    t(expr("service", "Exists"), key="zone"),
                    t(expr("security", "Exists"), key="zone"),
                ],
                node="machine1",
            )
        ],
        EXISTING_ANTI,
    ),
    (
        "PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other "
        "on AffinityTerms",
        with_terms(
            {"abc": "", "xyz": ""},
            None,
            [t(expr("abc", "Exists"), key="zone"), t(expr("def", "Exists"), key="zone")],
        ),
        [
            with_terms(
                {"def": "", "xyz": ""},
                None,
                [t(expr("abc", "Exists"), key="zone"), t(expr("def", "Exists"), key="zone")],
                node="machine1",
            )
        ],
        ANTI,
    ),
    (
        "PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other "
        "on AffinityTerms",
        with_terms(
            {"def": "", "xyz": ""},
            None,
            [t(expr("abc", "Exists"), key="zone"), t(expr("def", "Exists"), key="zone")],
        ),
        [
            with_terms(
                {"abc": "", "xyz": ""},
                None,
                [t(expr("abc", "Exists"), key="zone"), t(expr("def", "Exists"), key="zone")],
                node="machine1",
            )
        ],
        ANTI,
    ),
]


NAMESPACES = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": {"team": team}}}
    for n, team in [
        ("subteam1.team1", "team1"),
        ("subteam2.team1", "team1"),
        ("subteam1.team2", "team2"),
        ("subteam2.team2", "team2"),
    ]
]
TEAM1 = {"matchExpressions": [expr("team", "In", "team1")]}


def ns_term(key: str, selector: dict[str, Any]) -> dict[str, Any]:
    return {**t(IN_SECSCAN, key=key), "namespaceSelector": selector}


SINGLE += [
    (
        "affinity with NamespaceSelector",
        with_terms(POD_LABEL2, [ns_term("region", TEAM1)], None),
        [plain("machine1", POD_LABEL, namespace="subteam1.team1")],
        OK,
    ),
    (
        "affinity with non-matching NamespaceSelector",
        with_terms(POD_LABEL2, [ns_term("region", TEAM1)], None),
        [plain("machine1", POD_LABEL, namespace="subteam1.team2")],
        AFFINITY,
    ),
    (
        "anti-affinity with matching NamespaceSelector",
        with_terms(POD_LABEL2, None, [ns_term("zone", TEAM1)], namespace="subteam1.team1"),
        [plain("machine1", POD_LABEL, namespace="subteam2.team1")],
        ANTI,
    ),
    (
        "anti-affinity with matching all NamespaceSelector",
        with_terms(POD_LABEL2, None, [ns_term("zone", {})], namespace="subteam1.team1"),
        [plain("machine1", POD_LABEL, namespace="subteam2.team1")],
        ANTI,
    ),
    (
        "anti-affinity with non-matching NamespaceSelector",
        with_terms(POD_LABEL2, None, [ns_term("zone", TEAM1)], namespace="subteam1.team1"),
        [plain("machine1", POD_LABEL, namespace="subteam1.team2")],
        OK,
    ),
]


@pytest.mark.parametrize(("case", "pod", "existing", "want"), SINGLE, ids=[c[0] for c in SINGLE])
def test_required_affinity_single_node(case: str, pod: Any, existing: Any, want: Any) -> None:
    node = make_node("machine1", labels={"region": "r1", "zone": "z11"})
    # upstream's snapshot holds pods on nodes it does not list (machine2) without a node;
    # they are invisible to the plugin, so they are left out here
    existing = [p for p in existing if p["spec"].get("nodeName") == "machine1"]
    cfg = config(PLUGIN, points=("filter",))
    assert filters(PLUGIN, pod, [node], existing, cfg, NAMESPACES) == {"machine1": want}


RG_CHINA = {"region": "China"}
RG_CHINA_AZ1 = {"region": "China", "az": "az1"}
RG_INDIA = {"region": "India"}


def ex(key: str, topology: str) -> dict[str, Any]:
    """One term of st's PodAffinityExists/PodAntiAffinityExists(key, topology, Required)."""
    return t(expr(key, "Exists"), key=topology)


FOO_BAR = {"foo": "", "bar": ""}
A1B1 = {
    "nodeA": {"region": "r1", "zone": "z1", "hostname": "nodeA"},
    "nodeB": {"region": "r1", "zone": "z1", "hostname": "nodeB"},
}
A1B2 = {
    "nodeA": {"region": "r1", "zone": "z1", "hostname": "nodeA"},
    "nodeB": {"region": "r1", "zone": "z2", "hostname": "nodeB"},
}

MORE_MULTIPLE = [
    (
        "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that "
        "matches the inter pod affinity rule. The pod can not be scheduled onto nodeA, nodeB, but "
        "can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod affinity "
        "rule but in different namespace)",
        with_terms({"foo": "123"}, None, [t(expr("foo", "In", "bar"), key="region")], None, "NS1"),
        [
            plain("nodeA", {"foo": "bar"}, namespace="NS1"),
            with_terms(None, None, [t(expr("foo", "In", "123"), key="region")], "nodeC", "NS2"),
        ],
        {"nodeA": RG_CHINA, "nodeB": RG_CHINA_AZ1, "nodeC": RG_INDIA},
        {"nodeA": ANTI, "nodeB": ANTI, "nodeC": OK},
    ),
    (
        "Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, "
        "labelSelector of the term is firstly checked, and then topologyKey of the term is also "
        "checked",
        make_pod("p", labels={"foo": ""}),
        [with_terms(None, None, [ex("foo", "invalid-node-label")], "nodeA")],
        A1B1,
        {"nodeA": OK, "nodeB": OK},
    ),
    (
        "Test incoming pod's anti-affinity: even if labelSelector matches, we still check if "
        "topologyKey matches",
        with_terms(None, None, [ex("foo", "invalid-node-label")]),
        [plain("nodeA", {"foo": ""})],
        A1B1,
        {"nodeA": OK, "nodeB": OK},
    ),
    (
        "Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it "
        "violates each existingPod's terms on all nodes",
        make_pod("p", labels=FOO_BAR),
        [
            with_terms(None, None, [ex("foo", "zone")], "nodeA"),
            with_terms(None, None, [ex("bar", "region")], "nodeA"),
        ],
        A1B2,
        {"nodeA": EXISTING_ANTI, "nodeB": EXISTING_ANTI},
    ),
    (
        "Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it at "
        "least violates one anti-affinity rule of existingPod",
        with_terms(None, None, [ex("foo", "zone"), ex("bar", "region")]),
        [plain("nodeA", {"foo": ""}), plain("nodeB", {"bar": ""})],
        A1B2,
        {"nodeA": ANTI, "nodeB": ANTI},
    ),
    (
        "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, "
        "it's counted as a single term match - case when one term has invalid topologyKey",
        make_pod("p", labels=FOO_BAR),
        [with_terms(None, None, [ex("foo", "invalid-node-label"), ex("bar", "zone")], "nodeA")],
        A1B2,
        {"nodeA": EXISTING_ANTI, "nodeB": OK},
    ),
    (
        "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, "
        "it's counted as a single term match - case when one term has invalid topologyKey",
        with_terms(None, None, [ex("foo", "invalid-node-label"), ex("bar", "zone")]),
        [plain("nodeA", FOO_BAR)],
        A1B2,
        {"nodeA": ANTI, "nodeB": OK},
    ),
    (
        "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, "
        "it's counted as a single term match - case when all terms have valid topologyKey",
        make_pod("p", labels=FOO_BAR),
        [with_terms(None, None, [ex("foo", "region"), ex("bar", "zone")], "nodeA")],
        A1B2,
        {"nodeA": EXISTING_ANTI, "nodeB": EXISTING_ANTI},
    ),
    (
        "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, "
        "it's counted as a single term match - case when all terms have valid topologyKey",
        with_terms(None, None, [ex("foo", "region"), ex("bar", "zone")]),
        [plain("nodeA", FOO_BAR)],
        A1B2,
        {"nodeA": ANTI, "nodeB": ANTI},
    ),
    (
        "Test existing pod's anti-affinity: existingPod on nodeA and nodeB has at least one "
        "anti-affinity term matches incoming pod, so incoming pod can only be scheduled to nodeC",
        make_pod("p", labels=FOO_BAR),
        [
            with_terms(None, None, [ex("foo", "zone"), ex("labelA", "zone")], "nodeA"),
            with_terms(None, None, [ex("bar", "zone"), ex("labelB", "zone")], "nodeB"),
        ],
        {**A1B2, "nodeC": {"region": "r1", "zone": "z3", "hostname": "nodeC"}},
        {"nodeA": EXISTING_ANTI, "nodeB": EXISTING_ANTI, "nodeC": OK},
    ),
    (
        "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check "
        "if all topologyKeys match",
        with_terms(None, [ex("foo", "region"), ex("bar", "zone")], None),
        [plain("nodeA", FOO_BAR)],
        A1B1,
        {"nodeA": OK, "nodeB": OK},
    ),
    (
        "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check "
        "if all topologyKeys match, and the match logic should be satisfied on the same pod",
        with_terms(None, [ex("foo", "region"), ex("bar", "zone")], None),
        [plain("nodeA", {"foo": ""}), plain("nodeB", {"bar": ""})],
        A1B2,
        {"nodeA": AFFINITY, "nodeB": AFFINITY},
    ),
]


@pytest.mark.parametrize(
    ("case", "pod", "existing", "nodes", "want"),
    [
        (
            "A pod can be scheduled onto all the nodes that have the same topology key & label value "
            "with one of them has an existing pod that matches the affinity rules",
            with_terms(None, [t(expr("foo", "In", "bar"), key="region")], None),
            [plain("machine1", {"foo": "bar"})],
            {"machine1": RG_CHINA, "machine2": RG_CHINA_AZ1, "machine3": RG_INDIA},
            {"machine1": OK, "machine2": OK, "machine3": AFFINITY},
        ),
        (
            "The affinity rule is to schedule all of the pods of this collection to the same zone. The "
            "first pod of the collection should not be blocked from being scheduled onto any node, even "
            "there's no existing pod that matches the rule anywhere.",
            with_terms(
                {"foo": "bar", "service": "securityscan"},
                [
                    t(expr("foo", "In", "bar"), key="zone"),
                    t(expr("service", "In", "securityscan"), key="zone"),
                ],
                None,
            ),
            [plain("nodeA", {"foo": "bar"})],
            {
                "nodeA": {"zone": "az1", "hostname": "h1"},
                "nodeB": {"zone": "az2", "hostname": "h2"},
            },
            {"nodeA": OK, "nodeB": OK},
        ),
        (
            "The first pod of the collection can only be scheduled on nodes labelled with the "
            "requested topology keys",
            with_terms(
                {"foo": "bar", "service": "securityscan"},
                [
                    t(expr("foo", "In", "bar"), key="zone"),
                    t(expr("service", "In", "securityscan"), key="zone"),
                ],
                None,
            ),
            [plain("nodeA", {"foo": "bar"})],
            {
                "nodeA": {"zoneLabel": "az1", "hostname": "h1"},
                "nodeB": {"zoneLabel": "az2", "hostname": "h2"},
            },
            {"nodeA": AFFINITY, "nodeB": AFFINITY},
        ),
        (
            "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that "
            "matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.",
            with_terms(None, None, [t(expr("foo", "In", "abc"), key="region")]),
            [plain("nodeA", {"foo": "abc"})],
            {
                "nodeA": {"region": "r1", "hostname": "nodeA"},
                "nodeB": {"region": "r1", "hostname": "nodeB"},
            },
            {"nodeA": ANTI, "nodeB": ANTI},
        ),
        (
            "This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule "
            "matches a pod.",
            with_terms(
                None,
                None,
                [
                    t(expr("foo", "In", "abc"), key="region"),
                    t(expr("service", "In", "securityscan"), key="zone"),
                ],
            ),
            [plain("nodeA", {"foo": "abc", "service": "securityscan"})],
            {
                "nodeA": {"region": "r1", "zone": "z1", "hostname": "nodeA"},
                "nodeB": {"region": "r1", "zone": "z2", "hostname": "nodeB"},
            },
            {"nodeA": ANTI, "nodeB": ANTI},
        ),
        (
            "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that "
            "matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB "
            "but can be scheduled onto nodeC",
            with_terms(None, None, [t(expr("foo", "In", "abc"), key="region")]),
            [plain("nodeA", {"foo": "abc"})],
            {"nodeA": RG_CHINA, "nodeB": RG_CHINA_AZ1, "nodeC": RG_INDIA},
            {"nodeA": ANTI, "nodeB": ANTI, "nodeC": OK},
        ),
        *MORE_MULTIPLE,
    ],
)
def test_required_affinity_multiple_nodes(
    case: str, pod: Any, existing: Any, nodes: Any, want: Any
) -> None:
    node_objs = [make_node(name, labels=lbl) for name, lbl in nodes.items()]
    cfg = config(PLUGIN, points=("filter",))
    assert filters(PLUGIN, pod, node_objs, existing, cfg) == want
