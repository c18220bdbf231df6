"""The Service kind's constants, Go renderings of bad values, and spec accessors.

Supported-value lists and limits from pkg/apis/core/types.go and
pkg/apis/core/validation/validation.go (1.32); `go_int_or_string` and friends print a bad value
as field.Error's `%#v` does; the predicates (`is_headless`, `needs_cluster_ip`,
`needs_node_port`, ExternallyAccessible of pkg/api/service/util.go) read a spec without
mutating it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.builtin.pod import GoValue, go_string_list

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")
SESSION_AFFINITIES = ("ClientIP", "None")
TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
KUBELET_PORT = 10250
DEFAULT_CLIENT_IP_AFFINITY_S = 10800
MAX_CLIENT_IP_AFFINITY_S = 86400
NODE_PORT_RANGE = (30000, 32767)
LB_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"
_ITP_TYPES = ("ClusterIP", "LoadBalancer", "NodePort")
TOPOLOGY_MODE_ANNOTATION = "service.kubernetes.io/topology-mode"
TOPOLOGY_HINTS_ANNOTATION = "service.kubernetes.io/topology-aware-hints"
_ONLY_LB = "may only be used when `type` is 'LoadBalancer'"
_NOT_CONFIGURED_DUAL = "this cluster is not configured for dual-stack services"


# -- Go renderings of bad values (field.Error prints %#v) ------------------------------------
def go_int_or_string(value: Any) -> GoValue:
    """An intstr.IntOrString as `%#v` prints it."""
    if isinstance(value, str):
        return GoValue(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{_go_quote(value)}}}")
    n = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return GoValue(f'intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:""}}')


def _go_quote(value: Any) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _go_string_slice(values: Any) -> GoValue:
    return go_string_list(values) if values is not None else GoValue("[]string(nil)")


def _go_service_port(port: Mapping[str, Any]) -> GoValue:
    app = port.get("appProtocol")
    app_text = "(*string)(nil)" if app is None else f"&{_go_quote(app)}"
    return GoValue(
        f"core.ServicePort{{Name:{_go_quote(port.get('name', ''))}, "
        f"Protocol:{_go_quote(port.get('protocol', ''))}, AppProtocol:{app_text}, "
        f"Port:{port.get('port', 0)}, TargetPort:{go_int_or_string(port.get('targetPort', 0))}, "
        f"NodePort:{port.get('nodePort', 0)}}}"
    )


# -- small accessors -------------------------------------------------------------------------
def _spec(svc: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = svc.get("spec")
    return spec if isinstance(spec, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _ports(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in _list(spec.get("ports")) if isinstance(p, Mapping)]


def is_headless(spec: Mapping[str, Any]) -> bool:
    ips = spec.get("clusterIPs")
    return isinstance(ips, list | tuple) and len(ips) == 1 and ips[0] == "None"


def needs_cluster_ip(spec: Mapping[str, Any]) -> bool:
    return spec.get("type") != "ExternalName"


def needs_node_port(spec: Mapping[str, Any]) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def _needs_hc_node_port(spec: Mapping[str, Any]) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _externally_accessible(spec: Mapping[str, Any]) -> bool:
    """pkg/api/service/util.go ExternallyAccessible."""
    t = spec.get("type")
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP" and bool(spec.get("externalIPs")))
