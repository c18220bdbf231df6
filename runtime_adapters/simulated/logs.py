"""A simulated container's log: what its behaviour declares plus the host's own lifecycle lines.

Guarantees:
- The log is a pure function of the behaviour and the container's history on the simulation
  clock: declared lines (`Behavior["logs"]`) are computed when read, from the instant the
  process started to now (or to its exit), so a chatty container costs nothing until someone
  reads it; lifecycle lines (started, a probe changing its answer, SIGTERM, exit) are recorded
  when they happen.
- Lines at one instant keep a fixed order: the start line, then declared lines in declaration
  order, then lifecycle lines in the order they happened (so the exit line comes last).
- Bounded: at most `MAX_LOG_LINES` lines are kept or produced, the newest, as a rotated log
  file keeps its tail (upstream containerLogMaxSize/containerLogMaxFiles).
- Lines leave in the CRI log format the kubelet reads from a container's log file
  (pkg/kubelet/kuberuntime/logs/logs.go): `<RFC3339Nano timestamp> <stdout|stderr> F <text>`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from runtime_adapters.simulated.behavior import LogSpec

__all__ = ["MAX_LOG_LINES", "ContainerLog", "cri_log_line", "rfc3339_nano"]

MAX_LOG_LINES = 10_000
_RANK_START, _RANK_DECLARED, _RANK_EVENT = 0, 1, 2


def rfc3339_nano(micro_timestamp: str) -> str:
    """Go's time.RFC3339Nano rendering (trailing zeros of the fraction dropped) of a
    microsecond timestamp such as `2025-01-01T00:00:05.300000Z`."""
    head, _, frac = micro_timestamp.rstrip("Z").partition(".")
    frac = frac.rstrip("0")
    return f"{head}.{frac}Z" if frac else f"{head}Z"


def cri_log_line(timestamp: str, stream: str, text: str) -> str:
    """One line of a CRI log file (a full line: tag F)."""
    return f"{timestamp} {stream} F {text}"


class ContainerLog:
    """The log of one container instance (see the module docstring)."""

    __slots__ = ("specs", "started_at", "_events", "_seq", "probe_answers")

    def __init__(self, specs: tuple[LogSpec, ...]):
        self.specs = specs
        self.started_at: float | None = None
        self._events: deque[tuple[float, int, int, str, str]] = deque(maxlen=MAX_LOG_LINES)
        self._seq = 0
        self.probe_answers: dict[str, bool] = {}

    def write(self, at_s: float, text: str, stream: str = "stdout") -> None:
        """A lifecycle line from the host, at the instant it happens."""
        self._seq += 1
        self._events.append((at_s, _RANK_EVENT, self._seq, stream, text))

    def start(self, at_s: float, text: str) -> None:
        self.started_at = at_s
        self._seq += 1
        self._events.append((at_s, _RANK_START, self._seq, "stdout", text))

    def _declared(self, until_s: float) -> list[tuple[float, int, int, str, str]]:
        start = self.started_at
        if start is None:
            return []
        age = until_s - start
        out = []
        for order, spec in enumerate(self.specs):
            if spec.after_s > age + 1e-9:
                continue
            if spec.every_s <= 0:
                out.append((start + spec.after_s, _RANK_DECLARED, order, spec.stream, spec.text))
                continue
            last = math.floor((age - spec.after_s) / spec.every_s + 1e-9)
            for k in range(max(0, last + 1 - MAX_LOG_LINES), last + 1):
                text = spec.text.replace("{n}", str(k + 1))
                at = start + spec.after_s + k * spec.every_s
                out.append((at, _RANK_DECLARED, order, spec.stream, text))
        return out

    def lines(self, until_s: float, stamp: Callable[[float], str]) -> list[str]:
        """Every line written up to `until_s`, oldest first, in the CRI log format; `stamp`
        renders a simulated instant as an RFC 3339 timestamp."""
        entries = sorted([*self._events, *self._declared(until_s)], key=lambda e: e[:3])
        entries = [e for e in entries if e[0] <= until_s + 1e-9][-MAX_LOG_LINES:]
        return [cri_log_line(stamp(at), stream, text) for at, _r, _s, stream, text in entries]
