"""The transport-neutral client every control loop uses (client-go's role), and its renewer.

Every verb returns a SimPy event: a loop writes `pod = yield client.create("pods", obj)`. The
event succeeds with the server's answer (frozen Kubernetes JSON) at the simulated time the answer
arrives, or fails with `sim.api.errors.ApiError`, which the `yield` raises in the loop. The
in-process front (sim.apiserver.front) implements this now; an HTTP client implements the same
protocol for loops in another process.

`client.renewer` is the one port to the API server's standing renewals (sim/apiserver/
renewals.py): the in-process client has one, an HTTP client has None (its owner writes every
renewal itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


class Renewal(Protocol):
    """One standing renewal: stamped at `phase + k * period_s` (k >= 0) from `start_s` on."""

    period_s: float
    start_s: float  # when it was started: instants before are its owner's own writes

    def latest_s(self, now_s: float) -> float:
        """The last renewal instant at or before `now_s` (-inf before the first)."""
        ...


class LeaseRenewer(Protocol):
    """Standing renewals: the API server renews an object on its owner's behalf, writing only
    when someone reads or watches it (sim/apiserver/renewals.py). A Lease's renewal stamps
    spec.renewTime, a Node's its conditions' lastHeartbeatTime. Objects are named by resource,
    name and namespace. Watches of the client that owns this renewer do not get an event per
    renewal: their readers read the renewed fields with `current`."""

    @property
    def enabled(self) -> bool:
        """False: owners write every renewal themselves (tests compare both ways)."""
        ...

    def start(
        self,
        resource: str,
        name: str,
        *,
        namespace: str | None = None,
        user: str,
        period_s: float,
        phase_s: float = 0.0,
        on_lost: Callable[[], None] | None = None,
    ) -> Renewal:
        """Renew the object (which its owner has just written) as `user` every `period_s` at
        `phase_s + k * period_s` from now on; `on_lost()` when someone deletes it."""
        ...

    def stop(self, resource: str, name: str, *, namespace: str | None = None) -> None:
        """The owner stopped renewing now: the last renewal due is written, then none."""

    def renewal(self, resource: str, name: str, *, namespace: str | None = None) -> Renewal | None:
        """The standing renewal of the object, or None."""

    def current(self, resource: str, name: str, *, namespace: str | None = None) -> str | None:
        """The stamp a reader would see now (without writing it), or None when the object is
        not renewed here or not renewed since its owner wrote it."""

    def supersede(self, resource: str, name: str, *, namespace: str | None = None) -> None:
        """The owner writes the object itself now: the renewals due so far need no write."""

    def last_renewed(self, resource: str, name: str, *, namespace: str | None = None) -> Any:
        """The object as last written (after `stop`: with its last renewal), or None."""

    def add_listener(self, fn: Callable[[str], None]) -> None:
        """Call fn(name) whenever an object starts or stops being renewed."""


class Client(Protocol):
    user: str

    @property
    def renewer(self) -> LeaseRenewer | None:
        """The standing renewals of an in-process API server, or None (over HTTP)."""
        ...

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
    ) -> simpy.Event:
        """Open a watch; it succeeds with a WatchStream (see `LeaseRenewer` for renewals)."""
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
