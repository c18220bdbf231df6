"""Traffic: clients that send requests to Services, and what happened to each request.

A client (`spec.cluster.network.clients[]`) sends requests to one Service as a Poisson process
(`rate` per second, from a seeded stream) between `start` and `stop`, from a node, from a pod (the
node it runs on; no requests while it is not running), or from outside through the NodePorts of
`entryNodes` (round robin). Each request:

1. resolves the Service through cluster DNS (its ClusterIP, or its nodePort when external);
2. is routed by the kube-proxy view of the node it enters (`ProxyTables.route`, possibly stale);
3. meets the ground truth: the chosen endpoint's node must be reachable (`Topology.can_connect`)
   and up, the pod must still exist with that IP and run, must not have stopped accepting
   connections while terminating (it keeps serving during a preStop `sleep`), and its
   application must be listening (the `Listening` hook: the simulated host's readiness answer,
   so a pod Ready without a readiness probe still refuses connections while its app starts).

Outcomes (reasons): ok, `no ready endpoint` (REJECT: no endpoints in the node's view),
`no local endpoint` (DROP: Local traffic policy), `no such service`, `node unreachable`,
`endpoint gone`, `connection refused while terminating`, `connection refused` (app not
listening). Latency: round trip along the topology (client host -> entry node -> endpoint node)
plus `serviceTime` for a success; a refused connection costs the round trip to where it was
refused; a dropped packet or an unreachable node costs `timeout`.

`TrafficRecorder` keeps every request (time, client, service, endpoint pod and node, outcome,
reason, latency) and answers per-Service availability and latency percentiles, overall and per
time window, as numbers and as a matplotlib figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.client.runtime import CommittedState, Runtime
from sim.core import Clock
from sim.network.proxy import NO_ENDPOINT, NO_LOCAL_ENDPOINT, NO_SERVICE, ProxyTables
from sim.network.topology import CONTROL_PLANE, EXTERNAL, Topology

OK = "ok"
NODE_UNREACHABLE = "node unreachable"
ENDPOINT_GONE = "endpoint gone"
REFUSED_TERMINATING = "connection refused while terminating"
REFUSED = "connection refused"
REASONS = (
    OK,
    NO_ENDPOINT,
    NO_LOCAL_ENDPOINT,
    NO_SERVICE,
    NODE_UNREACHABLE,
    ENDPOINT_GONE,
    REFUSED_TERMINATING,
    REFUSED,
)
_TIMEOUT_REASONS = (NO_LOCAL_ENDPOINT, NODE_UNREACHABLE)


@dataclass(frozen=True)
class ClientSpec:
    name: str
    namespace: str
    service: str
    port: int  # 0: the Service's first port
    rate_per_s: float
    node: str = ""
    pod: str = ""  # namespace/name
    entry_nodes: tuple[str, ...] = ()  # external client through these nodes' NodePorts
    start_s: float = 0.0
    stop_s: float = math.inf
    timeout_s: float = 1.0
    service_time_s: float = 0.002

    @property
    def external(self) -> bool:
        return bool(self.entry_nodes)


@dataclass(frozen=True, slots=True)
class Request:
    t: float
    client: str
    service: str  # namespace/name
    source: str  # host the request left from
    entry: str  # node whose kube-proxy routed it
    endpoint: str  # pod namespace/name ("" when none)
    endpoint_node: str
    reason: str  # "ok" or why it failed
    latency_s: float

    @property
    def ok(self) -> bool:
        return self.reason == OK


def _prestop_sleep_s(pod: Mapping[str, Any]) -> float:
    """The longest preStop sleep of the pod's containers (sleep action or `sleep N` exec)."""
    best = 0.0
    for c in (pod.get("spec") or {}).get("containers") or ():
        pre = ((c.get("lifecycle") or {}).get("preStop")) or {}
        if "sleep" in pre:
            best = max(best, float((pre["sleep"] or {}).get("seconds") or 0))
        cmd = ((pre.get("exec") or {}).get("command")) or []
        words = " ".join(str(w) for w in cmd).split()
        for i, w in enumerate(words[:-1]):
            if w.endswith("sleep"):
                try:
                    best = max(best, float(words[i + 1]))
                except ValueError:
                    pass
    return best


