"""NodeResourcesFit and the resource scoring strategies: cases from upstream
noderesources/fit_test.go (TestEnoughRequests), least_allocated_test.go,
most_allocated_test.go, requested_to_capacity_ratio_test.go, balanced_allocation_test.go.
Upstream's test units are milli-cpu and bytes: allocatable cpu 10m, memory 20, 32 pods."""

from __future__ import annotations

import numpy as np
import pytest

from sim.scheduler import explain
from sim.scheduler.explain import build_snapshot
from sim.scheduler.plugins.noderesources import NodeResourcesBalancedAllocation
from sim.scheduler.podinfo import PodInfo
from tests.scheduler.helpers import node, only, pod

FIT = only("NodeResourcesFit")


def existing(cpu_m: int, mem: int) -> dict:
    return pod("existing", f"{cpu_m}m", str(mem), node_name="machine1")


@pytest.mark.parametrize(
    ("case", "incoming", "used", "code", "reasons"),
    [
        ("no resources requested always fits", pod(), (10, 20), "Success", ()),
        (
            "too many resources fails",
            pod(cpu="1m", memory="1"),
            (10, 20),
            "Unschedulable",
            ("Insufficient cpu", "Insufficient memory"),
        ),
        (
            "too many resources fails due to init container cpu",
            pod(cpu="1m", memory="1", init=[{"cpu": "3m", "memory": "1"}]),
            (8, 19),
            "Unschedulable",
            ("Insufficient cpu",),
        ),
        (
            "too many resources fails due to highest init container cpu",
            pod(
                cpu="1m",
                memory="1",
                init=[{"cpu": "3m", "memory": "1"}, {"cpu": "2m", "memory": "1"}],
            ),
            (8, 19),
            "Unschedulable",
            ("Insufficient cpu",),
        ),
        (
            "too many resources fails due to init container memory",
            pod(cpu="1m", memory="1", init=[{"cpu": "1m", "memory": "3"}]),
            (9, 19),
            "Unschedulable",
            ("Insufficient memory",),
        ),
        (
            "init container fits because it's the max, not sum, of containers and init containers",
            pod(cpu="1m", memory="1", init=[{"cpu": "1m", "memory": "1"}]),
            (9, 19),
            "Success",
            (),
        ),
        ("both resources fit", pod(cpu="1m", memory="1"), (5, 5), "Success", ()),
        (
            "one resource memory fits",
            pod(cpu="2m", memory="1"),
            (9, 5),
            "Unschedulable",
            ("Insufficient cpu",),
        ),
        (
            "one resource cpu fits",
            pod(cpu="1m", memory="2"),
            (5, 19),
            "Unschedulable",
            ("Insufficient memory",),
        ),
        ("equal edge case", pod(cpu="5m", memory="1"), (5, 19), "Success", ()),
        (
            "equal edge case for init container",
            pod(cpu="4m", memory="1", init=[{"cpu": "5m", "memory": "1"}]),
            (5, 19),
            "Success",
            (),
        ),
        (
            "requests larger than the whole node are still only unschedulable in 1.32",
            pod(cpu="11m", memory="1"),
            (0, 0),
            "Unschedulable",
            ("Insufficient cpu",),
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else "",
)
def test_enough_requests(
    case: str, incoming: dict, used: tuple[int, int], code: str, reasons: tuple[str, ...]
) -> None:
    pods = [existing(*used)] if used != (0, 0) else []
    e = explain(incoming, [node("machine1", cpu="10m", memory="20", pods="32")], pods, FIT)
    st = e.filters["machine1"]["NodeResourcesFit"]
    assert (st.code, st.reasons) == (code, reasons)


def test_too_many_pods() -> None:
    e = explain(pod(), [node("machine1", pods="1")], [pod("x", node_name="machine1")], FIT)
    st = e.filters["machine1"]["NodeResourcesFit"]
    assert (st.code, st.reasons) == ("Unschedulable", ("Too many pods",))


def test_extended_resource_insufficient_and_ignored() -> None:
    p = pod()
    p["spec"]["containers"][0]["resources"] = {"requests": {"example.com/gpu": "2"}}
    nodes = [node("machine1", extra={"example.com/gpu": "1"})]
    assert explain(p, nodes, [], FIT).filters["machine1"]["NodeResourcesFit"].reasons == (
        "Insufficient example.com/gpu",
    )
    ignoring = only(
        "NodeResourcesFit", args={"NodeResourcesFit": {"ignoredResources": ["example.com/gpu"]}}
    )
    assert explain(p, nodes, [], ignoring).filters["machine1"]["NodeResourcesFit"].is_success()


def strategy(kind: str, **extra: object) -> dict:
    return only(
        "NodeResourcesFit", args={"NodeResourcesFit": {"scoringStrategy": {"type": kind, **extra}}}
    )


TWO_NODES = [node("node1", cpu="4000m", memory="10000"), node("node2", cpu="6000m", memory="10000")]


@pytest.mark.parametrize(
    ("case", "config", "incoming", "want"),
    [
        (
            "least allocated: nothing scheduled, resources requested, differently sized nodes",
            strategy("LeastAllocated"),
            pod(cpu="3000m", memory="5000"),
            {"node1": 37, "node2": 50},
        ),
        (
            "most allocated: nothing scheduled, resources requested, differently sized nodes",
            strategy("MostAllocated"),
            pod(cpu="3000m", memory="5000"),
            {"node1": 62, "node2": 50},
        ),
        (
            "balanced: nothing scheduled, resources requested, differently sized nodes",
            only("NodeResourcesBalancedAllocation"),
            pod(cpu="3000m", memory="5000"),
            {"node1": 87, "node2": 100},
        ),
        (
            "least allocated: resource weights cpu 2 memory 1",
            strategy(
                "LeastAllocated",
                resources=[{"name": "cpu", "weight": 2}, {"name": "memory", "weight": 1}],
            ),
            pod(cpu="3000m", memory="5000"),
            {"node1": 33, "node2": 50},
        ),
        (
            "requested to capacity ratio: bin packing shape",
            strategy(
                "RequestedToCapacityRatio",
                requestedToCapacityRatio={
                    "shape": [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}]
                },
            ),
            pod(cpu="3000m", memory="5000"),
            {"node1": 63, "node2": 50},
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and ":" in v else "",
)
def test_scoring_strategies(case: str, config: dict, incoming: dict, want: dict[str, int]) -> None:
    e = explain(incoming, TWO_NODES, [], config)
    plugin = "NodeResourcesBalancedAllocation" if "balanced" in case else "NodeResourcesFit"
    assert {n: s[plugin] for n, s in e.scores.items()} == want


def test_nonzero_default_requests_in_scoring() -> None:
    """A pod without requests is scored as 100m cpu and 200Mi memory (pod_resources.go)."""
    nodes = [
        node("n1", cpu="1000m", memory=str(400 * 1024 * 1024)),
        node("n2", cpu="1000m", memory=str(800 * 1024 * 1024)),
    ]
    e = explain(pod(), nodes, [], strategy("LeastAllocated"))
    # n1: cpu (1000-100)*100/1000 = 90, memory (400-200)*100/400 = 50 -> 70; n2: 90, 75 -> 82
    assert {n: s["NodeResourcesFit"] for n, s in e.scores.items()} == {"n1": 70, "n2": 82}


def test_invalid_strategy_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="scoringStrategy.type"):
        explain(pod(), TWO_NODES, [], strategy("Random"))


@pytest.mark.parametrize(
    "resources",
    [
        [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
        [{"name": "cpu", "weight": 1}, {"name": "nvidia.com/gpu", "weight": 1}],
        [{"name": "nvidia.com/gpu", "weight": 1}, {"name": "memory", "weight": 1}],
    ],
    ids=["cpu-and-memory", "a-scalar-the-pod-requests", "a-scalar-some-nodes-lack"],
)
def test_balanced_allocation_two_resource_path_agrees_with_the_plain_one(
    resources: list[dict],
) -> None:
    """The column-by-column two-resource score is the twin of the any-count one."""
    nodes = [
        node(f"n{i}", cpu=f"{1 + i}", memory=f"{2 + 3 * i}Gi", extra={"nvidia.com/gpu": str(i % 3)})
        for i in range(9)
    ]
    bound = [
        pod(f"b{i}", f"{100 * i}m", f"{i * 300}Mi", node_name=f"n{i % 9}") for i in range(1, 20)
    ]
    snap = build_snapshot(nodes, bound)
    incoming = pod("in", "700m", "1Gi")
    incoming["spec"]["containers"][0]["resources"]["requests"]["nvidia.com/gpu"] = "1"
    info = PodInfo(incoming)
    pl = NodeResourcesBalancedAllocation({"resources": resources})
    slots = snap.order()
    two = pl._score_two(snap, info, slots)
    assert np.array_equal(two, pl._score_any(snap, info, slots))
    assert len(set(two.tolist())) > 1  # the cases are not all alike
