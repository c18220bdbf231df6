"""The clock every control loop runs on: virtual time or real time, behind one interface.

A `Clock` wraps a SimPy environment. On virtual time (`simpy.Environment`) a run is a pure
function of its inputs and advances as fast as events can be processed; on real time
(`simpy.rt.RealtimeEnvironment`) one simulated second takes `1 / speed` wall seconds, so the
same loops can drive real hosts and answer a real client. Components read `clock.now` and
schedule through the clock's methods (`timeout`, `event`, `process`, `call_later`, `all_of`,
`resource`) and, on hot paths, the named helpers of sim/core/events.py; none of them touches the
environment or an event's internals (only sim/core does), and none knows which kind of time it
runs on.

Simulated time 0 is `epoch` (an RFC 3339 instant, by default 2025-01-01T00:00:00Z), which is how
`creationTimestamp` and other wall-clock fields are rendered from simulated seconds.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Generator
from typing import Any

import simpy
import simpy.rt

from sim.core.events import timeout_then

DEFAULT_EPOCH = "2025-01-01T00:00:00Z"


def epoch_seconds(text: str) -> float:
    """Epoch seconds of an RFC 3339 time (a time without a zone is UTC)."""
    value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value.timestamp()


class Clock:
    """Simulated time over a SimPy environment.

    `now` is in simulated seconds since `epoch`. `speed` is only meaningful on real time: the
    number of simulated seconds that pass per wall second.
    """

    def __init__(self, *, realtime: bool = False, speed: float = 1.0, epoch: str = DEFAULT_EPOCH):
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self.realtime = realtime
        self.speed = speed
        self.epoch = epoch
        self._epoch_s = epoch_seconds(epoch)
        self._ts_cache: tuple[int, str] = (-1, "")
        self._micro_ts_cache: tuple[int, str] = (-1, "")
        self.env: simpy.Environment
        if realtime:
            self.env = simpy.rt.RealtimeEnvironment(factor=1.0 / speed, strict=False)
        else:
            self.env = simpy.Environment()

    @property
    def now(self) -> float:
        return float(self.env.now)

    def timeout(self, delay_s: float, value: Any = None) -> simpy.Event:
        return self.env.timeout(max(0.0, delay_s), value)

    def event(self) -> simpy.Event:
        return self.env.event()

    def process(self, generator: Generator[Any, Any, Any]) -> simpy.Process:
        return self.env.process(generator)

    def all_of(self, events: list[simpy.Event]) -> simpy.Event:
        """An event that succeeds once every one of `events` has (SimPy's `AllOf`)."""
        return self.env.all_of(events)

    def resource(self, capacity: int = 1) -> simpy.Resource:
        """A SimPy `Resource` with `capacity` slots on this clock (a mutex for capacity 1)."""
        return simpy.Resource(self.env, capacity)

    def peek(self) -> float:
        """The time of the next scheduled event (`math.inf` when nothing is scheduled)."""
        return float(self.env.peek())

    def step(self) -> None:
        """Process the next scheduled event without real-time pacing (the driver paces)."""
        simpy.Environment.step(self.env)

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> simpy.Event:
        """Run `callback()` after `delay_s` simulated seconds, without a process of its own."""
        return timeout_then(self, delay_s, lambda _ev: callback())

    def run(self, until: float | None = None) -> None:
        if until is None:
            self.env.run()
        else:
            if until < self.env.now:
                raise ValueError(
                    f"cannot run until {until}: the clock is already at {self.env.now}"
                )
            self.env.run(until=until)

    def timestamp(self, at_s: float | None = None) -> str:
        """RFC 3339 rendering (second precision, as metav1.Time) of a simulated instant."""
        t = int(self.env.now if at_s is None else at_s)
        if t != self._ts_cache[0]:
            instant = _dt.datetime.fromtimestamp(self._epoch_s + t, tz=_dt.UTC)
            self._ts_cache = (t, instant.strftime("%Y-%m-%dT%H:%M:%SZ"))
        return self._ts_cache[1]

    def micro_timestamp(self, at_s: float | None = None) -> str:
        """RFC 3339 with microseconds, as metav1.MicroTime (Lease renewTime, Event eventTime)."""
        t = self.now if at_s is None else at_s
        micros = round(t * 1_000_000)
        if micros != self._micro_ts_cache[0]:
            instant = _dt.datetime.fromtimestamp(self._epoch_s + micros // 1_000_000, tz=_dt.UTC)
            text = instant.strftime("%Y-%m-%dT%H:%M:%S") + f".{micros % 1_000_000:06d}Z"
            self._micro_ts_cache = (micros, text)
        return self._micro_ts_cache[1]

    def seconds_of(self, timestamp: str) -> float:
        """The simulated instant of an RFC 3339 timestamp (inverse of `timestamp`)."""
        return epoch_seconds(timestamp) - self._epoch_s