class PodTruth:
    """What is really at a pod IP now: the committed pods, followed commit by commit."""

    def __init__(self, clock: Clock, state: CommittedState):
        self.clock = clock
        self.by_ip: dict[str, Any] = {}
        self._ip_of: dict[str, str] = {}
        for pod in state.list("pods"):
            self._put(pod)
        state.on_commit(self._observe)

    def _observe(self, verb: str, kind: str, obj: Any) -> None:
        if kind != "Pod":
            return
        if verb == "delete":
            key = f"{obj['metadata']['namespace']}/{obj['metadata']['name']}"
            ip = self._ip_of.pop(key, None)
            if ip is not None and self.by_ip.get(ip) is not None:
                if self.by_ip[ip]["metadata"]["uid"] == obj["metadata"]["uid"]:
                    del self.by_ip[ip]
            return
        self._put(obj)

    def _put(self, pod: Any) -> None:
        key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        ip = (pod.get("status") or {}).get("podIP") or ""
        old = self._ip_of.get(key)
        if old and old != ip and self.by_ip.get(old) is not None:
            if self.by_ip[old]["metadata"]["uid"] == pod["metadata"]["uid"]:
                del self.by_ip[old]
        if ip:
            self._ip_of[key] = ip
            self.by_ip[ip] = pod
        else:
            self._ip_of.pop(key, None)

    def check(self, ip: str, uid: str) -> tuple[str, Any]:
        """(reason, pod): "" when a running pod with that uid holds the IP and accepts."""
        pod = self.by_ip.get(ip)
        if pod is None or (uid and pod["metadata"]["uid"] != uid):
            return ENDPOINT_GONE, pod
        if (pod.get("status") or {}).get("phase") != "Running":
            return ENDPOINT_GONE, pod
        meta = pod["metadata"]
        if meta.get("deletionTimestamp"):
            started = self.clock.seconds_of(meta["deletionTimestamp"]) - float(
                meta.get("deletionGracePeriodSeconds") or 0
            )
            if self.clock.now >= started + _prestop_sleep_s(pod):
                return REFUSED_TERMINATING, pod
        return "", pod


Listening = Callable[[Any], bool]  # pod -> is its application accepting connections now


