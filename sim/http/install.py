"""Wiring: `install(cluster, config)` builds the HTTP front of a cluster (not yet listening).

`config` is the scenario's `spec.cluster.http` section:

    http: {address: 127.0.0.1, port: 6443, speed: 1.0, token: T, viewerToken: V,
           bookmarkIntervalSeconds: 60}

`kubesim serve` is the usual way in; `install` serves the composition root and tests, which call
`server.start()` and run `server.driver` (`driver.run()` on the thread that owns the clock, or
`driver.start_thread()`).
"""

from __future__ import annotations

from typing import Any

from sim.core.driver import SimDriver
from sim.http.auth import TokenAuth
from sim.http.nodeproxy import cluster_kubelet_source
from sim.http.server import DEFAULT_BOOKMARK_INTERVAL_S, HttpApiServer

FIELDS = ("address", "port", "speed", "token", "viewerToken", "bookmarkIntervalSeconds")


def _error(field: str, expected: str) -> Exception:
    from sim.scenario.loader import ScenarioError

    return ScenarioError(f"spec.cluster.http.{field}: {expected}")


def install(cluster: Any, config: dict[str, Any] | None) -> HttpApiServer:
    cfg = dict(config or {})
    for key in sorted(cfg):
        if key not in FIELDS:
            raise _error(key, f"unknown field (expected one of {', '.join(FIELDS)})")
    address = cfg.get("address", "127.0.0.1")
    if not isinstance(address, str) or not address:
        raise _error("address", "a non-empty string")
    port = cfg.get("port", 6443)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise _error("port", "an integer from 0 to 65535")
    speed = cfg.get("speed", cluster.clock.speed)
    if not isinstance(speed, int | float) or isinstance(speed, bool) or speed <= 0:
        raise _error("speed", "a number > 0")
    bookmark = cfg.get("bookmarkIntervalSeconds", DEFAULT_BOOKMARK_INTERVAL_S)
    if not isinstance(bookmark, int | float) or isinstance(bookmark, bool) or bookmark <= 0:
        raise _error("bookmarkIntervalSeconds", "a number > 0")
    auth = TokenAuth()
    for key, user, read_only in (("token", "admin", False), ("viewerToken", "viewer", True)):
        token = cfg.get(key)
        if token is None:
            continue
        if not isinstance(token, str) or not token:
            raise _error(key, "a non-empty string")
        auth.add(token, user, read_only=read_only)
    driver = SimDriver(cluster.clock, speed=float(speed))
    return HttpApiServer(
        cluster.api,
        driver,
        host=address,
        port=port,
        auth=auth,
        bookmark_interval_s=float(bookmark),
        kubelet_source=cluster_kubelet_source(cluster),
    )
