"""The kubelet's API client behind the node's network: no request crosses a partition.

A kubelet reaches the API server over the network (sim/network/topology.py). While a partition
cuts its node from the control plane, every request it makes (status posts, lease renewals,
events, registration) fails after the verb's usual latency with 503 ServiceUnavailable and a
message naming the cause, as a client whose route to the server is gone would see (client-go
surfaces the dial error; the Status here carries the same words). Callers already treat a
failed request as upstream does: the status manager retries on its next pass, the lease
controller on its next renewal. When the partition starts, `cut()` ends the watches this client
has open (the connection is gone): the kubelet's pod informer relists with back-off, which fails
until the partition heals, as client-go's reflector does. (The fleet's shared Node informer is
not per node and is not cut.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy

from sim.api.errors import ApiError, status_dict
from sim.core.events import on_done

__all__ = ["NodeClient"]

_VERBS = {
    "create": "create",
    "get": "get",
    "list": "list",
    "update": "update",
    "update_status": "update",
    "patch": "patch",
    "delete": "delete",
    "bind": "create",
    "evict": "create",
    "get_scale": "get",
    "update_scale": "update",
    "watch": "get",
}


class NodeClient:
    """Wraps a client (anything with the Client protocol) for one node's kubelet."""

    def __init__(self, inner: Any, clock: Any, node: str, reaches: Callable[[], bool]):
        self.inner = inner
        self.clock = clock
        self.node = node
        self.reaches = reaches
        self.refused = 0
        self._streams: list[Any] = []  # open watch streams, ended by cut()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        verb = _VERBS.get(name)
        if verb is None or not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> simpy.Event:
            if not self.reaches():
                return self._unreachable(verb, name, args)
            ev = attr(*args, **kwargs)
            if name == "watch":
                on_done(ev, self._opened)
            return ev

        return call

    def _opened(self, ev: simpy.Event) -> None:
        if ev.ok:
            self._streams = [s for s in self._streams if not s.closed]
            self._streams.append(ev.value)

    def cut(self) -> None:
        """The network between this node and the control plane just broke."""
        streams, self._streams = self._streams, []
        for s in streams:
            if not s.closed:
                s.close_with(
                    ApiError(
                        status_dict(
                            503,
                            "ServiceUnavailable",
                            f"watch: connection to control-plane:6443 lost (node {self.node} "
                            "is partitioned from the control plane)",
                        )
                    )
                )

    def _unreachable(self, verb: str, method: str, args: tuple[Any, ...]) -> simpy.Event:
        self.refused += 1
        what = args[0] if args else ""
        err = ApiError(
            status_dict(
                503,
                "ServiceUnavailable",
                f"{method} {what}: dial tcp control-plane:6443: connect: network is unreachable "
                f"(node {self.node} is partitioned from the control plane)",
            )
        )
        ev = self.clock.event()
        latency = getattr(getattr(self.inner, "latency", None), "of", lambda _v: 0.0)(verb)

        def fail() -> None:
            ev.fail(err)
            ev.defused = True  # a caller that stopped waiting must not crash the run

        self.clock.call_later(latency, fail)
        return ev