class TrafficRecorder:
    """Every request, and statistics per Service (module docstring)."""

    def __init__(self) -> None:
        self.requests: list[Request] = []

    def add(self, r: Request) -> None:
        self.requests.append(r)

    def services(self) -> list[str]:
        return sorted({r.service for r in self.requests})

    def _select(self, service: str | None, client: str | None) -> list[Request]:
        return [
            r
            for r in self.requests
            if (service is None or r.service == service) and (client is None or r.client == client)
        ]

    def summary(self, service: str | None = None, client: str | None = None) -> dict[str, Any]:
        """total, ok, availability, latency percentiles (of successes) and failures by reason."""
        rs = self._select(service, client)
        ok = [r.latency_s for r in rs if r.ok]
        fails: dict[str, int] = {}
        for r in rs:
            if not r.ok:
                fails[r.reason] = fails.get(r.reason, 0) + 1
        lat = np.array(ok) if ok else np.array([math.nan])
        return {
            "requests": len(rs),
            "ok": len(ok),
            "availability": (len(ok) / len(rs)) if rs else math.nan,
            "latency_p50_s": float(np.percentile(lat, 50)),
            "latency_p90_s": float(np.percentile(lat, 90)),
            "latency_p99_s": float(np.percentile(lat, 99)),
            "failures": dict(sorted(fails.items())),
        }

    def series(
        self, service: str | None = None, window_s: float = 10.0, client: str | None = None
    ) -> dict[str, np.ndarray]:
        """Per window [t, t + window_s): start time, requests, availability, p50 and p99."""
        rs = self._select(service, client)
        if not rs:
            empty = np.array([])
            return {k: empty for k in ("t", "requests", "availability", "p50_s", "p99_s")}
        t = np.array([r.t for r in rs])
        ok = np.array([r.ok for r in rs])
        lat = np.array([r.latency_s for r in rs])
        bins = np.floor(t / window_s).astype(int)
        starts = np.arange(bins.min(), bins.max() + 1)
        n = np.zeros(len(starts))
        avail = np.full(len(starts), np.nan)
        p50 = np.full(len(starts), np.nan)
        p99 = np.full(len(starts), np.nan)
        for i, b in enumerate(starts):
            m = bins == b
            n[i] = m.sum()
            if n[i]:
                avail[i] = ok[m].mean()
                good = lat[m & ok]
                if len(good):
                    p50[i], p99[i] = np.percentile(good, [50, 99])
        return {
            "t": starts * window_s,
            "requests": n,
            "availability": avail,
            "p50_s": p50,
            "p99_s": p99,
        }

    def plot(self, path: str | None = None, window_s: float = 10.0, title: str = "") -> Any:
        """Availability and latency (p50, p99) over time, one line per Service; saved to `path`."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(9, 6))
        for svc in self.services():
            s = self.series(svc, window_s)
            ax1.plot(s["t"], 100 * s["availability"], drawstyle="steps-post", label=svc)
            (line,) = ax2.plot(s["t"], 1000 * s["p50_s"], label=f"{svc} p50")
            ax2.plot(
                s["t"],
                1000 * s["p99_s"],
                linestyle="--",
                color=line.get_color(),
                label=f"{svc} p99",
            )
        ax1.set_ylabel("availability (%)")
        ax1.set_ylim(-2, 102)
        ax1.legend(loc="lower left", fontsize="small")
        ax2.set_ylabel("latency (ms)")
        ax2.set_xlabel("simulated time (s)")
        ax2.legend(loc="upper left", fontsize="small")
        fig.suptitle(title or f"Service traffic ({window_s:g} s windows)")
        fig.tight_layout()
        if path:
            fig.savefig(path, dpi=100)
            plt.close(fig)
        return fig


class TrafficEngine:
    """Runs the clients (module docstring)."""

    def __init__(
        self,
        runtime: Runtime,
        state: CommittedState,
        topology: Topology,
        tables: ProxyTables,
        truth: PodTruth,
        *,
        listening: Listening | None = None,
        host_up: Callable[[str], bool] | None = None,
    ):
        self.streams = runtime.streams
        self.clock = runtime.clock
        self.state = state
        self.topology = topology
        self.tables = tables
        self.truth = truth
        self.listening = listening or (lambda pod: True)
        self.host_up = host_up or (lambda node: True)
        self.recorder = TrafficRecorder()
        self.clients: dict[str, ClientSpec] = {}

    def add_client(self, spec: ClientSpec) -> None:
        if spec.name in self.clients:
            raise ValueError(f"duplicate traffic client {spec.name!r}")
        self.clients[spec.name] = spec
        self.clock.process(self._run(spec))

    def _run(self, spec: ClientSpec) -> Any:
        stream = self.streams.stream(f"traffic/{spec.name}")
        if spec.start_s > self.clock.now:
            yield self.clock.timeout(spec.start_s - self.clock.now)
        i = 0
        while True:
            yield self.clock.timeout(stream.exponential(1.0 / spec.rate_per_s))
            if self.clock.now >= spec.stop_s:
                return
            r = self.send(spec, i)
            i += 1
            if r is not None:
                self.recorder.add(r)

    # -- one request -------------------------------------------------------------------------
    def send(self, spec: ClientSpec, seq: int = 0) -> Request | None:
        """Send one request now; None when the client itself is not running."""
        svc_key = f"{spec.namespace}/{spec.service}"
        if spec.pod:
            pod = self._pod(spec.pod)
            if pod is None:
                return None
            source = entry = pod["spec"]["nodeName"]
            client_ip = pod["status"]["podIP"]
        elif spec.external:
            source, entry = EXTERNAL, spec.entry_nodes[seq % len(spec.entry_nodes)]
            client_ip = f"203.0.113.{1 + seq % 250}"
        else:
            source = entry = spec.node
            client_ip = spec.node
        svc = self._service(spec.namespace, spec.service)
        if svc is None:
            return self._req(spec, svc_key, source, entry, None, NO_SERVICE, 0.0)
        port = self._port(svc, spec)
        if spec.external:
            if not self.topology.can_connect(source, entry) or not self.host_up(entry):
                return self._req(
                    spec, svc_key, source, entry, None, NODE_UNREACHABLE, spec.timeout_s
                )
            route = self.tables.route(entry, node_port=port, client_ip=client_ip)
        else:
            route = self.tables.route(
                entry, cluster_ip=svc["spec"].get("clusterIP", ""), port=port, client_ip=client_ip
            )
        hop = self.topology.latency_s(source, entry) if source != entry else 0.0
        ep = route.endpoint
        if ep is None:
            cost = spec.timeout_s if route.reason in _TIMEOUT_REASONS else 2 * hop
            return self._req(spec, svc_key, source, entry, None, route.reason, cost)
        target = ep.node or CONTROL_PLANE
        if not self.topology.can_connect(entry, target) or not self.host_up(target):
            return self._req(spec, svc_key, source, entry, ep, NODE_UNREACHABLE, spec.timeout_s)
        rtt = 2 * (hop + self.topology.latency_s(entry, target))
        reason = ""
        if ep.pod:
            reason, pod = self.truth.check(ep.ip, ep.uid)
            if not reason and not self.listening(pod):
                reason = REFUSED
        if reason:
            return self._req(spec, svc_key, source, entry, ep, reason, rtt)
        return self._req(spec, svc_key, source, entry, ep, OK, rtt + spec.service_time_s)

    def _req(
        self, spec: ClientSpec, svc: str, source: str, entry: str, ep: Any, reason: str, lat: float
    ) -> Request:
        return Request(
            t=self.clock.now,
            client=spec.name,
            service=svc,
            source=source,
            entry=entry,
            endpoint=ep.pod if ep is not None else "",
            endpoint_node=ep.node if ep is not None else "",
            reason=reason,
            latency_s=lat,
        )

    def _pod(self, key: str) -> Any:
        ns, _, name = key.partition("/")
        pod = self.state.get("pods", name, namespace=ns)
        if pod is None:  # the client pod is gone
            return None
        status = pod.get("status") or {}
        if status.get("phase") != "Running" or not status.get("podIP"):
            return None
        return pod

    def _service(self, namespace: str, name: str) -> Any:
        return self.state.get("services", name, namespace=namespace)  # None: NXDOMAIN

    @staticmethod
    def _port(svc: Any, spec: ClientSpec) -> int:
        ports = svc["spec"].get("ports") or []
        chosen = next((p for p in ports if p["port"] == spec.port), None) if spec.port else None
        if chosen is None and ports:
            chosen = ports[0]
        if chosen is None:
            return 0
        return int(chosen.get("nodePort") or 0) if spec.external else int(chosen["port"])
