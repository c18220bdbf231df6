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
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.network.topology import CONTROL_PLANE, Topology

if TYPE_CHECKING:
    from sim.core import RandomStream

SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # discovery/v1 LabelServiceName
DEFAULT_AFFINITY_S = 10800.0  # core/v1 DefaultClientIPServiceAffinitySeconds
DEFAULT_SYNC_DELAY_S = 1.0  # kube-proxy iptables minSyncPeriod default
DEFAULT_SYNC_JITTER = 0.5

# outcomes of routing on a node (reasons the traffic module reports)
NO_ENDPOINT = "no ready endpoint"
NO_LOCAL_ENDPOINT = "no local endpoint"
NO_SERVICE = "no such service"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One address of an EndpointSlice as kube-proxy keeps it (BaseEndpointInfo)."""

    ip: str
    node: str
    zone: str
    ready: bool
    serving: bool
    terminating: bool
    pod: str  # namespace/name of the targetRef, "" if none
    uid: str
    ports: tuple[tuple[str, int], ...]  # (service port name, target port)


@dataclass(frozen=True, slots=True)
class ServicePort:
    name: str
    port: int
    protocol: str
    node_port: int


@dataclass(frozen=True, slots=True)
class ServiceState:
    """A service's table: its frontends, policies and endpoints (sorted by IP)."""

    key: str
    type: str
    cluster_ip: str
    ports: tuple[ServicePort, ...]
    session_affinity: bool
    affinity_timeout_s: float
    internal_local: bool
    external_local: bool
    endpoints: tuple[Endpoint, ...]

    def port(self, number: int) -> ServicePort | None:
        for p in self.ports:
            if p.port == number:
                return p
        return None

    def node_port(self, number: int) -> ServicePort | None:
        for p in self.ports:
            if p.node_port == number:
                return p
        return None


@dataclass(frozen=True, slots=True)
class Route:
    """Where a node's rules send one connection: an endpoint, or why nothing."""

    service: str
    endpoint: Endpoint | None
    target_port: int
    reason: str  # "" when an endpoint was chosen
    version: int


class VersionedMap:
    """key -> [(version, value)] histories; read any retained version by binary search."""

    def __init__(self) -> None:
        self._h: dict[Any, list[tuple[int, Any]]] = {}

    def put(self, key: Any, version: int, value: Any) -> bool:
        h = self._h.setdefault(key, [])
        if h and h[-1][1] == value:
            return False
        if h and h[-1][0] == version:
            h[-1] = (version, value)
        else:
            h.append((version, value))
        return True

    def get(self, key: Any, version: int) -> Any:
        h = self._h.get(key)
        if not h:
            return None
        i = bisect_right(h, version, key=lambda e: e[0]) - 1
        return h[i][1] if i >= 0 else None

    def latest(self, key: Any) -> Any:
        h = self._h.get(key)
        return h[-1][1] if h else None

    def keys(self) -> list[Any]:
        return sorted(self._h)

    def compact(self, floor: int) -> int:
        """Drop versions older than the one in force at `floor`; returns entries dropped."""
        dropped = 0
        for key in list(self._h):
            h = self._h[key]
            i = bisect_right(h, floor, key=lambda e: e[0]) - 1
            if i > 0:
                del h[:i]
                dropped += i
            if len(h) == 1 and h[0][1] is None and h[0][0] <= floor:
                del self._h[key]
                dropped += 1
        return dropped

    def entries(self) -> int:
        return sum(len(h) for h in self._h.values())


def _pod_ref(ep: Mapping[str, Any]) -> tuple[str, str]:
    ref = ep.get("targetRef") or {}
    if ref.get("kind", "Pod") != "Pod" or not ref.get("name"):
        return "", ""
    return f"{ref.get('namespace', '')}/{ref['name']}", ref.get("uid", "")


def compile_service(svc: Mapping[str, Any] | None, slices: list[Any]) -> ServiceState | None:
    """One service's table from the Service and its EndpointSlices (None: no frontend)."""
    if svc is None:
        return None
    spec = svc.get("spec") or {}
    if spec.get("type") == "ExternalName":
        return None
    meta = svc["metadata"]
    ports = tuple(
        ServicePort(
            p.get("name", ""), int(p["port"]), p.get("protocol", "TCP"), int(p.get("nodePort") or 0)
        )
        for p in spec.get("ports") or ()
    )
    seen: dict[str, Endpoint] = {}
    for es in sorted(slices, key=lambda s: s["metadata"]["name"]):
        if es.get("addressType", "IPv4") != "IPv4":
            continue
        es_ports = tuple(
            (p.get("name", ""), int(p["port"])) for p in es.get("ports") or () if p.get("port")
        )
        for ep in es.get("endpoints") or ():
            cond = ep.get("conditions") or {}
            ready = cond.get("ready") is not False  # nil means ready (discovery/v1)
            pod, uid = _pod_ref(ep)
            for ip in (ep.get("addresses") or ())[:1]:
                if ip in seen:
                    continue  # a pod moving between slices: the first slice wins, as upstream
                seen[ip] = Endpoint(
                    ip=ip,
                    node=ep.get("nodeName") or "",
                    zone=ep.get("zone") or "",
                    ready=ready,
                    serving=cond.get("serving", ready) is not False,
                    terminating=bool(cond.get("terminating")),
                    pod=pod,
                    uid=uid,
                    ports=es_ports,
                )
    affinity = spec.get("sessionAffinity") == "ClientIP"
    timeout = ((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get(
        "timeoutSeconds"
    )
    cluster_ip = spec.get("clusterIP") or ""
    return ServiceState(
        key=f"{meta['namespace']}/{meta['name']}",
        type=spec.get("type", "ClusterIP"),
        cluster_ip="" if cluster_ip == "None" else cluster_ip,
        ports=ports,
        session_affinity=affinity,
        affinity_timeout_s=float(timeout or DEFAULT_AFFINITY_S),
        internal_local=spec.get("internalTrafficPolicy") == "Local",
        external_local=spec.get("externalTrafficPolicy") == "Local",
        endpoints=tuple(seen[ip] for ip in sorted(seen)),
    )


def categorize(endpoints: tuple[Endpoint, ...], node: str, local: bool) -> tuple[Endpoint, ...]:
    """CategorizeEndpoints for one traffic policy: ready ones, else serving-terminating ones."""
    pool = [e for e in endpoints if e.node == node] if local else list(endpoints)
    ready = [e for e in pool if e.ready]
    if ready:
        return tuple(ready)
    return tuple(e for e in pool if e.serving and e.terminating)


class ProxyTables:
    """The shared versioned log and every node's view of it (module docstring)."""

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
        self._stream = stream
        self._times: list[float] = []  # commit time of version (_base + i + 1)
        self._base = 0
        self.services = VersionedMap()  # service key -> ServiceState | None
        self.frontends = VersionedMap()  # ("ip", clusterIP) or ("np", nodePort) -> service key
        self._frozen: dict[str, int] = {}
        self._resume: dict[str, tuple[float, int]] = {}
        self._delays: dict[str, float] = {}
        self._affinity: dict[tuple[str, str, str, str], tuple[str, float]] = {}
        self._dirty: set[str] = set()
        self._flush_scheduled = False
        self._since_compact = 0
        self._source: Any = None
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

    # -- routing -----------------------------------------------------------------------------
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

    # -- sizes (benchmarks, docs) ------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        return {
            "version": self.version,
            "retained_versions": len(self._times),
            "service_entries": self.services.entries(),
            "frontend_entries": self.frontends.entries(),
            "frozen_nodes": len(self._frozen),
            "affinity_entries": len(self._affinity),
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
