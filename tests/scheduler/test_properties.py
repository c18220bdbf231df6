"""Whole-scheduler properties over random clusters and workloads (TESTING.md, Scheduler):
no node's bound requests exceed its allocatable; every binding passed every filter on the
snapshot it was made on (re-checked independently with `explain` on a snapshot rebuilt from
JSON); a pod is bound at most once and never moves.

Replay a failure with the seed hypothesis prints: the run is a pure function of it."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sim import Cluster
from sim.api.builtin.pod import pod_requests
from sim.api.quantity import cpu_milli, memory_bytes
from sim.scenario.model import NodePool
from sim.scheduler import explain, install
from tests.scheduler.helpers import pod

ZONES = ("a", "b")


def pod_spec(draw: Any, i: int) -> dict[str, Any]:
    cpu = draw(st.sampled_from(["100m", "250m", "500m", "1", "2"]))
    mem = draw(st.sampled_from(["64Mi", "256Mi", "1Gi"]))
    app = draw(st.sampled_from(["web", "db"]))
    kind = draw(
        st.sampled_from(["plain", "plain", "selector", "anti", "spread", "port", "toleration"])
    )
    spec: dict[str, Any] = {"terminationGracePeriodSeconds": 0}
    if kind == "selector":
        spec["nodeSelector"] = {"topology.kubernetes.io/zone": draw(st.sampled_from(ZONES))}
    elif kind == "anti":
        spec["affinity"] = {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "labelSelector": {"matchLabels": {"app": app}},
                        "topologyKey": "kubernetes.io/hostname",
                    }
                ]
            }
        }
    elif kind == "spread":
        spec["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {"app": app}},
            }
        ]
    elif kind == "toleration":
        spec["tolerations"] = [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]
    p = pod(f"p{i}", cpu, mem, labels={"app": app}, **spec)
    if kind == "port":
        p["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 8080}]
    return p


@st.composite
def workloads(draw: Any) -> tuple[list[NodePool], list[tuple[float, str, Any]]]:
    pools = []
    for z in ZONES:
        n = draw(st.integers(1, 3))
        taints = (
            [{"key": "dedicated", "value": "x", "effect": "NoSchedule"}]
            if draw(st.booleans())
            else []
        )
        cpu = draw(st.sampled_from(["2", "4"]))
        pools.append(
            NodePool(
                f"z{z}",
                n,
                {"cpu": cpu, "memory": "4Gi", "pods": "8"},
                labels={"topology.kubernetes.io/zone": z},
                taints=taints,
            )
        )
    actions: list[tuple[float, str, Any]] = []
    count = draw(st.integers(5, 30))
    for i in range(count):
        actions.append((draw(st.floats(0, 20)), "create", pod_spec(draw, i)))
    for i in draw(st.lists(st.integers(0, count - 1), max_size=5, unique=True)):
        actions.append((draw(st.floats(0, 25)), "delete", f"p{i}"))
    return pools, sorted(actions, key=lambda a: (a[0], a[1], str(a[2])[:20]))


def check_decision(sched: Any, p: Any, node: str, fwk: Any, result: Any) -> None:
    snap = sched.snapshot
    nodes = [ni.node for ni in snap.nodes if ni is not None]
    bound = [
        q.pod
        if q.node_name == q.pod.get("spec", {}).get("nodeName")
        else {**q.pod, "spec": {**q.pod["spec"], "nodeName": q.node_name}}
        for s, q in snap.pods.values()
        if s >= 0
    ]
    e = explain(p.pod, nodes, bound)
    failed = {k: v for k, v in e.filters[node].items() if not v.is_success()}
    assert not failed, f"{p.key} bound to {node} failing {failed}"


@settings(max_examples=25, deadline=None)
@given(workloads(), st.integers(0, 2**16))
def test_scheduler_safety(
    w: tuple[list[NodePool], list[tuple[float, str, Any]]], seed: int
) -> None:
    pools, actions = w
    c = Cluster(
        seed=seed, node_pools=pools, controller_manager=False, scheduler=False, kubelet=False
    )
    sched = install(c.runtime, None)
    sched.decision_hooks.append(check_decision)
    bound_to: dict[str, str] = {}

    def on_record(r: Any) -> None:
        if r.verb == "bind":
            name = r.ref.rsplit("/", 1)[1]
            assert name not in bound_to, f"{r.ref} bound twice"
            bound_to[name] = r.detail.split("=", 1)[1]

    c.trace.subscribe(on_record)

    def timeline() -> Any:
        for at, verb, obj in actions:
            yield c.clock.timeout(max(0.0, at - c.clock.now))
            try:
                if verb == "create":
                    c.api.create("pods", obj)
                else:
                    c.api.delete("pods", obj, namespace="default")
            except Exception:  # noqa: BLE001 (deleting a pod twice is fine here)
                pass

    c.clock.process(timeline())
    c.run(60)
    used: dict[str, list[int]] = {}
    for p in c.list("pods"):
        node = p["spec"].get("nodeName")
        if not node:
            continue
        assert bound_to.get(p["metadata"]["name"]) == node, "a pod moved or was bound by no one"
        req = pod_requests(p)
        u = used.setdefault(node, [0, 0, 0])
        u[0] += req.get("cpu", 0)
        u[1] += req.get("memory", 0)
        u[2] += 1
    for n in c.list("nodes"):
        u = used.get(n["metadata"]["name"], [0, 0, 0])
        alloc = n["status"]["allocatable"]
        assert (
            u[0] <= cpu_milli(alloc["cpu"])
            and u[1] <= memory_bytes(alloc["memory"])
            and u[2] <= int(alloc["pods"])
        )
