"""The CRI-like node backend interface: a RuntimeService and an ImageService as Python protocols.

Mirrors the Container Runtime Interface (k8s.io/cri-api/pkg/apis/runtime/v1/api.proto and
k8s.io/cri-api/pkg/apis/services.go) in the calls the kubelet makes and the errors it sees:

- RuntimeService: Version, Status, UpdateRuntimeConfig; RunPodSandbox, StopPodSandbox,
  RemovePodSandbox, PodSandboxStatus, ListPodSandbox; CreateContainer, StartContainer,
  StopContainer, RemoveContainer, ContainerStatus, ListContainers, ExecSync, ListContainerStats;
  GetContainerEvents (the Evented PLEG stream, here a subscription).
- ImageService: PullImage, ListImages, ImageStatus, RemoveImage, ImageFsInfo.

Calls that take time on a real host (sandbox, container and image operations, exec) return a
SimPy event that succeeds with the answer or fails with a `CriError`, exactly like the API
client's verbs; inspections (status, list, version) answer synchronously from the runtime's
state. A backend runs on the simulation clock it is given: the simulated host schedules its
answers on it; a Docker host completes the events from its worker thread.

`ProbeTransport` is not part of the CRI: it is the kubelet's own HTTP, TCP and gRPC dialer
(pkg/kubelet/prober/prober.go), which a backend offers because only it knows how to reach its
containers. Errors carry gRPC codes as the CRI's do; the kubelet maps them to the reasons users
see (ErrImagePull, CreateContainerError, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import simpy

__all__ = [
    "CONTAINER_CREATED",
    "CONTAINER_EXITED",
    "CONTAINER_RUNNING",
    "CONTAINER_UNKNOWN",
    "SANDBOX_NOTREADY",
    "SANDBOX_READY",
    "ContainerConfig",
    "ContainerEvent",
    "ContainerStats",
    "ContainerStatus",
    "CriError",
    "ExecSyncResponse",
    "Image",
    "ImageService",
    "NodeBackend",
    "NodeHost",
    "PodSandboxConfig",
    "PodSandboxStatus",
    "ProbeResult",
    "ProbeTransport",
    "RuntimeService",
    "RuntimeStatus",
]

# runtime.v1 ContainerState and PodSandboxState
CONTAINER_CREATED = "CONTAINER_CREATED"
CONTAINER_RUNNING = "CONTAINER_RUNNING"
CONTAINER_EXITED = "CONTAINER_EXITED"
CONTAINER_UNKNOWN = "CONTAINER_UNKNOWN"
SANDBOX_READY = "SANDBOX_READY"
SANDBOX_NOTREADY = "SANDBOX_NOTREADY"

# runtime.v1 ContainerEventType
CONTAINER_CREATED_EVENT = "CONTAINER_CREATED_EVENT"
CONTAINER_STARTED_EVENT = "CONTAINER_STARTED_EVENT"
CONTAINER_STOPPED_EVENT = "CONTAINER_STOPPED_EVENT"
CONTAINER_DELETED_EVENT = "CONTAINER_DELETED_EVENT"


class CriError(Exception):
    """A failed CRI call: a gRPC status code (NotFound, AlreadyExists, FailedPrecondition,
    Unknown, DeadlineExceeded, Unavailable, ResourceExhausted) and a message."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"rpc error: code = {self.code} desc = {self.message}"


def not_found(what: str) -> CriError:
    return CriError("NotFound", what)


def unavailable(message: str = "the runtime is not running") -> CriError:
    return CriError("Unavailable", message)


@dataclass(frozen=True)
class PodSandboxConfig:
    """runtime.v1 PodSandboxConfig: the pod's identity (metadata), hostname, labels and
    annotations (the kubelet copies the pod's, plus io.kubernetes.pod.* labels)."""

    name: str
    namespace: str
    uid: str
    attempt: int = 0
    hostname: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    host_network: bool = False


@dataclass(frozen=True)
class PodSandboxStatus:
    id: str
    config: PodSandboxConfig
    state: str
    created_at: float
    ip: str = ""
    additional_ips: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContainerConfig:
    """runtime.v1 ContainerConfig: name and attempt (metadata), image, command, args, labels,
    annotations, and the resources the kubelet sets (linux.resources: cpu and memory limits)."""

    name: str
    image: str
    attempt: int = 0
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    cpu_limit_milli: int = 0
    memory_limit_bytes: int = 0
    cpu_request_milli: int = 0
    memory_request_bytes: int = 0


@dataclass(frozen=True)
class ContainerStatus:
    """runtime.v1 ContainerStatus (times in simulated seconds; 0 when not reached)."""

    id: str
    sandbox_id: str
    name: str
    attempt: int
    image: str
    image_ref: str
    state: str
    created_at: float
    started_at: float = 0.0
    finished_at: float = 0.0
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ContainerStats:
    """runtime.v1 ContainerStats: cpu usage (nano-cores now and core-nanoseconds so far) and
    memory working set."""

    id: str
    name: str
    sandbox_id: str
    timestamp: float
    cpu_usage_nano_cores: int
    cpu_usage_core_nano_seconds: int
    memory_working_set_bytes: int


@dataclass(frozen=True)
class Image:
    """runtime.v1 Image: id, repoTags, repoDigests and size."""

    id: str
    repo_tags: tuple[str, ...]
    repo_digests: tuple[str, ...]
    size_bytes: int


@dataclass(frozen=True)
class ExecSyncResponse:
    stdout: bytes
    stderr: bytes
    exit_code: int


@dataclass(frozen=True)
class RuntimeStatus:
    """runtime.v1 RuntimeStatus: the RuntimeReady and NetworkReady conditions."""

    runtime_ready: bool
    network_ready: bool
    network_reason: str = ""
    network_message: str = ""


