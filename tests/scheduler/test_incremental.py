"""The per-shape arrays (sim/scheduler/incremental.py) change nothing: the same seeded run with
them and without them (every filter and score recomputed per cycle) makes the same decisions,
at the same times, with the same feasible and evaluated counts and the same scores.

Workloads use more than 100 nodes and a small percentageOfNodesToScore, so cycles see a
window of the cluster and stale nodes outside it; nodes are cordoned, relabelled and
deleted, pods deleted, and high-priority pods preempt (nominated pods turn NodeResourcesFit
into a per-cycle filter)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sim import Cluster
from sim.scenario.model import NodePool
from sim.scheduler import install
from tests.scheduler.helpers import pod

SHAPES = ("small", "small", "large", "zone", "port", "tolerate", "spread", "anti", "gpu", "high")


def make_pod(kind: str, i: int) -> dict[str, Any]:
    spec: dict[str, Any] = {"terminationGracePeriodSeconds": 0}
    cpu = "2" if kind in ("large", "high") else "250m"
    if kind == "zone":
        spec["nodeSelector"] = {"topology.kubernetes.io/zone": "b"}
    elif kind == "tolerate":
        spec["tolerations"] = [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]
    elif kind == "spread":
        spec["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {"app": "spread"}},
            }
        ]
    elif kind == "anti":
        spec["affinity"] = {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "labelSelector": {"matchLabels": {"app": "anti"}},
                        "topologyKey": "kubernetes.io/hostname",
                    }
                ]
            }
        }
    elif kind == "high":
        spec["priorityClassName"] = "high"
    p = pod(f"{kind}-{i}", cpu, "256Mi", labels={"app": kind}, **spec)
    if kind == "port":
        p["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 8080}]
    if kind == "gpu":
        gpu = {"example.com/gpu": "1"}
        p["spec"]["containers"][0]["resources"]["requests"].update(gpu)
        p["spec"]["containers"][0]["resources"]["limits"] = gpu
    return p


@st.composite
def workloads(draw: Any) -> tuple[list[NodePool], int, list[tuple[float, str, Any]]]:
    pools = []
    for z in ("a", "b", "c"):
        capacity = {"cpu": draw(st.sampled_from(["2", "4"])), "memory": "8Gi", "pods": "6"}
        if z == "c":
            capacity["example.com/gpu"] = "2"
        taints = [{"key": "dedicated", "value": "x", "effect": "NoSchedule"}] if z == "a" else []
        n = draw(st.integers(20, 60))
        pools.append(
            NodePool(f"z{z}", n, capacity, labels={"topology.kubernetes.io/zone": z}, taints=taints)
        )
    percentage = draw(st.sampled_from([0, 5, 20, 100]))
    actions: list[tuple[float, str, Any]] = []
    count = draw(st.integers(20, 150))
    for i in range(count):
        actions.append(
            (draw(st.floats(0, 30)), "create", make_pod(draw(st.sampled_from(SHAPES)), i))
        )
    for _ in range(draw(st.integers(0, 6))):
        pool = draw(st.sampled_from(pools))
        name = pool.node_name(draw(st.integers(0, pool.count - 1)))
        verb = draw(st.sampled_from(["cordon", "uncordon", "relabel", "delete-node"]))
        actions.append((draw(st.floats(0, 30)), verb, name))
    for _ in range(draw(st.integers(0, 8))):
        actions.append((draw(st.floats(0, 35)), "delete", draw(st.integers(0, count - 1))))
    actions.sort(key=lambda a: (a[0], a[1], str(a[2])[:30]))
    return pools, percentage, actions


def decisions(
    pools: list[NodePool], percentage: int, actions: list[Any], seed: int, incremental: bool
) -> list[tuple[float, str, str, str]]:
    c = Cluster(
        seed=seed, node_pools=pools, controller_manager=False, scheduler=False, kubelet=False
    )
    c.apply(
        {
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": "high"},
            "value": 1000,
        }
    )
    sched = install(c.runtime, {"percentageOfNodesToScore": percentage})
    for fwk in sched.frameworks.values():
        fwk.incremental = incremental
    created: list[str] = []

    def act(verb: str, obj: Any) -> None:
        if verb == "create":
            created.append(obj["metadata"]["name"])
            c.api.create("pods", obj)
        elif verb == "delete" and obj < len(created):
            c.api.delete("pods", created[obj], namespace="default")
        elif verb in ("cordon", "uncordon"):
            c.api.patch("nodes", obj, {"spec": {"unschedulable": verb == "cordon"}})
        elif verb == "relabel":
            c.api.patch(
                "nodes", obj, {"metadata": {"labels": {"topology.kubernetes.io/zone": "b"}}}
            )
        elif verb == "delete-node":
            c.api.delete("nodes", obj)

    def timeline() -> Any:
        for at, verb, obj in actions:
            yield c.clock.timeout(max(0.0, at - c.clock.now))
            try:
                act(verb, obj)
            except Exception:  # noqa: BLE001 (deleting twice, or a deleted node, is fine here)
                pass

    c.clock.process(timeline())
    c.run(60)
    return [
        (r.time, r.verb, r.ref, r.detail)
        for r in c.trace
        if r.component == "scheduler" and r.verb in ("schedule", "preempt", "unschedulable")
    ]


@settings(max_examples=20, deadline=None)
@given(workloads(), st.integers(0, 2**16))
def test_incremental_and_full_paths_decide_alike(
    w: tuple[list[NodePool], int, list[tuple[float, str, Any]]], seed: int
) -> None:
    pools, percentage, actions = w
    full = decisions(pools, percentage, actions, seed, incremental=False)
    incremental = decisions(pools, percentage, actions, seed, incremental=True)
    assert any(d[1] == "schedule" for d in full)
    assert incremental == full
