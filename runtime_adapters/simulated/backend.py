"""The simulated node backend: its scenario options and the hosts it makes.

The simulated host's parameters are written in the kubelet's scenario section, as they always
were (`spec.cluster.kubelet`: `imagePullBandwidth`, `pullCheckDelay`, `sandboxDelay`,
`defaultBehavior`), beside the image catalog (`spec.cluster.images`); the kubelet's own parser
leaves them to this one (`BACKEND_FIELDS`). `SimulatedBackend.new_host` builds one
`SimulatedHost` per node, with random streams named after the node, so a host's ids and jitter
do not depend on which other nodes exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runtime_adapters.simulated.behavior import (
    BehaviorError,
    ImageCatalog,
    parse_behavior,
    parse_duration_s,
)
from runtime_adapters.simulated.host import SimulatedHost
from sim.api.quantity import QuantityError, memory_bytes
from sim.core import Clock, ConfigError, RandomStreams

__all__ = ["BACKEND_FIELDS", "SimulatedBackend", "SimulatedHostOptions"]

SECTION = "spec.cluster.kubelet"
BACKEND_FIELDS = ("imagePullBandwidth", "pullCheckDelay", "sandboxDelay", "defaultBehavior")


@dataclass(frozen=True)
class SimulatedHostOptions:
    """Every simulated host's parameters, from the scenario (module docstring)."""

    image_pull_bandwidth_bps: float = 100 * 1024 * 1024
    pull_check_delay_s: float = 0.1
    sandbox_delay_s: float = 0.2
    default_behavior: dict[str, Any] = field(default_factory=dict)
    catalog: ImageCatalog = field(default_factory=ImageCatalog.open)

    @classmethod
    def parse(cls, section: Mapping[str, Any] | None, images: Any = None) -> SimulatedHostOptions:
        """The backend's fields of `spec.cluster.kubelet` and the catalog `spec.cluster.images`;
        raises ConfigError naming the field."""
        raw = dict(section or {})
        bw: float = 100 * 1024 * 1024
        if "imagePullBandwidth" in raw:
            try:
                bw = float(memory_bytes(raw["imagePullBandwidth"]))
            except (QuantityError, TypeError, ValueError):
                bw = 0.0
            if bw <= 0:
                raise ConfigError(
                    f"{SECTION}.imagePullBandwidth: expected a quantity of bytes per second > 0,"
                    " such as 50Mi"
                )
        try:
            behavior = parse_behavior(raw.get("defaultBehavior"), f"{SECTION}.defaultBehavior")
            catalog = ImageCatalog.parse(images)
            pull_check = _duration(raw, "pullCheckDelay", 0.1)
            sandbox = _duration(raw, "sandboxDelay", 0.2)
        except BehaviorError as e:
            raise ConfigError(f"{e.path}: {e.message}") from None
        return cls(bw, pull_check, sandbox, behavior, catalog)


def _duration(raw: Mapping[str, Any], key: str, default: float) -> float:
    return parse_duration_s(raw[key], f"{SECTION}.{key}") if key in raw else default


class SimulatedBackend:
    """A `runtime_adapters.cri.NodeBackend` of simulated hosts on one clock."""

    def __init__(self, clock: Clock, streams: RandomStreams, options: SimulatedHostOptions):
        self.clock = clock
        self.streams = streams
        self.options = options

    @classmethod
    def from_section(
        cls,
        clock: Clock,
        streams: RandomStreams,
        section: Mapping[str, Any] | None,
        images: Any = None,
    ) -> SimulatedBackend:
        """The backend for the backend fields of `spec.cluster.kubelet` and the image catalog
        `spec.cluster.images`; raises ConfigError naming the field."""
        return cls(clock, streams, SimulatedHostOptions.parse(section, images))

    def new_host(self, name: str, node_ip: str) -> SimulatedHost:
        o = self.options
        return SimulatedHost(
            self.clock,
            name,
            o.catalog,
            ids=self.streams.stream(f"host/{name}/ids"),
            jitter=self.streams.stream(f"host/{name}/jitter"),
            node_ip=node_ip,
            default_behavior=o.default_behavior,
            pull_bandwidth_bps=o.image_pull_bandwidth_bps,
            pull_check_s=o.pull_check_delay_s,
            sandbox_delay_s=o.sandbox_delay_s,
        )
