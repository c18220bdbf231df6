"""Builders mirroring upstream's pkg/scheduler/testing st.MakeNode/st.MakePod and the
noderesources makeNode helper, so each carried case reads like its Go original."""

from __future__ import annotations

from typing import Any

import sim.scheduler.plugins  # noqa: F401  (registers the in-tree plugins)
from sim.scheduler import explain
from sim.scheduler.interface import REGISTRY, Plugin

PROFILE = "default-scheduler"


def make_node(
    name: str,
    capacity: dict[str, str] | None = None,
    *,
    labels: dict[str, str] | None = None,
    taints: list[dict[str, str]] | None = None,
    images: list[tuple[list[str], int]] | None = None,
    unschedulable: bool = False,
) -> dict[str, Any]:
    """st.MakeNode().Name(name).Capacity(capacity): capacity and allocatable alike.
    Unlike upstream's builder the node always carries its hostname label, as kubelet sets it;
    tests that depend on its absence pass labels explicitly with `hostname=False` semantics."""
    status: dict[str, Any] = {"capacity": dict(capacity or {}), "allocatable": dict(capacity or {})}
    if images:
        status["images"] = [{"names": list(n), "sizeBytes": s} for n, s in images]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": dict(labels or {})},
        "spec": {"taints": list(taints or []), "unschedulable": unschedulable},
        "status": status,
    }


def resource_node(
    name: str, milli_cpu: int, memory: int, extended: dict[str, int] | None = None
) -> dict[str, Any]:
    """noderesources' makeNode(name, milliCPU, memory, extendedResource) (pods: 100)."""
    cap = {"cpu": f"{milli_cpu}m", "memory": str(memory), "pods": "100"}
    cap.update({k: str(v) for k, v in (extended or {}).items()})
    return make_node(name, cap)


def make_pod(
    name: str = "p",
    *reqs: dict[str, str],
    node: str | None = None,
    namespace: str = "default",
    labels: dict[str, str] | None = None,
    init: list[dict[str, str]] | None = None,
    images: list[str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """st.MakePod(): one container per `reqs` entry (as .Req(...) adds one); none at all
    when `reqs` is empty, as upstream's builder; `images` adds one container per image."""
    containers: list[dict[str, Any]] = [
        {"name": f"c{i}", "image": "img", "resources": {"requests": dict(r)}}
        for i, r in enumerate(reqs)
    ]
    containers += [{"name": f"i{i}", "image": im} for i, im in enumerate(images or [])]
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels or {})},
        "spec": {"containers": containers, **spec},
    }
    if init:
        body["spec"]["initContainers"] = [
            {"name": f"init{i}", "image": "img", "resources": {"requests": dict(r)}}
            for i, r in enumerate(init)
        ]
    if node:
        body["spec"]["nodeName"] = node
    return body


def _implements(plugin: str, method: str) -> bool:
    cls = REGISTRY[plugin]
    return callable(getattr(cls, method, None)) and getattr(cls, method) is not getattr(
        Plugin, method, None
    )


def config(
    plugin: str,
    args: dict[str, Any] | None = None,
    *,
    points: tuple[str, ...] = ("multiPoint",),
) -> dict[str, Any]:
    """A profile with only `plugin` (plus PrioritySort and DefaultBinder), enabled at
    `points`: ("score",) runs its PreScore and Score alone, as upstream's tests call them
    directly; ("filter",) its PreFilter and Filter."""
    plugins: dict[str, Any] = {
        "multiPoint": {
            "disabled": [{"name": "*"}],
            "enabled": [{"name": "PrioritySort"}, {"name": "DefaultBinder"}],
        }
    }
    for p in points:
        pre, method = ("preFilter", "pre_filter") if p == "filter" else ("preScore", "pre_score")
        if p in ("filter", "score") and _implements(plugin, method):
            # upstream's tests run PreFilter/PreScore before Filter/Score
            plugins.setdefault(pre, {"enabled": []})["enabled"].append({"name": plugin})
        if p == "multiPoint":
            plugins["multiPoint"]["enabled"].append({"name": plugin})
        else:
            plugins.setdefault(p, {"enabled": []})["enabled"].append({"name": plugin})
    return {
        "apiVersion": "kubescheduler.config.k8s.io/v1",
        "kind": "KubeSchedulerConfiguration",
        "profiles": [
            {
                "schedulerName": PROFILE,
                "plugins": plugins,
                "pluginConfig": [{"name": plugin, "args": args}] if args else [],
            }
        ],
    }


CPU_MEMORY = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]  # default resources


def fit_config(strategy: str, resources: Any = None, shape: Any = None) -> dict[str, Any]:
    """A NodeResourcesFit score profile with scoringStrategy `strategy` over `resources`
    (cpu and memory, weight 1, when not given) and, with `shape`, requestedToCapacityRatio."""
    strat: dict[str, Any] = {
        "type": strategy,
        "resources": CPU_MEMORY if resources is None else resources,
    }
    if shape is not None:
        strat["requestedToCapacityRatio"] = {"shape": shape}
    return config("NodeResourcesFit", {"scoringStrategy": strat}, points=("score",))


def scores(
    plugin: str,
    pod: dict[str, Any],
    nodes: list[dict[str, Any]],
    pods: list[dict[str, Any]] = (),  # type: ignore[assignment]
    cfg: dict[str, Any] | None = None,
    objects: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> dict[str, int]:
    """The plugin's normalized score per node."""
    ex = explain(pod, nodes, list(pods), cfg or config(plugin), list(objects))
    return {n: per[plugin] for n, per in ex.scores.items()}


def filters(
    plugin: str,
    pod: dict[str, Any],
    nodes: list[dict[str, Any]],
    pods: list[dict[str, Any]] = (),  # type: ignore[assignment]
    cfg: dict[str, Any] | None = None,
    objects: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """(code, reasons) per node: ("Success", ()) when the plugin passes it."""
    ex = explain(pod, nodes, list(pods), cfg or config(plugin), list(objects))
    out = {}
    for n, per in ex.filters.items():
        st = per.get(plugin)
        out[n] = ("Success", ()) if st is None or st.is_success() else (st.code, tuple(st.reasons))
    return out
