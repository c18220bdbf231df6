"""The reader's side of a watch, shared by every front (in-process and HTTP).

Events are buffered until the stream's one reader asks for them with `batch = yield
stream.next()`: the event succeeds with every event delivered so far (a non-empty list), in
order. A stream ended by the server (`close_with(error)`, e.g. 410 Expired) fails the reader's
next `next()` with that error; a stream the reader stopped hands a pending `next()` an empty
batch, and fails any later one with 410 Gone, so a reader that forgets to check `closed`
cannot spin. Subclasses feed `_ready` and call `_wake()`; `_cancel()` releases their source.
"""

from __future__ import annotations

import simpy

from sim.api.errors import ApiError, status_dict
from sim.apiserver.watch import ApiWatchEvent
from sim.core import Clock
from sim.core.events import succeed_now


def watch_closed() -> ApiError:
    return ApiError(status_dict(410, "Gone", "watch closed"))


class BufferedWatchStream:
    """A WatchStream (sim/client/interface.py) over a buffer of delivered events."""

    def __init__(self, clock: Clock):
        self._clock = clock
        self._ready: list[ApiWatchEvent] = []
        self._waiter: simpy.Event | None = None
        self._closed = False
        self._error: ApiError | None = None
        self.delivered = 0

    @property
    def closed(self) -> bool:
        return self._closed

    def _wake(self) -> None:
        w = self._waiter
        if w is None:  # a waiter is forgotten as it is triggered: one held here is pending
            return
        if self._ready:
            batch, self._ready = self._ready, []
            self._waiter = None
            self.delivered += len(batch)
            succeed_now(w, batch)
        elif self._closed:
            self._waiter = None
            w.fail(self._error or watch_closed())

    def next(self) -> simpy.Event:
        if self._waiter is not None:
            raise RuntimeError("only one reader may wait on a watch stream")
        waiter = self._waiter = self._clock.event()
        if self._ready or self._closed:
            self._wake()  # may settle (and forget) the waiter at once: return it all the same
        return waiter

    def close_with(self, error: ApiError) -> None:
        """Server-side end of the watch (a fault, or compaction of a slow watcher)."""
        self._error = error
        self._closed = True
        self._cancel()
        self._wake()

    def stop(self) -> None:
        """The reader is done: release the source; a pending next() gets an empty batch."""
        self._closed = True
        self._cancel()
        self._ready.clear()
        w = self._waiter
        if w is not None and not w.triggered:
            self._waiter = None
            w.succeed([])

    def _cancel(self) -> None:
        """Release whatever feeds the stream (a server-side watch, a connection)."""
