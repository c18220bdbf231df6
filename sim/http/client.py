"""An HTTP client implementing the transport-neutral client protocol (sim/client/interface.py).

A control loop in another process uses it exactly as it uses the in-process front: every verb
returns a SimPy event, `pod = yield client.create("pods", obj)`, that succeeds with the server's
answer (frozen Kubernetes JSON) or fails with `ApiError` carrying the server's Status. Requests
run on a background asyncio loop (aiohttp's client); answers are handed to the simulation thread
through the process's `SimDriver`, so they arrive at the simulated instant they are received
(the driver of a remote loop paces in real time).

Watches follow client-go's reflector contract (tools/cache/reflector.go, watch.go
StreamWatcher): events are delivered in batches by `stream.next()`; bookmarks only advance the
remembered resourceVersion; when the server ends the stream (timeoutSeconds, restart, a slow
reader cut off) the stream reconnects from the last resourceVersion it saw, so nothing is missed
or repeated; a 410 Expired (the resourceVersion was compacted) fails `next()` so that the
informer relists.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
import orjson
import simpy

from sim.api.errors import ApiError, status_dict
from sim.api.frozen import freeze
from sim.api.kinds import REGISTRY, Kind, KindRegistry
from sim.apiserver.watch import ApiWatchEvent
from sim.apiserver.watchstream import BufferedWatchStream
from sim.http.driver import SimDriver

JSON = "application/json"
STRATEGIC = "application/strategic-merge-patch+json"
RECONNECT_BACKOFF_S = (0.0, 0.2, 0.8, 2.0)  # wall seconds before the n-th retry in a row
WATCH_TIMEOUT_S = 300  # asked of the server, as client-go's reflector asks 5-10 min


class Transport:
    """An aiohttp session on its own event-loop thread."""

    def __init__(
        self, base_url: str, *, token: str | None = None, user_agent: str = "kubesim-http-client"
    ):
        self.base_url = base_url.rstrip("/")
        self.headers = {"User-Agent": user_agent, "Accept": JSON}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="kubesim-http-client", daemon=True
        )
        self._thread.start()
        self.session: aiohttp.ClientSession = self._run(self._open()).result()

    async def _open(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            headers=self.headers,
            read_bufsize=1 << 22,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=10),
            connector=aiohttp.TCPConnector(limit=0),
        )

    def _run(self, coro: Any) -> concurrent.futures.Future[Any]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def request(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: bytes | None,
        content_type: str,
    ) -> concurrent.futures.Future[tuple[int, bytes]]:
        async def go() -> tuple[int, bytes]:
            headers = {"Content-Type": content_type} if body is not None else {}
            async with self.session.request(
                method, self.base_url + path, params=dict(query), data=body, headers=headers
            ) as resp:
                return resp.status, await resp.read()

        return self._run(go())

    def stream(
        self,
        path: str,
        query: Mapping[str, str],
        on_open: Callable[[int, bytes], None],
        on_line: Callable[[bytes], None],
        on_end: Callable[[BaseException | None], None],
    ) -> concurrent.futures.Future[None]:
        """GET a newline-delimited stream; on_open(status, error body or b"") once, then
        on_line per line, then on_end (on the loop thread: callers hand over themselves)."""

        async def go() -> None:
            err: BaseException | None = None
            try:
                async with self.session.get(self.base_url + path, params=dict(query)) as resp:
                    if resp.status != 200:
                        on_open(resp.status, await resp.read())
                        return
                    on_open(200, b"")
                    async for line in resp.content:
                        if line.strip():
                            on_line(line)
            except asyncio.CancelledError:
                err = None
            except (aiohttp.ClientError, ConnectionError, ValueError) as e:
                err = e
            on_end(err)

        return self._run(go())

    def close(self) -> None:
        async def shut() -> None:
            me = asyncio.current_task()
            pending = [t for t in asyncio.all_tasks() if t is not me]
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            await self.session.close()

        try:
            self._run(shut()).result(5)
        except (RuntimeError, concurrent.futures.TimeoutError):
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


def api_error(code: int, body: bytes) -> ApiError:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = None
    if isinstance(data, dict) and data.get("kind") == "Status":
        return ApiError(data)
    text = body.decode(errors="replace").strip() or f"the server answered HTTP {code}"
    return ApiError(status_dict(code, "InternalError" if code >= 500 else "BadRequest", text))


class HttpClient:
    """The client protocol over HTTP, acting as `user` (the token decides who that is)."""

    def __init__(
        self,
        base_url: str,
        driver: SimDriver,
        *,
        user: str = "http-client",
        token: str | None = None,
        registry: KindRegistry = REGISTRY,
    ):
        self.user = user
        self.driver = driver
        self.clock = driver.clock
        self.registry = registry
        self.transport = Transport(base_url, token=token, user_agent=f"{user}/kubesim")
        self.requests = 0

    def close(self) -> None:
        self.transport.close()

    # -- plumbing ------------------------------------------------------------------------------
    def _path(self, kind: Kind, namespace: str | None, name: str = "", sub: str = "") -> str:
        base = f"/apis/{kind.group}/{kind.version}" if kind.group else f"/api/{kind.version}"
        if kind.namespaced and namespace:
            base += f"/namespaces/{quote(namespace, safe='')}"
        base += f"/{kind.plural}"
        if name:
            base += f"/{quote(name, safe='')}"
        if sub:
            base += f"/{sub}"
        return base

    def _kind(self, kind: str) -> Kind:
        return self.registry.resolve(kind)

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        content_type: str = JSON,
    ) -> simpy.Event:
        ev = self.clock.event()
        self.requests += 1
        params = {
            k: str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in (query or {}).items()
            if v not in (None, "", 0)
        }
        raw = None if body is None else orjson.dumps(body)
        fut = self.transport.request(method, path, params, raw, content_type)

        def settle() -> None:
            try:
                status, data = fut.result()
            except Exception as e:  # noqa: BLE001 - a transport failure is a 503 to the loop
                ev.fail(ApiError(status_dict(503, "ServiceUnavailable", f"request failed: {e}")))
                return
            if status >= 400:
                ev.fail(api_error(status, data))
                return
            ev.succeed(freeze(orjson.loads(data)) if data else None)

        fut.add_done_callback(lambda _f: self.driver.post(settle))
        return ev

    # -- verbs ---------------------------------------------------------------------------------
    def create(
        self,
        kind: str,
        obj: Mapping[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
    ) -> simpy.Event:
        k = self._kind(kind)
        ns = namespace or (obj.get("metadata") or {}).get("namespace") or "default"
        return self._call(
            "POST", self._path(k, ns), query={"dryRun": "All" if dry_run else None}, body=obj
        )

    def get(self, kind: str, name: str, *, namespace: str | None = None) -> simpy.Event:
        k = self._kind(kind)
        return self._call("GET", self._path(k, namespace or "default", name))

    def list(
        self,
        kind: str,
        *,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int = 0,
        continue_: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
    ) -> simpy.Event:
        k = self._kind(kind)
        query = {
            "labelSelector": label_selector,
            "fieldSelector": field_selector,
            "limit": limit,
            "continue": continue_,
            "resourceVersion": resource_version,
            "resourceVersionMatch": resource_version_match,
        }
        return self._call("GET", self._path(k, namespace), query=query)

    def update(
        self,
        kind: str,
        obj: Mapping[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
    ) -> simpy.Event:
        k = self._kind(kind)
        meta = obj.get("metadata") or {}
        ns = namespace or meta.get("namespace") or "default"
        return self._call(
            "PUT",
            self._path(k, ns, meta.get("name", "")),
            query={"dryRun": "All" if dry_run else None},
            body=obj,
        )

    def update_status(
        self, kind: str, obj: Mapping[str, Any], *, namespace: str | None = None
    ) -> simpy.Event:
        k = self._kind(kind)
        meta = obj.get("metadata") or {}
        ns = namespace or meta.get("namespace") or "default"
        return self._call("PUT", self._path(k, ns, meta.get("name", ""), "status"), body=obj)

    def patch(
        self,
        kind: str,
        name: str,
        patch: Any,
        patch_type: str = STRATEGIC,
        *,
        namespace: str | None = None,
        subresource: str = "",
    ) -> simpy.Event:
        k = self._kind(kind)
        ctype = {
            "json": "application/json-patch+json",
            "merge": "application/merge-patch+json",
            "strategic": STRATEGIC,
        }.get(patch_type, patch_type)
        return self._call(
            "PATCH",
            self._path(k, namespace or "default", name, subresource),
            body=patch,
            content_type=ctype,
        )

    def delete(
        self,
        kind: str,
        name: str,
        *,
        namespace: str | None = None,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        preconditions: Mapping[str, str] | None = None,
    ) -> simpy.Event:
        k = self._kind(kind)
        opts: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1"}
        if grace_period_seconds is not None:
            opts["gracePeriodSeconds"] = grace_period_seconds
        if propagation_policy:
            opts["propagationPolicy"] = propagation_policy
        if preconditions:
            opts["preconditions"] = dict(preconditions)
        return self._call("DELETE", self._path(k, namespace or "default", name), body=opts)

    def bind(
        self, name: str, binding: Mapping[str, Any], *, namespace: str | None = None
    ) -> simpy.Event:
        k = self._kind("pods")
        body = {"apiVersion": "v1", "kind": "Binding", **binding}
        body.setdefault("metadata", {"name": name})
        return self._call("POST", self._path(k, namespace or "default", name, "binding"), body=body)

    def evict(
        self, name: str, *, namespace: str | None = None, grace_period_seconds: int | None = None
    ) -> simpy.Event:
        k = self._kind("pods")
        ns = namespace or "default"
        body: dict[str, Any] = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": name, "namespace": ns},
        }
        if grace_period_seconds is not None:
            body["deleteOptions"] = {"gracePeriodSeconds": grace_period_seconds}
        return self._call("POST", self._path(k, ns, name, "eviction"), body=body)

    def get_scale(self, kind: str, name: str, *, namespace: str | None = None) -> simpy.Event:
        k = self._kind(kind)
        return self._call("GET", self._path(k, namespace or "default", name, "scale"))

    def update_scale(
        self, kind: str, name: str, replicas: int, *, namespace: str | None = None
    ) -> simpy.Event:
        k = self._kind(kind)
        ns = namespace or "default"
        body = {
            "apiVersion": "autoscaling/v1",
            "kind": "Scale",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"replicas": replicas},
        }
        return self._call("PUT", self._path(k, ns, name, "scale"), body=body)

    def watch(
        self,
        kind: str,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        tolerate_renewals: bool = False,  # an HTTP watch always sees every renewal
    ) -> simpy.Event:
        k = self._kind(kind)
        stream = HttpWatchStream(
            self, k, namespace, resource_version, label_selector, field_selector
        )
        return stream.open()


class HttpWatchStream(BufferedWatchStream):
    """A watch over HTTP that reconnects from its last resourceVersion (WatchStream protocol)."""

    def __init__(
        self,
        client: HttpClient,
        kind: Kind,
        namespace: str | None,
        resource_version: str | None,
        label_selector: str | None,
        field_selector: str | None,
    ):
        super().__init__(client.clock)
        self.client = client
        self.kind = kind
        self.namespace = namespace
        self.last_resource_version = resource_version or ""
        self.label_selector = label_selector
        self.field_selector = field_selector
        self._opened: simpy.Event | None = None
        self._future: concurrent.futures.Future[None] | None = None
        self._retries = 0
        self.reconnects = 0

    def open(self) -> simpy.Event:
        self._opened = self.client.clock.event()
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
        post = self.client.driver.post
        self._future = self.client.transport.stream(
            self.client._path(self.kind, self.namespace),
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
        self.client.clock.call_later(delay * self.client.driver.speed, self._reconnect)

    def _reconnect(self) -> None:
        if not self._closed:
            self._connect()

    def _cancel(self) -> None:
        fut = self._future
        if fut is not None and not fut.done():
            fut.cancel()
