"""`nodes/proxy`: the kubelet's read-only view (`/pods`, `/healthz`, `/stats/summary`) over HTTP.

Upstream, `GET /api/v1/nodes/{name}/proxy/{path}` is a connect subresource
(pkg/registry/core/node/rest/proxy.go): `node.ResourceLocation` (pkg/registry/core/node/
strategy.go) splits the name as `[scheme:]name[:port]` (apimachinery util/net
SplitSchemeNamePort; anything else is 400 `invalid node request`), asks the kubelet connection
info getter (pkg/kubelet/client/kubelet_client.go GetConnectionInfo) for the Node, so an unknown
node is 404 `nodes "x" not found`, and dials the node's preferred address at the kubelet's port
(`status.daemonEndpoints.kubeletEndpoint.Port`, 10250), or at the requested port. The upgrade-
aware proxy wraps its transport (apimachinery/pkg/util/proxy/transport.go), so a failed dial is
503 ServiceUnavailable `error trying to reach service: dial tcp <ip>:<port>: ...`; whatever the
kubelet answers passes through unchanged. The kubelet's server (pkg/kubelet/server/server.go)
answers `/pods` and `/stats/summary` with JSON, `/healthz` with `ok` (the verbose form lists its
checks ping, log and syncloop), and an unknown path with Go's `404 page not found`.

Here the dial is a look-up of the node's in-process kubelet (`cluster_kubelet_source`, called on
the simulation thread, as `pods/log` does) and the kubelet's answer is a call of its read-only
view methods (`Kubelet.pods()`, `healthz()`, `stats_summary()`). The preferred address is the
InternalIP, as kubeadm configures the API server (`--kubelet-preferred-address-types=InternalIP,
ExternalIP,Hostname`). A powered-off host gives `connect: no route to host`, a node partitioned
from the control plane `i/o timeout` (at once: the dial timeout is not modelled), a stopped
kubelet `connect: connection refused`, and so does a port other than the kubelet's 10250 and
read-only 10255, where nothing listens. A Node without an in-process kubelet (a kubelet in
another process, or a cluster without kubelets) is a 503 that says so.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import orjson

from sim.api.errors import ApiError, bad_request, status_dict

__all__ = ["KubeletReply", "cluster_kubelet_source", "connect", "kubelet_get"]

KUBELET_PORT = 10250  # upstream ports.KubeletPort, the default daemon endpoint
READ_ONLY_PORT = 10255  # upstream ports.KubeletReadOnlyPort
PREFERRED_ADDRESS_TYPES = ("InternalIP", "ExternalIP", "Hostname")
HEALTHZ_CHECKS = ("ping", "log", "syncloop")  # pkg/kubelet/server/server.go InstallDefaultHandlers
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"
NOT_FOUND_PAGE = b"404 page not found\n"  # Go's http.NotFound


class KubeletReply(NamedTuple):
    """What the kubelet answered: passed through to the client unchanged."""

    code: int
    media: str
    body: bytes


KubeletSource = Callable[[str], Any]


def cluster_kubelet_source(cluster: Any) -> KubeletSource:
    """A `kubelet_source` for HttpApiServer: the in-process kubelet of a node name, or None
    (called on the simulation thread)."""

    def source(node: str) -> Any:
        fleet = getattr(cluster, "kubelets", None)
        return fleet.kubelets.get(node) if fleet is not None else None

    return source


def kubelet_get(kubelet: Any, path: str, query: Mapping[str, Any]) -> KubeletReply:
    """The kubelet server's answer to `GET /{path}` on its read-only view."""
    if path == "healthz" or path.startswith("healthz/"):
        check = path[len("healthz/") :] if "/" in path else ""
        if check and check not in HEALTHZ_CHECKS:
            return KubeletReply(404, TEXT, NOT_FOUND_PAGE)
        kubelet.healthz()
        if check or "verbose" not in query:
            return KubeletReply(200, TEXT, b"ok")
        lines = "".join(f"[+]{c} ok\n" for c in HEALTHZ_CHECKS)
        return KubeletReply(200, TEXT, f"{lines}healthz check passed\n".encode())
    if path == "pods":
        return KubeletReply(200, JSON, orjson.dumps(kubelet.pods()))
    if path == "stats/summary":
        return KubeletReply(200, JSON, orjson.dumps(kubelet.stats_summary()))
    return KubeletReply(404, TEXT, NOT_FOUND_PAGE)


def _split_scheme_name_port(ident: str) -> tuple[str, str, str]:
    parts = ident.split(":")
    if len(parts) > 3:
        raise bad_request(f'invalid node request "{ident}"')
    scheme = parts[0] if len(parts) == 3 else ""
    name = parts[-2] if len(parts) == 3 else parts[0]
    port = parts[-1] if len(parts) > 1 else ""
    if not name or scheme not in ("", "http", "https"):
        raise bad_request(f'invalid node request "{ident}"')
    return scheme, name, port


def _preferred_address(node: Mapping[str, Any]) -> str:
    addresses = (node.get("status") or {}).get("addresses") or []
    for kind in PREFERRED_ADDRESS_TYPES:
        for a in addresses:
            if a.get("type") == kind and a.get("address"):
                return str(a["address"])
    known = " ".join(f"{{{a.get('type')} {a.get('address')}}}" for a in addresses)
    raise ApiError(
        status_dict(500, "", f"no preferred addresses found; known addresses: [{known}]")
    )


def _unreachable(host: str, port: str, cause: str) -> ApiError:
    return ApiError(
        status_dict(
            503,
            "ServiceUnavailable",
            f"error trying to reach service: dial tcp {host}:{port}: {cause}",
        )
    )


def _kubelet_port(node: Mapping[str, Any]) -> str:
    endpoint = ((node.get("status") or {}).get("daemonEndpoints") or {}).get("kubeletEndpoint")
    port = int((endpoint or {}).get("Port") or 0)
    return str(port if port > 0 else KUBELET_PORT)


def connect(
    api: Any, source: KubeletSource | None, ident: str, path: str, query: Mapping[str, Any]
) -> KubeletReply:
    """`GET nodes/{ident}/proxy/{path}` (simulation thread): the kubelet's reply, or raises
    ApiError with the API server's answer (400 bad name, 404 no Node, 503 dial failed)."""
    _scheme, name, port_req = _split_scheme_name_port(ident)
    node = api.get("nodes", name)
    host = _preferred_address(node)
    kubelet_port = _kubelet_port(node)
    port = port_req or kubelet_port
    kubelet = source(name) if source is not None else None
    if kubelet is None:
        raise ApiError(
            status_dict(
                503,
                "ServiceUnavailable",
                f'error trying to reach service: node "{name}" has no kubelet in this process '
                "(its kubelet runs elsewhere, or the cluster has none): kubesim proxies "
                "nodes/proxy only to in-process kubelets",
            )
        )
    if not kubelet.host.powered:
        raise _unreachable(host, port, "connect: no route to host")
    if not kubelet.reaches_api_server():
        raise _unreachable(host, port, "i/o timeout")
    if not kubelet.alive or port not in (kubelet_port, str(READ_ONLY_PORT)):
        raise _unreachable(host, port, "connect: connection refused")
    clean = posixpath.normpath("/" + path).lstrip("/")  # path.Join in proxy.go Connect
    return kubelet_get(kubelet, clean, query)  # up and reachable: checked just above
