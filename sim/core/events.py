"""SimPy's fast paths, named: with the clock and the driver, the only code outside SimPy (all of
it in sim/core) that touches an event's internals or the environment.

Components schedule through `Clock` (`timeout`, `event`, `process`, `call_later`) and, on their
hot paths, through these helpers instead of SimPy's public methods, whose property calls and
checks cost more than the work on a path taken once per API request or watch batch. Each helper
does exactly what the SimPy method it names does (simpy/events.py, 4.x), minus the checks the
caller has already made, so the order of events, and with it every trace, is the same as with
the public method: tests/core/test_events.py holds each one against its public twin.

- `on_done(ev, fn)`: `fn(ev)` when `ev` is processed (SimPy's `ev.callbacks.append(fn)`).
- `succeed_now(ev, value)`: `ev.succeed(value)` of an event known to be pending.
- `is_pending(ev)`: `not ev.triggered`.
- `value_of(ev)` / `is_ok(ev)`: `ev.value` / `ev.ok` of a processed event, without the property.
- `set_result(ev, fn)`: while `ev` is being processed, replace its value with `fn()` (or fail it
  with the `ApiError`-like exception `fn` raises), so that one timeout can be a request and carry
  its answer to whoever waits on it, with no second event per request.
- `timeout_then(clock, delay_s, fn)`: `on_done(clock.timeout(delay_s), fn)`, and
  `answer_after(clock, delay_s, fn, errors)`: a timeout whose first callback is `set_result` of
  `fn`, each in one call: they are taken once per watch batch and once per API request, where
  the composed helpers' extra calls cost about 1 % of a scheduled pod's instructions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import simpy
from simpy.events import PENDING, Event


class Clock(Protocol):
    """What these helpers need of `sim.core.clock.Clock` (named here so that this module, which
    the clock itself uses, does not import it)."""

    env: simpy.Environment


__all__ = [
    "PENDING",
    "answer_after",
    "is_ok",
    "is_pending",
    "on_done",
    "set_result",
    "succeed_now",
    "timeout_then",
    "value_of",
]


def on_done(ev: Event, fn: Callable[[Event], None]) -> Event:
    """Call `fn(ev)` when `ev` is processed, before any process waiting on it resumes if `fn` was
    added first; returns `ev`. The event must not have been processed yet."""
    ev.callbacks.append(fn)  # type: ignore[union-attr]
    return ev


def succeed_now(ev: Event, value: Any = None) -> None:
    """`ev.succeed(value)` for an event the caller knows is pending (see `is_pending`)."""
    ev._ok = True
    ev._value = value
    ev.env.schedule(ev)


def is_pending(ev: Event) -> bool:
    """Whether `ev` has not been triggered yet (`not ev.triggered`)."""
    return ev._value is PENDING


def value_of(ev: Event) -> Any:
    """The value of a triggered event (`ev.value`, or the exception of a failed one)."""
    return ev._value


def is_ok(ev: Event) -> bool:
    """Whether a triggered event succeeded (`ev.ok`)."""
    return bool(ev._ok)


def set_result(ev: Event, fn: Callable[[], Any], errors: type[BaseException]) -> None:
    """Call while `ev` is processed (from its first callback): its value becomes `fn()`, or, if
    `fn` raises one of `errors`, the event fails with it; later callbacks and waiting processes
    see the result as if `ev` had been triggered with it."""
    try:
        ev._value = fn()
    except errors as e:
        ev._ok = False
        ev._value = e


def timeout_then(clock: Clock, delay_s: float, fn: Callable[[Event], None]) -> Event:
    """`on_done(clock.timeout(delay_s), fn)`: `fn(ev)` runs when `delay_s` has passed."""
    ev = clock.env.timeout(max(0.0, delay_s))
    ev.callbacks.append(fn)  # type: ignore[union-attr]
    return ev


def answer_after(
    clock: Clock, delay_s: float, fn: Callable[[], Any], errors: type[BaseException]
) -> Event:
    """A timeout of `delay_s` that, as it fires, takes `fn()` as its value (or fails with the
    one of `errors` that `fn` raises) before anyone waiting on it resumes: `on_done` of
    `clock.timeout(delay_s)` with `set_result(ev, fn, errors)`, in one call."""
    ev = clock.env.timeout(max(0.0, delay_s))

    def run(_ev: Event) -> None:
        try:
            ev._value = fn()
        except errors as e:
            ev._ok = False
            ev._value = e

    ev.callbacks.append(run)  # type: ignore[union-attr]
    return ev
