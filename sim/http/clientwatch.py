"""The HTTP client's watch: a stream of events that reconnects from its last resourceVersion.

Follows client-go's reflector contract (tools/cache/reflector.go, watch.go StreamWatcher):
events are delivered in batches by `stream.next()`; bookmarks only advance the remembered
resourceVersion; when the server ends the stream (timeoutSeconds, restart, a slow reader cut
off) the stream reconnects from the last resourceVersion it saw, so nothing is missed or
repeated; a 410 Expired (the resourceVersion was compacted) fails `next()` so that the informer
relists. The connection is the transport's (sim/http/transport.py); every callback is handed to
the simulation thread through the client's SimDriver. The stream is handed the driver, the
transport and the collection's path by `HttpClient.watch` (sim/http/client.py), not the client.
"""

from __future__ import annotations

import concurrent.futures
from typing import TYPE_CHECKING

import orjson
import simpy

from sim.api.errors import ApiError, status_dict
from sim.api.frozen import freeze
from sim.apiserver.watch import ApiWatchEvent
from sim.apiserver.watchstream import BufferedWatchStream
from sim.http.transport import Transport, api_error

if TYPE_CHECKING:
    from sim.core.driver import SimDriver

RECONNECT_BACKOFF_S = (0.0, 0.2, 0.8, 2.0)  # wall seconds before the n-th retry in a row
WATCH_TIMEOUT_S = 300  # asked of the server, as client-go's reflector asks 5-10 min


class HttpWatchStream(BufferedWatchStream):
    """A watch over HTTP that reconnects from its last resourceVersion (WatchStream protocol)."""

    def __init__(
        self,
        driver: SimDriver,
        transport: Transport,
        path: str,
        resource_version: str | None,
        label_selector: str | None,
        field_selector: str | None,
    ):
        super().__init__(driver.clock)
        self.driver = driver
        self.transport = transport
        self.path = path
        self.last_resource_version = resource_version or ""
        self.label_selector = label_selector
        self.field_selector = field_selector
        self._opened: simpy.Event | None = None
        self._future: concurrent.futures.Future[None] | None = None
        self._retries = 0
        self.reconnects = 0

    def open(self) -> simpy.Event:
        self._opened = self.driver.clock.event()
        self._connect()
        return self._opened

    def _connect(self) -> None:
        query = {
            "watch": "true",
            "allowWatchBookmarks": "true",
            "timeoutSeconds": str(WATCH_TIMEOUT_S),
        }
        if self.last_resource_version:
            query["resourceVersion"] = self.last_resource_version
        if self.label_selector:
            query["labelSelector"] = self.label_selector
        if self.field_selector:
            query["fieldSelector"] = self.field_selector
        post = self.driver.post
        self._future = self.transport.stream(
            self.path,
            query,
            on_open=lambda status, body: post(lambda: self._on_open(status, body)),
            on_line=lambda line: post(lambda: self._on_line(line)),
            on_end=lambda err: post(lambda: self._on_end(err)),
        )

    # -- simulation thread ---------------------------------------------------------------------
    def _on_open(self, status: int, body: bytes) -> None:
        opened, self._opened = self._opened, None
        if status != 200:
            err = api_error(status, body)
            if opened is not None:
                self._closed = True
                opened.fail(err)
            else:
                self.close_with(err)
            return
        self._retries = 0
        if opened is not None:
            opened.succeed(self)

    def _on_line(self, line: bytes) -> None:
        if self._closed:
            return
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            return
        type_, obj = data.get("type"), data.get("object") or {}
        if type_ == "ERROR":
            self.close_with(ApiError(obj) if obj.get("kind") == "Status" else api_error(500, line))
            return
        rv = (obj.get("metadata") or {}).get("resourceVersion")
        if rv:
            self.last_resource_version = rv
        if type_ == "BOOKMARK":
            return
        self._ready.append(ApiWatchEvent(type_, freeze(obj)))
        self._wake()

    def _on_end(self, err: BaseException | None) -> None:
        if self._closed:
            return
        if self._opened is not None:  # never connected
            opened, self._opened = self._opened, None
            self._closed = True
            opened.fail(ApiError(status_dict(503, "ServiceUnavailable", f"watch failed: {err}")))
            return
        delay = RECONNECT_BACKOFF_S[min(self._retries, len(RECONNECT_BACKOFF_S) - 1)]
        self._retries += 1
        if self._retries > 2 * len(RECONNECT_BACKOFF_S):
            self.close_with(ApiError(status_dict(503, "ServiceUnavailable", f"watch lost: {err}")))
            return
        self.reconnects += 1
        self.driver.clock.call_later(delay * self.driver.speed, self._reconnect)

    def _reconnect(self) -> None:
        if not self._closed:
            self._connect()

    def _cancel(self) -> None:
        fut = self._future
        if fut is not None and not fut.done():
            fut.cancel()