@dataclass(frozen=True)
class ContainerEvent:
    """runtime.v1 ContainerEventResponse (what GetContainerEvents streams)."""

    container_id: str
    event_type: str
    sandbox_id: str
    created_at: float


@dataclass(frozen=True)
class ProbeResult:
    """What a probe saw: success, failure (with output) or unknown (could not run)."""

    result: str  # "success" | "failure" | "unknown"
    output: str = ""


class RuntimeService(Protocol):
    """The CRI RuntimeService. Calls that return an event may fail it with CriError; a stopped
    runtime fails every call with code Unavailable."""

    def version(self) -> Mapping[str, str]:
        """runtimeName, runtimeVersion, runtimeApiVersion."""

    def status(self) -> RuntimeStatus: ...

    def update_runtime_config(self, pod_cidr: str) -> None:
        """UpdateRuntimeConfig: the node's pod CIDR, from which new sandboxes take their IPs."""

    def run_pod_sandbox(self, config: PodSandboxConfig) -> simpy.Event:
        """Create and start a sandbox; the event's value is its id. Idempotent per config
        (name, namespace, uid, attempt) as far as the sandbox still exists."""

    def stop_pod_sandbox(self, sandbox_id: str) -> simpy.Event:
        """Stop the sandbox and every container in it (forcibly); idempotent."""

    def remove_pod_sandbox(self, sandbox_id: str) -> simpy.Event:
        """Remove a sandbox and its containers; removing an unknown sandbox succeeds."""

    def pod_sandbox_status(self, sandbox_id: str) -> PodSandboxStatus:
        """Raises CriError NotFound for an unknown sandbox."""

    def list_pod_sandboxes(
        self, label_selector: Mapping[str, str] | None = None
    ) -> list[PodSandboxStatus]:
        """Every sandbox whose labels include `label_selector`, oldest first."""

    def create_container(
        self, sandbox_id: str, config: ContainerConfig, sandbox_config: PodSandboxConfig
    ) -> simpy.Event:
        """Create (not start) a container from a pulled image; the value is its id. Fails
        NotFound for an unknown sandbox, FailedPrecondition if the image is not present."""

    def start_container(self, container_id: str) -> simpy.Event:
        """Start a created container; succeeds once the process runs."""

    def stop_container(self, container_id: str, timeout_s: float) -> simpy.Event:
        """SIGTERM, then SIGKILL after `timeout_s`; succeeds once the container has exited.
        Stopping an exited container succeeds at once."""

    def remove_container(self, container_id: str) -> simpy.Event:
        """Remove a container (a running one is killed first); unknown ids succeed."""

    def container_status(self, container_id: str) -> ContainerStatus:
        """Raises CriError NotFound for an unknown container."""

    def list_containers(
        self, label_selector: Mapping[str, str] | None = None, sandbox_id: str = ""
    ) -> list[ContainerStatus]:
        """Every container matching the filter, oldest first."""

    def container_log(self, container_id: str) -> list[str]:
        """The container's log in the CRI log format (`<timestamp> <stdout|stderr> F <text>`,
        what ContainerStatus.logPath holds); the last dead instance stays readable; an unknown
        id raises CriError NotFound."""
        ...

    def exec_sync(self, container_id: str, cmd: tuple[str, ...], timeout_s: float) -> simpy.Event:
        """Run a command in a running container; the value is an ExecSyncResponse. Fails
        NotFound or FailedPrecondition when the container is missing or not running, and
        DeadlineExceeded after `timeout_s`."""

    def list_container_stats(self) -> list[ContainerStats]: ...

    def get_container_events(self, callback: Callable[[ContainerEvent], None]) -> None:
        """Subscribe to container lifecycle events (created, started, stopped, deleted)."""


class ImageService(Protocol):
    """The CRI ImageService."""

    def pull_image(self, image: str, sandbox_config: PodSandboxConfig | None = None) -> simpy.Event:
        """Pull an image; the value is its image ref (id). Fails NotFound for an image the
        registry does not have."""

    def list_images(self) -> list[Image]: ...

    def image_status(self, image: str) -> Image | None:
        """The image if present on the node (by tag or id), else None."""

    def remove_image(self, image: str) -> simpy.Event:
        """Remove an image; unknown images succeed. FailedPrecondition if a container uses it."""

    def image_fs_info(self) -> Mapping[str, int]:
        """usedBytes and capacityBytes of the image filesystem."""


class ProbeTransport(Protocol):
    """The kubelet's probe dialer: run `probe` (an API Probe: exec, httpGet, tcpSocket or
    grpc) against a container. `purpose` (startup, liveness, readiness) is not sent on the wire;
    a simulated host may use it to pick the answer its behaviour declares."""

    def probe(self, container_id: str, purpose: str, probe: Mapping[str, Any]) -> ProbeResult: ...


class NodeHost(RuntimeService, ImageService, ProbeTransport, Protocol):
    """One machine as the kubelet sees it: the CRI services and probe dialer, plus its power
    switch (a node action of the scenario timeline) and the one behaviour the kubelet cannot
    observe through the CRI on a simulated machine, how long a container's preStop hook runs."""

    node_name: str
    node_ip: str
    powered: bool

    def power_off(self) -> None:
        """Cut power: every sandbox and container is lost; images stay on disk."""

    def power_on(self) -> None: ...

    def pre_stop_delay_s(self, container_id: str) -> float:
        """Seconds the container's preStop hook takes before its stop signal is sent."""


class NodeBackend(Protocol):
    """Makes the hosts of a node pool. The composition root chooses one backend per pool
    (simulated, or Docker), so that one control plane can drive both kinds of node at once."""

    def new_host(self, name: str, node_ip: str) -> NodeHost:
        """A powered host for node `name` whose InternalIP is `node_ip`."""
