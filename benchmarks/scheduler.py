"""Scheduler throughput on workloads mirroring upstream scheduler_perf
(test/integration/scheduler_perf/config/performance-config.yaml and templates):

- SchedulingBasic: 5,000 nodes, 1,000 initial pods, 10,000 measured pods.
- SchedulingNodeAffinity: nodes labelled in a zone; pods require that zone by node affinity.
- SchedulingPodAntiAffinity: pods of one group anti-affine per hostname (initial and measured).
- TopologySpreading: nodes in zones; pods spread by zone (DoNotSchedule, maxSkew 1).

Nodes are upstream's node-default.yaml (4 cpu, 32Gi, 110 pods); pods pod-default.yaml
(100m cpu, 500Mi). All pods are created through the API before the measured phase; the figure
is measured pods bound per wall second while the simulation runs until they are all bound
(informers, queue, framework, binding API calls and events included).

    .venv/bin/python benchmarks/scheduler.py [--nodes 5000] [--measured 10000] [--only NAME]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from sim import Cluster
from sim.scenario.model import NodePool
from sim.scheduler import install

ZONES = ("zone1", "zone2", "zone3")


def pod(name: str, labels: dict[str, str], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {
            "containers": [
                {
                    "name": "pause",
                    "image": "registry.k8s.io/pause:3.10",
                    "resources": {"requests": {"cpu": "100m", "memory": "500Mi"}},
                }
            ],
            **spec,
        },
    }


def basic(i: int, measured: bool) -> dict[str, Any]:
    return pod(f"{'m' if measured else 'i'}-{i}", {"app": "basic"})


def node_affinity(i: int, measured: bool) -> dict[str, Any]:
    aff = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {
                                "key": "topology.kubernetes.io/zone",
                                "operator": "In",
                                "values": ["zone1"],
                            }
                        ]
                    }
                ]
            }
        }
    }
    return pod(f"{'m' if measured else 'i'}-{i}", {"app": "aff"}, affinity=aff)


def anti_affinity(i: int, measured: bool) -> dict[str, Any]:
    group = "measured" if measured else "init"
    aff = {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {
                    "labelSelector": {"matchLabels": {"color": group}},
                    "topologyKey": "kubernetes.io/hostname",
                }
            ]
        }
    }
    return pod(f"{'m' if measured else 'i'}-{i}", {"color": group}, affinity=aff)


def spreading(i: int, measured: bool) -> dict[str, Any]:
    tsc = [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app": "spread"}},
        }
    ]
    return pod(f"{'m' if measured else 'i'}-{i}", {"app": "spread"}, topologySpreadConstraints=tsc)


WORKLOADS = {
    "SchedulingBasic": (basic, 1000, 10000, False),
    "SchedulingNodeAffinity": (node_affinity, 1000, 5000, True),
    "SchedulingPodAntiAffinity": (anti_affinity, 1000, 1000, False),
    "TopologySpreading": (spreading, 1000, 5000, True),
}


GIVE_UP_S = 3600.0  # simulated seconds without all pods bound: the workload cannot fit


def _check_progress(name: str, nodes: int, scheduled: int, want: int, t: float) -> None:
    if t > GIVE_UP_S and scheduled < want:
        raise SystemExit(
            f"{name}: only {scheduled} of {want} pods could be placed on {nodes} nodes after "
            f"{GIVE_UP_S:.0f} simulated s (this workload needs more nodes)"
        )


def with_initial_pods(
    name: str, nodes: int, *, record_events: bool = True
) -> tuple[Cluster, Any, float]:
    """The workload's nodes and scheduler with its initial pods all bound: (the cluster, the
    scheduler, the simulated time reached)."""
    make, initial, _, zoned = WORKLOADS[name]
    pools = []
    if zoned:
        per = nodes // len(ZONES)
        for z in ZONES:
            pools.append(
                NodePool(
                    f"{z}-node",
                    per,
                    {"cpu": "4", "memory": "32Gi", "pods": "110"},
                    labels={"topology.kubernetes.io/zone": z},
                )
            )
    else:
        pools.append(NodePool("node", nodes, {"cpu": "4", "memory": "32Gi", "pods": "110"}))
    # scheduler_perf's shape: static (fake) nodes and the scheduler alone
    c = Cluster(
        tune_gc=True,
        seed=1,
        node_pools=pools,
        keep_trace=False,
        controller_manager=False,
        scheduler=False,
        kubelet=False,
        network=False,
    )
    sched = install(c.runtime, None, record_events=record_events)
    for i in range(initial):
        c.api.create("pods", make(i, False))
    t = 0.0
    while sched.scheduled < initial:
        t += 5
        c.run(t)
        _check_progress(name, nodes, sched.scheduled, initial, t)
    return c, sched, t


def run(name: str, nodes: int, measured_override: int | None) -> tuple[float, int]:
    make, initial, measured, _ = WORKLOADS[name]
    if measured_override:
        measured = measured_override
    c, sched, t = with_initial_pods(name, nodes)
    for i in range(measured):
        c.api.create("pods", make(i, True))
    start = time.perf_counter()
    while sched.scheduled < initial + measured:
        t += 5
        c.run(t)
        _check_progress(name, nodes, sched.scheduled, initial + measured, t)
    wall = time.perf_counter() - start
    return measured / wall, measured


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--measured", type=int, default=None)
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    for name in WORKLOADS:
        if args.only and args.only != name:
            continue
        rate, n = run(name, args.nodes, args.measured)
        print(f"{name:28s} {args.nodes} nodes  {n:6d} pods  {rate:8.0f} pods/s")


if __name__ == "__main__":
    main()
