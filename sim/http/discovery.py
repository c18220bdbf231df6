"""Discovery documents: /version, /api, /apis, per group-version resource lists, and the
aggregated discovery (apidiscovery.k8s.io/v2) that kubectl 1.32 asks for first.

Shapes follow staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go (APIVersions,
APIGroupList, APIResourceList) and staging/src/k8s.io/api/apidiscovery/v2/types.go
(APIGroupDiscoveryList); the handlers are staging/src/k8s.io/apiserver/pkg/endpoints/discovery
(legacy.go, root.go, group.go, version.go, aggregated/handler.go). Everything is computed from
the kind registry, so a new kind is discovered without touching this module.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import orjson

from sim.api.kinds import Kind, KindRegistry

AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

# subresource -> (group, version, kind of what it answers, verbs); upstream's REST storages
# (pkg/registry/core/pod/storage, pkg/registry/apps/deployment/storage, ...).
SUBRESOURCES: dict[str, tuple[str | None, str | None, str | None, list[str]]] = {
    "status": (None, None, None, ["get", "patch", "update"]),
    "scale": ("autoscaling", "v1", "Scale", ["get", "patch", "update"]),
    "binding": ("", "v1", "Binding", ["create"]),
    "eviction": ("policy", "v1", "Eviction", ["create"]),
    "log": ("", "v1", "Pod", ["get"]),
    "finalize": (None, None, None, ["update"]),
    # a connect subresource: upstream lists the verbs of its methods; only GET is served here
    "proxy": (None, None, "NodeProxyOptions", ["create", "delete", "get", "patch", "update"]),
}
# subresources served for some kinds only: pods/proxy and services/proxy are not modelled
SERVED_ONLY_FOR = {"proxy": frozenset({"Node"})}

SERVER_VERSION = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0",
    "gitCommit": "kubesim",
    "gitTreeState": "clean",
    "buildDate": "2024-12-11T00:00:00Z",
    "goVersion": "go1.23.3",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def served_subresources(kind: Kind) -> list[str]:
    """The subresources this front serves for `kind` (nodes/proxy, but not services/proxy or
    ephemeralcontainers)."""
    return [
        s
        for s in kind.subresources
        if s in SUBRESOURCES and kind.kind in SERVED_ONLY_FOR.get(s, (kind.kind,))
    ]


def group_versions(registry: KindRegistry) -> list[tuple[str, str]]:
    """(group, version) pairs in registration order, core first."""
    out: list[tuple[str, str]] = []
    for k in registry.all():
        gv = (k.group, k.version)
        if gv not in out:
            out.append(gv)
    out.sort(key=lambda gv: gv[0] != "")
    return out


def kinds_of(registry: KindRegistry, group: str, version: str) -> list[Kind]:
    return [k for k in registry.all() if k.group == group and k.version == version]


def _hash(value: Any) -> str:
    digest = hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).digest()
    return base64.b64encode(digest[:8]).decode()


def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def api_group(group: str, versions: list[str]) -> dict[str, Any]:
    gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": group,
        "versions": gvs,
        "preferredVersion": gvs[0],
    }


def api_group_list(registry: KindRegistry) -> dict[str, Any]:
    groups: dict[str, list[str]] = {}
    for g, v in group_versions(registry):
        if g:
            groups.setdefault(g, []).append(v)
    items = [api_group(g, vs) for g, vs in groups.items()]
    for item in items:
        del item["kind"], item["apiVersion"]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": items}


def api_resource_list(registry: KindRegistry, group: str, version: str) -> dict[str, Any] | None:
    kinds = kinds_of(registry, group, version)
    if not kinds:
        return None
    resources: list[dict[str, Any]] = []
    for k in kinds:
        r: dict[str, Any] = {
            "name": k.plural,
            "singularName": k.singular,
            "namespaced": k.namespaced,
            "kind": k.kind,
            "verbs": VERBS,
        }
        if k.short_names:
            r["shortNames"] = list(k.short_names)
        if k.categories:
            r["categories"] = list(k.categories)
        r["storageVersionHash"] = _hash([k.group, k.version, k.kind])
        resources.append(r)
        for sub in served_subresources(k):
            g, v, kind, verbs = SUBRESOURCES[sub]
            s: dict[str, Any] = {
                "name": f"{k.plural}/{sub}",
                "singularName": "",
                "namespaced": k.namespaced,
                "kind": kind or k.kind,
                "verbs": verbs,
            }
            if g is not None:
                s["group"], s["version"] = g, v
            resources.append(s)
    gv = f"{group}/{version}" if group else version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": resources,
    }


def _discovery_resource(k: Kind) -> dict[str, Any]:
    r: dict[str, Any] = {
        "resource": k.plural,
        "responseKind": {"group": k.group, "version": k.version, "kind": k.kind},
        "scope": "Namespaced" if k.namespaced else "Cluster",
        "singularResource": k.singular,
        "verbs": VERBS,
    }
    if k.short_names:
        r["shortNames"] = list(k.short_names)
    if k.categories:
        r["categories"] = list(k.categories)
    subs = []
    for sub in served_subresources(k):
        g, v, kind, verbs = SUBRESOURCES[sub]
        subs.append(
            {
                "subresource": sub,
                "responseKind": {
                    "group": k.group if g is None else g,
                    "version": k.version if v is None else v,
                    "kind": kind or k.kind,
                },
                "verbs": verbs,
            }
        )
    if subs:
        r["subresources"] = subs
    return r


def aggregated(registry: KindRegistry, *, core: bool, version: str = "v2") -> dict[str, Any]:
    """The APIGroupDiscoveryList for /api (core=True) or /apis."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for g, v in group_versions(registry):
        if (g == "") != core:
            continue
        resources = [_discovery_resource(k) for k in kinds_of(registry, g, v)]
        groups.setdefault(g, []).append(
            {"version": v, "resources": resources, "freshness": "Current"}
        )
    items = [{"metadata": {"name": g} if g else {}, "versions": vs} for g, vs in groups.items()]
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": f"apidiscovery.k8s.io/{version}",
        "metadata": {},
        "items": items,
    }


def wants_aggregated(accept: str) -> str | None:
    """The aggregated discovery version the Accept header asks for first, or None."""
    for part in accept.split(","):
        params = {
            k.strip(): v.strip() for k, _, v in (p.partition("=") for p in part.split(";")[1:])
        }
        if params.get("as") == "APIGroupDiscoveryList" and params.get("g") == "apidiscovery.k8s.io":
            if params.get("v") in ("v2", "v2beta1"):
                return params["v"]
        elif part.split(";")[0].strip() in ("application/json", "*/*"):
            return None
    return None
