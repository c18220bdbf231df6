"""sim/core/events.py: each fast path against the public SimPy method it stands for.

Each case runs the same small scenario twice, once through the helper and once through SimPy's
public API, and compares what every waiting process saw and when (the order of events)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest

from sim.core import Clock
from sim.core.events import (
    answer_after,
    is_ok,
    is_pending,
    on_done,
    set_result,
    succeed_now,
    timeout_then,
    value_of,
)


def _trigger_fast(clock: Clock, ev: Any) -> None:
    assert is_pending(ev)
    succeed_now(ev, "v")


def _trigger_public(clock: Clock, ev: Any) -> None:
    assert not ev.triggered
    ev.succeed("v")


def _run(trigger: Callable[[Clock, Any], None]) -> list[tuple[float, str, Any]]:
    clock = Clock()
    seen: list[tuple[float, str, Any]] = []
    ev = clock.event()

    def waiter(name: str) -> Generator[Any, Any, None]:
        value = yield ev
        seen.append((clock.now, name, value))

    def other() -> Generator[Any, Any, None]:
        yield clock.timeout(1)
        seen.append((clock.now, "other", None))

    clock.process(waiter("a"))
    clock.process(other())
    clock.call_later(1, lambda: trigger(clock, ev))
    clock.process(waiter("b"))
    clock.run()
    return seen


def test_succeed_now_orders_events_as_succeed_does() -> None:
    assert _run(_trigger_fast) == _run(_trigger_public)
    assert not is_pending(Clock().timeout(0))  # a timeout is triggered when made


def _request(fast: bool | str, fail: bool) -> list[tuple[str, Any]]:
    clock = Clock()
    seen: list[tuple[str, Any]] = []

    def answer() -> str:
        if fail:
            raise KeyError("gone")
        return "answer"

    if fast == "answer_after":
        ev = answer_after(clock, 0.5, answer, KeyError)
    elif fast:
        ev = clock.timeout(0.5)
        on_done(ev, lambda e: set_result(e, answer, KeyError))
    else:
        ev = clock.event()

        def later() -> None:
            try:
                ev.succeed(answer())
            except KeyError as e:
                ev.fail(e)

        clock.call_later(0.5, later)

    def waiter() -> Generator[Any, Any, None]:
        try:
            seen.append(("ok", (yield ev)))
        except KeyError as e:
            seen.append(("error", str(e)))
        seen.append(("at", clock.now))
        seen.append(("ok?", is_ok(ev)))
        seen.append(("value", repr(value_of(ev))))

    clock.process(waiter())
    clock.run()
    return seen


@pytest.mark.parametrize("fail", [False, True], ids=["answer", "error"])
def test_set_result_answers_as_a_triggered_event_would(fail: bool) -> None:
    assert _request(True, fail) == _request(False, fail)


@pytest.mark.parametrize("fail", [False, True], ids=["answer", "error"])
def test_answer_after_answers_as_a_triggered_event_would(fail: bool) -> None:
    assert _request("answer_after", fail) == _request(False, fail)


@pytest.mark.parametrize("delay_s", [0, 0.5, -1.0], ids=["now", "later", "negative-is-now"])
def test_timeout_then_is_on_done_of_a_timeout(delay_s: float) -> None:
    def run(fast: bool) -> list[tuple[str, float]]:
        clock = Clock()
        seen: list[tuple[str, float]] = []
        if fast:
            timeout_then(clock, delay_s, lambda _e: seen.append(("fn", clock.now)))
        else:
            on_done(clock.timeout(delay_s), lambda _e: seen.append(("fn", clock.now)))
        clock.call_later(0.5, lambda: seen.append(("other", clock.now)))
        clock.run()
        return seen

    assert run(True) == run(False)


def test_on_done_callbacks_run_in_the_order_added() -> None:
    clock = Clock()
    seen: list[str] = []
    ev = clock.timeout(1)
    on_done(ev, lambda _e: seen.append("first"))
    on_done(ev, lambda _e: seen.append("second"))
    clock.run()
    assert seen == ["first", "second"]
