"""The HTTP front: a Kubernetes-compatible API over the ApiServer core, served with aiohttp.

aiohttp (aio-libs) serves HTTP/1.1 with keep-alive and chunked streaming on one asyncio loop, so
thousands of open watches cost a coroutine each, not a thread each; it embeds in a background
thread (`AppRunner`, no signal handlers) and shuts down cleanly, and its client side is what
the HTTP client (sim/http/client.py) uses too. Every request is decoded on the server loop,
handed to the simulation thread (sim/core/driver.py) where one ApiServer call answers it at the
simulated instant it is processed, and encoded back on the loop. Watches stream newline-delimited
JSON events with chunked transfer (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/watch.go),
with bookmarks when asked (`allowWatchBookmarks`), `timeoutSeconds`, and the initial-events
bookmark of `sendInitialEvents`: sim/http/watchhandler.py serves them. This module routes: the
lifecycle of the server, authentication, the non-resource paths (discovery, OpenAPI, health)
and request bodies.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import orjson
import yaml
from aiohttp import web

from sim.api.errors import ApiError, bad_request, status_dict
from sim.api.kinds import KindRegistry
from sim.apiserver.server import ApiServer
from sim.core.driver import SimDriver
from sim.http import discovery, protobuf
from sim.http.auth import PUBLIC_PATHS, Identity, TokenAuth, forbidden, unauthorized
from sim.http.negotiate import JSON, encode, negotiate, transform
from sim.http.openapi import OpenApi
from sim.http.params import PATCH_TYPES, query_bool
from sim.http.requestinfo import RequestInfo, parse_resource_path, resolve_kind
from sim.http.routes import Resource
from sim.http.tls import ServingCert
from sim.http.watchhandler import DEFAULT_BOOKMARK_INTERVAL_S, WatchHandler
from sim.http.watchstream import DEFAULT_BUFFER_EVENTS

MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024  # upstream maxRequestBodyBytes
NOT_FOUND = "the server could not find the requested resource"
# not a Kubernetes path: the simulated clock, so that a control loop in another process can run
# its own clock in step with this one (sim/http/remote.py)
CLOCK_PATH = "/kubesim/v1/clock"


class HttpApiServer:
    """Serves `api` over HTTP on host:port; `start()` runs it on a background thread."""

    def __init__(
        self,
        api: ApiServer,
        driver: SimDriver,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        auth: TokenAuth | None = None,
        bookmark_interval_s: float = DEFAULT_BOOKMARK_INTERVAL_S,
        watch_buffer_events: int = DEFAULT_BUFFER_EVENTS,
        kubelet_source: Callable[[str], Any] | None = None,
        tls: ServingCert | None = None,
    ):
        self.api = api
        self.clock = api.clock
        self.registry: KindRegistry = api.registry
        self.driver = driver
        self.host = host
        self.port = port
        self.auth = auth or TokenAuth()
        self.tls = tls
        self.openapi = OpenApi(self.registry)
        self.resource = Resource(api, self.openapi.prune_unknown, kubelet_source)
        self.watches = WatchHandler(api, driver, bookmark_interval_s, watch_buffer_events)
        self.requests = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def open_watches(self) -> int:
        return self.watches.open_watches

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self, timeout_s: float = 10.0) -> HttpApiServer:
        self._thread = threading.Thread(target=self._serve, name="kubesim-http", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout_s):
            raise RuntimeError("the HTTP server did not start in time")
        if self._error is not None:
            raise self._error
        return self

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._start_site())
        except BaseException as e:  # noqa: BLE001 - reported to start()
            self._error = e
            self._started.set()
            loop.close()
            return
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._runner.cleanup() if self._runner else asyncio.sleep(0))
            loop.close()

    async def _start_site(self) -> None:
        app = web.Application(client_max_size=MAX_REQUEST_BODY_BYTES)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        ssl_context = self.tls.server_context() if self.tls is not None else None
        site = web.TCPSite(
            self._runner, self.host, self.port, reuse_address=True, ssl_context=ssl_context
        )
        await site.start()
        sockets = getattr(site._server, "sockets", None)
        if sockets:
            self.port = sockets[0].getsockname()[1]

    def stop(self, timeout_s: float = 5.0) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return

        async def shutdown() -> None:
            self.watches.close_all()
            if self._runner is not None:
                await self._runner.cleanup()
                self._runner = None
            loop.stop()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), loop)
        except RuntimeError:
            return
        if self._thread is not None:
            self._thread.join(timeout_s)

    def __enter__(self) -> HttpApiServer:
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    # -- requests ------------------------------------------------------------------------------
    def _clock_info(self) -> dict[str, Any]:
        return {
            "now": self.clock.now,
            "epoch": self.clock.epoch,
            "speed": self.driver.speed,
            "realtime": self.driver.realtime,
        }

    async def _sim(self, fn: Callable[[], Any]) -> Any:
        return await asyncio.wrap_future(self.driver.call(fn))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        try:
            return await self._route(request)
        except ApiError as e:
            return _status_response(e.status, e.code)

    def _identify(self, request: web.Request) -> Identity:
        if not self.auth.enabled:
            agent = request.headers.get("User-Agent", "")
            return Identity(agent.split("/")[0].split(" ")[0] or "http")
        ident = self.auth.authenticate(request.headers.get("Authorization"))
        if ident is None:
            raise ApiError(unauthorized())
        return ident

    async def _route(self, request: web.Request) -> web.StreamResponse:
        path = request.path.rstrip("/") or "/"
        if path in PUBLIC_PATHS or path.startswith(("/healthz/", "/livez/", "/readyz/")):
            if path == "/version":
                return _json(discovery.SERVER_VERSION)
            return web.Response(text="ok", content_type="text/plain")
        ident = self._identify(request)
        if path == CLOCK_PATH:
            return _json(await self._sim(self._clock_info))
        info = parse_resource_path(path)
        if info is None:
            return self._non_resource(request, path)
        kind = resolve_kind(self.registry, info)
        query = request.query
        verb = _verb(request.method, info, query)
        if not ident.allows(verb):
            raise ApiError(
                forbidden(
                    ident.user,
                    verb,
                    info.resource,
                    info.group,
                    info.namespace,
                    info.name,
                    info.subresource,
                )
            )
        target = negotiate(request.headers.get("Accept"))
        if verb == "watch":
            return await self.watches.serve(request, info, kind, target)
        body = await _read_body(request)
        content_type = request.headers.get("Content-Type", JSON)
        ans = await self._sim(
            lambda: self.resource.handle(
                request.method, info, kind, query, body, content_type, ident.user
            )
        )
        if ans.raw is not None:  # a log, or the kubelet's answer through nodes/proxy as it gave it
            return web.Response(body=ans.raw, status=ans.code, headers={"Content-Type": ans.media})
        out = transform(
            ans.body,
            ans.kind or kind,
            target,
            self.clock,
            ans.now_s,
            is_list=ans.is_list,
            include_object=query.get("includeObject", "Metadata"),
        )
        headers = (
            {"Warning": ", ".join(f'299 - "{_escape(w)}"' for w in ans.warnings)}
            if ans.warnings
            else {}
        )
        return web.Response(
            body=encode(out, target.media),
            status=ans.code,
            content_type=target.media,
            headers=headers,
        )

    def _non_resource(self, request: web.Request, path: str) -> web.StreamResponse:
        accept = request.headers.get("Accept", "")
        parts = [p for p in path.split("/") if p]
        if path in ("/api", "/apis"):
            version = discovery.wants_aggregated(accept)
            if version is not None:
                body = discovery.aggregated(self.registry, core=path == "/api", version=version)
                ctype = discovery.AGGREGATED_V2 if version == "v2" else discovery.AGGREGATED_V2BETA1
                return web.Response(body=orjson.dumps(body), headers={"Content-Type": ctype})
            if path == "/api":
                return _json(discovery.api_versions(f"{self.host}:{self.port}"))
            return _json(discovery.api_group_list(self.registry))
        if len(parts) == 2 and parts[0] == "api":
            doc = discovery.api_resource_list(self.registry, "", parts[1])
            if doc is not None:
                return _json(doc)
        if len(parts) == 2 and parts[0] == "apis":
            versions = [v for g, v in discovery.group_versions(self.registry) if g == parts[1]]
            if versions:
                return _json(discovery.api_group(parts[1], versions))
        if len(parts) == 3 and parts[0] == "apis":
            doc = discovery.api_resource_list(self.registry, parts[1], parts[2])
            if doc is not None:
                return _json(doc)
        if parts[:2] == ["openapi", "v3"]:
            doc = self.openapi.document("/".join(parts[2:]))
            if doc is not None:
                return _json(doc)
        return _status_response(status_dict(404, "NotFound", NOT_FOUND), 404)


def _verb(method: str, info: RequestInfo, query: Any) -> str:
    if method == "GET":
        if info.legacy_watch or (query_bool(query, "watch") and not info.subresource):
            return "watch"
        return "get" if info.name else "list"
    if method == "POST":
        return "create"
    if method == "PUT":
        return "update"
    if method == "PATCH":
        return "patch"
    if method == "DELETE":
        return "delete" if info.name else "deletecollection"
    raise ApiError(
        status_dict(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
    )


async def _read_body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    raw = await request.read()
    if not raw.strip():
        return None
    ctype = request.headers.get("Content-Type", JSON).split(";")[0].strip().lower()
    if ctype == "application/vnd.kubernetes.protobuf":
        try:
            return protobuf.decode(raw)
        except protobuf.ProtobufError:
            pass
    if "protobuf" in ctype or "cbor" in ctype:
        raise ApiError(
            status_dict(
                415,
                "UnsupportedMediaType",
                f"the body of the request was in an unknown format - accepted media types "
                f"include: application/json, application/yaml, {', '.join(PATCH_TYPES[:3])}",
            )
        )
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        if ctype in ("application/yaml", "application/apply-patch+yaml"):
            try:
                return yaml.safe_load(raw)
            except yaml.YAMLError as ye:
                raise bad_request(f"error decoding YAML: {ye}") from None
        raise bad_request(f"couldn't get version/kind; json parse error: {e}") from None


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type=JSON)


def _status_response(status: dict[str, Any], code: int) -> web.Response:
    return web.Response(body=orjson.dumps(status), status=code, content_type=JSON)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
