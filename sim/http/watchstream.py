"""A served watch: events handed from the simulation thread to one HTTP connection.

The simulation thread only ever appends to a bounded buffer and schedules a wake-up on the
server's event loop (`call_soon_threadsafe`): it never waits for the client. A client that
reads too slowly fills the buffer; the watch is then ended, as upstream's cacher ends a watcher
whose channel stays full (staging/src/k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go
`add` with its timeout), and the client re-watches from the last resourceVersion it saw.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from sim.apiserver.watch import ApiWatchEvent

DEFAULT_BUFFER_EVENTS = 20000


class WatchChannel:
    """Events (with the simulated instant they were sent at) waiting for one connection."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, clock: Any, limit: int = DEFAULT_BUFFER_EVENTS
    ):
        self.loop = loop
        self.clock = clock
        self.limit = limit
        self.buffer: deque[tuple[ApiWatchEvent, float]] = deque()
        self.ready = asyncio.Event()
        self.closed = False
        self.overflowed = False
        self.api_watch: Any = None  # set on the simulation thread once the watch is open
        self._wake_pending = False

    # -- simulation thread -----------------------------------------------------------------
    def send(self, ev: ApiWatchEvent) -> None:
        if self.closed:
            return
        if len(self.buffer) >= self.limit:
            self.overflowed = True
            self.closed = True
            if self.api_watch is not None:
                self.api_watch.cancel()
        else:
            self.buffer.append((ev, self.clock.now))
        if not self._wake_pending:
            self._wake_pending = True
            try:
                self.loop.call_soon_threadsafe(self._wake)
            except RuntimeError:  # the server's loop is gone: nobody will read this watch
                self.closed = True

    # -- server loop -------------------------------------------------------------------------
    def _wake(self) -> None:
        self._wake_pending = False
        self.ready.set()

    def take(self) -> list[tuple[ApiWatchEvent, float]]:
        out = []
        buf = self.buffer
        while buf:
            out.append(buf.popleft())
        return out
