"""The in-process front: the API server as a control loop sees it, with modelled latency.

A request sent at simulated time t is processed by the server core at t + latency(verb) and
answered then (the round trip is folded into one delay, so the commit order is the order of
arrival). Watch events reach a watcher `watch_delay_s` after they commit, in order, in batches:
one SimPy timer per pending batch, never one per event. Latencies are configurable per verb;
with every latency at 0 a request still completes through the event queue, never re-entrantly.

A client here is a modelled component's: its watches do not get an event per standing renewal
(sim/apiserver/renewals.py); the component reads renewed fields, and starts and stops its own
standing renewals, through `client.renewer` (the `LeaseRenewer` port of sim/client/interface.py).
A watch that needs every renewal as an event is opened on the server itself (`ApiServer.watch`,
as the HTTP front does).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import simpy

from sim.api.errors import ApiError
from sim.apiserver.renewer import InProcessRenewer
from sim.apiserver.server import ApiServer
from sim.apiserver.watch import ApiWatch, ApiWatchEvent
from sim.apiserver.watchstream import BufferedWatchStream
from sim.core import Clock
from sim.core.events import answer_after, timeout_then

_VERB_FIELDS = {v: f"{v}_s" for v in ("get", "list", "create", "update", "patch", "delete")}


@dataclass
class Latency:
    """Seconds from request to answer, per verb; `watch_delay_s` from commit to delivery."""

    get_s: float = 0.001
    list_s: float = 0.005
    create_s: float = 0.004
    update_s: float = 0.004
    patch_s: float = 0.004
    delete_s: float = 0.004
    watch_delay_s: float = 0.001
    overrides: dict[str, float] = field(default_factory=dict)

    def of(self, verb: str) -> float:
        if self.overrides and verb in self.overrides:
            return self.overrides[verb]
        return float(getattr(self, _VERB_FIELDS.get(verb) or f"{verb}_s", self.get_s))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Latency:
        lat = cls()
        for k, v in data.items():
            name = k if k.endswith("_s") else f"{k}_s"
            if hasattr(lat, name):
                setattr(lat, name, float(v))
            else:
                raise ValueError(f"unknown latency verb {k!r}")
        return lat


class InProcessWatchStream(BufferedWatchStream):
    """A watch delivered through the simulated network: buffered, delayed, batched."""

    def __init__(self, clock: Clock, delay_s: float):
        super().__init__(clock)
        self._delay_s = delay_s
        self._timer_delay_s = max(0.0, delay_s)
        self._pending: deque[tuple[float, ApiWatchEvent]] = deque()
        self._timer_armed = False
        self.api_watch: ApiWatch | None = None

    def push(self, ev: ApiWatchEvent) -> None:
        if self._closed:
            return
        clock = self._clock
        self._pending.append((clock.now + self._delay_s, ev))
        if not self._timer_armed:
            self._timer_armed = True
            # (clock.call_later would wrap _release in a callback of its own)
            timeout_then(clock, self._timer_delay_s, self._release)

    def _release(self, _timer: Any = None) -> None:
        self._timer_armed = False
        now = self._clock.now
        pending = self._pending
        ready = self._ready
        while pending and pending[0][0] <= now + 1e-12:
            ready.append(pending.popleft()[1])
        if pending:
            self._timer_armed = True
            timeout_then(self._clock, pending[0][0] - now, self._release)
        self._wake()

    def _cancel(self) -> None:
        if self.api_watch is not None:
            self.api_watch.cancel()
        self._pending.clear()


class InProcessClient:
    """A client of the in-process front, acting as `user` (recorded in the trace), with the
    server's standing renewals behind `renewer`."""

    def __init__(
        self, server: ApiServer, clock: Clock, *, user: str, latency: Latency | None = None
    ):
        self.server = server
        self.clock = clock
        self.user = user
        self.latency = latency or Latency()
        self.requests = 0
        # the LeaseRenewer port of sim/client/interface.py (a layer above: not imported here)
        self.renewer: InProcessRenewer | None = InProcessRenewer(server)

    def _call(self, verb: str, fn: Callable[[], Any]) -> simpy.Event:
        """One request: `fn` runs on the server when the request's latency has passed, and the
        same event carries its answer (or ApiError) to whoever waits: the answer's own callback
        runs first, so no second event is scheduled per request."""
        self.requests += 1
        return answer_after(self.clock, self.latency.of(verb), fn, ApiError)

    def create(
        self,
        kind: str,
        obj: Mapping[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
    ) -> simpy.Event:
        return self._call(
            "create",
            lambda: self.server.create(
                kind, obj, namespace=namespace, dry_run=dry_run, user=self.user
            ),
        )

    def get(self, kind: str, name: str, *, namespace: str | None = None) -> simpy.Event:
        return self._call("get", lambda: self.server.get(kind, name, namespace=namespace))

    def list(self, kind: str, **kwargs: Any) -> simpy.Event:
        return self._call("list", lambda: self.server.list(kind, **kwargs))

    def update(
        self,
        kind: str,
        obj: Mapping[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
    ) -> simpy.Event:
        return self._call(
            "update",
            lambda: self.server.update(
                kind, obj, namespace=namespace, dry_run=dry_run, user=self.user
            ),
        )

    def update_status(
        self, kind: str, obj: Mapping[str, Any], *, namespace: str | None = None
    ) -> simpy.Event:
        return self._call(
            "update",
            lambda: self.server.update(
                kind, obj, namespace=namespace, subresource="status", user=self.user
            ),
        )

    def patch(
        self,
        kind: str,
        name: str,
        patch: Any,
        patch_type: str = "application/strategic-merge-patch+json",
        *,
        namespace: str | None = None,
        subresource: str = "",
    ) -> simpy.Event:
        return self._call(
            "patch",
            lambda: self.server.patch(
                kind,
                name,
                patch,
                patch_type,
                namespace=namespace,
                subresource=subresource,
                user=self.user,
            ),
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
        return self._call(
            "delete",
            lambda: self.server.delete(
                kind,
                name,
                namespace=namespace,
                grace_period_seconds=grace_period_seconds,
                propagation_policy=propagation_policy,
                preconditions=preconditions,
                user=self.user,
            ),
        )

    def bind(
        self, name: str, binding: Mapping[str, Any], *, namespace: str | None = None
    ) -> simpy.Event:
        return self._call(
            "create", lambda: self.server.bind(name, binding, namespace=namespace, user=self.user)
        )

    def evict(
        self, name: str, *, namespace: str | None = None, grace_period_seconds: int | None = None
    ) -> simpy.Event:
        return self._call(
            "create",
            lambda: self.server.evict(
                name, namespace=namespace, grace_period_seconds=grace_period_seconds, user=self.user
            ),
        )

    def get_scale(self, kind: str, name: str, *, namespace: str | None = None) -> simpy.Event:
        return self._call("get", lambda: self.server.get_scale(kind, name, namespace=namespace))

    def update_scale(
        self, kind: str, name: str, replicas: int, *, namespace: str | None = None
    ) -> simpy.Event:
        return self._call(
            "update",
            lambda: self.server.update_scale(
                kind, name, replicas, namespace=namespace, user=self.user
            ),
        )

    def watch(
        self,
        kind: str,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> simpy.Event:
        stream = InProcessWatchStream(self.clock, self.latency.watch_delay_s)

        def open_watch() -> InProcessWatchStream:
            stream.api_watch = self.server.watch_tolerating_renewals(
                kind,
                stream.push,
                namespace=namespace,
                resource_version=resource_version,
                label_selector=label_selector,
                field_selector=field_selector,
            )
            return stream

        return self._call("get", open_watch)
