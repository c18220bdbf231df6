"""kube-controller-manager: reads its configuration and starts every enabled controller.

Configuration is the scenario's `spec.cluster.controllerManager` section, in the field names of
upstream's KubeControllerManagerConfiguration (pkg/controller/apis/config, the `--flag` names in
camelCase) with their 1.32 defaults (cmd/kube-controller-manager/app/options). Durations take
Go duration strings ("50s", "5m") or seconds. `controllers` is upstream's `--controllers` list:
"*" enables the defaults, "-name" disables one, "name" enables one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from sim.controllers.base import Controller

if TYPE_CHECKING:
    from sim.client.runtime import Runtime

ALL_CONTROLLERS = (
    "replicaset-controller",
    "deployment-controller",
    "garbage-collector-controller",
    "namespace-controller",
    "pod-garbage-collector-controller",
    "endpointslice-controller",
    "endpoints-controller",
    "node-lifecycle-controller",
    "taint-eviction-controller",
    "node-ipam-controller",
)


@dataclass
class ControllerManagerConfig:
    controllers: list[str] = field(default_factory=lambda: ["*"])
    concurrentReplicaSetSyncs: int = 5
    concurrentDeploymentSyncs: int = 5
    concurrentEndpointSyncs: int = 5
    concurrentServiceEndpointSyncs: int = 5
    concurrentGCSyncs: int = 20
    concurrentNamespaceSyncs: int = 10
    namespaceSyncPeriod: float = 300.0
    terminatedPodGCThreshold: int = 12500
    maxEndpointsPerSlice: int = 100
    nodeMonitorPeriod: float = 5.0
    nodeMonitorGracePeriod: float = 50.0  # 1.32 raised the default from 40s
    nodeStartupGracePeriod: float = 60.0
    nodeEvictionRate: float = 0.1
    secondaryNodeEvictionRate: float = 0.01
    largeClusterSizeThreshold: int = 50
    unhealthyZoneThreshold: float = 0.55
    allocateNodeCIDRs: bool = True
    clusterCIDR: str = "10.244.0.0/16"
    nodeCIDRMaskSize: int = 24

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> ControllerManagerConfig:
        from sim.core.durations import parse_duration
        from sim.core.errors import ConfigError as ScenarioError

        cfg = cls()
        if raw is None:
            return cfg
        if not isinstance(raw, dict):
            raise ScenarioError("spec.cluster.controllerManager: expected a mapping")
        known = {f.name: f for f in fields(cls)}
        for key, value in raw.items():
            where = f"spec.cluster.controllerManager.{key}"
            if key not in known:
                raise ScenarioError(
                    f"{where}: unknown field (expected one of {', '.join(sorted(known))})"
                )
            default = getattr(cfg, key)
            try:
                if key == "controllers":
                    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                        raise ValueError("expected a list of controller names")
                    for v in value:
                        if v != "*" and v.lstrip("-") not in ALL_CONTROLLERS:
                            raise ValueError(f"unknown controller {v!r}")
                    setattr(cfg, key, list(value))
                elif isinstance(default, bool):
                    if not isinstance(value, bool):
                        raise ValueError("expected true or false")
                    setattr(cfg, key, value)
                elif isinstance(default, int):
                    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                        raise ValueError("expected an integer >= 0")
                    setattr(cfg, key, value)
                elif key.endswith("Period"):
                    setattr(cfg, key, parse_duration(value))
                elif isinstance(default, float):
                    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                        raise ValueError("expected a number >= 0")
                    setattr(cfg, key, float(value))
                else:
                    if not isinstance(value, str):
                        raise ValueError("expected a string")
                    setattr(cfg, key, value)
            except ValueError as e:
                raise ScenarioError(f"{where}: {e}") from None
        if cfg.unhealthyZoneThreshold > 1:
            raise ScenarioError(
                "spec.cluster.controllerManager.unhealthyZoneThreshold: expected a fraction <= 1"
            )
        return cfg

    def enabled(self, name: str) -> bool:
        if f"-{name}" in self.controllers:
            return False
        return name in self.controllers or "*" in self.controllers


class ControllerManager:
    """The running controllers, by upstream name."""

    def __init__(self, runtime: Runtime, config: ControllerManagerConfig):
        self.runtime = runtime
        self.config = config
        self.controllers: dict[str, Controller] = {}

    def __getitem__(self, name: str) -> Controller:
        return self.controllers[name]

    def start(self) -> None:
        for c in self.controllers.values():
            c.start()


def install(runtime: Runtime, config: dict[str, Any] | None = None) -> ControllerManager:
    """Create and start every enabled controller on the cluster's clock."""
    from sim.controllers.deployment import DeploymentController
    from sim.controllers.endpoints import EndpointsController
    from sim.controllers.endpointslice import EndpointSliceController
    from sim.controllers.garbagecollector import GarbageCollector
    from sim.controllers.namespace import NamespaceController
    from sim.controllers.nodeipam import NodeIpamController
    from sim.controllers.nodelifecycle import NodeLifecycleController
    from sim.controllers.podgc import PodGCController
    from sim.controllers.replicaset import ReplicaSetController
    from sim.controllers.tainteviction import TaintEvictionController

    cfg = ControllerManagerConfig.from_dict(config)
    cm = ControllerManager(runtime, cfg)
    builders: dict[str, Any] = {
        "replicaset-controller": lambda: ReplicaSetController(
            runtime, cfg.concurrentReplicaSetSyncs
        ),
        "deployment-controller": lambda: DeploymentController(
            runtime, cfg.concurrentDeploymentSyncs
        ),
        "garbage-collector-controller": lambda: GarbageCollector(runtime, cfg.concurrentGCSyncs),
        "namespace-controller": lambda: NamespaceController(
            runtime, cfg.concurrentNamespaceSyncs, cfg.namespaceSyncPeriod
        ),
        "pod-garbage-collector-controller": lambda: PodGCController(
            runtime, cfg.terminatedPodGCThreshold
        ),
        "endpointslice-controller": lambda: EndpointSliceController(
            runtime, cfg.concurrentServiceEndpointSyncs, cfg.maxEndpointsPerSlice
        ),
        "endpoints-controller": lambda: EndpointsController(runtime, cfg.concurrentEndpointSyncs),
        "node-lifecycle-controller": lambda: NodeLifecycleController(runtime, cfg),
        "taint-eviction-controller": lambda: TaintEvictionController(runtime),
        "node-ipam-controller": lambda: NodeIpamController(
            runtime, cfg.clusterCIDR, cfg.nodeCIDRMaskSize
        ),
    }
    for name in ALL_CONTROLLERS:
        if name == "node-ipam-controller" and not cfg.allocateNodeCIDRs:
            continue
        if cfg.enabled(name):
            cm.controllers[name] = builders[name]()
    cm.start()
    return cm
