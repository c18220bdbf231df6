"""Service defaulting: SetDefaults_Service (pkg/apis/core/v1/defaults.go).

Type ClusterIP, sessionAffinity None (ClientIP gets timeoutSeconds 10800), port protocol TCP,
targetPort = port, externalTrafficPolicy Cluster when externally accessible,
internalTrafficPolicy Cluster, allocateLoadBalancerNodePorts true and ingress ipMode VIP for
LoadBalancers. Mutates the plain dict it is given; idempotent.
"""

from __future__ import annotations

from sim.api.builtin.service.common import (
    _ITP_TYPES,
    DEFAULT_CLIENT_IP_AFFINITY_S,
    _externally_accessible,
    _list,
)
from sim.api.kinds import Obj


def default_service(svc: Obj) -> None:
    """SetDefaults_Service (pkg/apis/core/v1/defaults.go)."""
    spec = svc.get("spec")
    if not isinstance(spec, dict):
        spec = svc["spec"] = {}
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        cfg = spec.get("sessionAffinityConfig")
        client_ip = cfg.get("clientIP") if isinstance(cfg, dict) else None
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            timeout = {"timeoutSeconds": DEFAULT_CLIENT_IP_AFFINITY_S}
            spec["sessionAffinityConfig"] = {"clientIP": timeout}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in _list(spec.get("ports")):
        if isinstance(port, dict):
            if not port.get("protocol"):
                port["protocol"] = "TCP"
            if port.get("targetPort") in (None, 0, ""):
                port["targetPort"] = port.get("port", 0)
    if _externally_accessible(spec) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in _ITP_TYPES:
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        status = svc.get("status")
        lb = status.get("loadBalancer") if isinstance(status, dict) else None
        for ing in _list(lb.get("ingress") if isinstance(lb, dict) else None):
            if isinstance(ing, dict) and ing.get("ip") and ing.get("ipMode") is None:
                ing["ipMode"] = "VIP"
