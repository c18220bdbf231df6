"""The HTTP client's transport: an aiohttp session on its own event-loop thread.

Plays the part of client-go's REST transport (staging/src/k8s.io/client-go/rest/request.go,
transport.go): one keep-alive session with the bearer token and User-Agent on every request;
`request` answers (status, body) and `stream` reads a newline-delimited watch stream line by
line. Callbacks and futures complete on the loop thread; callers hand results to the simulation
thread themselves (sim/http/client.py does so through the process's SimDriver). `api_error`
turns a failed answer into `ApiError` as request.go transformResponse does: a Status body is the
error, any other body a Status made from its text.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
import orjson

from sim.api.errors import ApiError, status_dict

JSON = "application/json"


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
