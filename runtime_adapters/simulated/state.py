"""The simulated host's state: its sandboxes, containers and images, and the plumbing every
service of the host shares (identifiers, delayed answers, the container event stream, jitter).

Guarantees: a delayed answer is never given by a host that lost power after the call (the call
belongs to an older power epoch); identifiers and jitter come only from the named random streams
passed in. Upstream model: containerd's CRI plugin (pkg/cri/server) and its sandbox and
container stores (pkg/cri/store); the services built on this state live in `sandboxes`,
`containers`, `images` and `stats`, each holding this one object, and `host.SimulatedHost`
composes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import simpy

from runtime_adapters.cri import (
    CONTAINER_CREATED,
    SANDBOX_READY,
    ContainerConfig,
    ContainerEvent,
    ContainerStatus,
    CriError,
    Image,
    PodSandboxConfig,
    not_found,
)
from runtime_adapters.simulated.behavior import Behavior, ImageCatalog, ImageSpec
from runtime_adapters.simulated.logs import ContainerLog
from sim.core import Clock
from sim.core.rand import RandomStream

__all__ = ["SIGKILL_EXIT_CODE", "HostContainer", "HostSandbox", "HostState"]

SIGKILL_EXIT_CODE = 137


@dataclass
class HostSandbox:
    id: str
    config: PodSandboxConfig
    created_at: float
    state: str = SANDBOX_READY
    ip: str = ""


@dataclass
class HostContainer:
    id: str
    sandbox_id: str
    config: ContainerConfig
    image_ref: str
    behavior: Behavior
    timing: dict[str, float]
    created_at: float
    state: str = CONTAINER_CREATED
    started_at: float = 0.0
    finished_at: float = 0.0
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    token: int = 0  # bumps whenever a scheduled exit must be forgotten
    stop_waiters: list[simpy.Event] = field(default_factory=list)
    log: ContainerLog = field(default_factory=lambda: ContainerLog(()))


class HostState:
    """What one simulated machine holds, and the helpers its services share (the services
    read and write these fields directly: one object, owned by the host, shared by design)."""

    def __init__(
        self,
        clock: Clock,
        node_name: str,
        catalog: ImageCatalog,
        *,
        ids: RandomStream,
        jitter: RandomStream,
        node_ip: str = "",
        default_behavior: Mapping[str, Any] | None = None,
        pull_bandwidth_bps: float = 100 * 1024 * 1024,
        pull_check_s: float = 0.1,
        sandbox_delay_s: float = 0.2,
        create_delay_s: float = 0.05,
    ):
        self.clock = clock
        self.node_name = node_name
        self.catalog = catalog
        self.node_ip = node_ip
        self.default_behavior = dict(default_behavior or {})
        self.pull_bandwidth_bps = pull_bandwidth_bps
        self.pull_check_s = pull_check_s
        self.sandbox_delay_s = sandbox_delay_s
        self.create_delay_s = create_delay_s
        self.ids = ids
        self.jitter = jitter
        self.powered = True
        self.epoch = 0
        self.sandboxes: dict[str, HostSandbox] = {}
        self.containers: dict[str, HostContainer] = {}
        self.images: dict[str, tuple[Image, ImageSpec]] = {}  # by tag and by id
        self.pulls: dict[str, list[simpy.Event]] = {}
        self.subscribers: list[Callable[[ContainerEvent], None]] = []
        self.cidr: Any = None
        self.next_ip = 0
        self.used_ips: dict[str, str] = {}
        # the last removed instance of each (sandbox, container name), whose log stays readable
        # as upstream's container GC keeps the last dead container (MaxPerPodContainer = 1)
        self.retired: dict[tuple[str, str], HostContainer] = {}

    # -- plumbing ------------------------------------------------------------------------------
    def new_id(self) -> str:
        return (self.ids.uuid() + self.ids.uuid()).replace("-", "")

    def later(self, delay_s: float, fn: Callable[[], Any]) -> simpy.Event:
        """An event answered by fn() after delay_s, unless the host lost power meanwhile."""
        ev = self.clock.event()
        epoch = self.epoch
        if not self.powered:
            return ev  # a dead machine never answers

        def run() -> None:
            if epoch != self.epoch:
                return
            try:
                value = fn()
            except CriError as e:
                ev.fail(e)
                return
            ev.succeed(value)

        self.clock.call_later(delay_s, run)
        return ev

    def emit(self, container: HostContainer, event_type: str) -> None:
        ev = ContainerEvent(container.id, event_type, container.sandbox_id, self.clock.now)
        for cb in list(self.subscribers):
            cb(ev)

    def jittered(self, seconds: float, factor: float) -> float:
        if factor <= 0 or seconds <= 0 or math.isinf(seconds):
            return seconds
        return self.jitter.jitter(seconds, factor)

    def sandbox(self, sandbox_id: str) -> HostSandbox:
        sb = self.sandboxes.get(sandbox_id)
        if sb is None:
            raise not_found(f'an error occurred when try to find sandbox "{sandbox_id}": not found')
        return sb

    def in_sandbox(self, sandbox_id: str) -> list[HostContainer]:
        return [c for c in self.containers.values() if c.sandbox_id == sandbox_id]

    def container(self, container_id: str) -> HostContainer:
        c = self.containers.get(container_id)
        if c is None:
            raise not_found(
                f'an error occurred when try to find container "{container_id}": not found'
            )
        return c

    @staticmethod
    def container_status(c: HostContainer) -> ContainerStatus:
        cfg = c.config
        return ContainerStatus(
            c.id, c.sandbox_id, cfg.name, cfg.attempt, cfg.image, c.image_ref, c.state,
            c.created_at, c.started_at, c.finished_at, c.exit_code, c.reason, c.message,
            cfg.labels, cfg.annotations,
        )  # fmt: skip
