"""Kubelet cost: a quiet cluster's wall time per simulated hour, and pod startup latency (by hand).

    .venv/bin/python benchmarks/kubelet.py quiet [--nodes 5000] [--sim-seconds 600] [--kubelets-only] [--pods-per-node 0]
    .venv/bin/python benchmarks/kubelet.py startup [--nodes 1000] [--pods 30000]

`quiet`: N kubelets register with the whole control plane running (controller manager with the
node lifecycle controller's 5 s monitor pass, scheduler; `--kubelets-only` leaves both out), then
nothing changes; measures wall seconds per simulated hour once registration settled (lease
renewals every 10 s and node status heartbeats every 5 min for every node, as standing renewals
of the in-process API server, sim/apiserver/renewals.py). Goal (issue 5): >= 600 simulated
seconds per wall second.

`startup`: N nodes, P pods bound round-robin (no scheduler: the pods are created with
spec.nodeName, so the latency measured is the kubelet's), created in batches of one per node
per second; pod startup latency = the pod's Ready transition minus its creationTimestamp
(upstream's SLI excludes image pulls; here images are pre-pulled by a warm-up pod per node).
Upstream SLO: p99 <= 5 s. Controllers and scheduler are off so the figure is the kubelet's.
"""

from __future__ import annotations

import argparse
import sys
import time

sys.path.insert(0, ".")

from sim.cluster import Cluster  # noqa: E402
from sim.scenario.model import NodePool  # noqa: E402


def bind_pod(c: Cluster, name: str, node: str) -> None:
    """A pod created already bound to `node` (no scheduler), one container of image app:1."""
    c.api.create(
        "pods",
        {
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "app:1"}]},
        },
        user="bench",
    )


def quiet(nodes: int, sim_seconds: float, control_plane: bool, pods_per_node: int = 0) -> None:
    c = Cluster(
        tune_gc=True,
        seed=1,
        keep_trace=False,
        controller_manager=control_plane,
        scheduler=control_plane,
        kubelet=False,
        network=False,
    )
    fleet = c.install_kubelets({"events": False})
    t0 = time.perf_counter()
    names = fleet.add_pool(NodePool("n", nodes, {"cpu": "8", "memory": "32Gi"}))
    c.run(5)
    for i in range(pods_per_node):  # running pods without probes, bound by name (as DaemonSets)
        for n in names:
            bind_pod(c, f"p{i}-{n}", n)
    c.run(60)
    setup = time.perf_counter() - t0
    start_sim = c.now
    renewals = c.api.renewals
    written0 = renewals.written
    t1 = time.perf_counter()
    c.run(start_sim + sim_seconds)
    wall = time.perf_counter() - t1
    what = "kubelets, controller manager, scheduler" if control_plane else "kubelets only"
    what += f", {pods_per_node * nodes} running pods"
    print(f"nodes={nodes} ({what}) registration+60s: {setup:.1f} s wall")
    print(
        f"quiet: {sim_seconds:.0f} simulated s in {wall:.2f} wall s = "
        f"{sim_seconds / max(wall, 1e-9):.0f} sim s per wall s"
    )
    print(
        f"wall per simulated hour: {wall * 3600 / sim_seconds:.2f} s; renewals written "
        f"{renewals.written - written0}, standing {len(renewals.by_key)}; "
        f"a reader sees n-1's lease renewed at "
        f"{c.get('leases', 'n-1', namespace='kube-node-lease')['spec']['renewTime']}"
    )


def startup(nodes: int, pods: int) -> None:
    c = Cluster(
        tune_gc=True,
        seed=1,
        keep_trace=False,
        controller_manager=False,
        scheduler=False,
        kubelet=False,
        network=False,
    )
    fleet = c.install_kubelets({"events": False})
    names = fleet.add_pool(NodePool("n", nodes, {"cpu": "64", "memory": "256Gi", "pods": "110"}))
    c.run(5)
    for n in names:  # warm-up: pre-pull the image, as the SLI excludes pulls
        bind_pod(c, f"warm-{n}", n)
    c.run(20)
    created_at: dict[str, float] = {}
    ready_at: dict[str, float] = {}

    def observe(verb: str, kind: object, obj: dict) -> None:
        name = obj["metadata"]["name"]
        if verb == "create" and getattr(kind, "kind", "") == "Pod":
            created_at[name] = c.now
        elif verb == "patch" and name in created_at and name not in ready_at:
            for x in (obj.get("status") or {}).get("conditions") or ():
                if x["type"] == "Ready" and x["status"] == "True":
                    ready_at[name] = c.now

    c.api.observe(observe)
    t0 = time.perf_counter()
    created = 0
    while created < pods:
        for n in names:
            if created == pods:
                break
            c.api.create(
                "pods",
                {
                    "metadata": {
                        "name": f"p-{created}",
                        "namespace": "default",
                        "labels": {"b": "1"},
                    },
                    "spec": {"nodeName": n, "containers": [{"name": "c", "image": "app:1"}]},
                },
                user="bench",
            )
            created += 1
        c.run(c.now + 1)
    c.run(c.now + 30)
    wall = time.perf_counter() - t0
    lat = sorted(ready_at[n] - created_at[n] for n in ready_at if n.startswith("p-"))
    p50, p99 = lat[len(lat) // 2], lat[int(len(lat) * 0.99) - 1]
    print(f"nodes={nodes} pods={pods} ready={len(lat)} wall={wall:.1f} s")
    print(f"pod startup latency p50={p50:.2f} s p99={p99:.2f} s (create to the Ready status write)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["quiet", "startup"])
    ap.add_argument("--nodes", type=int)
    ap.add_argument("--pods", type=int, default=30000)
    ap.add_argument("--sim-seconds", type=float, default=600)
    ap.add_argument("--kubelets-only", action="store_true")
    ap.add_argument("--pods-per-node", type=int, default=0)
    a = ap.parse_args()
    if a.mode == "quiet":
        quiet(a.nodes or 5000, a.sim_seconds, not a.kubelets_only, a.pods_per_node)
    else:
        startup(a.nodes or 1000, a.pods)


if __name__ == "__main__":
    main()
