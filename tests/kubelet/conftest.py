"""Helpers for kubelet tests: a cluster with a kubelet fleet, and pods bound to a node."""

from __future__ import annotations

import json
from typing import Any

from sim import Cluster
from sim.kubelet import KubeletFleet
from sim.scenario.model import NodePool

POOL = NodePool("n", 2, {"cpu": "4", "memory": "8Gi"})


def kubelet_cluster(
    config: dict | None = None, images: Any = None, pools: tuple = (POOL,), seed: int = 3
) -> tuple[Cluster, KubeletFleet]:
    c = Cluster(seed=seed, controller_manager=False, scheduler=False)
    fleet = c.install_kubelets({"events": False, **(config or {})}, images)
    for p in pools:
        fleet.add_pool(p)
    c.run(1)
    return c, fleet


def bound_pod(
    name: str,
    node: str = "n-1",
    *,
    behavior: dict | None = None,
    containers: list | None = None,
    **spec: Any,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "default"}
    if behavior is not None:
        meta["annotations"] = {"kubesim.io/behavior": json.dumps(behavior)}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {
            "nodeName": node,
            "containers": containers or [{"name": "c", "image": "nginx:1.27"}],
            **spec,
        },
    }


def kubelet_records(c: Cluster, verb: str, pod: str | None = None) -> list[Any]:
    return [
        r for r in c.trace.records
        if r.component.startswith("kubelet/") and r.verb == verb and (pod is None or r.ref.endswith(f"/{pod}"))
    ]  # fmt: skip
