"""The kubelet's read-only views, upstream's port 10255 (pkg/kubelet/server/server.go and
pkg/kubelet/server/stats/summary.go): `/healthz`, `/pods` and `/stats/summary`, computed from
the kubelet's pod workers and its host's ListContainerStats. Served over HTTP through the API
server's `nodes/proxy` subresource (sim/http/nodeproxy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.api.frozen import thaw

if TYPE_CHECKING:
    from sim.kubelet.kubelet import Kubelet

__all__ = ["healthz", "pods", "stats_summary"]


def healthz(kl: Kubelet) -> str:
    """`/healthz`: "ok" while the kubelet runs; raises ConnectionError otherwise."""
    if not kl.alive or not kl.host.powered:
        raise ConnectionError(f"dial tcp {kl.node_ip}:10255: connect: connection refused")
    return "ok"


def pods(kl: Kubelet) -> dict[str, Any]:
    """`/pods`: a v1 PodList of the pods this kubelet runs, with the status it computes."""
    healthz(kl)
    items = []
    for w in sorted(kl.workers.values(), key=lambda w: (w.namespace, w.name)):
        pod = thaw(w.pod)
        pod["status"] = w.api_status()
        items.append(pod)
    return {"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": items}


def stats_summary(kl: Kubelet) -> dict[str, Any]:
    """`/stats/summary`: node and per-pod cpu and memory, from ListContainerStats."""
    healthz(kl)
    ts = kl.clock.timestamp()
    stats = kl.host.list_container_stats()
    by_sandbox: dict[str, list[Any]] = {}
    for s in stats:
        by_sandbox.setdefault(s.sandbox_id, []).append(s)
    pods = []
    for w in sorted(kl.workers.values(), key=lambda w: (w.namespace, w.name)):
        cs = by_sandbox.get(w.sandbox_id, [])
        containers = [
            {
                "name": s.name,
                "startTime": ts,
                "cpu": {
                    "time": ts,
                    "usageNanoCores": s.cpu_usage_nano_cores,
                    "usageCoreNanoSeconds": s.cpu_usage_core_nano_seconds,
                },
                "memory": {"time": ts, "workingSetBytes": s.memory_working_set_bytes},
            }
            for s in sorted(cs, key=lambda s: s.name)
        ]
        pods.append(
            {
                "podRef": {"name": w.name, "namespace": w.namespace, "uid": w.uid},
                "startTime": w.start_time,
                "containers": containers,
                "cpu": {
                    "time": ts,
                    "usageNanoCores": sum(s.cpu_usage_nano_cores for s in cs),
                    "usageCoreNanoSeconds": sum(s.cpu_usage_core_nano_seconds for s in cs),
                },
                "memory": {
                    "time": ts,
                    "workingSetBytes": sum(s.memory_working_set_bytes for s in cs),
                },
            }
        )
    return {
        "node": {
            "nodeName": kl.name,
            "startTime": kl.started_at_ts,
            "cpu": {
                "time": ts,
                "usageNanoCores": sum(s.cpu_usage_nano_cores for s in stats),
                "usageCoreNanoSeconds": sum(s.cpu_usage_core_nano_seconds for s in stats),
            },
            "memory": {
                "time": ts,
                "workingSetBytes": sum(s.memory_working_set_bytes for s in stats),
            },
        },
        "pods": pods,
    }
