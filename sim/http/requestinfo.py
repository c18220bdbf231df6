"""Resource URLs: what a request path names, and the kind it names.

Follows staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go
(`/api/v1/namespaces/{ns}/{resource}/{name}/{subresource}`, `/apis/{group}/{version}/...`, the
legacy `/watch/` prefix, `namespaces/{name}/status|finalize`, and the path after a connect
subresource such as `nodes/{name}/proxy/{path}`). A path that names no served kind, or a
subresource the kind does not serve, is upstream's 404 "the server could not find the requested
resource".
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.api.errors import ApiError, status_dict
from sim.api.kinds import Kind, KindRegistry
from sim.http.discovery import served_subresources

NAMESPACE_SUBRESOURCES = ("status", "finalize")


@dataclass
class RequestInfo:
    """What a resource URL names (requestinfo.go RequestInfo)."""

    group: str
    version: str
    resource: str
    namespace: str | None = None
    name: str = ""
    subresource: str = ""
    legacy_watch: bool = False
    path: str = ""  # a connect subresource's path (NodeProxyOptions.path): nodes/{n}/proxy/{path}


def parse_resource_path(path: str) -> RequestInfo | None:
    """The resource a path names, or None for a path that is not a resource path."""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    if not rest:
        return None
    legacy_watch = False
    if rest[0] == "watch":
        legacy_watch, rest = True, rest[1:]
        if not rest:
            return None
    namespace: str | None = None
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
        else:
            # /namespaces/{name}[/status|finalize]: the namespace is the object itself
            return RequestInfo(
                group,
                version,
                "namespaces",
                None,
                rest[1],
                rest[2] if len(rest) > 2 else "",
                legacy_watch,
            )
    proxy_path = ""
    if len(rest) > 3:
        if rest[2] != "proxy":
            return None
        proxy_path = "/".join(rest[3:])  # requestinfo.go: parts after the subresource
    return RequestInfo(
        group,
        version,
        rest[0],
        namespace,
        rest[1] if len(rest) > 1 else "",
        rest[2] if len(rest) > 2 else "",
        legacy_watch,
        proxy_path,
    )


def resolve_kind(registry: KindRegistry, info: RequestInfo) -> Kind:
    kind = registry.by_group_resource(info.group, info.resource)
    if kind is None or kind.version != info.version:
        raise ApiError(
            status_dict(404, "NotFound", "the server could not find the requested resource")
        )
    if info.namespace is not None and not kind.namespaced:
        raise ApiError(
            status_dict(404, "NotFound", "the server could not find the requested resource")
        )
    if info.subresource and info.subresource not in served_subresources(kind):
        raise ApiError(
            status_dict(404, "NotFound", "the server could not find the requested resource")
        )
    return kind
