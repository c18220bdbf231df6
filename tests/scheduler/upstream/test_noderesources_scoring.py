"""NodeResourcesFit scoring strategies and NodeResourcesBalancedAllocation, with the cases of
upstream's pkg/scheduler/framework/plugins/noderesources/{least_allocated,most_allocated,
requested_to_capacity_ratio,balanced_allocation}_test.go (Kubernetes 1.32) as facts.

Upstream's st.MakePod().Obj() has no containers, so it requests nothing even for the
non-zero defaults; each .Req(...) adds one container. Nodes from st.MakeNode().Capacity carry
no "pods" allocatable, so the score runs alone (as the Go tests call Score directly).
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.scheduler.config import ConfigError
from tests.scheduler.upstream.st import (
    CPU_MEMORY,
    config,
    fit_config,
    make_node,
    make_pod,
    resource_node,
    scores,
)

FIT = "NodeResourcesFit"
BALANCED = "NodeResourcesBalancedAllocation"
EXT = "intel.com/foo"  # upstream's extendedRes
DEFAULT = CPU_MEMORY
EXT_SET = [*DEFAULT, {"name": EXT, "weight": 1}]  # extendedResourceSet


def n(name: str, cpu: str, memory: str, **extra: str) -> dict[str, Any]:
    return make_node(name, {"cpu": cpu, "memory": memory, **extra})


def bare(name: str) -> dict[str, Any]:
    return make_node(name)


TWO_CONTAINERS = ({"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"})

# (upstream case name, incoming pod, nodes, existing pods, resources, expected scores)
LEAST_ALLOCATED = [
    (
        "nothing scheduled, nothing requested",
        make_pod(),
        [n("node1", "4000", "10000"), n("node2", "4000", "10000")],
        [],
        DEFAULT,
        {"node1": 100, "node2": 100},
    ),
    (
        "nothing scheduled, resources requested, differently sized nodes",
        make_pod("p", *TWO_CONTAINERS),
        [n("node1", "4000", "10000"), n("node2", "6000", "10000")],
        [],
        DEFAULT,
        {"node1": 37, "node2": 50},
    ),
    (
        "no resources requested, pods scheduled",
        make_pod(),
        [n("node1", "4000", "10000"), n("node2", "4000", "10000")],
        [make_pod(f"e{i}", node=nd) for i, nd in enumerate(["node1", "node1", "node2", "node2"])],
        DEFAULT,
        {"node1": 100, "node2": 100},
    ),
    (
        "no resources requested, pods scheduled with resources",
        make_pod(),
        [n("node1", "10000", "20000"), n("node2", "10000", "20000")],
        [
            make_pod("e0", {"cpu": "3000", "memory": "0"}, node="node1"),
            make_pod("e1", {"cpu": "3000", "memory": "0"}, node="node1"),
            make_pod("e2", {"cpu": "3000", "memory": "0"}, node="node2"),
            make_pod("e3", {"cpu": "3000", "memory": "5000"}, node="node2"),
        ],
        DEFAULT,
        {"node1": 70, "node2": 57},
    ),
    (
        "resources requested, pods scheduled with resources",
        make_pod("p", *TWO_CONTAINERS),
        [n("node1", "10000", "20000"), n("node2", "10000", "20000")],
        [
            make_pod("e0", {"cpu": "3000", "memory": "0"}, node="node1"),
            make_pod("e1", {"cpu": "3000", "memory": "5000"}, node="node2"),
        ],
        DEFAULT,
        {"node1": 57, "node2": 45},
    ),
    (
        "resources requested, pods scheduled with resources, differently sized nodes",
        make_pod("p", *TWO_CONTAINERS),
        [n("node1", "10000", "20000"), n("node2", "10000", "50000")],
        [
            make_pod("e0", {"cpu": "3000", "memory": "0"}, node="node1"),
            make_pod("e1", {"cpu": "3000", "memory": "5000"}, node="node2"),
        ],
        DEFAULT,
        {"node1": 57, "node2": 60},
    ),
    (
        "requested resources exceed node capacity",
        make_pod("p", {"cpu": "3000", "memory": "0"}),
        [n("node1", "4000", "10000"), n("node2", "4000", "10000")],
        [
            make_pod("e0", {"cpu": "3000", "memory": "0"}, node="node1"),
            make_pod("e1", {"cpu": "3000", "memory": "5000"}, node="node2"),
        ],
        DEFAULT,
        {"node1": 50, "node2": 25},
    ),
    (
        "zero node resources, pods scheduled with resources",
        make_pod(),
        [bare("node1"), bare("node2")],
        [
            make_pod("e0", {"cpu": "3000", "memory": "0"}, node="node1"),
            make_pod("e1", {"cpu": "3000", "memory": "5000"}, node="node2"),
        ],
        DEFAULT,
        {"node1": 0, "node2": 0},
    ),
    (
        "nothing scheduled, resources requested with different weight on CPU and memory, "
        "differently sized nodes",
        make_pod("p", *TWO_CONTAINERS),
        [n("node1", "4000", "10000"), n("node2", "6000", "10000")],
        [],
        [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}],
        {"node1": 41, "node2": 50},
    ),
    (
        "bypass extended resource if the pod does not request",
        make_pod("p", *TWO_CONTAINERS),
        [n("node1", "6000", "10000"), n("node2", "6000", "10000", **{EXT: "4"})],
        [],
        EXT_SET,
        {"node1": 50, "node2": 50},
    ),
    (
        "honor extended resource if the pod requests",
        make_pod("p", {"cpu": "3000", "memory": "5000", EXT: "2"}),
        [n("node1", "6000", "10000", **{EXT: "4"}), n("node2", "6000", "10000", **{EXT: "10"})],
        [],
        EXT_SET,
        {"node1": 50, "node2": 60},
    ),
    (
        "if the node doesn't have a resource",
        make_pod("p", {"cpu": "3000", "memory": "4000"}),
        [n("node1", "6000", "10000"), n("node2", "6000", "10000", **{EXT: "4"})],
        [],
        [{"name": EXT, "weight": 2}, {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
        {"node1": 55, "node2": 55},
    ),
]

MOST_ALLOCATED = [
    (
        "nothing scheduled, nothing requested",
        make_pod(),
        [n("node1", "4000", "10000"), n("node2", "4000", "10000")],
        [],
        DEFAULT,
        {"node1": 0, "node2": 0},
    ),
    (
        "nothing scheduled, resources requested, differently sized nodes",
        make_pod("p", *TWO_CONTAINERS),
        [n("node1", "4000", "10000"), n("node2", "6000", "10000")],
        [],
        DEFAULT,
        {"node1": 62, "node2": 50},
    ),
    (
        "no resources requested, pods scheduled with resources",
        make_pod(),
        [n("node1", "10000", "20000"), n("node2", "10000", "20000")],
        [
            make_pod("e0", {"cpu": "3000", "memory": "0"}, node="node1"),
            make_pod("e1", {"cpu": "3000", "memory": "0"}, node="node1"),
            make_pod("e2", {"cpu": "3000", "memory": "0"}, node="node2"),
            make_pod("e3", {"cpu": "3000", "memory": "5000"}, node="node2"),
        ],
        DEFAULT,
        {"node1": 30, "node2": 42},
    ),
    (
        "resources requested, pods scheduled with resources",
        make_pod("p", *TWO_CONTAINERS),
        [n("node1", "10000", "20000"), n("node2", "10000", "20000")],
        [
            make_pod("e0", {"cpu": "3000", "memory": "0"}, node="node1"),
            make_pod("e1", {"cpu": "3000", "memory": "5000"}, node="node2"),
        ],
        DEFAULT,
        {"node1": 42, "node2": 55},
    ),
    (
        "resources requested equal node capacity",
        make_pod("p", {"cpu": "2000", "memory": "4000"}, {"cpu": "3000", "memory": "5000"}),
        [n("node1", "5000", "10000"), n("node2", "10000", "9000")],
        [],
        DEFAULT,
        {"node1": 95, "node2": 75},
    ),
    (
        "nothing scheduled, resources requested, differently sized nodes (memory weight 2)",
        make_pod("p", *TWO_CONTAINERS),
        [n("node1", "4000", "10000"), n("node2", "6000", "10000")],
        [],
        [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}],
        {"node1": 58, "node2": 50},
    ),
    (
        "no resources requested, pods scheduled, nonzero request for resource",
        make_pod("p", {}),
        [n("node1", "250m", "1000Mi"), n("node2", "250m", "1000Mi")],
        [make_pod("e0", {}, node="node1"), make_pod("e1", {}, node="node1")],
        DEFAULT,
        {"node1": 80, "node2": 30},
    ),
    (
        "bypass extended resource if the pod does not request",
        make_pod("p", *TWO_CONTAINERS),
        [n("node1", "6000", "10000"), n("node2", "6000", "10000", **{EXT: "4"})],
        [],
        EXT_SET,
        {"node1": 50, "node2": 50},
    ),
    (
        "honor extended resource if the pod request",
        make_pod("p", {"cpu": "3000", "memory": "5000", EXT: "2"}),
        [n("node1", "6000", "10000", **{EXT: "4"}), n("node2", "6000", "10000", **{EXT: "10"})],
        [],
        EXT_SET,
        {"node1": 50, "node2": 40},
    ),
    (
        "if the node doesn't have a resource",
        make_pod("p", {"cpu": "3000", "memory": "4000"}),
        [n("node1", "6000", "10000"), n("node2", "6000", "10000", **{EXT: "4"})],
        [],
        [{"name": EXT, "weight": 2}, {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
        {"node1": 45, "node2": 45},
    ),
]


def _ids(table: list[Any]) -> list[str]:
    return [c[0] for c in table]


@pytest.mark.parametrize(
    ("case", "pod", "nodes", "existing", "resources", "want"),
    LEAST_ALLOCATED,
    ids=_ids(LEAST_ALLOCATED),
)
def test_least_allocated_scoring_strategy(
    case: str, pod: Any, nodes: Any, existing: Any, resources: Any, want: dict[str, int]
) -> None:
    assert scores(FIT, pod, nodes, existing, fit_config("LeastAllocated", resources)) == want


@pytest.mark.parametrize(
    ("case", "pod", "nodes", "existing", "resources", "want"),
    MOST_ALLOCATED,
    ids=_ids(MOST_ALLOCATED),
)
def test_most_allocated_scoring_strategy(
    case: str, pod: Any, nodes: Any, existing: Any, resources: Any, want: dict[str, int]
) -> None:
    assert scores(FIT, pod, nodes, existing, fit_config("MostAllocated", resources)) == want


@pytest.mark.parametrize("strategy", ["LeastAllocated", "MostAllocated"])
@pytest.mark.parametrize(
    ("case", "resources", "field"),
    [
        (
            "resource with negative weight",
            [{"name": "memory", "weight": -1}, {"name": "cpu", "weight": 1}],
            "scoringStrategy.resources[0].weight",
        ),
        (
            "resource weight larger than MaxNodeScore",
            [{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 101}],
            "scoringStrategy.resources[1].weight",
        ),
    ],
)
def test_scoring_strategy_rejects_bad_weights(
    strategy: str, case: str, resources: Any, field: str
) -> None:
    pod = make_pod("p", *TWO_CONTAINERS)
    with pytest.raises(ConfigError) as err:
        scores(FIT, pod, [n("node1", "4000", "10000")], [], fit_config(strategy, resources))
    assert field in str(err.value)


# Upstream's "resource with zero weight" case is not carried: the Go test builds the internal
# args directly, while a v1 KubeSchedulerConfiguration is defaulted first (apis/config/v1
# defaults.go turns weight 0 into 1), so through the API that configuration is valid.


# -- requested_to_capacity_ratio_test.go --------------------------------------------------------
LEAST_SHAPE = [{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]
BIN_SHAPE = [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 1}]


@pytest.mark.parametrize(
    ("case", "pod", "nodes", "existing", "want"),
    [
        (
            "nothing scheduled, nothing requested (default - least requested nodes have priority)",
            make_pod(),
            [n("node1", "4000", "10000"), n("node2", "4000", "10000")],
            [make_pod("e0", node="node1"), make_pod("e1", node="node1")],
            {"node1": 100, "node2": 100},
        ),
        (
            "nothing scheduled, resources requested, differently sized nodes "
            "(default - least requested nodes have priority)",
            make_pod("p", *TWO_CONTAINERS),
            [n("node1", "4000", "10000"), n("node2", "6000", "10000")],
            [make_pod("e0", node="node1"), make_pod("e1", node="node1")],
            {"node1": 38, "node2": 50},
        ),
        (
            "no resources requested, pods scheduled with resources "
            "(default - least requested nodes have priority)",
            make_pod(),
            [n("node1", "4000", "10000"), n("node2", "6000", "10000")],
            [
                make_pod("e0", {"cpu": "3000", "memory": "5000"}, node="node1"),
                make_pod("e1", {"cpu": "3000", "memory": "5000"}, node="node2"),
            ],
            {"node1": 38, "node2": 50},
        ),
    ],
)
def test_requested_to_capacity_ratio_scoring_strategy(
    case: str, pod: Any, nodes: Any, existing: Any, want: dict[str, int]
) -> None:
    cfg = fit_config("RequestedToCapacityRatio", DEFAULT, LEAST_SHAPE)
    assert scores(FIT, pod, nodes, existing, cfg) == want


MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("case", "pod", "existing", "want"),
    [
        ("nothing scheduled, nothing requested", make_pod(), [], {"node1": 0, "node2": 0}),
        (
            "resources requested, pods scheduled with less resources",
            make_pod("p", {EXT: "2"}),
            [make_pod("e0")],
            {"node1": 2, "node2": 5},
        ),
        (
            "resources requested, pods scheduled with resources, on node with existing pod running",
            make_pod("p", {EXT: "2"}),
            [make_pod("e0", {EXT: "2"}, node="node2")],
            {"node1": 2, "node2": 10},
        ),
        (
            "resources requested, pods scheduled with more resources",
            make_pod("p", {EXT: "4"}),
            [make_pod("e0")],
            {"node1": 5, "node2": 10},
        ),
    ],
)
def test_resource_bin_packing_single_extended(
    case: str, pod: Any, existing: Any, want: dict[str, int]
) -> None:
    nodes = [
        resource_node("node1", 4000, 10000 * MIB, {EXT: 8}),
        resource_node("node2", 4000, 10000 * MIB, {EXT: 4}),
    ]
    cfg = fit_config("RequestedToCapacityRatio", [{"name": EXT, "weight": 1}], BIN_SHAPE)
    assert scores(FIT, pod, nodes, existing, cfg) == want


BAR = "intel.com/bar"


@pytest.mark.parametrize(
    ("case", "pod", "existing", "want"),
    [
        ("nothing scheduled, nothing requested", make_pod(), [], {"node1": 0, "node2": 0}),
        (
            "resources requested, pods scheduled with less resources",
            make_pod("p", {EXT: "2", BAR: "2"}),
            [make_pod("e0")],
            {"node1": 4, "node2": 3},
        ),
        (
            "resources requested, pods scheduled with resources, on node with existing pod running",
            make_pod("p", {EXT: "2", BAR: "2"}),
            [make_pod("e0", {EXT: "4", BAR: "2"}, node="node2")],
            {"node1": 4, "node2": 7},
        ),
        (
            "resources requested, pods scheduled with more resources",
            make_pod("p", {EXT: "4", BAR: "2"}),
            [make_pod("e0")],
            {"node1": 5, "node2": 5},
        ),
    ],
)
def test_resource_bin_packing_multiple_extended(
    case: str, pod: Any, existing: Any, want: dict[str, int]
) -> None:
    nodes = [
        resource_node("node1", 4000, 10000 * MIB, {EXT: 8, BAR: 4}),
        resource_node("node2", 4000, 10000 * MIB, {EXT: 4, BAR: 8}),
    ]
    resources = [{"name": EXT, "weight": 3}, {"name": BAR, "weight": 5}]
    cfg = fit_config("RequestedToCapacityRatio", resources, BIN_SHAPE)
    assert scores(FIT, pod, nodes, existing, cfg) == want


# -- balanced_allocation_test.go ----------------------------------------------------------------
def _spec_pod(name: str, node: str | None, *reqs: dict[str, str]) -> dict[str, Any]:
    return make_pod(name, *reqs, node=node)


def cpu_and_memory(name: str, node: str | None = "node2") -> dict[str, Any]:
    return _spec_pod(
        name, node, {"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000"}
    )


def cpu_only(name: str, node: str | None = "node1") -> dict[str, Any]:
    return _spec_pod(name, node, {"cpu": "1000m", "memory": "0"}, {"cpu": "2000m", "memory": "0"})


def cpu_and_memory_and_gpu(name: str, node: str | None = "node1") -> dict[str, Any]:
    return _spec_pod(
        name,
        node,
        {"cpu": "1000m", "memory": "2000"},
        {"cpu": "2000m", "memory": "3000", "nvidia.com/gpu": "3"},
    )


GPU_SET = [*DEFAULT, {"name": "nvidia.com/gpu", "weight": 1}]


@pytest.mark.parametrize(
    ("case", "pod", "nodes", "existing", "resources", "want"),
    [
        (
            "nothing scheduled, resources requested, differently sized nodes",
            cpu_and_memory("p", None),
            [resource_node("node1", 4000, 10000), resource_node("node2", 6000, 10000)],
            [],
            DEFAULT,
            {"node1": 87, "node2": 100},
        ),
        (
            "resources requested, pods scheduled with resources",
            cpu_and_memory("p", None),
            [resource_node("node1", 10000, 20000), resource_node("node2", 10000, 20000)],
            [cpu_only("e0"), cpu_and_memory("e1")],
            DEFAULT,
            {"node1": 82, "node2": 95},
        ),
        (
            "resources requested, pods scheduled with resources, differently sized nodes",
            cpu_and_memory("p", None),
            [resource_node("node1", 10000, 20000), resource_node("node2", 10000, 50000)],
            [cpu_only("e0"), cpu_and_memory("e1")],
            DEFAULT,
            {"node1": 82, "node2": 80},
        ),
        (
            "requested resources at node capacity",
            cpu_only("p", None),
            [resource_node("node1", 6000, 10000), resource_node("node2", 6000, 10000)],
            [cpu_only("e0"), cpu_and_memory("e1")],
            DEFAULT,
            {"node1": 50, "node2": 75},
        ),
        (
            "include scalar resource on a node for balanced resource allocation",
            make_pod("p", {"memory": "0", "nvidia.com/gpu": "1"}),
            [
                resource_node("node1", 3500, 40000, {"nvidia.com/gpu": 8}),
                resource_node("node2", 3500, 40000, {"nvidia.com/gpu": 8}),
            ],
            [cpu_and_memory("e0"), cpu_and_memory_and_gpu("e1")],
            GPU_SET,
            {"node1": 70, "node2": 65},
        ),
        (
            "node without the scalar resource should skip the scalar resource",
            cpu_and_memory("p", None),
            [
                resource_node("node1", 3500, 40000, {"nvidia.com/gpu": 8}),
                resource_node("node2", 3500, 40000),
            ],
            [],
            GPU_SET,
            {"node1": 63, "node2": 63},
        ),
    ],
)
def test_node_resources_balanced_allocation(
    case: str, pod: Any, nodes: Any, existing: Any, resources: Any, want: dict[str, int]
) -> None:
    cfg = config(BALANCED, {"resources": resources}, points=("score",))
    assert scores(BALANCED, pod, nodes, existing, cfg) == want
