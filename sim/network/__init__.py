"""sim.network: Service addresses (IPAM, DNS), the network topology and partitions, kube-proxy,
and traffic.

Public API: `install(runtime, config, state=..., hosts=...) -> Network` (the composition root
then calls `start()` and `start_traffic()`); `Network` (timeline actions `cut_link`, `heal_link`,
`partition`, `isolate`, `heal`; `resolve`; `traffic`, `report`); `Topology`
(`can_reach`, `can_connect`, `latency_s`); `ProxyTables` (`route`, `view`, `node_version`);
`ServiceIPAM`; `TrafficRecorder`. See docs/network.md.
"""

from sim.network.install import Network, install, parse_client
from sim.network.ipam import (
    CLUSTER_DOMAIN,
    SERVICE_CIDR,
    ClusterIPAllocator,
    DnsResolver,
    NodePortAllocator,
    ServiceIPAM,
    service_fqdn,
)
from sim.network.proxy import Endpoint, ProxyTables, Route, ServiceState, compile_service
from sim.network.topology import CONTROL_PLANE, EXTERNAL, Topology, TopologyError
from sim.network.traffic import REASONS, ClientSpec, Request, TrafficEngine, TrafficRecorder

__all__ = [
    "CLUSTER_DOMAIN",
    "CONTROL_PLANE",
    "EXTERNAL",
    "REASONS",
    "SERVICE_CIDR",
    "ClientSpec",
    "ClusterIPAllocator",
    "DnsResolver",
    "Endpoint",
    "Network",
    "NodePortAllocator",
    "ProxyTables",
    "Request",
    "Route",
    "ServiceIPAM",
    "ServiceState",
    "Topology",
    "TopologyError",
    "TrafficEngine",
    "TrafficRecorder",
    "compile_service",
    "install",
    "parse_client",
    "service_fqdn",
]
