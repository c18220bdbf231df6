"""What the simulated host reports about its running containers: resource stats, logs and
probe answers (the ProbeTransport), all read from each container's behaviour and age.

Guarantees: stats and probe answers are functions of the behaviour and the clock only; a probe
answer that changes writes one log line; a removed container's log stays readable while its
sandbox lives (upstream's container GC keeps the last dead container). Upstream model:
containerd's CRI plugin (pkg/cri/server container_stats_list.go, the CRI log format of
pkg/cri/io) and pkg/kubelet/prober/prober.go for what a failed probe reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime_adapters.cri import (
    CONTAINER_EXITED,
    CONTAINER_RUNNING,
    ContainerStats,
    ContainerStatus,
    ProbeResult,
    not_found,
)
from runtime_adapters.simulated.behavior import Behavior
from runtime_adapters.simulated.logs import rfc3339_nano
from runtime_adapters.simulated.state import HostContainer, HostSandbox, HostState

__all__ = ["HostStats"]


class HostStats:
    """ListContainerStats, container logs, probes and the preStop hook's duration, read from
    the host's shared `state`."""

    def __init__(self, state: HostState):
        self.state = state

    def list_container_stats(self) -> list[ContainerStats]:
        now = self.state.clock.now
        out = []
        for c in self.state.containers.values():
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
        c = self.state.containers.get(container_id)
        if c is None:
            c = next((r for r in self.state.retired.values() if r.id == container_id), None)
        if c is None:
            raise not_found(f'an error occurred when try to find container "{container_id}"')
        until = c.finished_at if c.state == CONTAINER_EXITED else self.state.clock.now
        return c.log.lines(until, lambda t: rfc3339_nano(self.state.clock.micro_timestamp(t)))

    # -- ProbeTransport ------------------------------------------------------------------------
    def probe(self, container_id: str, purpose: str, probe: Mapping[str, Any]) -> ProbeResult:
        c = self.state.containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING or not self.state.powered:
            return ProbeResult("failure", "container is not running")
        age = self.state.clock.now - c.started_at
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
        output = _failure_output(probe, self.state.sandboxes.get(c.sandbox_id))
        self._log_probe(c, purpose, output)
        return ProbeResult("failure", output)

    def _log_probe(self, c: HostContainer, purpose: str, failure: str) -> None:
        """A line when a probe's answer changes (the first success is the expected one)."""
        ok = not failure
        if c.log.probe_answers.get(purpose, True) == ok:
            c.log.probe_answers[purpose] = ok
            return
        c.log.probe_answers[purpose] = ok
        text = f"{purpose} probe succeeded" if ok else f"{purpose} probe failed: {failure}"
        c.log.write(self.state.clock.now, f"[kubesim] {text}", "stdout" if ok else "stderr")

    def pre_stop_delay_s(self, container_id: str) -> float:
        """How long this container's exec or httpGet preStop hook runs (a simulated-host extra)."""
        c = self.state.containers.get(container_id)
        return c.timing["preStopDelay"] if c is not None else 0.0

    # -- a view for tests and the kubelet's stats ----------------------------------------------
    def running_containers(self) -> list[ContainerStatus]:
        return [
            self.state.container_status(c)
            for c in self.state.containers.values()
            if c.state == CONTAINER_RUNNING
        ]


def _failure_output(probe: Mapping[str, Any], sandbox: HostSandbox | None) -> str:
    ip = sandbox.ip if sandbox else ""
    if "httpGet" in probe:
        return "HTTP probe failed with statuscode: 503"
    if "tcpSocket" in probe:
        port = probe["tcpSocket"].get("port", "")
        return f"dial tcp {ip}:{port}: connect: connection refused"
    if "grpc" in probe:
        return 'service unhealthy (responded with "NOT_SERVING")'
    return "command failed with exit code 1"
