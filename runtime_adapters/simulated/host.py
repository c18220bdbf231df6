"""A simulated host: a container runtime and image store that implement the CRI-like protocols.

Guarantees:
- Every call that takes time answers after a modelled delay on the simulation clock: sandboxes
  after `sandbox_delay_s`, containers start after their behaviour's `startDelay`, images pull in
  size / `pull_bandwidth_bps` (a present image re-pulled under `Always` costs only
  `pull_check_s`; concurrent pulls of one image share one download), stops after the process's
  `stopDelay` or the caller's timeout, whichever is first (then SIGKILL: exit code 137).
- A running container exits on its own when its behaviour says so (runFor, a crash drawn from
  `crashRate`, or memory above its limit: OOMKilled, 137). Every lifecycle change is streamed to
  GetContainerEvents subscribers, synchronously, at the instant it happens.
- Pod IPs come from the CIDR the kubelet sets with UpdateRuntimeConfig, allocated round-robin
  from the network address + 2 as the host-local IPAM plugin does, released when the sandbox
  stops; host-network sandboxes get the node IP. Until a CIDR is set the network is not ready
  and RunPodSandbox fails (NetworkPluginNotReady).
- `power_off()` loses every sandbox, container and in-flight call (calls in flight never
  answer, as on a dead machine); images stay on disk. `power_on()` boots an empty runtime.
- Identifiers and jitter come from the named random streams passed in, so a run is a pure
  function of the seed. Upstream models: containerd's CRI plugin (pkg/cri/server) for the
  semantics of each call and the host-local IPAM plugin for addresses.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
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
    SANDBOX_NOTREADY,
    SANDBOX_READY,
    ContainerConfig,
    ContainerEvent,
    ContainerStats,
    ContainerStatus,
    CriError,
    ExecSyncResponse,
    Image,
    PodSandboxConfig,
    PodSandboxStatus,
    ProbeResult,
    RuntimeStatus,
    not_found,
)
from runtime_adapters.simulated.behavior import (
    BEHAVIOR_ANNOTATION,
    NEVER,
    Behavior,
    BehaviorError,
    ImageCatalog,
    ImageSpec,
    parse_annotation,
)
from runtime_adapters.simulated.logs import ContainerLog, rfc3339_nano
from sim.core import Clock
from sim.core.rand import RandomStream

__all__ = ["RUNTIME_NAME", "RUNTIME_VERSION", "SimulatedHost"]

RUNTIME_NAME = "kubesim"
RUNTIME_VERSION = "0.1.0"
SIGKILL_EXIT_CODE = 137


@dataclass
class _Sandbox:
    id: str
    config: PodSandboxConfig
    created_at: float
    state: str = SANDBOX_READY
    ip: str = ""


@dataclass
class _Container:
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


class SimulatedHost:
    """One simulated machine: RuntimeService, ImageService and ProbeTransport at once."""

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
        self._ids = ids
        self._jitter = jitter
        self.powered = True
        self._epoch = 0
        self._sandboxes: dict[str, _Sandbox] = {}
        self._containers: dict[str, _Container] = {}
        self._images: dict[str, tuple[Image, ImageSpec]] = {}  # by tag and by id
        self._pulls: dict[str, list[simpy.Event]] = {}
        self._subscribers: list[Callable[[ContainerEvent], None]] = []
        self._cidr: Any = None
        self._next_ip = 0
        self._used_ips: dict[str, str] = {}
        # the last removed instance of each (sandbox, container name), whose log stays readable
        # as upstream's container GC keeps the last dead container (MaxPerPodContainer = 1)
        self._retired: dict[tuple[str, str], _Container] = {}

    # -- plumbing ------------------------------------------------------------------------------
    def _new_id(self) -> str:
        return (self._ids.uuid() + self._ids.uuid()).replace("-", "")

    def _later(self, delay_s: float, fn: Callable[[], Any]) -> simpy.Event:
        """An event answered by fn() after delay_s, unless the host lost power meanwhile."""
        ev = self.clock.event()
        epoch = self._epoch
        if not self.powered:
            return ev  # a dead machine never answers

        def run() -> None:
            if epoch != self._epoch:
                return
            try:
                value = fn()
            except CriError as e:
                ev.fail(e)
                return
            ev.succeed(value)

        self.clock.call_later(delay_s, run)
        return ev

    def _emit(self, container: _Container, event_type: str) -> None:
        ev = ContainerEvent(container.id, event_type, container.sandbox_id, self.clock.now)
        for cb in list(self._subscribers):
            cb(ev)

    def _jittered(self, seconds: float, factor: float) -> float:
        if factor <= 0 or seconds <= 0 or math.isinf(seconds):
            return seconds
        return self._jitter.jitter(seconds, factor)

    # -- power -----------------------------------------------------------------------------------
    def power_off(self) -> None:
        """Cut power: every sandbox, container and call in flight is lost; images stay."""
        self.powered = False
        self._epoch += 1
        for c in self._containers.values():
            c.token += 1
        self._sandboxes.clear()
        self._containers.clear()
        self._pulls.clear()
        self._used_ips.clear()
        self._retired.clear()

    def power_on(self) -> None:
        self.powered = True

    # -- RuntimeService: runtime ---------------------------------------------------------------
    def version(self) -> Mapping[str, str]:
        return {
            "version": "0.1.0",
            "runtimeName": RUNTIME_NAME,
            "runtimeVersion": RUNTIME_VERSION,
            "runtimeApiVersion": "v1",
        }

    def status(self) -> RuntimeStatus:
        if self._cidr is None:
            return RuntimeStatus(
                True,
                False,
                "NetworkPluginNotReady",
                "Network plugin returns error: cni plugin not initialized",
            )
        return RuntimeStatus(True, True)

    def update_runtime_config(self, pod_cidr: str) -> None:
        net = ipaddress.ip_network(pod_cidr, strict=False)
        if self._cidr != net:
            self._cidr = net
            self._next_ip = 0

    def _allocate_ip(self, sandbox_id: str) -> str:
        net = self._cidr
        size = net.num_addresses - 3  # network, gateway (.1) and broadcast are reserved
        for step in range(max(size, 0)):
            offset = (self._next_ip + step) % size
            ip = str(net.network_address + 2 + offset)
            if ip not in self._used_ips:
                self._next_ip = offset + 1
                self._used_ips[ip] = sandbox_id
                return ip
        raise CriError(
            "Unknown",
            f"failed to allocate for range 0: no IP addresses available in range set: {net}",
        )

    # -- RuntimeService: sandboxes -------------------------------------------------------------
    def run_pod_sandbox(self, config: PodSandboxConfig) -> simpy.Event:
        def run() -> str:
            for sb in self._sandboxes.values():
                c = sb.config
                if (c.uid, c.attempt) == (config.uid, config.attempt) and sb.state == SANDBOX_READY:
                    return sb.id
            if not config.host_network and self._cidr is None:
                raise CriError(
                    "Unknown", "failed to setup network for sandbox: cni plugin not initialized"
                )
            sid = self._new_id()
            ip = self.node_ip if config.host_network else self._allocate_ip(sid)
            self._sandboxes[sid] = _Sandbox(sid, config, self.clock.now, SANDBOX_READY, ip)
            return sid

        return self._later(self.sandbox_delay_s, run)

    def _sandbox(self, sandbox_id: str) -> _Sandbox:
        sb = self._sandboxes.get(sandbox_id)
        if sb is None:
            raise not_found(f'an error occurred when try to find sandbox "{sandbox_id}": not found')
        return sb

    def stop_pod_sandbox(self, sandbox_id: str) -> simpy.Event:
        def stop() -> None:
            sb = self._sandboxes.get(sandbox_id)
            if sb is None:
                return
            for c in self._in_sandbox(sandbox_id):
                if c.state == CONTAINER_RUNNING:
                    self._exit(c, SIGKILL_EXIT_CODE, "Error")
            sb.state = SANDBOX_NOTREADY
            if self._used_ips.get(sb.ip) == sandbox_id:
                del self._used_ips[sb.ip]

        return self._later(0.0, stop)

    def remove_pod_sandbox(self, sandbox_id: str) -> simpy.Event:
        def remove() -> None:
            sb = self._sandboxes.pop(sandbox_id, None)
            if sb is None:
                return
            for c in self._in_sandbox(sandbox_id):
                self._remove(c)
            for key in [k for k in self._retired if k[0] == sandbox_id]:
                del self._retired[key]
            if self._used_ips.get(sb.ip) == sandbox_id:
                del self._used_ips[sb.ip]

        return self._later(0.0, remove)

    def pod_sandbox_status(self, sandbox_id: str) -> PodSandboxStatus:
        return self._sandbox_status(self._sandbox(sandbox_id))

    @staticmethod
    def _sandbox_status(sb: _Sandbox) -> PodSandboxStatus:
        return PodSandboxStatus(sb.id, sb.config, sb.state, sb.created_at, sb.ip)

    def list_pod_sandboxes(
        self, label_selector: Mapping[str, str] | None = None
    ) -> list[PodSandboxStatus]:
        sel = dict(label_selector or {})
        return [
            self._sandbox_status(sb)
            for sb in self._sandboxes.values()
            if all(sb.config.labels.get(k) == v for k, v in sel.items())
        ]

    def _in_sandbox(self, sandbox_id: str) -> list[_Container]:
        return [c for c in self._containers.values() if c.sandbox_id == sandbox_id]

    # -- RuntimeService: containers ------------------------------------------------------------
    def _resolve_behavior(
        self, config: ContainerConfig, spec: ImageSpec, sandbox: PodSandboxConfig
    ) -> Behavior:
        layers: list[Mapping[str, Any]] = [self.default_behavior, spec.behavior]
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
        t = {
            k: self._jittered(b[k], j)
            for k in (
                "startDelay",
                "runFor",
                "readyAfter",
                "startedAfter",
                "livenessFailsAfter",
                "stopDelay",
                "preStopDelay",
            )
        }
        rate = b["crashRate"]
        t["crashAt"] = self._jitter.exponential(3600.0 / rate) if rate > 0 else NEVER
        return t

    def create_container(
        self, sandbox_id: str, config: ContainerConfig, sandbox_config: PodSandboxConfig
    ) -> simpy.Event:
        def create() -> str:
            sb = self._sandbox(sandbox_id)
            if sb.state != SANDBOX_READY:
                raise CriError("Unknown", f"sandbox container {sandbox_id!r} is not running")
            for c in self._in_sandbox(sandbox_id):
                if c.config.name == config.name and c.config.attempt == config.attempt:
                    raise CriError(
                        "AlreadyExists",
                        f'the container name "{config.name}_{config.attempt}" is already in use',
                    )
            entry = self._images.get(config.image)
            if entry is None:
                raise CriError("NotFound", f'failed to get image "{config.image}": not found')
            image, spec = entry
            behavior = self._resolve_behavior(config, spec, sandbox_config)
            cid = self._new_id()
            c = _Container(
                cid, sandbox_id, config, image.id, behavior, self._timing(behavior), self.clock.now
            )
            c.log = ContainerLog(behavior["logs"])
            self._containers[cid] = c
            self._emit(c, CONTAINER_CREATED_EVENT)
            return cid

        return self._later(self.create_delay_s, create)

    def _container(self, container_id: str) -> _Container:
        c = self._containers.get(container_id)
        if c is None:
            raise not_found(
                f'an error occurred when try to find container "{container_id}": not found'
            )
        return c

    def start_container(self, container_id: str) -> simpy.Event:
        try:
            delay = self._container(container_id).timing["startDelay"]
        except CriError:
            delay = 0.0

        def start() -> None:
            c = self._container(container_id)
            if c.state != CONTAINER_CREATED:
                raise CriError(
                    "Unknown", f"container {container_id} is in {c.state} state, cannot start"
                )
            c.state = CONTAINER_RUNNING
            c.started_at = self.clock.now
            cfg = c.config
            restart = f", restart {cfg.attempt}" if cfg.attempt else ""
            c.log.start(
                c.started_at, f"[kubesim] started container {cfg.name} (image {cfg.image}{restart})"
            )
            self._schedule_exit(c)
            self._emit(c, CONTAINER_STARTED_EVENT)

        return self._later(delay, start)

    def _schedule_exit(self, c: _Container) -> None:
        runs = [(c.timing["runFor"], c.behavior["exitCode"], "")]
        runs.append((c.timing["crashAt"], c.behavior["crashExitCode"], "Error"))
        runs.append(
            (c.behavior.oom_age_s(c.config.memory_limit_bytes), SIGKILL_EXIT_CODE, "OOMKilled")
        )
        age, code, reason = min(runs, key=lambda r: r[0])
        if math.isinf(age):
            return
        token = c.token

        def natural_exit() -> None:
            if (
                c.token == token
                and c.state == CONTAINER_RUNNING
                and self._containers.get(c.id) is c
            ):
                self._exit(c, code, reason)

        self.clock.call_later(age, natural_exit)

    def _exit(self, c: _Container, code: int, reason: str = "") -> None:
        c.token += 1
        c.state = CONTAINER_EXITED
        c.finished_at = self.clock.now
        c.exit_code = code
        c.reason = reason or ("Completed" if code == 0 else "Error")
        c.log.write(
            c.finished_at,
            f"[kubesim] exited with code {code} ({c.reason})",
            "stdout" if code == 0 else "stderr",
        )
        waiters, c.stop_waiters = c.stop_waiters, []
        self._emit(c, CONTAINER_STOPPED_EVENT)
        for w in waiters:
            if not w.triggered:
                w.succeed(None)

    def stop_container(self, container_id: str, timeout_s: float) -> simpy.Event:
        ev = self.clock.event()
        if not self.powered:
            return ev
        c = self._containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING:
            if c is not None and c.state == CONTAINER_CREATED:
                self._exit(c, 0, "")
            return self._later(0.0, lambda: None)
        c.stop_waiters.append(ev)
        if len(c.stop_waiters) > 1:
            return ev  # already stopping: one SIGTERM is enough
        token = c.token
        delay = c.timing["stopDelay"]
        code, reason = c.behavior["stopExitCode"], ""
        c.log.write(self.clock.now, "[kubesim] received SIGTERM")
        if delay > timeout_s:
            delay, code, reason = max(0.0, timeout_s), SIGKILL_EXIT_CODE, "Error"

        def exit_now() -> None:
            if (
                c.token == token
                and c.state == CONTAINER_RUNNING
                and self._containers.get(c.id) is c
            ):
                self._exit(c, code, reason)

        self.clock.call_later(delay, exit_now)
        return ev

    def _remove(self, c: _Container) -> None:
        if c.state == CONTAINER_RUNNING:
            self._exit(c, SIGKILL_EXIT_CODE, "Error")
        c.token += 1
        self._containers.pop(c.id, None)
        if self._sandboxes.get(c.sandbox_id) is not None:
            self._retired[(c.sandbox_id, c.config.name)] = c
        self._emit(c, CONTAINER_DELETED_EVENT)

    def remove_container(self, container_id: str) -> simpy.Event:
        def remove() -> None:
            c = self._containers.get(container_id)
            if c is not None:
                self._remove(c)

        return self._later(0.0, remove)

    def container_status(self, container_id: str) -> ContainerStatus:
        return self._status(self._container(container_id))

    @staticmethod
    def _status(c: _Container) -> ContainerStatus:
        cfg = c.config
        return ContainerStatus(
            c.id, c.sandbox_id, cfg.name, cfg.attempt, cfg.image, c.image_ref, c.state,
            c.created_at, c.started_at, c.finished_at, c.exit_code, c.reason, c.message,
            cfg.labels, cfg.annotations,
        )  # fmt: skip

    def list_containers(
        self, label_selector: Mapping[str, str] | None = None, sandbox_id: str = ""
    ) -> list[ContainerStatus]:
        sel = dict(label_selector or {})
        return [
            self._status(c)
            for c in self._containers.values()
            if (not sandbox_id or c.sandbox_id == sandbox_id)
            and all(c.config.labels.get(k) == v for k, v in sel.items())
        ]

    def exec_sync(self, container_id: str, cmd: tuple[str, ...], timeout_s: float) -> simpy.Event:
        def run() -> ExecSyncResponse:
            c = self._container(container_id)
            if c.state != CONTAINER_RUNNING:
                raise CriError("FailedPrecondition", f"container {container_id} is not running")
            return ExecSyncResponse(b"", b"", c.behavior["execExitCode"])

        return self._later(0.0, run)

    def list_container_stats(self) -> list[ContainerStats]:
        now = self.clock.now
        out = []
        for c in self._containers.values():
            if c.state != CONTAINER_RUNNING:
                continue
            age = now - c.started_at
            milli = c.behavior.at("cpu", age)
            out.append(
                ContainerStats(
                    c.id, c.config.name, c.sandbox_id, now, milli * 1_000_000,
                    int(self._cpu_integral(c.behavior, age) * 1_000_000),
                    c.behavior.at("memory", age),
                )
            )  # fmt: skip
        return out

    @staticmethod
    def _cpu_integral(b: Behavior, age_s: float) -> float:
        """Milli-core seconds used over `age_s` (the integral of the cpu step series)."""
        steps = list(b["cpu"])
        total = 0.0
        for i, (after, v) in enumerate(steps):
            end = steps[i + 1][0] if i + 1 < len(steps) else age_s
            if after >= age_s:
                break
            total += v * (min(end, age_s) - after)
        return total

    def container_log(self, container_id: str) -> list[str]:
        """The container's log in the CRI log format (`<RFC3339Nano> <stream> F <text>`), the
        lines a kubelet reads from ContainerStatus.logPath. The last removed instance of each
        container of a live sandbox still answers (upstream keeps the last dead container);
        anything else raises CriError NotFound."""
        c = self._containers.get(container_id)
        if c is None:
            c = next((r for r in self._retired.values() if r.id == container_id), None)
        if c is None:
            raise not_found(f'an error occurred when try to find container "{container_id}"')
        until = c.finished_at if c.state == CONTAINER_EXITED else self.clock.now
        return c.log.lines(until, lambda t: rfc3339_nano(self.clock.micro_timestamp(t)))

    def get_container_events(self, callback: Callable[[ContainerEvent], None]) -> None:
        self._subscribers.append(callback)

    # -- ProbeTransport ------------------------------------------------------------------------
    def probe(self, container_id: str, purpose: str, probe: Mapping[str, Any]) -> ProbeResult:
        c = self._containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING or not self.powered:
            return ProbeResult("failure", "container is not running")
        age = self.clock.now - c.started_at
        if purpose in ("readiness", "startup"):
            key = "readyAfter" if purpose == "readiness" else "startedAfter"
            b = Behavior({**c.behavior.fields, key: c.timing[key]})
        else:
            b = Behavior(
                {**c.behavior.fields, "livenessFailsAfter": c.timing["livenessFailsAfter"]}
            )
        if b.probe_answer(purpose, age):
            self._log_probe(c, purpose, "")
            return ProbeResult("success")
        output = _failure_output(probe, self._sandboxes.get(c.sandbox_id))
        self._log_probe(c, purpose, output)
        return ProbeResult("failure", output)

    def _log_probe(self, c: _Container, purpose: str, failure: str) -> None:
        """A line when a probe's answer changes (the first success is the expected one)."""
        ok = not failure
        if c.log.probe_answers.get(purpose, True) == ok:
            c.log.probe_answers[purpose] = ok
            return
        c.log.probe_answers[purpose] = ok
        text = f"{purpose} probe succeeded" if ok else f"{purpose} probe failed: {failure}"
        c.log.write(self.clock.now, f"[kubesim] {text}", "stdout" if ok else "stderr")

    def pre_stop_delay_s(self, container_id: str) -> float:
        """How long this container's exec or httpGet preStop hook runs (a simulated-host extra)."""
        c = self._containers.get(container_id)
        return c.timing["preStopDelay"] if c is not None else 0.0

    # -- ImageService --------------------------------------------------------------------------
    def _lookup(self, image: str) -> ImageSpec | None:
        spec = self.catalog.lookup(image)
        last = image.rsplit("/", 1)[-1]
        if spec is None and ":" not in last and "@" not in last:
            spec = self.catalog.lookup(image + ":latest")
        return spec

    def pull_image(self, image: str, sandbox_config: PodSandboxConfig | None = None) -> simpy.Event:
        ev = self.clock.event()
        if not self.powered:
            return ev
        spec = self._lookup(image)
        if spec is None:
            msg = (
                f'failed to pull and unpack image "{image}": failed to resolve reference '
                f'"{image}": {image}: not found'
            )

        def fail_missing() -> None:
            raise CriError("NotFound", msg)

        if spec is None:
            return self._later(self.pull_check_s, fail_missing)
        if image in self._images:
            return self._later(self.pull_check_s, lambda: self._images[image][0].id)
        waiters = self._pulls.get(image)
        if waiters is not None:
            waiters.append(ev)
            return ev
        self._pulls[image] = [ev]
        epoch = self._epoch
        duration = self.pull_check_s + spec.size_bytes / self.pull_bandwidth_bps

        def done() -> None:
            if epoch != self._epoch:
                return
            digest = "sha256:" + hashlib.sha256(image.encode()).hexdigest()
            img = Image(digest, (image,), (f"{image.split(':')[0]}@{digest}",), spec.size_bytes)
            self._images[image] = (img, spec)
            self._images[digest] = (img, spec)
            for w in self._pulls.pop(image, []):
                w.succeed(digest)

        self.clock.call_later(duration, done)
        return ev

    def list_images(self) -> list[Image]:
        seen: dict[str, Image] = {}
        for img, _spec in self._images.values():
            seen.setdefault(img.id, img)
        return list(seen.values())

    def image_status(self, image: str) -> Image | None:
        entry = self._images.get(image)
        return entry[0] if entry else None

    def remove_image(self, image: str) -> simpy.Event:
        def remove() -> None:
            entry = self._images.get(image)
            if entry is None:
                return
            img = entry[0]
            if any(c.image_ref == img.id for c in self._containers.values()):
                raise CriError("FailedPrecondition", f"image {image} is in use by a container")
            for key in (*img.repo_tags, img.id):
                self._images.pop(key, None)

        return self._later(0.0, remove)

    def image_fs_info(self) -> Mapping[str, int]:
        return {"usedBytes": sum(i.size_bytes for i in self.list_images())}

    # -- a view for tests and the kubelet's stats ----------------------------------------------
    def running_containers(self) -> list[ContainerStatus]:
        return [self._status(c) for c in self._containers.values() if c.state == CONTAINER_RUNNING]


def _failure_output(probe: Mapping[str, Any], sandbox: _Sandbox | None) -> str:
    ip = sandbox.ip if sandbox else ""
    if "httpGet" in probe:
        return "HTTP probe failed with statuscode: 503"
    if "tcpSocket" in probe:
        port = probe["tcpSocket"].get("port", "")
        return f"dial tcp {ip}:{port}: connect: connection refused"
    if "grpc" in probe:
        return 'service unhealthy (responded with "NOT_SERVING")'
    return "command failed with exit code 1"


def with_annotations(config: PodSandboxConfig, annotations: Mapping[str, str]) -> PodSandboxConfig:
    return replace(config, annotations={**config.annotations, **annotations})
