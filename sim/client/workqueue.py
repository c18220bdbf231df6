"""A controller work queue on the simulated clock: dedup, one worker per key, delays, backoff.

Models client-go `util/workqueue/queue.go` (the `Typed` queue), `delaying_queue.go`
(`AddAfter` and its `waitingForQueue`) and `rate_limiting_queue.go` (`AddRateLimited`,
`Forget`, `NumRequeues`) of kubernetes 1.32, folded into one class.

Guarantees:
- An item is queued at most once. An item added while a worker processes it is marked dirty
  and queued again only when that worker calls `done(item)`, so no two workers ever hold the
  same item at once. Otherwise items are handed out first in, first out.
- `get()` returns a SimPy event whose value is the next item. Workers waiting on an empty
  queue are served in the order they called `get()`; the item counts as processing from the
  moment its event is triggered.
- `add_after(item, delay_s)` adds the item at `now + delay_s`; a repeated `add_after` for a
  waiting item keeps the earlier time. Items due at the same instant are added in the order of
  the calls that set their times. A waiting item that is due is in the queue before any queue
  operation at that instant observes it, whichever SimPy event runs first. One clock timer, for
  the earliest waiting item, wakes the queue; there is no process per item.
- After `shut_down()` adds are ignored, waiting items are dropped, and every pending or later
  `get()` resolves with `SHUTDOWN`. After `shut_down_with_drain()` workers still receive the
  queued items (and dirty items that `done` requeues) and get `SHUTDOWN` only once the queue is
  empty; the event it returns fires when no item is queued or processing any more.
- Only the simulated clock is read; state lives in insertion-ordered dicts, deques and a heap
  keyed by (due time, sequence number), so a run never depends on hashing order.

Deliberate differences from upstream: `shut_down()` hands out nothing more (upstream's `Get`
still returns items already queued, which its own doc comment says it should not); `done` of
an item that is not being processed raises `ValueError` (upstream would queue a second copy);
upstream's 10 s heartbeat is unnecessary on a simulated clock.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Hashable
from typing import Final, Generic, TypeVar

import simpy

from sim.client.ratelimit import RateLimiter, default_controller_rate_limiter
from sim.core.clock import Clock

__all__ = ["SHUTDOWN", "ShutdownSentinel", "WorkQueue"]

T = TypeVar("T", bound=Hashable)


class ShutdownSentinel:
    """The type of `SHUTDOWN`, the value a `get()` event carries once the queue shut down."""

    _instance: ShutdownSentinel | None = None

    def __new__(cls) -> ShutdownSentinel:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SHUTDOWN"


SHUTDOWN: Final = ShutdownSentinel()


class WorkQueue(Generic[T]):
    """client-go's rate-limiting work queue (see the module docstring for its guarantees).

    Metrics, as upstream's workqueue metrics: `adds` counts items that entered the dirty set,
    `retries` counts `add_after` calls (so every `add_rate_limited`), `depth` is `len()` and
    `waiting_depth` the number of items waiting for their delay.
    """

    def __init__(self, clock: Clock, name: str = "", rate_limiter: RateLimiter | None = None):
        self.clock = clock
        self.name = name
        self.rate_limiter: RateLimiter = (
            rate_limiter if rate_limiter is not None else default_controller_rate_limiter(clock)
        )
        self._queue: deque[T] = deque()
        self._dirty: dict[T, None] = {}
        self._processing: dict[T, None] = {}
        self._getters: deque[simpy.Event] = deque()
        self._shutting_down = False
        self._drain = False
        self._drained: simpy.Event | None = None
        # Delaying queue: a heap of (due_s, seq, item) with lazy deletion; `_waiting` holds
        # each waiting item's live (due_s, seq). `_timers` are the due times of armed timers.
        self._heap: list[tuple[float, int, T]] = []
        self._waiting: dict[T, tuple[float, int]] = {}
        self._seq = 0
        self._timers: list[float] = []
        self.adds = 0
        self.retries = 0

    # -- the basic queue (queue.go) -------------------------------------------------------

    def add(self, item: T) -> None:
        """Mark `item` as needing processing; a no-op if it already does or after shutdown."""
        self._flush_due()
        self._add(item)

    def _add(self, item: T) -> None:
        if self._shutting_down or item in self._dirty:
            return
        self.adds += 1
        self._dirty[item] = None
        if item not in self._processing:
            self._queue.append(item)
            self._dispatch()

    def get(self) -> simpy.Event:
        """An event whose value is the next item to process, or `SHUTDOWN`.

        The caller owns the item until it calls `done(item)`; an abandoned event whose item was
        already handed out keeps that item processing for good.
        """
        self._flush_due()
        event = self.clock.event()
        if self._shutting_down and (not self._drain or not self._queue):
            event.succeed(SHUTDOWN)
            return event
        self._getters.append(event)
        self._dispatch()
        return event

    def _dispatch(self) -> None:
        """Hand queued items to waiting getters, in the order they asked."""
        while self._getters and self._queue:
            item = self._queue.popleft()
            self._processing[item] = None
            del self._dirty[item]
            self._getters.popleft().succeed(item)

    def done(self, item: T) -> None:
        """Finish processing `item`; if it was added meanwhile, queue it again."""
        self._flush_due()
        if item not in self._processing:
            raise ValueError(f"workqueue {self.name!r}: done({item!r}) but it is not processing")
        del self._processing[item]
        if item in self._dirty:
            self._queue.append(item)
            self._dispatch()
        if self._drained is not None and self._is_drained():
            self._finish_drain()

    def len(self) -> int:
        """How many items are queued (not processing, not waiting for a delay)."""
        self._flush_due()
        return len(self._queue)

    def __len__(self) -> int:
        return self.len()

    @property
    def depth(self) -> int:
        return self.len()

    @property
    def waiting_depth(self) -> int:
        return len(self._waiting)

    def is_processing(self, item: T) -> bool:
        return item in self._processing

    # -- shutdown -----------------------------------------------------------------------------

    def shut_down(self) -> None:
        """Ignore new items and resolve every pending and later `get()` with `SHUTDOWN`."""
        self._begin_shutdown(drain=False)
        if self._drained is not None:
            self._finish_drain()

    def shut_down_with_drain(self) -> simpy.Event:
        """Ignore new items but keep handing out queued ones; the event fires once no item is
        queued or processing (upstream waits for processing only, racing a requeue by `done`).

        Callers `yield queue.shut_down_with_drain()`. A later `shut_down()` fires it at once.
        """
        self._begin_shutdown(drain=True)
        if self._drained is None:
            self._drained = self.clock.event()
            if self._is_drained():
                self._finish_drain()
        return self._drained

    def shutting_down(self) -> bool:
        return self._shutting_down

    def _begin_shutdown(self, *, drain: bool) -> None:
        self._flush_due()
        self._shutting_down = True
        self._drain = drain
        self._heap.clear()
        self._waiting.clear()
        # A getter only waits while the queue is empty, so each of them is told to stop.
        while self._getters:
            self._getters.popleft().succeed(SHUTDOWN)

    def _is_drained(self) -> bool:
        return not self._processing and not self._queue

    def _finish_drain(self) -> None:
        if self._drained is not None and not self._drained.triggered:
            self._drained.succeed()

    # -- the delaying queue (delaying_queue.go) ----------------------------------------------

    def add_after(self, item: T, delay_s: float) -> None:
        """Add `item` once `delay_s` simulated seconds passed; `delay_s <= 0` adds it now."""
        if self._shutting_down:
            return
        self.retries += 1
        self._flush_due()
        if delay_s <= 0:
            self._add(item)
            return
        due_s = self.clock.now + delay_s
        live = self._waiting.get(item)
        if live is not None and live[0] <= due_s:
            return
        self._seq += 1
        self._waiting[item] = (due_s, self._seq)
        heapq.heappush(self._heap, (due_s, self._seq, item))
        self._arm(due_s, delay_s)

    def _arm(self, due_s: float, delay_s: float) -> None:
        """Make sure a timer fires at `due_s` (or sooner: `_on_timer` then arms another)."""
        if self._timers and self._timers[0] <= due_s:
            return
        heapq.heappush(self._timers, due_s)
        now_s = self.clock.now
        # SimPy fires at now + delay, rounded; never let rounding make the timer late.
        while delay_s > 0 and now_s + delay_s > due_s:
            delay_s = math.nextafter(delay_s, 0.0)
        self.clock.call_later(delay_s, self._on_timer)

    def _on_timer(self) -> None:
        # Timers fire in time order, so the one firing is the earliest armed.
        heapq.heappop(self._timers)
        self._flush_due()
        if self._heap:
            due_s = self._heap[0][0]
            self._arm(due_s, due_s - self.clock.now)

    def _flush_due(self) -> None:
        """Add every waiting item whose time has come, earliest (then first set) first."""
        now_s = self.clock.now
        while self._heap and self._heap[0][0] <= now_s:
            due_s, seq, item = heapq.heappop(self._heap)
            if self._waiting.get(item) != (due_s, seq):
                continue  # superseded by an earlier add_after
            del self._waiting[item]
            self._add(item)

    # -- the rate-limiting queue (rate_limiting_queue.go) ------------------------------------

    def add_rate_limited(self, item: T) -> None:
        """Add `item` after the rate limiter's delay for it (which records one more retry)."""
        self.add_after(item, self.rate_limiter.when(item))

    def forget(self, item: T) -> None:
        """Stop the rate limiter tracking `item`; the caller still has to call `done`."""
        self.rate_limiter.forget(item)

    def num_requeues(self, item: T) -> int:
        return self.rate_limiter.num_requeues(item)
