"""An HTTP client implementing the transport-neutral client protocol (sim/client/interface.py).

A control loop in another process uses it exactly as it uses the in-process front: every verb
returns a SimPy event, `pod = yield client.create("pods", obj)`, that succeeds with the server's
answer (frozen Kubernetes JSON) or fails with `ApiError` carrying the server's Status. Requests
run on a background asyncio loop (aiohttp's client, sim/http/transport.py); answers are handed to
the simulation thread through the process's `SimDriver`, so they arrive at the simulated instant
they are received (the driver of a remote loop paces in real time).

Watches follow client-go's reflector contract (tools/cache/reflector.go, watch.go
StreamWatcher): see sim/http/clientwatch.py. This module holds the verbs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson
import simpy

from sim.api.errors import ApiError, status_dict
from sim.api.frozen import freeze
from sim.api.kinds import REGISTRY, Kind, KindRegistry
from sim.core.driver import SimDriver
from sim.http.clientwatch import HttpWatchStream
from sim.http.transport import JSON, Transport, api_error

if TYPE_CHECKING:
    from sim.client.interface import LeaseRenewer

STRATEGIC = "application/strategic-merge-patch+json"


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
        # no standing renewals over HTTP: this client's owner writes every renewal itself, and
        # its watches see every renewal the server writes
        self.renewer: LeaseRenewer | None = None

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
    ) -> simpy.Event:
        k = self._kind(kind)
        stream = HttpWatchStream(
            self.driver,
            self.transport,
            self._path(k, namespace),
            resource_version,
            label_selector,
            field_selector,
        )
        return stream.open()
