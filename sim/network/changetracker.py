"""One Service's table as kube-proxy compiles it: its frontends (ClusterIP, ports, NodePorts),
traffic policies, session affinity and endpoints, and the endpoints a traffic policy may use.

Models pkg/proxy (1.32): the service and endpoints change trackers (servicechangetracker.go,
endpointschangetracker.go: a Service plus all its EndpointSlices make one service's table;
BaseEndpointInfo; sessionAffinity ClientIP timeoutSeconds, default 10800) and endpoint
categorisation (topology.go CategorizeEndpoints: ready endpoints, else serving and terminating
ones as the ProxyTerminatingEndpoints fallback; Local traffic policies use the node's own
endpoints). The versioned log of these tables and routing over it are proxy.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # discovery/v1 LabelServiceName
DEFAULT_AFFINITY_S = 10800.0  # core/v1 DefaultClientIPServiceAffinitySeconds


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
