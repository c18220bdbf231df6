"""The network of a cluster: addresses, topology, kube-proxy and traffic, from `spec.cluster.network`.

```yaml
spec:
  cluster:
    network:
      serviceCIDR: 10.96.0.0/12        # kube-apiserver --service-cluster-ip-range
      nodePortRange: 30000-32767       # --service-node-port-range
      clusterDomain: cluster.local
      topology:
        zones: [{name: zone-a, latency: 1ms}]            # zone switch <-> core, one way
        racks: [{name: rack-1, zone: zone-a, latency: 200us}]
        nodeLatency: 100us                                # node <-> its rack, zone or core
        controlPlane: {zone: zone-a}                      # or {rack: r}; default the core
        nodes: {pool-1: {rack: rack-1}}                   # placement by node name (optional)
        links: [{between: [zone-a, zone-b], latency: 3ms}]
      proxy: {syncDelay: 1s, syncJitter: 0.5}
      clients:
        - {name: c1, service: web, namespace: default, port: 80, rate: 20,
           from: {node: pool-1}, start: 10s, stop: 10m, timeout: 1s, serviceTime: 2ms}
        # from: {pod: default/client}  or  from: {external: [pool-1, pool-2]} (NodePort)
```

`install(runtime, config, state=..., hosts=...)` validates the section (ConfigError naming the
field) and builds the `Network`; the composition root then puts the ClusterIP/NodePort
allocator (`network.ipam`) into the API server, calls `start()` (Node objects into the
topology), creates the `kubernetes` Service at the first service IP
(`network.kubernetes_service()`) and calls `start_traffic()` (kube-proxy's informers, the
traffic clients). The allocator and that Service belong to the API server, as upstream's
allocator and bootstrap controller run in kube-apiserver. The network sees committed objects
through the read-only `CommittedState` port and the hosts through the `HostPower` port
(sim/client/runtime.py). The
`Network` offers the timeline's network actions (`cut_link`, `heal_link`, `partition`,
`isolate`, `heal`) and the traffic results (`traffic.summary()`, `traffic.plot()`).
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable, Mapping
from typing import Any

from sim.api.errors import ApiError
from sim.client.runtime import CommittedState, HostPower, Runtime
from sim.core import ConfigError, parse_duration
from sim.network.ipam import CLUSTER_DOMAIN, SERVICE_CIDR, DnsResolver, ServiceIPAM
from sim.network.proxy import DEFAULT_SYNC_DELAY_S, DEFAULT_SYNC_JITTER, ProxyTables
from sim.network.topology import Topology, TopologyError, parse_latency
from sim.network.traffic import ClientSpec, PodTruth, TrafficEngine, TrafficRecorder

SECTION = "spec.cluster.network"
CONTROL_PLANE_IP = "172.18.0.1"  # beside the kubelet's node IPs (172.18.0.2 and up)
APISERVER_PORT = 6443
_KEYS = (
    "serviceCIDR",
    "nodePortRange",
    "clusterDomain",
    "topology",
    "proxy",
    "clients",
    "kubernetesService",
)


def _fail(field: str, what: str) -> ConfigError:
    return ConfigError(f"{SECTION}.{field}: {what}")


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(field, "expected a mapping")
    return value


def _seq(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(field, "expected a list")
    return value


def _unknown(m: Mapping[str, Any], allowed: Iterable[str], field: str) -> None:
    extra = sorted(set(m) - set(allowed))
    if extra:
        raise _fail(
            f"{field}.{extra[0]}" if field else extra[0],
            f"unknown field (expected {', '.join(allowed)})",
        )


def _duration(value: Any, field: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as e:
        raise _fail(field, str(e)) from None


def _port_range(value: Any) -> tuple[int, int]:
    try:
        lo, _, hi = str(value).partition("-")
        out = (int(lo), int(hi or lo))
    except ValueError:
        out = (0, -1)
    if not 0 < out[0] <= out[1] <= 65535:
        raise _fail("nodePortRange", f"expected a port range such as 30000-32767, got {value!r}")
    return out


def build_topology(topology: Topology, cfg: Mapping[str, Any]) -> None:
    """Fill a Topology from the `topology` section."""
    f = "topology"
    _unknown(cfg, ("zones", "racks", "nodeLatency", "controlPlane", "nodes", "links"), f)
    if "nodeLatency" in cfg:
        topology.node_link_s = parse_latency(cfg["nodeLatency"], f"{SECTION}.{f}.nodeLatency")
    for i, z in enumerate(_seq(cfg.get("zones"), f"{f}.zones")):
        z = _mapping(z, f"{f}.zones[{i}]")
        _unknown(z, ("name", "latency"), f"{f}.zones[{i}]")
        if not z.get("name"):
            raise _fail(f"{f}.zones[{i}].name", "required")
        lat = parse_latency(z.get("latency", "1ms"), f"{SECTION}.{f}.zones[{i}].latency")
        topology.add_zone(str(z["name"]), lat)
    for i, r in enumerate(_seq(cfg.get("racks"), f"{f}.racks")):
        r = _mapping(r, f"{f}.racks[{i}]")
        _unknown(r, ("name", "zone", "latency"), f"{f}.racks[{i}]")
        if not r.get("name"):
            raise _fail(f"{f}.racks[{i}].name", "required")
        lat = parse_latency(r.get("latency", "200us"), f"{SECTION}.{f}.racks[{i}].latency")
        topology.add_rack(str(r["name"]), r.get("zone"), lat)
    cp = _mapping(cfg.get("controlPlane"), f"{f}.controlPlane")
    _unknown(cp, ("zone", "rack"), f"{f}.controlPlane")
    if cp:
        try:
            topology.attach_control_plane(zone=cp.get("zone"), rack=cp.get("rack"))
        except TopologyError as e:
            raise _fail(f"{f}.controlPlane", e.message) from None
    for name, place in sorted(_mapping(cfg.get("nodes"), f"{f}.nodes").items()):
        place = _mapping(place, f"{f}.nodes.{name}")
        _unknown(place, ("zone", "rack"), f"{f}.nodes.{name}")
        topology.placement[str(name)] = {k: str(v) for k, v in place.items()}
    for i, link in enumerate(_seq(cfg.get("links"), f"{f}.links")):
        link = _mapping(link, f"{f}.links[{i}]")
        _unknown(link, ("between", "latency"), f"{f}.links[{i}]")
        ends = link.get("between")
        if not isinstance(ends, list) or len(ends) != 2:
            raise _fail(f"{f}.links[{i}].between", "expected two names")
        lat = parse_latency(link.get("latency", "1ms"), f"{SECTION}.{f}.links[{i}].latency")
        try:
            topology.add_link(str(ends[0]), str(ends[1]), lat)
        except TopologyError as e:
            raise _fail(f"{f}.links[{i}].between", e.message) from None


def parse_client(raw: Any, i: int) -> ClientSpec:
    f = f"clients[{i}]"
    c = _mapping(raw, f)
    _unknown(
        c,
        (
            "name",
            "service",
            "namespace",
            "port",
            "rate",
            "from",
            "start",
            "stop",
            "timeout",
            "serviceTime",
        ),
        f,
    )
    for req in ("name", "service", "rate", "from"):
        if c.get(req) in (None, ""):
            raise _fail(f"{f}.{req}", "required")
    try:
        rate = float(c["rate"])
    except (TypeError, ValueError):
        rate = -1.0
    if not rate > 0 or isinstance(c["rate"], bool):
        raise _fail(f"{f}.rate", f"expected requests per second > 0, got {c['rate']!r}")
    src = _mapping(c["from"], f"{f}.from")
    _unknown(src, ("node", "pod", "external"), f"{f}.from")
    if len(src) != 1:
        raise _fail(f"{f}.from", "expected exactly one of node, pod, external")
    node, pod, external = src.get("node", ""), src.get("pod", ""), src.get("external")
    entry: tuple[str, ...] = ()
    if external is not None:
        if not isinstance(external, list) or not external:
            raise _fail(f"{f}.from.external", "expected a list of entry node names")
        entry = tuple(str(n) for n in external)
    ns = str(c.get("namespace") or "default")
    if pod and "/" not in str(pod):
        pod = f"{ns}/{pod}"
    port = c.get("port", 0)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise _fail(f"{f}.port", f"expected a port number, got {port!r}")
    return ClientSpec(
        name=str(c["name"]),
        namespace=ns,
        service=str(c["service"]),
        port=port,
        rate_per_s=rate,
        node=str(node),
        pod=str(pod),
        entry_nodes=entry,
        start_s=_duration(c.get("start", 0), f"{f}.start"),
        stop_s=_duration(c["stop"], f"{f}.stop") if "stop" in c else math.inf,
        timeout_s=_duration(c.get("timeout", "1s"), f"{f}.timeout"),
        service_time_s=_duration(c.get("serviceTime", "2ms"), f"{f}.serviceTime"),
    )


class Network:
    """A cluster's network (module docstring)."""

    def __init__(
        self,
        runtime: Runtime,
        config: Mapping[str, Any] | None,
        *,
        state: CommittedState,
        hosts: HostPower | None = None,
    ):
        cfg = _mapping(config, "")
        _unknown(cfg, _KEYS, "")
        self.runtime = runtime
        self.state = state
        self.hosts = hosts
        cidr = str(cfg.get("serviceCIDR", SERVICE_CIDR))
        try:
            net = ipaddress.IPv4Network(cidr)
        except ValueError as e:
            raise _fail("serviceCIDR", f"expected an IPv4 CIDR such as 10.96.0.0/12: {e}") from None
        if not 12 <= net.prefixlen <= 30:
            # kube-apiserver: "for 32-bit addresses, the mask must be >= 12"
            raise _fail("serviceCIDR", "expected a prefix between /12 and /30")
        ports = _port_range(cfg.get("nodePortRange", "30000-32767"))
        self.domain = str(cfg.get("clusterDomain", CLUSTER_DOMAIN))
        self.ipam = ServiceIPAM(runtime.streams, cidr, ports)
        self.topology = Topology(runtime.trace)
        build_topology(self.topology, _mapping(cfg.get("topology"), "topology"))
        proxy = _mapping(cfg.get("proxy"), "proxy")
        _unknown(proxy, ("syncDelay", "syncJitter"), "proxy")
        jitter = proxy.get("syncJitter", DEFAULT_SYNC_JITTER)
        if not isinstance(jitter, int | float) or isinstance(jitter, bool) or jitter < 0:
            raise _fail("proxy.syncJitter", f"expected a number >= 0, got {jitter!r}")
        self.proxy = ProxyTables(
            runtime.clock,
            self.topology,
            runtime.streams.stream("kube-proxy/endpoint"),
            seed=runtime.seed,
            trace=runtime.trace,
            sync_delay_s=_duration(proxy.get("syncDelay", DEFAULT_SYNC_DELAY_S), "proxy.syncDelay"),
            sync_jitter=float(jitter),
        )
        self.clients = [
            parse_client(c, i) for i, c in enumerate(_seq(cfg.get("clients"), "clients"))
        ]
        names = [c.name for c in self.clients]
        for i, n in enumerate(names):
            if n in names[:i]:
                raise _fail(f"clients[{i}].name", f"duplicate client name {n!r}")
        self._kubernetes_service = bool(cfg.get("kubernetesService", True))
        self.truth: PodTruth | None = None
        self.engine: TrafficEngine | None = None
        self.dns = DnsResolver(self._get_service, self._headless_ips, self.domain)

    # -- start ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Follow Nodes into the topology (after the composition root put `ipam` into the API
        server)."""
        state = self.state
        for node in state.list("nodes"):
            self.topology.add_node(node["metadata"]["name"], node["metadata"].get("labels"))
        state.on_commit(self._observe_nodes)

    def start_traffic(self) -> None:
        """Start kube-proxy's informers and the traffic clients (after the `kubernetes` Service
        exists)."""
        informers = self.runtime.informers
        svc_inf = informers.informer_for("services")
        slice_inf = informers.informer_for("endpointslices")
        self.proxy.attach(svc_inf, slice_inf)
        svc_inf.start()
        slice_inf.start()
        self.truth = PodTruth(self.runtime.clock, self.state)
        hosts = self.hosts
        self.engine = TrafficEngine(
            self.runtime,
            self.state,
            self.topology,
            self.proxy,
            self.truth,
            listening=hosts.is_listening if hosts is not None else None,
            host_up=hosts.is_powered if hosts is not None else None,
        )
        for spec in self.clients:
            self.engine.add_client(spec)

    def connect_hosts(self, hosts: HostPower) -> None:
        """Node backends that arrived after the network (the composition root calls this):
        traffic meets their hosts' power and listening state from now on."""
        self.hosts = hosts
        if self.engine is not None:
            self.engine.listening = hosts.is_listening
            self.engine.host_up = hosts.is_powered

    def _observe_nodes(self, verb: str, kind: str, obj: Any) -> None:
        if kind != "Node":
            return
        name = obj["metadata"]["name"]
        if verb == "delete":
            self.topology.remove_node(name)
        elif not self.topology.has(name):
            self.topology.add_node(name, obj["metadata"].get("labels"))

    def kubernetes_service(self) -> list[dict[str, Any]]:
        """pkg/controlplane/controller/kubernetesservice: the `kubernetes` Service at the first
        service IP, and its endpoints (the apiserver's advertise address, port 6443), for the
        API server to create at start (none when `kubernetesService: false`)."""
        if not self._kubernetes_service:
            return []
        return [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {
                    "name": "kubernetes",
                    "namespace": "default",
                    "labels": {"component": "apiserver", "provider": "kubernetes"},
                },
                "spec": {
                    "clusterIP": self.ipam.first_ip,
                    "ports": [
                        {
                            "name": "https",
                            "port": 443,
                            "protocol": "TCP",
                            "targetPort": APISERVER_PORT,
                        }
                    ],
                    "sessionAffinity": "None",
                    "type": "ClusterIP",
                },
            },
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "name": "kubernetes",
                    "namespace": "default",
                    "labels": {"kubernetes.io/service-name": "kubernetes"},
                },
                "addressType": "IPv4",
                "endpoints": [{"addresses": [CONTROL_PLANE_IP], "conditions": {"ready": True}}],
                "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}],
            },
        ]

    # -- DNS -----------------------------------------------------------------------------------
    def _get_service(self, namespace: str, name: str) -> Any:
        return self.state.get("services", name, namespace=namespace)

    def _headless_ips(self, namespace: str, name: str) -> list[str]:
        out = []
        sel = f"kubernetes.io/service-name={name}"
        for es in self.state.list("endpointslices", namespace=namespace, label_selector=sel):
            for ep in es.get("endpoints") or ():
                if (ep.get("conditions") or {}).get("ready") is not False:
                    out += list(ep.get("addresses") or ())[:1]
        return out

    def resolve(self, query: str, namespace: str = "default") -> list[str]:
        """Cluster DNS as a pod in `namespace` sees it (`web`, `web.prod`, the full name)."""
        return self.dns.resolve(query, namespace)

    # -- timeline actions ----------------------------------------------------------------------
    def cut_link(self, a: str, b: str, *, one_way: bool = False) -> None:
        self.topology.cut_link(a, b, one_way=one_way)

    def heal_link(self, a: str, b: str) -> None:
        self.topology.heal_link(a, b)

    def partition(
        self, name: str, groups: Iterable[Iterable[str]], *, one_way: bool = False
    ) -> None:
        try:
            self.topology.partition(name, groups, one_way=one_way)
        except ValueError as e:
            if isinstance(e, ApiError):
                raise
            raise TopologyError(str(e)) from None

    def isolate(self, node: str, *, peer: str = "control-plane", one_way: bool = False) -> str:
        return self.topology.isolate(node, peer=peer, one_way=one_way)

    def heal(self, name: str | None = None) -> None:
        self.topology.heal(name)

    # -- traffic -------------------------------------------------------------------------------
    def add_client(self, raw: Mapping[str, Any]) -> None:
        assert self.engine is not None, "the network is not started"
        self.engine.add_client(parse_client(raw, len(self.engine.clients)))

    @property
    def traffic(self) -> TrafficRecorder:
        assert self.engine is not None, "the network is not started"
        return self.engine.recorder

    def report(self) -> dict[str, Any]:
        """Per Service: requests, availability, latency percentiles, failures by reason."""
        rec = self.traffic
        return {svc: rec.summary(svc) for svc in rec.services()}


def install(
    runtime: Runtime,
    config: Mapping[str, Any] | None = None,
    *,
    state: CommittedState,
    hosts: HostPower | None = None,
) -> Network:
    """Validate `spec.cluster.network` and build the network; the composition root wires
    `network.ipam` into the API server, then calls `start()` and `start_traffic()` (module
    docstring)."""
    return Network(runtime, config, state=state, hosts=hosts)
