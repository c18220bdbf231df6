"""The kubelet's scenario section, `spec.cluster.kubelet`, and the image catalog, `spec.cluster.images`.

Defaults are KubeletConfiguration's (pkg/kubelet/apis/config/v1beta1/defaults.go):
nodeStatusUpdateFrequency 10s, nodeStatusReportFrequency 5m, nodeLeaseDurationSeconds 40 (the
lease is renewed every 25 % of it, pkg/kubelet/nodelease.go renewIntervalFraction), maxPods 110,
serializeImagePulls true, evictionHard memory.available 100Mi and nodefs.available 10 % (which
allocatable subtracts from capacity, pkg/kubelet/cm/node_container_manager_linux.go).

The simulated host's parameters sit beside them: `imagePullBandwidth` (bytes per second, a
quantity; default 100Mi), `pullCheckDelay` (a registry round trip, 100ms), `sandboxDelay`
(RunPodSandbox, 200ms), `defaultBehavior` (runtime_adapters.simulated.behavior), `events`
(whether the kubelet records Events, default true) and `podCIDRFallback` (true: use a per-node
block when the Node has no spec.podCIDR; false: wait for one, Ready False meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime_adapters.simulated import BehaviorError, ImageCatalog, parse_behavior, parse_duration_s
from sim.api.quantity import QuantityError, memory_bytes
from sim.core import ConfigError

__all__ = ["KubeletConfig", "parse_config"]


@dataclass(frozen=True)
class KubeletConfig:
    node_status_update_frequency_s: float = 10.0
    node_status_report_frequency_s: float = 300.0
    node_lease_duration_s: int = 40
    max_pods: int = 110
    serialize_image_pulls: bool = True
    image_pull_bandwidth_bps: float = 100 * 1024 * 1024
    pull_check_delay_s: float = 0.1
    sandbox_delay_s: float = 0.2
    default_behavior: dict[str, Any] = field(default_factory=dict)
    events: bool = True
    pod_cidr_fallback: bool = True
    catalog: ImageCatalog = field(default_factory=ImageCatalog.open)

    @property
    def lease_renew_interval_s(self) -> float:
        """pkg/kubelet/nodelease.go: renewIntervalFraction 0.25 of the lease duration."""
        return 0.25 * self.node_lease_duration_s


_FIELDS = {
    "nodeStatusUpdateFrequency",
    "nodeStatusReportFrequency",
    "nodeLeaseDurationSeconds",
    "maxPods",
    "serializeImagePulls",
    "imagePullBandwidth",
    "pullCheckDelay",
    "sandboxDelay",
    "defaultBehavior",
    "events",
    "podCIDRFallback",
}


def _fail(path: str, what: str) -> Exception:
    return ConfigError(f"{path}: {what}")


def _duration(raw: dict[str, Any], key: str, default: float) -> float:
    if key not in raw:
        return default
    try:
        return parse_duration_s(raw[key], f"spec.cluster.kubelet.{key}")
    except BehaviorError as e:
        raise _fail(e.path, e.message) from None


def _bool(raw: dict[str, Any], key: str, default: bool) -> bool:
    v = raw.get(key, default)
    if not isinstance(v, bool):
        raise _fail(f"spec.cluster.kubelet.{key}", "expected true or false")
    return v


def _positive_int(raw: dict[str, Any], key: str, default: int) -> int:
    v = raw.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
        raise _fail(f"spec.cluster.kubelet.{key}", "expected an integer > 0")
    return v


def parse_config(config: Any, images: Any = None) -> KubeletConfig:
    """Validate `spec.cluster.kubelet` (and `spec.cluster.images`); raises ScenarioError."""
    raw = config if config is not None else {}
    if not isinstance(raw, dict):
        raise _fail("spec.cluster.kubelet", "expected a mapping")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise _fail(
            f"spec.cluster.kubelet.{unknown[0]}",
            f"unknown field (expected one of {', '.join(sorted(_FIELDS))})",
        )
    bw: float = 100 * 1024 * 1024
    if "imagePullBandwidth" in raw:
        try:
            bw = float(memory_bytes(raw["imagePullBandwidth"]))
        except (QuantityError, TypeError, ValueError):
            bw = 0.0
        if bw <= 0:
            raise _fail(
                "spec.cluster.kubelet.imagePullBandwidth",
                "expected a quantity of bytes per second > 0, such as 50Mi",
            )
    try:
        behavior = parse_behavior(
            raw.get("defaultBehavior"), "spec.cluster.kubelet.defaultBehavior"
        )
        catalog = ImageCatalog.parse(images)
    except BehaviorError as e:
        raise _fail(e.path, e.message) from None
    return KubeletConfig(
        node_status_update_frequency_s=_duration(raw, "nodeStatusUpdateFrequency", 10.0),
        node_status_report_frequency_s=_duration(raw, "nodeStatusReportFrequency", 300.0),
        node_lease_duration_s=_positive_int(raw, "nodeLeaseDurationSeconds", 40),
        max_pods=_positive_int(raw, "maxPods", 110),
        serialize_image_pulls=_bool(raw, "serializeImagePulls", True),
        image_pull_bandwidth_bps=bw,
        pull_check_delay_s=_duration(raw, "pullCheckDelay", 0.1),
        sandbox_delay_s=_duration(raw, "sandboxDelay", 0.2),
        default_behavior=behavior,
        events=_bool(raw, "events", True),
        pod_cidr_fallback=_bool(raw, "podCIDRFallback", True),
        catalog=catalog,
    )
