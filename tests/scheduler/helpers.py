"""Builders for scheduler tests: Kubernetes JSON nodes and pods, as upstream's st.MakeNode/MakePod."""

from __future__ import annotations

from typing import Any


def node(
    name: str,
    cpu: str = "4",
    memory: str = "32Gi",
    pods: str = "110",
    labels: dict[str, str] | None = None,
    taints: list[dict[str, str]] | None = None,
    unschedulable: bool = False,
    extra: dict[str, str] | None = None,
    images: list[tuple[str, int]] | None = None,
) -> dict[str, Any]:
    status: dict[str, Any] = {
        "allocatable": {"cpu": cpu, "memory": memory, "pods": pods, **(extra or {})}
    }
    if images:
        status["images"] = [{"names": [n], "sizeBytes": s} for n, s in images]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": {"taints": taints or [], "unschedulable": unschedulable},
        "status": status,
    }


def pod(
    name: str = "p",
    cpu: str | None = None,
    memory: str | None = None,
    *,
    node_name: str | None = None,
    namespace: str = "default",
    labels: dict[str, str] | None = None,
    init: list[dict[str, str]] | None = None,
    image: str = "nginx:1.27",
    **spec: Any,
) -> dict[str, Any]:
    req: dict[str, str] = {}
    if cpu is not None:
        req["cpu"] = cpu
    if memory is not None:
        req["memory"] = memory
    c: dict[str, Any] = {"name": "c", "image": image}
    if req:
        c["resources"] = {"requests": req}
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
        "spec": {"containers": [c], **spec},
    }
    if init:
        body["spec"]["initContainers"] = [
            {"name": f"i{i}", "image": image, "resources": {"requests": r}}
            for i, r in enumerate(init)
        ]
    if node_name:
        body["spec"]["nodeName"] = node_name
    return body


def only(
    *plugins: str, weights: dict[str, int] | None = None, args: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A configuration with every default plugin disabled but `plugins` (and PrioritySort)."""
    weights = weights or {}
    return {
        "apiVersion": "kubescheduler.config.k8s.io/v1",
        "kind": "KubeSchedulerConfiguration",
        "profiles": [
            {
                "schedulerName": "default-scheduler",
                "plugins": {
                    "multiPoint": {
                        "disabled": [{"name": "*"}],
                        "enabled": [{"name": "PrioritySort"}, {"name": "DefaultBinder"}]
                        + [{"name": p, "weight": weights.get(p, 1)} for p in plugins],
                    }
                },
                "pluginConfig": [{"name": k, "args": v} for k, v in (args or {}).items()],
            }
        ],
    }
