"""The simulated host: a CRI-like runtime, image store and probe dialer on the simulation clock."""

from runtime_adapters.simulated.backend import (
    BACKEND_FIELDS,
    SimulatedBackend,
    SimulatedHostOptions,
)
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
    "BACKEND_FIELDS",
    "SimulatedBackend",
    "SimulatedHostOptions",
    "BEHAVIOR_ANNOTATION",
    "Behavior",
    "BehaviorError",
    "ImageCatalog",
    "ImageSpec",
    "SimulatedHost",
    "parse_behavior",
    "parse_duration_s",
]
