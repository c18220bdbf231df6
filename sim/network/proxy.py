"""kube-proxy on every node: versioned shared tables, per-node propagation delay, iptables routing.

Models pkg/proxy (1.32): the service and endpoints change trackers (servicechangetracker.go,
endpointschangetracker.go: a Service plus all its EndpointSlices make one service's table),
endpoint categorisation (topology.go CategorizeEndpoints: ready endpoints, else serving and
terminating ones as the ProxyTerminatingEndpoints fallback; Local traffic policies use the
node's own endpoints), and the iptables proxier's choices (iptables/proxier.go: a random
endpoint by `-m statistic --mode random`, i.e. uniform; `-m recent` for sessionAffinity ClientIP
with timeoutSeconds, default 10800; a service with no endpoints at all REJECTs, which the client
sees as a refused connection; a Local policy with no local endpoint DROPs).

Cost does not grow with nodes x changes. One shared log holds every version of every service's
table (`ProxyTables`): a change appends one entry. A node's kube-proxy holds no copy: its view
is the newest version committed at least `delay(node)` seconds ago (its watch and sync delay:
`syncDelay` plus a per-node jitter derived from the seed and the node name), computed by a
binary search when the node routes a connection. A node cut off from the control plane (the
topology says it cannot connect to it) keeps the version it had; when it can connect again it
catches up after its delay, as a relisting kube-proxy does. Versions no node can still see are
compacted away.

Informers feed the log (kube-proxy watches Services and EndpointSlices); changes at one instant
become one version, as kube-proxy's minSyncPeriod batches them.

The tables themselves (`ServiceState`, `compile_service`, `categorize`) are changetracker.py;
the log's storage (`VersionedMap`) is versioned.py; routing a connection through a node's view
(`route`, `Route`) is proxier.py's `Proxier`, a collaborator `ProxyTables` owns and hands the
log and its `node_version`.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.network.changetracker import (
    DEFAULT_AFFINITY_S,
    SERVICE_NAME_LABEL,
    Endpoint,
    ServicePort,
    ServiceState,
    compile_service,
)
from sim.network.proxier import NO_ENDPOINT, NO_LOCAL_ENDPOINT, NO_SERVICE, Proxier, Route
from sim.network.topology import CONTROL_PLANE, Topology
from sim.network.versioned import VersionedMap

__all__ = [
    "DEFAULT_AFFINITY_S",
    "DEFAULT_SYNC_DELAY_S",
    "DEFAULT_SYNC_JITTER",
    "NO_ENDPOINT",
    "NO_LOCAL_ENDPOINT",
    "NO_SERVICE",
    "SERVICE_NAME_LABEL",
    "Endpoint",
    "ProxyTables",
    "Route",
    "ServicePort",
    "ServiceState",
    "VersionedMap",
    "compile_service",
]

if TYPE_CHECKING:
    from sim.core import RandomStream

DEFAULT_SYNC_DELAY_S = 1.0  # kube-proxy iptables minSyncPeriod default
DEFAULT_SYNC_JITTER = 0.5


class ProxyTables:
    """The shared versioned log and every node's view of it (module docstring); connections are
    routed through a node's view by the `Proxier` it owns (`route` is the proxier's)."""

    def __init__(
        self,
        clock: Any,
        topology: Topology,
        stream: RandomStream,
        *,
        seed: int = 0,
        trace: Any = None,
        sync_delay_s: float = DEFAULT_SYNC_DELAY_S,
        sync_jitter: float = DEFAULT_SYNC_JITTER,
    ):
        self.clock = clock
        self.topology = topology
        self.trace = trace
        self.seed = seed
        self.sync_delay_s = sync_delay_s
        self.sync_jitter = sync_jitter
        self.version = 0
        self._times: list[float] = []  # commit time of version (_base + i + 1)
        self._base = 0
        self.services = VersionedMap()  # service key -> ServiceState | None
        self.frontends = VersionedMap()  # ("ip", clusterIP) or ("np", nodePort) -> service key
        self._frozen: dict[str, int] = {}
        self._resume: dict[str, tuple[float, int]] = {}
        self._delays: dict[str, float] = {}
        self._dirty: set[str] = set()
        self._flush_scheduled = False
        self._since_compact = 0
        self._source: Any = None
        self.proxier = Proxier(clock, stream, self.services, self.frontends, self.node_version)
        self.route = self.proxier.route  # bound once: traffic routes every connection
        topology.add_listener(self._topology_changed)

    # -- feeding the log ---------------------------------------------------------------------
    def attach(self, svc_informer: Any, slice_informer: Any) -> None:
        """Follow Services and EndpointSlices from two started informers."""
        self._source = (svc_informer, slice_informer)
        slice_informer.add_indexers({"serviceName": _index_by_service_name})
        svc_informer.add_event_handler(
            on_add=self._svc, on_update=lambda _o, n: self._svc(n), on_delete=self._svc
        )
        slice_informer.add_event_handler(
            on_add=self._slice, on_update=lambda _o, n: self._slice(n), on_delete=self._slice
        )

    def _svc(self, svc: Any) -> None:
        self.mark_dirty(f"{svc['metadata']['namespace']}/{svc['metadata']['name']}")

    def _slice(self, es: Any) -> None:
        name = (es["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL)
        if name:
            self.mark_dirty(f"{es['metadata']['namespace']}/{name}")

    def mark_dirty(self, key: str) -> None:
        self._dirty.add(key)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self.clock.call_later(0, self.flush)

    def flush(self) -> None:
        """Recompile every dirty service from the informers; one new version if anything changed."""
        self._flush_scheduled = False
        dirty, self._dirty = sorted(self._dirty), set()
        if self._source is None:
            return
        svc_inf, slice_inf = self._source
        states = {
            key: compile_service(
                svc_inf.indexer.get(key), slice_inf.indexer.by_index("serviceName", key)
            )
            for key in dirty
        }
        self.commit(states)

    def commit(self, states: Mapping[str, ServiceState | None]) -> int:
        """Append one version holding the given service tables (None deletes a service)."""
        version = self.version + 1
        changed = False
        for key in sorted(states):
            state = states[key]
            old = self.services.latest(key)
            if not self.services.put(key, version, state):
                continue
            changed = True
            for fe in _frontends(old):
                if state is None or fe not in _frontends(state):
                    if self.frontends.latest(fe) == key:
                        self.frontends.put(fe, version, None)
            for fe in _frontends(state):
                self.frontends.put(fe, version, key)
            if self.trace is not None:
                n = 0 if state is None else sum(e.ready for e in state.endpoints)
                self.trace.record("kube-proxy", "sync", key, str(version), f"{n} ready")
        if not changed:
            return self.version
        self.version = version
        self._times.append(self.clock.now)
        self._since_compact += 1
        if self._since_compact >= max(64, len(self.services._h)):
            self.compact()
        return version

    # -- per-node views ----------------------------------------------------------------------
    def delay_s(self, node: str) -> float:
        """This node's watch-and-sync delay: syncDelay * (1 + jitter * u), u in [0, 1) from
        a hash of (seed, node), so it does not depend on which node asked first."""
        d = self._delays.get(node)
        if d is None:
            h = hashlib.blake2b(f"{self.seed}/kube-proxy/{node}".encode(), digest_size=8).digest()
            u = int.from_bytes(h, "big") / 2**64
            d = self._delays[node] = self.sync_delay_s * (1 + self.sync_jitter * u)
        return d

    def version_at(self, t: float) -> int:
        return self._base + bisect_right(self._times, t)

    def node_version(self, node: str) -> int:
        """The table version node's kube-proxy has programmed now."""
        frozen = self._frozen.get(node)
        if frozen is not None:
            return frozen
        now = self.clock.now
        v = self.version_at(now - self.delay_s(node))
        r = self._resume.get(node)
        if r is not None:
            if now < r[0]:
                return r[1]
            del self._resume[node]
            v = max(v, r[1])
        return max(v, self._base)

    def _topology_changed(self) -> None:
        if self.topology.is_whole and not self._frozen:
            return  # the common case (nodes joining): nothing to freeze or resume
        connected = self.topology.connected_to(CONTROL_PLANE)
        for node in self.topology.nodes():
            if node not in connected and node not in self._frozen:
                self._frozen[node] = self.node_version(node)
                self._trace("freeze", node, self._frozen[node])
            elif node in connected and node in self._frozen:
                v = self._frozen.pop(node)
                self._resume[node] = (self.clock.now + self.delay_s(node), v)
                self._trace("resume", node, v)
        for node in sorted(set(self._frozen) - set(self.topology.nodes())):
            del self._frozen[node]

    def _trace(self, verb: str, node: str, version: int) -> None:
        if self.trace is not None:
            self.trace.record("kube-proxy", verb, f"nodes/{node}", str(version), "")

    def compact(self) -> int:
        """Forget versions that no node can still see."""
        self._since_compact = 0
        floor = self.version_at(self.clock.now - self.sync_delay_s * (1 + self.sync_jitter))
        for v in self._frozen.values():
            floor = min(floor, v)
        for _, v in self._resume.values():
            floor = min(floor, v)
        if floor <= self._base:
            return 0
        dropped = self.services.compact(floor) + self.frontends.compact(floor)
        del self._times[: floor - self._base]
        self._base = floor
        return dropped

    # -- reading a node's view ---------------------------------------------------------------
    def service(self, node: str, key: str) -> ServiceState | None:
        return self.services.get(key, self.node_version(node))

    def service_for_ip(self, node: str, ip: str) -> ServiceState | None:
        v = self.node_version(node)
        key = self.frontends.get(("ip", ip), v)
        return None if key is None else self.services.get(key, v)

    def view(self, node: str) -> dict[str, ServiceState]:
        """Every service table node has programmed (for tests and `kubesim` inspection)."""
        v = self.node_version(node)
        out = {}
        for key in self.services.keys():
            st = self.services.get(key, v)
            if st is not None:
                out[key] = st
        return out

    # -- sizes (benchmarks, docs) ------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        return {
            "version": self.version,
            "retained_versions": len(self._times),
            "service_entries": self.services.entries(),
            "frontend_entries": self.frontends.entries(),
            "frozen_nodes": len(self._frozen),
            "affinity_entries": self.proxier.affinity_entries(),
        }


def _frontends(state: ServiceState | None) -> list[tuple[str, Any]]:
    if state is None:
        return []
    out: list[tuple[str, Any]] = []
    if state.cluster_ip:
        out.append(("ip", state.cluster_ip))
    out += [("np", p.node_port) for p in state.ports if p.node_port]
    return out


def _index_by_service_name(es: Any) -> list[str]:
    name = (es["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL)
    return [f"{es['metadata']['namespace']}/{name}"] if name else []
