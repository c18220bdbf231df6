"""Served watches: one HTTP connection streaming the events of one ApiServer watch.

Follows staging/src/k8s.io/apiserver/pkg/endpoints/handlers/watch.go (serveWatch): events go out
as newline-delimited JSON with chunked transfer, bookmarks when asked (`allowWatchBookmarks`,
about once a minute as upstream's cacher sends them), `timeoutSeconds`, the initial-events
bookmark of `sendInitialEvents`, and a 410 Expired answered as an ERROR event. The watch is
opened and cancelled on the simulation thread (sim/core/driver.py); events reach this loop
through a bounded `WatchChannel` (sim/http/watchstream.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from aiohttp import web

from sim.api.errors import ApiError, bad_request
from sim.api.frozen import FrozenDict
from sim.api.kinds import Kind
from sim.apiserver.server import ApiServer
from sim.apiserver.watch import ApiWatchEvent
from sim.core.driver import SimDriver
from sim.http.negotiate import Target, transform
from sim.http.params import query_bool, query_int
from sim.http.requestinfo import RequestInfo
from sim.http.watchstream import DEFAULT_BUFFER_EVENTS, WatchChannel

DEFAULT_BOOKMARK_INTERVAL_S = 60.0  # upstream cacher: bookmarks about once a minute


class WatchHandler:
    """Serves the watch requests of one HttpApiServer (on its event loop)."""

    def __init__(
        self,
        api: ApiServer,
        driver: SimDriver,
        bookmark_interval_s: float = DEFAULT_BOOKMARK_INTERVAL_S,
        buffer_events: int = DEFAULT_BUFFER_EVENTS,
    ):
        self.api = api
        self.clock = api.clock
        self.driver = driver
        self.bookmark_interval_s = bookmark_interval_s
        self.buffer_events = buffer_events
        self.open_watches = 0
        self.channels: set[WatchChannel] = set()

    def close_all(self) -> None:
        """End every open watch so that its handler returns (server loop only)."""
        for chan in list(self.channels):
            chan.closed = True
            chan.ready.set()

    async def serve(
        self, request: web.Request, info: RequestInfo, kind: Kind, target: Target
    ) -> web.StreamResponse:
        query = request.query
        loop = asyncio.get_running_loop()
        chan = WatchChannel(loop, self.clock, self.buffer_events)
        fields = query.get("fieldSelector") or ""
        if info.name:
            fields = f"metadata.name={info.name}" + (f",{fields}" if fields else "")
        rv = query.get("resourceVersion") or None
        initial = query_bool(query, "sendInitialEvents")
        if initial and query.get("resourceVersionMatch") != "NotOlderThan":
            raise bad_request(
                "sendInitialEvents is forbidden unless resourceVersionMatch is NotOlderThan"
            )
        timeout_s = query_int(query, "timeoutSeconds")
        bookmarks = query_bool(query, "allowWatchBookmarks")

        def open_watch() -> Any:
            w = self.api.watch(
                kind,
                chan.send,
                namespace=info.namespace,
                resource_version="" if initial else rv,
                label_selector=query.get("labelSelector") or None,
                field_selector=fields or None,
            )
            chan.api_watch = w
            if initial:
                chan.send(ApiWatchEvent("BOOKMARK", _bookmark(kind, self.api, initial_end=True)))
            return w

        resp = web.StreamResponse(status=200, headers={"Content-Type": target.media})
        resp.enable_chunked_encoding()
        try:
            w = await asyncio.wrap_future(self.driver.call(open_watch))
        except ApiError as e:
            if e.code != 410:
                raise
            await resp.prepare(request)
            await resp.write(orjson.dumps({"type": "ERROR", "object": e.status}) + b"\n")
            await resp.write_eof()
            return resp
        self.open_watches += 1
        self.channels.add(chan)
        include = query.get("includeObject", "Metadata")
        try:
            await resp.prepare(request)
            deadline = loop.time() + timeout_s if timeout_s else None
            while True:
                wait = self.bookmark_interval_s if bookmarks else None
                if deadline is not None:
                    left = deadline - loop.time()
                    if left <= 0:
                        break
                    wait = left if wait is None else min(wait, left)
                try:
                    await asyncio.wait_for(chan.ready.wait(), wait)
                except TimeoutError:
                    if bookmarks and (deadline is None or loop.time() < deadline):
                        self.driver.post(
                            lambda: chan.send(ApiWatchEvent("BOOKMARK", _bookmark(kind, self.api)))
                        )
                    continue
                chan.ready.clear()
                events = chan.take()
                if events:
                    chunk = b"".join(
                        self._encode_event(ev, now, kind, target, include) for ev, now in events
                    )
                    await resp.write(chunk)
                if chan.closed:
                    break
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            chan.closed = True
            self.channels.discard(chan)
            self.open_watches -= 1
            self.driver.post(w.cancel)
        try:
            await resp.write_eof()
        except (ConnectionResetError, RuntimeError):
            pass
        return resp

    def _encode_event(
        self, ev: ApiWatchEvent, now_s: float, kind: Kind, target: Target, include: str
    ) -> bytes:
        obj = ev.object
        if target.as_ and ev.type != "BOOKMARK":
            obj = transform(
                obj, kind, target, self.clock, now_s, is_list=False, include_object=include
            )
        return orjson.dumps({"type": ev.type, "object": obj}) + b"\n"


def _bookmark(kind: Kind, api: ApiServer, *, initial_end: bool = False) -> Any:
    meta: dict[str, Any] = {"resourceVersion": str(api.store.revision)}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return FrozenDict({"kind": kind.kind, "apiVersion": kind.api_version, "metadata": meta})
