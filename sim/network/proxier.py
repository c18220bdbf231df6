"""kube-proxy's routing of one new connection on a node: the frontend it hits, the endpoints
its traffic policy allows, and the endpoint its rules pick.

Models the iptables proxier's choices (pkg/proxy/iptables/proxier.go, 1.32): a random endpoint
by `-m statistic --mode random`, i.e. uniform; `-m recent` for sessionAffinity ClientIP with
timeoutSeconds, default 10800; a service with no endpoints at all REJECTs, which the client sees
as a refused connection; a Local policy with no local endpoint DROPs. `ProxyTables` (proxy.py)
owns one `Proxier` and hands it its versioned log and `node_version`, the node views it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.network.changetracker import Endpoint, ServiceState, categorize

if TYPE_CHECKING:
    from sim.core import RandomStream
    from sim.network.versioned import VersionedMap

# outcomes of routing on a node (reasons the traffic module reports)
NO_ENDPOINT = "no ready endpoint"
NO_LOCAL_ENDPOINT = "no local endpoint"
NO_SERVICE = "no such service"


@dataclass(frozen=True, slots=True)
class Route:
    """Where a node's rules send one connection: an endpoint, or why nothing."""

    service: str
    endpoint: Endpoint | None
    target_port: int
    reason: str  # "" when an endpoint was chosen
    version: int


class Proxier:
    """Route connections through a node's (possibly stale) view (see the module docstring):
    `services` and `frontends` are the shared log's histories, `node_version(node)` the version
    of it a node has programmed; `ClientIP` session affinity is remembered here."""

    def __init__(
        self,
        clock: Any,
        stream: RandomStream,
        services: VersionedMap,
        frontends: VersionedMap,
        node_version: Callable[[str], int],
    ):
        self.clock = clock
        self.services = services
        self.frontends = frontends
        self.node_version = node_version
        self._stream = stream
        self._affinity: dict[tuple[str, str, str, str], tuple[str, float]] = {}

    def affinity_entries(self) -> int:
        """How many (node, service, port, client) affinities are remembered."""
        return len(self._affinity)

    def route(
        self,
        node: str,
        *,
        cluster_ip: str = "",
        port: int = 0,
        node_port: int = 0,
        client_ip: str = "",
    ) -> Route:
        """The endpoint node's rules pick for a new connection to cluster_ip:port (internal
        traffic policy) or to this node's node_port (external traffic policy)."""
        v = self.node_version(node)
        fe = ("np", node_port) if node_port else ("ip", cluster_ip)
        key = self.frontends.get(fe, v)
        state = None if key is None else self.services.get(key, v)
        if state is None:
            return Route(key or "", None, 0, NO_SERVICE, v)
        sp = state.node_port(node_port) if node_port else state.port(port)
        if sp is None:
            return Route(state.key, None, 0, NO_SERVICE, v)
        local = state.external_local if node_port else state.internal_local
        candidates = categorize(state.endpoints, node, local)
        if not candidates:
            reason = NO_LOCAL_ENDPOINT if local and state.endpoints else NO_ENDPOINT
            return Route(state.key, None, 0, reason, v)
        ep = self._pick(node, state, sp.name, candidates, client_ip)
        target = next((p for n, p in ep.ports if n == sp.name), sp.port)
        return Route(state.key, ep, target, "", v)

    def _pick(
        self,
        node: str,
        state: ServiceState,
        port_name: str,
        candidates: tuple[Endpoint, ...],
        client_ip: str,
    ) -> Endpoint:
        now = self.clock.now
        akey = (node, state.key, port_name, client_ip)
        if state.session_affinity and client_ip:
            hit = self._affinity.get(akey)
            if hit is not None and hit[1] > now:
                for e in candidates:
                    if e.ip == hit[0]:
                        self._affinity[akey] = (e.ip, now + state.affinity_timeout_s)
                        return e
        ep = candidates[self._stream.integers(0, len(candidates))]
        if state.session_affinity and client_ip:
            self._affinity[akey] = (ep.ip, now + state.affinity_timeout_s)
        return ep
