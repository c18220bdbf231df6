"""What a scenario is, once parsed: node pools, manifests and a timeline of actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sim.api.errors import ApiError, status_dict
from sim.kubelet.pool import NodePool

__all__ = ["NODE_ACTIONS", "NodePool", "Scenario", "TimelineAction", "TimelineTarget"]

# timeline verb -> KubeletFleet method (sim/kubelet/fleet.py)
NODE_ACTIONS = {
    "stopKubelet": "stop_kubelet",
    "startKubelet": "start_kubelet",
    "restartKubelet": "restart_kubelet",
    "powerOff": "power_off",
    "powerOn": "power_on",
    "removeNode": "remove_node",
    "addNode": "add_node",
}


class TimelineTarget(Protocol):
    """What a timeline action acts on: the cluster's Python API (sim/cluster.py implements it),
    its kubelet fleet and its network model (None when the cluster runs none)."""

    @property
    def kubelets(self) -> Any: ...

    @property
    def network(self) -> Any: ...

    def apply(self, manifest: Any, *, user: str = ...) -> list[dict[str, Any]]: ...

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str = ...,
        *,
        grace_period_seconds: int | None = ...,
        propagation_policy: str | None = ...,
        user: str = ...,
    ) -> dict[str, Any]: ...

    def scale(
        self, kind: str, name: str, replicas: int, namespace: str = ..., *, user: str = ...
    ) -> dict[str, Any]: ...

    def remove_node(self, name: str) -> None: ...


@dataclass(frozen=True)
class TimelineAction:
    """At `at_s` simulated seconds: apply manifests, delete an object, or scale a workload."""

    at_s: float
    verb: str  # apply | delete | scale
    manifests: tuple[dict[str, Any], ...] = ()
    kind: str = ""
    name: str = ""
    namespace: str = "default"
    replicas: int = 0
    options: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        if self.verb == "apply":
            names = ", ".join(
                f"{m.get('kind', '?')}/{(m.get('metadata') or {}).get('name', '?')}"
                for m in self.manifests
            )
            return f"apply {names}"
        if self.verb == "scale":
            return f"scale {self.kind}/{self.name} to {self.replicas}"
        if self.verb == "network":
            return "network " + ", ".join(f"{k}={v}" for k, v in sorted(self.options.items()))
        if not self.kind:
            return f"{self.verb} {self.name}"
        return f"{self.verb} {self.kind}/{self.name}"

    def run(self, cluster: TimelineTarget) -> None:
        if self.verb == "apply":
            cluster.apply(list(self.manifests), user="scenario")
        elif self.verb == "delete":
            cluster.delete(
                self.kind,
                self.name,
                self.namespace,
                user="scenario",
                grace_period_seconds=self.options.get("gracePeriodSeconds"),
                propagation_policy=self.options.get("propagationPolicy"),
            )
        elif self.verb == "scale":
            cluster.scale(self.kind, self.name, self.replicas, self.namespace, user="scenario")
        elif self.verb == "network":
            self._network(cluster)
        elif self.verb in NODE_ACTIONS:
            fleet = cluster.kubelets
            if fleet is None:
                raise ApiError(
                    status_dict(400, "BadRequest", f"{self.verb}: this cluster runs no kubelets")
                )
            if self.verb == "removeNode":  # the machine and its Node object
                cluster.remove_node(self.name)
            else:
                getattr(fleet, NODE_ACTIONS[self.verb])(self.name)
        else:  # the loader admits no other verb
            raise ValueError(f"unknown timeline verb {self.verb!r}")

    def _network(self, cluster: TimelineTarget) -> None:
        net = cluster.network
        if net is None:
            raise _no_network("network")
        o = self.options
        one_way = bool(o.get("oneWay", False))
        if "isolate" in o:
            net.isolate(o["isolate"], peer=o.get("peer", "control-plane"), one_way=one_way)
        elif "cut" in o:
            net.cut_link(o["cut"][0], o["cut"][1], one_way=one_way)
        elif "heal" in o:
            target = o["heal"]
            if isinstance(target, list):
                net.heal_link(target[0], target[1])
            else:
                net.heal(None if target == "all" else target)
        else:
            p = o["partition"]
            net.partition(p["name"], p["groups"], one_way=bool(p.get("oneWay", one_way)))


def _no_network(verb: str) -> ApiError:
    return ApiError(status_dict(400, "BadRequest", f"{verb}: this cluster has no network model"))


@dataclass(frozen=True)
class Scenario:
    name: str
    seed: int
    duration_s: float
    node_pools: tuple[NodePool, ...]
    manifests: tuple[dict[str, Any], ...]
    timeline: tuple[TimelineAction, ...]
    latency: dict[str, float] = field(default_factory=dict)
    source: str = ""
    # spec.cluster sections owned by components (scheduler, controllerManager, kubelet, network,
    # images), passed through raw; each component validates its own section when installed.
    components: dict[str, Any] = field(default_factory=dict)
