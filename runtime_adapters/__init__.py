"""Node backends behind one CRI-like interface (`runtime_adapters.cri`).

`runtime_adapters.simulated` is the simulated host; a Docker host will live beside it
(`runtime_adapters.docker`) and pass the same contract tests (tests/runtime_adapters).
"""

from runtime_adapters.cri import (
    ContainerConfig,
    ContainerEvent,
    ContainerStats,
    ContainerStatus,
    CriError,
    ExecSyncResponse,
    Image,
    ImageService,
    PodSandboxConfig,
    PodSandboxStatus,
    ProbeResult,
    ProbeTransport,
    RuntimeService,
    RuntimeStatus,
)

__all__ = [
    "ContainerConfig",
    "ContainerEvent",
    "ContainerStats",
    "ContainerStatus",
    "CriError",
    "ExecSyncResponse",
    "Image",
    "ImageService",
    "PodSandboxConfig",
    "PodSandboxStatus",
    "ProbeResult",
    "ProbeTransport",
    "RuntimeService",
    "RuntimeStatus",
]
