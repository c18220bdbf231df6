"""The policy lab: run one seeded workload under several scheduler configurations and compare.

A comparison file (kind SchedulerComparison, see scenarios/scheduler-compare.yaml) names node
pools, a workload (Poisson arrivals of bare pods drawn from weighted shapes, each deleted after
an exponential lifetime, all from the seeded stream "lab/workload", so every variant sees the
very same pods at the very same instants) and variants, each a scheduler section as in a
scenario's spec.cluster.scheduler. Every `sampleEvery` the lab records per variant: nodes in
use, mean cpu and memory requested/allocatable over nodes in use, and pending pods.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.core import ConfigError as ScenarioError
from sim.core.durations import parse_duration


@dataclass
class Series:
    name: str
    times_s: list[float] = field(default_factory=list)
    nodes_in_use: list[int] = field(default_factory=list)
    cpu_utilization: list[float] = field(default_factory=list)
    memory_utilization: list[float] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    trace_digest: str = ""


ClusterFactory = Callable[[int], Any]


def _register_nodes(cluster: Any, pools: Any) -> None:
    """Nodes as kubelets register them (as sim.scenario.model.NodePool.node_manifest)."""
    for p in pools:
        for i in range(int(p["count"])):
            name = f"{p['name']}-{i + 1}"
            labels = {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                **(p.get("labels") or {}),
            }
            node = {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": name, "labels": labels},
                "spec": {"taints": list(p.get("taints") or [])},
                "status": {"capacity": dict(p["capacity"]), "allocatable": dict(p["capacity"])},
            }
            cluster.create(node, user="node-registration")


def _workload(cluster: Any, spec: dict[str, Any], until_s: float) -> Generator[Any, Any, None]:
    rng = cluster.streams.stream("lab/workload")
    rate = float(spec.get("arrivalsPerMinute", 30)) / 60.0
    mean_life = parse_duration(str(spec.get("lifetime", "10m")))
    shapes = spec.get("shapes") or [{"cpu": "500m", "memory": "1Gi", "weight": 1}]
    weights = np.array([float(s.get("weight", 1)) for s in shapes])
    weights /= weights.sum()
    i = 0
    while cluster.clock.now < until_s:
        yield cluster.clock.timeout(rng.exponential(1.0 / rate))
        shape = shapes[int(rng.generator.choice(len(shapes), p=weights))]
        life = rng.exponential(mean_life)
        i += 1
        name = f"w-{i}"
        cluster.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": name,
                    "namespace": "default",
                    "labels": {"app": str(shape.get("name", "w"))},
                },
                "spec": {
                    "terminationGracePeriodSeconds": 0,
                    "containers": [
                        {
                            "name": "c",
                            "image": "registry.k8s.io/pause:3.10",
                            "resources": {
                                "requests": {
                                    "cpu": str(shape["cpu"]),
                                    "memory": str(shape["memory"]),
                                }
                            },
                        }
                    ],
                },
            },
            user="lab",
        )
        cluster.clock.call_later(life, lambda name=name: _delete(cluster, name))


def _delete(cluster: Any, name: str) -> None:
    try:
        cluster.delete("pods", name, "default", grace_period_seconds=0, user="lab")
    except Exception:  # noqa: BLE001  (already gone)
        pass


def _sample(cluster: Any, sched: Any, series: Series) -> None:
    snap = sched.snapshot
    alive = snap.alive & (snap.num_pods > 0)
    used = int(alive.sum())
    series.times_s.append(cluster.clock.now)
    series.nodes_in_use.append(used)
    for col, out in ((0, series.cpu_utilization), (1, series.memory_utilization)):
        if used:
            alloc = snap.alloc[alive, col]
            out.append(float(np.mean(snap.req[alive, col] / np.maximum(alloc, 1))))
        else:
            out.append(0.0)
    series.pending.append(len(sched.queue))


def run_variant(
    doc: dict[str, Any], variant: dict[str, Any], base: Path, make_cluster: ClusterFactory
) -> Series:
    """One variant on a fresh cluster from `make_cluster(seed)`: the composition root passes a
    factory for an empty cluster without controllers and without a scheduler (the lab installs
    the variant's). Bare pods need no controllers, and without kubelets the node lifecycle
    controller would taint every node unreachable. The lab drives that cluster as a user script
    does, through its Python API (`create`, `delete`, `run`), and gives the variant's scheduler
    the cluster's Runtime port."""
    from sim.scheduler.scheduler import install

    spec = doc["spec"]
    duration = parse_duration(str(spec.get("duration", "30m")))
    every = parse_duration(str(spec.get("sampleEvery", "30s")))
    c = make_cluster(int(spec.get("seed", 0)))
    _register_nodes(c, spec["nodePools"])
    sched_cfg = dict(variant.get("scheduler") or {})
    if "configFile" in sched_cfg:
        sched_cfg["configFile"] = str(base / sched_cfg["configFile"])
    sched = install(c.runtime, sched_cfg)
    series = Series(str(variant.get("name", "variant")))
    c.clock.process(_workload(c, spec.get("workload") or {}, duration))

    def sampler() -> Generator[Any, Any, None]:
        while True:
            yield c.clock.timeout(every)
            _sample(c, sched, series)

    c.clock.process(sampler())
    c.run(duration)
    series.trace_digest = c.trace_digest()
    return series


def run_comparison(path: str | Path, make_cluster: ClusterFactory) -> list[Series]:
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text())
    except OSError as e:
        raise ScenarioError(f"{path}: cannot read: {e.strerror}") from None
    if not isinstance(doc, dict) or doc.get("kind") != "SchedulerComparison":
        raise ScenarioError(f"{path}: kind: expected SchedulerComparison")
    variants = (doc.get("spec") or {}).get("variants") or []
    if len(variants) < 1:
        raise ScenarioError(f"{path}: spec.variants: at least one variant is required")
    return [run_variant(doc, v, path.parent, make_cluster) for v in variants]


def plot(series: list[Series], out: str | Path, title: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 1, figsize=(9, 9), sharex=True)
    for s in series:
        t = np.array(s.times_s) / 60.0
        axes[0].plot(t, s.cpu_utilization, label=s.name)
        axes[1].plot(t, s.nodes_in_use, label=s.name)
        axes[2].plot(t, s.pending, label=s.name)
    axes[0].set_ylabel("mean cpu requested /\nallocatable (nodes in use)")
    axes[1].set_ylabel("nodes in use")
    axes[2].set_ylabel("pending pods")
    axes[2].set_xlabel("simulated minutes")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
