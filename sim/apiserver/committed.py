"""The API server's committed objects, read-only: the `CommittedState` port
(sim/client/runtime.py) the composition root hands the network model.

The network is a model of the physical world: a packet reaches what is really at an address, not
what an informer has seen yet, so it follows committed truth. This view lets it read and follow
that truth without holding the server: `get` answers None for a missing object, `list` the
stored (frozen) items, and `on_commit` passes the Kind's name rather than the Kind.
"""

from __future__ import annotations

from typing import Any

from sim.api.errors import ApiError
from sim.apiserver.server import ApiServer

__all__ = ["CommittedView"]


class CommittedView:
    """The API server's committed objects, read-only: the `CommittedState` port of the network
    model (sim/client/runtime.py says why the network follows committed truth)."""

    def __init__(self, api: ApiServer):
        self._api = api

    def get(self, kind: str, name: str, *, namespace: str | None = None) -> Any:
        try:
            return self._api.get(kind, name, namespace=namespace)
        except ApiError:
            return None

    def list(
        self, kind: str, *, namespace: str | None = None, label_selector: str | None = None
    ) -> list[Any]:
        items: list[Any] = self._api.list(kind, namespace=namespace, label_selector=label_selector)[
            "items"
        ]
        return items

    def on_commit(self, fn: Any) -> None:
        self._api.observe(lambda verb, kind, obj: fn(verb, kind.kind, obj))
