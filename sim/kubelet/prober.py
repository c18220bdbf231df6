"""Startup, liveness and readiness probes of one container instance.

Follows pkg/kubelet/prober/worker.go (doProbe) and prober_manager.go: one worker per probe
type, ticking every periodSeconds from when the pod was added to the kubelet (the worker's
ticker), skipping ticks while the container is not running, younger than initialDelaySeconds
(in whole seconds, as upstream truncates), or (liveness and readiness) not yet started. A result
takes effect after successThreshold successes or failureThreshold failures in a row; initial
results are Failure for readiness, Success for liveness and Unknown for startup. A liveness or
startup failure puts the worker on hold until the container is replaced. Every failed probe
records a Warning `Unhealthy` event "<Type> probe failed: <output>".

No process per probe: each tick is one clock callback. The pod's `ProberManager`
(prober_manager.py) starts and stops these workers and is all they see of the kubelet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.kubelet.pod_status import ContainerRecord
    from sim.kubelet.prober_manager import ProberManager

__all__ = ["PROBE_PURPOSES", "ContainerProbes"]

PROBE_PURPOSES = ("startup", "liveness", "readiness")


class _ProbeState:
    __slots__ = ("purpose", "spec", "last", "run", "on_hold")

    def __init__(self, purpose: str, spec: Mapping[str, Any]):
        self.purpose = purpose
        self.spec = spec
        self.last = ""
        self.run = 0
        self.on_hold = False


class ContainerProbes:
    """The probe workers of one container instance (`container_id`); `stop()` ends them."""

    def __init__(
        self, manager: ProberManager, record: ContainerRecord, container_id: str, anchor_s: float
    ):
        self.manager = manager
        self.record = record
        self.container_id = container_id
        self.anchor_s = anchor_s
        self.active = True
        self.states: list[_ProbeState] = []
        for purpose in PROBE_PURPOSES:
            spec = record.spec.get(f"{purpose}Probe")
            if spec:
                st = _ProbeState(purpose, spec)
                self.states.append(st)
                self._schedule(st, first=True)

    def stop(self) -> None:
        self.active = False

    def _schedule(self, st: _ProbeState, first: bool = False) -> None:
        clock = self.manager.clock
        period = float(st.spec.get("periodSeconds") or 10)
        now = clock.now
        k = (
            math.ceil((now - self.anchor_s) / period - 1e-9)
            if first
            else math.floor((now - self.anchor_s) / period + 1e-9) + 1
        )
        due = self.anchor_s + max(k, 0) * period
        clock.call_later(max(0.0, due - now), lambda: self._tick(st))

    def _tick(self, st: _ProbeState) -> None:
        r = self.record
        if not self.active or r.container_id != self.container_id or r.state != "running":
            return
        if not self.manager.is_alive():
            return
        self._probe_once(st)
        self._schedule(st)

    def _probe_once(self, st: _ProbeState) -> None:
        r = self.record
        manager = self.manager
        if st.on_hold:
            return
        if st.purpose == "startup" and r.started:
            return
        if st.purpose != "startup" and not r.started:
            return
        if int(manager.clock.now - r.started_at) < int(st.spec.get("initialDelaySeconds") or 0):
            return
        outcome = manager.probe(self.container_id, st.purpose, st.spec)
        result = outcome.result
        if result == "failure":
            manager.failed(st.purpose, outcome.output)
        if result == st.last:
            st.run += 1
        else:
            st.last, st.run = result, 1
        threshold = int(
            st.spec.get("failureThreshold" if result == "failure" else "successThreshold")
            or (3 if result == "failure" else 1)
        )
        if st.run < threshold:
            return
        manager.report(r, st.purpose, result == "success")
        if result == "failure" and st.purpose in ("liveness", "startup"):
            st.on_hold = True
            st.run = 0
