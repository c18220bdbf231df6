"""The kubelet's scenario section, `spec.cluster.kubelet`.

Defaults are KubeletConfiguration's (pkg/kubelet/apis/config/v1beta1/defaults.go):
nodeStatusUpdateFrequency 10s, nodeStatusReportFrequency 5m, nodeLeaseDurationSeconds 40 (the
lease is renewed every 25 % of it, pkg/kubelet/nodelease.go renewIntervalFraction), maxPods 110,
serializeImagePulls true, evictionHard memory.available 100Mi and nodefs.available 10 % (which
allocatable subtracts from capacity, pkg/kubelet/cm/node_container_manager_linux.go).

Also `events` (whether the kubelet records Events, default true) and `podCIDRFallback` (true:
use a per-node block when the Node has no spec.podCIDR; false: wait for one, Ready False
meanwhile). The node backend's parameters are written in the same section (for the simulated
host: `imagePullBandwidth`, `pullCheckDelay`, `sandboxDelay`, `defaultBehavior`); the
composition root names them (`backend_fields`) and the backend parses them, from
`KubeletConfig.backend_section`, so the kubelet knows no backend.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sim.core import ConfigError, parse_duration

__all__ = ["KubeletConfig", "parse_config"]


@dataclass(frozen=True)
class KubeletConfig:
    node_status_update_frequency_s: float = 10.0
    node_status_report_frequency_s: float = 300.0
    node_lease_duration_s: int = 40
    max_pods: int = 110
    serialize_image_pulls: bool = True
    events: bool = True
    pod_cidr_fallback: bool = True
    #: the node backend's fields of the section, unparsed (module docstring)
    backend_section: dict[str, Any] = field(default_factory=dict)

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
    "events",
    "podCIDRFallback",
}


def _fail(path: str, what: str) -> Exception:
    return ConfigError(f"{path}: {what}")


def _duration(raw: dict[str, Any], key: str, default: float) -> float:
    if key not in raw:
        return default
    try:
        return parse_duration(raw[key])
    except ValueError as e:
        raise _fail(f"spec.cluster.kubelet.{key}", str(e)) from None


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


def parse_config(config: Any, backend_fields: Iterable[str] = ()) -> KubeletConfig:
    """Validate `spec.cluster.kubelet`; the `backend_fields` are the node backend's, passed on
    unparsed in `backend_section`. Raises ConfigError (the scenario's ScenarioError)."""
    raw = config if config is not None else {}
    if not isinstance(raw, dict):
        raise _fail("spec.cluster.kubelet", "expected a mapping")
    backend = set(backend_fields)
    known = _FIELDS | backend
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _fail(
            f"spec.cluster.kubelet.{unknown[0]}",
            f"unknown field (expected one of {', '.join(sorted(known))})",
        )
    return KubeletConfig(
        node_status_update_frequency_s=_duration(raw, "nodeStatusUpdateFrequency", 10.0),
        node_status_report_frequency_s=_duration(raw, "nodeStatusReportFrequency", 300.0),
        node_lease_duration_s=_positive_int(raw, "nodeLeaseDurationSeconds", 40),
        max_pods=_positive_int(raw, "maxPods", 110),
        serialize_image_pulls=_bool(raw, "serializeImagePulls", True),
        events=_bool(raw, "events", True),
        pod_cidr_fallback=_bool(raw, "podCIDRFallback", True),
        backend_section={k: v for k, v in raw.items() if k in backend},
    )
