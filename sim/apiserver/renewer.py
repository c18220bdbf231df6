"""The renewer port of the in-process client: standing renewals, by resource and name.

`InProcessRenewer` is what `InProcessClient.renewer` hands a component (the `LeaseRenewer`
protocol of sim/client/interface.py): it starts and stops standing renewals of the server's
registry (sim/apiserver/renewals.py) and reads what they wrote, so the kubelet's heartbeat and
the node lifecycle controller never see the server, its store or its registry. What a renewal
stamps follows from the kind: a Lease's spec.renewTime, a Node's conditions' lastHeartbeatTime.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.api.kinds import Kind
from sim.apiserver.keys import object_key
from sim.apiserver.renewals import LEASE_RENEW_TIME, NODE_HEARTBEAT, Stamp, StandingRenewal
from sim.apiserver.server import ApiServer
from sim.apiserver.storage import RegistryStore

_STAMPS: dict[str, Stamp] = {"Lease": LEASE_RENEW_TIME, "Node": NODE_HEARTBEAT}


class InProcessRenewer:
    """A `LeaseRenewer` over the in-process API server's standing renewals."""

    def __init__(self, server: ApiServer):
        self._kind = server.kind
        self._renewals = server.renewals
        self._store = server.store

    @property
    def enabled(self) -> bool:
        return self._renewals.enabled

    def _key(self, resource: str, name: str, namespace: str | None) -> tuple[Kind, str]:
        kind = self._kind(resource)
        return kind, object_key(kind, RegistryStore.ns(kind, namespace), name)

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
    ) -> StandingRenewal:
        kind = self._kind(resource)
        stamp = _STAMPS.get(kind.kind)
        if stamp is None:
            raise ValueError(f"no standing renewal is defined for {kind.kind}")
        return self._renewals.start(
            kind,
            RegistryStore.ns(kind, namespace),
            name,
            user=user,
            period_s=period_s,
            phase_s=phase_s,
            stamp=stamp,
            on_lost=on_lost,
        )

    def stop(self, resource: str, name: str, *, namespace: str | None = None) -> None:
        self._renewals.stop(self._key(resource, name, namespace)[1])

    def renewal(
        self, resource: str, name: str, *, namespace: str | None = None
    ) -> StandingRenewal | None:
        return self._renewals.by_key.get(self._key(resource, name, namespace)[1])

    def current(self, resource: str, name: str, *, namespace: str | None = None) -> str | None:
        return self._renewals.current(self._key(resource, name, namespace)[1])

    def supersede(self, resource: str, name: str, *, namespace: str | None = None) -> None:
        self._renewals.supersede(self._key(resource, name, namespace)[1])

    def last_renewed(self, resource: str, name: str, *, namespace: str | None = None) -> Any:
        kv = self._store.get(self._key(resource, name, namespace)[1])
        return kv.value if kv is not None else None

    def add_listener(self, fn: Callable[[str], None]) -> None:
        self._renewals.add_listener(lambda key: fn(key.rsplit("/", 1)[-1]))
