"""The simulated host: a CRI-like runtime, image store and probe dialer on the simulation clock."""

from runtime_adapters.simulated.behavior import (
    BEHAVIOR_ANNOTATION,
    Behavior,
    BehaviorError,
    ImageCatalog,
    ImageSpec,
    parse_behavior,
    parse_duration_s,
)
from runtime_adapters.simulated.host import SimulatedHost

__all__ = [
    "BEHAVIOR_ANNOTATION",
    "Behavior",
    "BehaviorError",
    "ImageCatalog",
    "ImageSpec",
    "SimulatedHost",
    "parse_behavior",
    "parse_duration_s",
]
