"""Per-key exponential back-off, as client-go util/flowcontrol/backoff.go (Backoff) does it.

The kubelet keeps two: container restarts (CrashLoopBackOff) and image pulls (ImagePullBackOff),
both 10 s doubling to 300 s (pkg/kubelet/kubelet.go backOffPeriod, MaxContainerBackOff). An
entry whose last update is more than twice the maximum (600 s) old when the next event arrives
has expired, so a container that ran for 10 minutes starts over at 10 s.
"""

from __future__ import annotations

from collections.abc import Callable

BACKOFF_INITIAL_S = 10.0  # pkg/kubelet/kubelet.go backOffPeriod
BACKOFF_MAX_S = 300.0  # pkg/kubelet/kubelet.go MaxContainerBackOff
ERROR_RESYNC_S = 10.0  # pod_workers.go: a failed sync is retried after backOffPeriod
# Simulated instants are floats: a wake-up scheduled for the end of a back-off must find it over.
EPSILON_S = 1e-6

__all__ = ["BACKOFF_INITIAL_S", "BACKOFF_MAX_S", "ERROR_RESYNC_S", "Backoff", "go_duration"]


class Backoff:
    """flowcontrol.Backoff on the simulated clock."""

    def __init__(
        self,
        now: Callable[[], float],
        initial_s: float = BACKOFF_INITIAL_S,
        max_s: float = BACKOFF_MAX_S,
    ):
        self._now = now
        self.initial_s = initial_s
        self.max_s = max_s
        self._entries: dict[str, tuple[float, float]] = {}  # key -> (backoff, last update)

    def _expired(self, event_time: float, last_update: float) -> bool:
        return event_time - last_update > 2 * self.max_s

    def get(self, key: str) -> float:
        entry = self._entries.get(key)
        return entry[0] if entry else 0.0

    def next(self, key: str, event_time: float) -> None:
        """Move the key's back-off to the next step (initial, or doubled up to the maximum)."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry[1]):
            delay = self.initial_s
        else:
            delay = min(entry[0] * 2, self.max_s)
        self._entries[key] = (delay, self._now())

    def is_in_backoff_since(self, key: str, event_time: float) -> bool:
        """Whether less than the current back-off has passed since `event_time`."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry[1]):
            return False
        return self._now() - event_time < entry[0] - EPSILON_S

    def is_in_backoff_since_update(self, key: str, event_time: float) -> bool:
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry[1]):
            return False
        return event_time - entry[1] < entry[0] - EPSILON_S

    def remaining_s(self, key: str, since: float) -> float:
        entry = self._entries.get(key)
        return max(0.0, since + entry[0] - self._now()) if entry else 0.0

    def remaining_after_update_s(self, key: str) -> float:
        """Time left until `is_in_backoff_since_update(key, now)` turns false."""
        entry = self._entries.get(key)
        return max(0.0, entry[1] + entry[0] - self._now()) if entry else 0.0

    def reset(self, key: str) -> None:
        self._entries.pop(key, None)

    def gc(self) -> None:
        now = self._now()
        for key in [k for k, (_, last) in self._entries.items() if now - last > 2 * self.max_s]:
            del self._entries[key]


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String for whole and fractional seconds: 10s, 1m20s, 5m0s, 1.5s."""
    if seconds < 60:
        return f"{seconds:g}s"
    total = int(seconds)
    frac = seconds - total
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    sec = f"{s + frac:g}s"
    return (f"{h}h{m}m" if h else f"{m}m") + sec
