"""Controller-manager scale check: N nodes, D Deployments of P pods each reach their desired state.

Default 5,000 nodes and 5,000 Deployments x 30 replicas = 150,000 pods. Until the scheduler and
kubelets are wired in, a minimal stand-in plays both through the API server core: it binds each
new pod round-robin, marks it Running and Ready 1 s later, and renews every node's Lease every
10 s (so the node lifecycle controller runs at full scale). The figure is the simulated time at
which every Deployment reports replicas == updated == available, with the wall time and peak RSS.

    .venv/bin/python benchmarks/controllers.py [--nodes 5000] [--deployments 5000] [--replicas 30]
"""

from __future__ import annotations

import argparse
import resource
import time
from typing import Any

from sim import Cluster
from sim.api.frozen import thaw
from sim.scenario.model import NodePool

CAPACITY = {"cpu": "32", "memory": "128Gi", "pods": "110"}


class StandIn:
    """Scheduler and kubelets, reduced to what the controllers need to see."""

    def __init__(self, c: Cluster, nodes: list[str]):
        self.c, self.nodes, self.rr, self.ips = c, nodes, 0, 0
        now = c.clock.timestamp()
        for n in nodes:
            node = thaw(c.api.get("nodes", n))
            node["status"]["conditions"] = [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "lastHeartbeatTime": now,
                    "lastTransitionTime": now,
                }
            ]
            c.api.update("nodes", node, subresource="status", user="kubelet")
        c.api.watch("pods", self.on_pod)
        c.clock.process(self.leases())

    def on_pod(self, ev: Any) -> None:
        pod = ev.object
        if ev.type != "ADDED" or pod["spec"].get("nodeName"):
            return
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        target = self.nodes[self.rr % len(self.nodes)]
        self.rr += 1
        self.c.clock.call_later(0.01, lambda: self.bind(ns, name, target))

    def bind(self, ns: str, name: str, target: str) -> None:
        self.c.api.bind(
            name, {"target": {"kind": "Node", "name": target}}, namespace=ns, user="scheduler"
        )
        self.c.clock.call_later(1.0, lambda: self.start(ns, name))

    def start(self, ns: str, name: str) -> None:
        pod = thaw(self.c.api.get("pods", name, namespace=ns))
        self.ips += 1
        ip = f"10.{(self.ips >> 16) & 255}.{(self.ips >> 8) & 255}.{self.ips & 255}"
        now = self.c.clock.timestamp()
        pod["status"].update({"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}]})
        pod["status"]["conditions"] = [
            c for c in pod["status"].get("conditions") or [] if c["type"] != "Ready"
        ] + [{"type": "Ready", "status": "True", "lastProbeTime": None, "lastTransitionTime": now}]
        self.c.api.update("pods", pod, subresource="status", user="kubelet")

    def leases(self) -> Any:
        while True:
            now = self.c.clock.micro_timestamp()
            for n in self.nodes:
                try:
                    lease = thaw(self.c.api.get("leases", n, namespace="kube-node-lease"))
                    lease["spec"]["renewTime"] = now
                    self.c.api.update("leases", lease, user="kubelet")
                except Exception:  # noqa: BLE001  (first renewal creates it)
                    self.c.api.create(
                        "leases",
                        {
                            "apiVersion": "coordination.k8s.io/v1",
                            "kind": "Lease",
                            "metadata": {"name": n, "namespace": "kube-node-lease"},
                            "spec": {
                                "holderIdentity": n,
                                "leaseDurationSeconds": 40,
                                "renewTime": now,
                            },
                        },
                        user="kubelet",
                    )
            yield self.c.clock.timeout(10.0)


def deployment(i: int, replicas: int) -> dict[str, Any]:
    name = f"app-{i}"
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]},
            },
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--deployments", type=int, default=5000)
    ap.add_argument("--replicas", type=int, default=30)
    ap.add_argument("--timeout", type=float, default=3600.0, help="simulated seconds")
    args = ap.parse_args()
    wall0 = time.perf_counter()
    # the controllers at scale; StandIn plays the scheduler and the kubelets
    c = Cluster(
        tune_gc=True,
        seed=1,
        node_pools=[NodePool("node", args.nodes, CAPACITY)],
        keep_trace=False,
        scheduler=False,
        kubelet=False,
        network=False,
    )
    StandIn(c, [f"node-{i + 1}" for i in range(args.nodes)])
    for i in range(args.deployments):
        c.api.create("deployments", deployment(i, args.replicas), user="kubectl")
    want = args.replicas
    done_at = None
    while c.now < args.timeout:
        c.run(c.now + 10.0)
        ds = c.api.list("deployments")["items"]
        if all(
            (d.get("status") or {}).get("availableReplicas", 0) == want
            and d["status"].get("updatedReplicas", 0) == want
            and d["status"].get("replicas", 0) == want
            for d in ds
        ):
            done_at = c.now
            break
    wall = time.perf_counter() - wall0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pods = len(c.api.list("pods")["items"])
    print(
        f"nodes={args.nodes} deployments={args.deployments} pods={pods} "
        f"converged_at_sim_s={done_at} wall_s={wall:.1f} peak_rss_mb={rss_mb:.0f}"
    )


if __name__ == "__main__":
    main()
