"""The simulation thread: runs the SimPy environment and everything handed to it from other threads.

SimPy is single-threaded. HTTP requests (and, in a remote control loop, HTTP answers) arrive on
other threads, so they are never applied directly: `call(fn)` queues `fn` and returns a
`concurrent.futures.Future`; the simulation thread runs queued functions in arrival order, inside
one SimPy callback, at one simulated instant, and sets each future. Nothing on the simulation
thread ever waits for another thread: a slow or vanished client cannot block the simulation.

Two pacings:

- **real time** (`kubesim serve`, and control loops in another process): simulated time follows
  the wall clock at `speed` simulated seconds per wall second. The loop steps every event whose
  time has come, then sleeps until the next event is due or something is queued. Queued work
  runs at the simulated instant that corresponds to the wall instant it is processed (never
  earlier than the last event), so a `kubectl create` stamps the creationTimestamp of "now".
  Upstream has no such loop; it mirrors simpy.rt.RealtimeEnvironment.step (which would block
  in `sleep` and keep requests waiting until the next event) with an interruptible wait.
- **virtual** (tests): queued work runs at the current simulated instant and time moves only
  when `advance(seconds)` is called, so a test that drives a served cluster is deterministic.

The wall clock is read only here (`time.monotonic`), and only in real-time pacing: the
simulation itself still sees only `clock.now`.
"""

from __future__ import annotations

import concurrent.futures
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from sim.core import Clock

MAX_IDLE_WAIT_S = 0.25  # wall seconds between checks of the stop flag when nothing is due
MAX_STEPS_BETWEEN_INBOX_CHECKS = 2000


class SimDriver:
    """Runs `clock`'s environment on one thread and serialises work from every other thread."""

    def __init__(self, clock: Clock, *, realtime: bool | None = None, speed: float | None = None):
        self.clock = clock
        self.realtime = clock.realtime if realtime is None else realtime
        self.speed = float(speed if speed is not None else clock.speed)
        if self.speed <= 0:
            raise ValueError("speed must be > 0")
        self._inbox: deque[tuple[Callable[[], Any], concurrent.futures.Future[Any] | None]] = (
            deque()
        )
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._drain_pending = False
        self._thread: threading.Thread | None = None
        self._base_wall = 0.0
        self._base_sim = 0.0
        self.sim_thread_id: int | None = None
        self.processed = 0  # queued functions run so far

    # -- any thread ----------------------------------------------------------------------------
    def call(self, fn: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        """Run `fn()` on the simulation thread; the future holds its result or exception."""
        fut: concurrent.futures.Future[Any] = concurrent.futures.Future()
        if self.on_sim_thread():
            self._run_one(fn, fut)
            return fut
        self._inbox.append((fn, fut))
        self._wake.set()
        return fut

    def post(self, fn: Callable[[], Any]) -> None:
        """Run `fn()` on the simulation thread, with no answer (exceptions are dropped)."""
        self._inbox.append((fn, None))
        self._wake.set()

    def advance(self, seconds: float) -> None:
        """Virtual pacing: run the simulation `seconds` further and wait until it has."""
        if self.realtime:
            raise RuntimeError("advance() is for a virtual-time driver")

        def run() -> None:
            self.clock.run(until=self.clock.now + seconds)

        self.call(run).result()

    def on_sim_thread(self) -> bool:
        return self.sim_thread_id == threading.get_ident()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()

    def start_thread(self, name: str = "kubesim-sim") -> threading.Thread:
        """Run the loop on a daemon thread (tests, and processes whose main thread is busy)."""
        self._thread = threading.Thread(target=self.run, name=name, daemon=True)
        self._thread.start()
        return self._thread

    def join(self, timeout_s: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout_s)

    # -- the simulation thread -----------------------------------------------------------------
    def run(self) -> None:
        """The loop; returns after `stop()`. Queued work left at the end fails with an error."""
        self.sim_thread_id = threading.get_ident()
        try:
            if self.realtime:
                self._run_realtime()
            else:
                self._run_virtual()
        finally:
            self._fail_leftovers()
            self.sim_thread_id = None

    def sim_now_for_wall(self) -> float:
        """The simulated instant that corresponds to this wall instant (real-time pacing)."""
        return self._base_sim + (time.monotonic() - self._base_wall) * self.speed

    def _run_realtime(self) -> None:
        self._base_wall = time.monotonic()
        self._base_sim = self.clock.now
        clock = self.clock
        while not self._stopping.is_set():
            target = self.sim_now_for_wall()
            if self._inbox and not self._drain_pending:
                self._schedule_drain(target)
            steps = 0
            while clock.peek() <= target and steps < MAX_STEPS_BETWEEN_INBOX_CHECKS:
                clock.step()
                steps += 1
            if steps:
                continue
            nxt = clock.peek()
            wait = MAX_IDLE_WAIT_S
            if nxt != math.inf:
                wait = min(wait, max(0.0, (nxt - target) / self.speed))
            if self._inbox:
                continue
            self._wake.wait(wait)
            self._wake.clear()

    def _schedule_drain(self, target: float) -> None:
        """Run the inbox inside one SimPy callback at max(now, target)."""
        self._drain_pending = True
        self.clock.call_later(target - self.clock.now, self._drain)

    def _drain(self) -> None:
        self._drain_pending = False
        # only what was queued by now: work queued meanwhile waits for the next instant
        for _ in range(len(self._inbox)):
            fn, fut = self._inbox.popleft()
            self._run_one(fn, fut)

    def _run_one(self, fn: Callable[[], Any], fut: concurrent.futures.Future[Any] | None) -> None:
        self.processed += 1
        if fut is not None and not fut.set_running_or_notify_cancel():
            return
        try:
            result = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the waiting thread
            if fut is not None:
                fut.set_exception(e)
            if not isinstance(e, Exception):
                raise
            return
        if fut is not None:
            fut.set_result(result)

    def _run_virtual(self) -> None:
        while not self._stopping.is_set():
            if not self._inbox:
                self._wake.wait(MAX_IDLE_WAIT_S)
                self._wake.clear()
                continue
            self._drain()

    def _fail_leftovers(self) -> None:
        while self._inbox:
            _fn, fut = self._inbox.popleft()
            if fut is not None and fut.set_running_or_notify_cancel():
                fut.set_exception(RuntimeError("the simulation has stopped"))
