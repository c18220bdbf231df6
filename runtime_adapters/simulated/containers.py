"""The simulated host's container lifecycle: the RuntimeService container calls.

Guarantees: create answers after `create_delay_s`, start after the behaviour's `startDelay`;
a running container exits on its own when its behaviour says so (runFor, a crash drawn from
`crashRate`, or memory above its limit: OOMKilled, 137); a stop answers after the process's
`stopDelay` or the caller's timeout, whichever is first (then SIGKILL: exit code 137). Every
lifecycle change is streamed to GetContainerEvents subscribers, synchronously, at the instant
it happens. Upstream model: containerd's CRI plugin (pkg/cri/server container_create.go,
container_start.go, container_stop.go, container_remove.go, container_status.go,
container_list.go, container_execsync.go, events.go).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import simpy

from runtime_adapters.cri import (
    CONTAINER_CREATED,
    CONTAINER_CREATED_EVENT,
    CONTAINER_DELETED_EVENT,
    CONTAINER_EXITED,
    CONTAINER_RUNNING,
    CONTAINER_STARTED_EVENT,
    CONTAINER_STOPPED_EVENT,
    SANDBOX_READY,
    ContainerConfig,
    ContainerEvent,
    ContainerStatus,
    CriError,
    ExecSyncResponse,
    PodSandboxConfig,
)
from runtime_adapters.simulated.behavior import (
    BEHAVIOR_ANNOTATION,
    DURATION_FIELDS,
    NEVER,
    Behavior,
    BehaviorError,
    ImageSpec,
    parse_annotation,
)
from runtime_adapters.simulated.logs import ContainerLog
from runtime_adapters.simulated.state import SIGKILL_EXIT_CODE, HostContainer, HostState

__all__ = ["ContainerRuntime"]


class ContainerRuntime:
    """RuntimeService: containers (create, start, stop, remove, status, list, exec, events),
    over the host's shared `state`."""

    def __init__(self, state: HostState):
        self.state = state

    def _resolve_behavior(
        self, config: ContainerConfig, spec: ImageSpec, sandbox: PodSandboxConfig
    ) -> Behavior:
        layers: list[Mapping[str, Any]] = [self.state.default_behavior, spec.behavior]
        for key in (BEHAVIOR_ANNOTATION, f"{BEHAVIOR_ANNOTATION}.{config.name}"):
            text = sandbox.annotations.get(key)
            if text:
                try:
                    layers.append(parse_annotation(text, f"annotation {key}"))
                except BehaviorError as e:
                    raise CriError("InvalidArgument", str(e)) from None
        return Behavior.merged(*layers)

    def _timing(self, b: Behavior) -> dict[str, float]:
        j = b["jitter"]
        t = {k: self.state.jittered(b[k], j) for k in DURATION_FIELDS}
        rate = b["crashRate"]
        t["crashAt"] = self.state.jitter.exponential(3600.0 / rate) if rate > 0 else NEVER
        return t

    def create_container(
        self, sandbox_id: str, config: ContainerConfig, sandbox_config: PodSandboxConfig
    ) -> simpy.Event:
        def create() -> str:
            sb = self.state.sandbox(sandbox_id)
            if sb.state != SANDBOX_READY:
                raise CriError("Unknown", f"sandbox container {sandbox_id!r} is not running")
            for c in self.state.in_sandbox(sandbox_id):
                if c.config.name == config.name and c.config.attempt == config.attempt:
                    raise CriError(
                        "AlreadyExists",
                        f'the container name "{config.name}_{config.attempt}" is already in use',
                    )
            entry = self.state.images.get(config.image)
            if entry is None:
                raise CriError("NotFound", f'failed to get image "{config.image}": not found')
            image, spec = entry
            behavior = self._resolve_behavior(config, spec, sandbox_config)
            cid = self.state.new_id()
            c = HostContainer(
                cid,
                sandbox_id,
                config,
                image.id,
                behavior,
                self._timing(behavior),
                self.state.clock.now,
            )
            c.log = ContainerLog(behavior["logs"])
            self.state.containers[cid] = c
            self.state.emit(c, CONTAINER_CREATED_EVENT)
            return cid

        return self.state.later(self.state.create_delay_s, create)

    def start_container(self, container_id: str) -> simpy.Event:
        try:
            delay = self.state.container(container_id).timing["startDelay"]
        except CriError:
            delay = 0.0

        def start() -> None:
            c = self.state.container(container_id)
            if c.state != CONTAINER_CREATED:
                raise CriError(
                    "Unknown", f"container {container_id} is in {c.state} state, cannot start"
                )
            c.state = CONTAINER_RUNNING
            c.started_at = self.state.clock.now
            cfg = c.config
            restart = f", restart {cfg.attempt}" if cfg.attempt else ""
            c.log.start(
                c.started_at, f"[kubesim] started container {cfg.name} (image {cfg.image}{restart})"
            )
            self._schedule_exit(c)
            self.state.emit(c, CONTAINER_STARTED_EVENT)

        return self.state.later(delay, start)

    def _schedule_exit(self, c: HostContainer) -> None:
        runs = [(c.timing["runFor"], c.behavior["exitCode"], "")]
        runs.append((c.timing["crashAt"], c.behavior["crashExitCode"], "Error"))
        runs.append(
            (c.behavior.oom_age_s(c.config.memory_limit_bytes), SIGKILL_EXIT_CODE, "OOMKilled")
        )
        age, code, reason = min(runs, key=lambda r: r[0])
        if math.isinf(age):
            return
        self._exit_after(c, age, code, reason)

    def _exit_after(self, c: HostContainer, delay_s: float, code: int, reason: str) -> None:
        """The process exits after delay_s, unless it was stopped, removed or lost meanwhile."""
        token = c.token

        def exit_now() -> None:
            if (
                c.token == token
                and c.state == CONTAINER_RUNNING
                and self.state.containers.get(c.id) is c
            ):
                self.exit_container(c, code, reason)

        self.state.clock.call_later(delay_s, exit_now)

    def exit_container(self, c: HostContainer, code: int, reason: str = "") -> None:
        """The process exits now with `code`; whoever waits on its stop is answered."""
        c.token += 1
        c.state = CONTAINER_EXITED
        c.finished_at = self.state.clock.now
        c.exit_code = code
        c.reason = reason or ("Completed" if code == 0 else "Error")
        c.log.write(
            c.finished_at,
            f"[kubesim] exited with code {code} ({c.reason})",
            "stdout" if code == 0 else "stderr",
        )
        waiters, c.stop_waiters = c.stop_waiters, []
        self.state.emit(c, CONTAINER_STOPPED_EVENT)
        for w in waiters:
            if not w.triggered:
                w.succeed(None)

    def stop_container(self, container_id: str, timeout_s: float) -> simpy.Event:
        ev = self.state.clock.event()
        if not self.state.powered:
            return ev
        c = self.state.containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING:
            if c is not None and c.state == CONTAINER_CREATED:
                self.exit_container(c, 0, "")
            return self.state.later(0.0, lambda: None)
        c.stop_waiters.append(ev)
        if len(c.stop_waiters) > 1:
            return ev  # already stopping: one SIGTERM is enough
        delay = c.timing["stopDelay"]
        code, reason = c.behavior["stopExitCode"], ""
        c.log.write(self.state.clock.now, "[kubesim] received SIGTERM")
        if delay > timeout_s:
            delay, code, reason = max(0.0, timeout_s), SIGKILL_EXIT_CODE, "Error"
        self._exit_after(c, delay, code, reason)
        return ev

    def remove_now(self, c: HostContainer) -> None:
        """Remove `c` now (killed first if it runs); its log stays readable while its sandbox
        lives."""
        if c.state == CONTAINER_RUNNING:
            self.exit_container(c, SIGKILL_EXIT_CODE, "Error")
        c.token += 1
        self.state.containers.pop(c.id, None)
        if self.state.sandboxes.get(c.sandbox_id) is not None:
            self.state.retired[(c.sandbox_id, c.config.name)] = c
        self.state.emit(c, CONTAINER_DELETED_EVENT)

    def remove_container(self, container_id: str) -> simpy.Event:
        def remove() -> None:
            c = self.state.containers.get(container_id)
            if c is not None:
                self.remove_now(c)

        return self.state.later(0.0, remove)

    def container_status(self, container_id: str) -> ContainerStatus:
        return self.state.container_status(self.state.container(container_id))

    def list_containers(
        self, label_selector: Mapping[str, str] | None = None, sandbox_id: str = ""
    ) -> list[ContainerStatus]:
        sel = dict(label_selector or {})
        return [
            self.state.container_status(c)
            for c in self.state.containers.values()
            if (not sandbox_id or c.sandbox_id == sandbox_id)
            and all(c.config.labels.get(k) == v for k, v in sel.items())
        ]

    def exec_sync(self, container_id: str, cmd: tuple[str, ...], timeout_s: float) -> simpy.Event:
        def run() -> ExecSyncResponse:
            c = self.state.container(container_id)
            if c.state != CONTAINER_RUNNING:
                raise CriError("FailedPrecondition", f"container {container_id} is not running")
            return ExecSyncResponse(b"", b"", c.behavior["execExitCode"])

        return self.state.later(0.0, run)

    def get_container_events(self, callback: Callable[[ContainerEvent], None]) -> None:
        self.state.subscribers.append(callback)
