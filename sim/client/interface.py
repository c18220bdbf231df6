"""The transport-neutral client every control loop uses (client-go's role).

Every verb returns a SimPy event: a loop writes `pod = yield client.create("pods", obj)`. The
event succeeds with the server's answer (frozen Kubernetes JSON) at the simulated time the answer
arrives, or fails with `sim.api.errors.ApiError`, which the `yield` raises in the loop. The
in-process front (sim.apiserver.front) implements this now; an HTTP client implements the same
protocol for loops in another process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import simpy


class WatchStream(Protocol):
    """An open watch: `batch = yield stream.next()` gives the events delivered so far (a
    non-empty list of ApiWatchEvent(type, object)); the event fails with ApiError (410 Expired)
    if the server ends the watch, after which the stream is closed."""

    def next(self) -> simpy.Event: ...

    def stop(self) -> None: ...

    @property
    def closed(self) -> bool: ...


class Client(Protocol):
    user: str

    def create(
        self,
        kind: str,
        obj: Mapping[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
    ) -> simpy.Event: ...

    def get(self, kind: str, name: str, *, namespace: str | None = None) -> simpy.Event: ...

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
    ) -> simpy.Event: ...

    def update(
        self,
        kind: str,
        obj: Mapping[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
    ) -> simpy.Event: ...

    def update_status(
        self, kind: str, obj: Mapping[str, Any], *, namespace: str | None = None
    ) -> simpy.Event: ...

    def patch(
        self,
        kind: str,
        name: str,
        patch: Any,
        patch_type: str = "application/strategic-merge-patch+json",
        *,
        namespace: str | None = None,
        subresource: str = "",
    ) -> simpy.Event: ...

    def delete(
        self,
        kind: str,
        name: str,
        *,
        namespace: str | None = None,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        preconditions: Mapping[str, str] | None = None,
    ) -> simpy.Event: ...

    def watch(
        self,
        kind: str,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        tolerate_renewals: bool = False,
    ) -> simpy.Event:
        """Open a watch. `tolerate_renewals`: the caller (an informer of a modelled component)
        does not need an event per standing renewal (sim/apiserver/renewals.py); an HTTP client
        ignores it."""
        ...

    def bind(
        self, name: str, binding: Mapping[str, Any], *, namespace: str | None = None
    ) -> simpy.Event:
        """POST pods/<name>/binding with a v1 Binding ({"target": {"kind": "Node", "name": n}})."""

    def evict(
        self, name: str, *, namespace: str | None = None, grace_period_seconds: int | None = None
    ) -> simpy.Event:
        """POST pods/<name>/eviction."""

    def get_scale(self, kind: str, name: str, *, namespace: str | None = None) -> simpy.Event: ...

    def update_scale(
        self, kind: str, name: str, replicas: int, *, namespace: str | None = None
    ) -> simpy.Event: ...
