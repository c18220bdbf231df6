"""OpenAPI v3 documents generated from the served kinds, and field validation against them.

`/openapi/v3` lists one document per group-version (`{"paths": {"api/v1": {"serverRelativeURL":
...}}}`, staging/src/k8s.io/kube-openapi/pkg/handler3); each document has the paths of every
served verb with the `x-kubernetes-action` and `x-kubernetes-group-version-kind` extensions and
the `dryRun`/`fieldManager`/`fieldValidation` query parameters kubectl probes for server-side
field validation (staging/src/k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go), and
component schemas built from sim/http/schemas.py with the `x-kubernetes-patch-strategy`,
`x-kubernetes-patch-merge-key`, `x-kubernetes-list-type` and `x-kubernetes-list-map-keys`
extensions taken from sim.apiserver.patch.PATCH_META, the table the apiserver's strategic merge
patch uses, so `kubectl apply` computes the same patches the server applies.

`prune_unknown` is the decoder's unknown-field check behind `fieldValidation`
(staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json strict decoding): it removes
fields the schema does not know and returns their paths (`spec.template.spec.containers[0].x`).
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from typing import Any

import orjson

from sim.api.kinds import Kind, KindRegistry
from sim.apiserver.patch import PATCH_META, FieldMeta
from sim.http.discovery import group_versions, kinds_of, served_subresources
from sim.http.schemas import KIND_TYPES, TYPES

PRIMITIVES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer", "format": "int64"},
    "boolean": {"type": "boolean"},
    "number": {"type": "number", "format": "double"},
    "date-time": {"type": "string", "format": "date-time"},
    "int-or-string": {"x-kubernetes-int-or-string": True},
    "quantity": {"x-kubernetes-int-or-string": True, "pattern": "^[+-]?[0-9.]+[a-zA-Z]*$"},
    "any": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
}
PATCH_CONTENT_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)


def schema_name(type_name: str) -> str:
    """Upstream's component names: io.k8s.api.core.v1.Pod, io.k8s.apimachinery...ObjectMeta."""
    if type_name.startswith("meta."):
        return "io.k8s.apimachinery.pkg.apis." + type_name
    return "io.k8s.api." + type_name


def _field_meta(kind: str, path: str) -> FieldMeta | None:
    return PATCH_META.get((kind, path))


class OpenApi:
    """The documents and the field checker for one registry."""

    def __init__(self, registry: KindRegistry):
        self.registry = registry
        # (type name, field) -> merge metadata, found by walking every kind's paths
        self._merge: dict[tuple[str, str], FieldMeta] = {}
        for kind_name, type_name in KIND_TYPES.items():
            self._collect_merge(kind_name, self._top_fields(type_name), "", type_name, frozenset())
        self._docs: dict[str, dict[str, Any]] = {}

    # -- structure -----------------------------------------------------------------------------
    @staticmethod
    def _top_fields(type_name: str) -> dict[str, Any]:
        return {
            "apiVersion": "string",
            "kind": "string",
            "metadata": "meta.v1.ObjectMeta",
            **TYPES[type_name],
        }

    def _collect_merge(
        self,
        kind: str,
        fields: dict[str, Any],
        prefix: str,
        owner: str,
        seen: frozenset[tuple[str, str]],
    ) -> None:
        for name, spec in fields.items():
            path = f"{prefix}.{name}" if prefix else name
            meta = _field_meta(kind, path)
            if meta is not None:
                self._merge.setdefault((owner, name), meta)
            inner, suffix = spec, ""
            if isinstance(inner, list):
                inner, suffix = inner[0], "[]"
            if isinstance(inner, str) and inner in TYPES and (inner, path) not in seen:
                seen_next = seen | {(inner, path)}
                self._collect_merge(kind, TYPES[inner], path + suffix, inner, seen_next)
            elif isinstance(inner, dict) and "map" not in inner:
                self._collect_merge(kind, inner, path + suffix, f"{owner}.{name}", seen)

    def _schema_of(self, spec: Any, owner: str, name: str, refs: set[str]) -> dict[str, Any]:
        if isinstance(spec, list):
            out: dict[str, Any] = {
                "type": "array",
                "items": self._schema_of(spec[0], owner, name + "[]", refs),
            }
            meta = self._merge.get((owner, name))
            if meta is not None:
                out["x-kubernetes-patch-strategy"] = meta.strategy
                if meta.merge_key:
                    out["x-kubernetes-patch-merge-key"] = meta.merge_key
                if meta.merges:
                    out["x-kubernetes-list-type"] = "map" if meta.merge_key else "set"
                    if meta.merge_key:
                        out["x-kubernetes-list-map-keys"] = [meta.merge_key]
            else:
                out["x-kubernetes-list-type"] = "atomic"
            return out
        if isinstance(spec, dict):
            if "map" in spec:
                return {
                    "type": "object",
                    "additionalProperties": self._schema_of(spec["map"], owner, name, refs),
                }
            return {
                "type": "object",
                "properties": {
                    k: self._schema_of(v, f"{owner}.{name}", k, refs) for k, v in spec.items()
                },
            }
        if spec in PRIMITIVES:
            return dict(PRIMITIVES[spec])
        refs.add(spec)
        out = {"allOf": [{"$ref": f"#/components/schemas/{schema_name(spec)}"}]}
        meta = self._merge.get((owner, name))
        if meta is not None:
            out["x-kubernetes-patch-strategy"] = meta.strategy
        return out

    def _component(self, type_name: str, refs: set[str]) -> dict[str, Any]:
        fields = TYPES[type_name]
        return {
            "type": "object",
            "properties": {k: self._schema_of(v, type_name, k, refs) for k, v in fields.items()},
        }

    def _kind_schema(self, kind: Kind, refs: set[str]) -> dict[str, Any]:
        type_name = KIND_TYPES.get(kind.kind)
        fields = (
            self._top_fields(type_name)
            if type_name
            else {
                "apiVersion": "string",
                "kind": "string",
                "metadata": "meta.v1.ObjectMeta",
                "spec": "any",
                "status": "any",
            }
        )
        schema = {
            "type": "object",
            "description": f"{kind.kind} ({kind.api_version}), as served by kubesim.",
            "properties": {
                k: self._schema_of(v, type_name or kind.kind, k, refs) for k, v in fields.items()
            },
            "x-kubernetes-group-version-kind": [
                {"group": kind.group, "version": kind.version, "kind": kind.kind}
            ],
        }
        return schema

    # -- documents -----------------------------------------------------------------------------
    def root(self) -> dict[str, Any]:
        paths = {}
        for g, v in group_versions(self.registry):
            key = f"apis/{g}/{v}" if g else f"api/{v}"
            digest = hashlib.sha512(orjson.dumps(self.document(key))).hexdigest()[:64].upper()
            paths[key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}
        return {"paths": paths}

    def document(self, key: str) -> dict[str, Any] | None:
        """`key` "" for the root, "api/v1" or "apis/<group>/<version>" for one group-version."""
        if key == "":
            return self.root()
        if key in self._docs:
            return self._docs[key]
        parts = key.split("/")
        if parts[0] == "api" and len(parts) == 2:
            group, version = "", parts[1]
        elif parts[0] == "apis" and len(parts) == 3:
            group, version = parts[1], parts[2]
        else:
            return None
        kinds = kinds_of(self.registry, group, version)
        if not kinds:
            return None
        refs: set[str] = set()
        schemas: dict[str, Any] = {}
        paths: dict[str, Any] = {}
        for k in kinds:
            schemas[_kind_name(k)] = self._kind_schema(k, refs)
            schemas[_kind_name(k) + "List"] = _list_schema(k)
            paths.update(_paths(k, "/" + key))
        done: set[str] = set()
        while refs - done:
            t = sorted(refs - done)[0]
            done.add(t)
            schemas[schema_name(t)] = self._component(t, refs)
        doc = {
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": "v1.32.0"},
            "paths": paths,
            "components": {"schemas": dict(sorted(schemas.items()))},
        }
        self._docs[key] = doc
        return doc

    # -- field validation ----------------------------------------------------------------------
    def prune_unknown(self, kind: Kind, obj: Any) -> list[str]:
        """Remove the fields of `obj` (a request's own decoded body) that `kind` does not have,
        and return their paths; keys starting with `$` (patch directives) are kept."""
        type_name = KIND_TYPES.get(kind.kind)
        if type_name is None or not isinstance(obj, MutableMapping):
            return []
        out: list[str] = []
        _prune(obj, self._top_fields(type_name), "", out)
        return out


def _prune(
    obj: MutableMapping[str, Any], fields: dict[str, Any], prefix: str, out: list[str]
) -> None:
    for key in list(obj):
        if key.startswith("$"):
            continue
        path = f"{prefix}.{key}" if prefix else key
        spec = fields.get(key)
        if spec is None:
            out.append(path)
            del obj[key]
            continue
        _prune_value(obj[key], spec, path, out)


def _prune_value(value: Any, spec: Any, path: str, out: list[str]) -> None:
    if isinstance(spec, list):
        if isinstance(value, list):
            for i, item in enumerate(value):
                _prune_value(item, spec[0], f"{path}[{i}]", out)
        return
    if isinstance(spec, dict):
        if not isinstance(value, MutableMapping):
            return
        if "map" in spec:
            for k, v in value.items():
                _prune_value(v, spec["map"], f"{path}.{k}", out)
        else:
            _prune(value, spec, path, out)
        return
    if spec in TYPES and isinstance(value, MutableMapping):
        _prune(value, TYPES[spec], path, out)


def _kind_name(k: Kind) -> str:
    for type_name in TYPES:
        if KIND_TYPES.get(k.kind) == type_name:
            return schema_name(type_name)
    group = k.group.split(".")[0] if k.group else "core"
    return f"io.k8s.api.{group}.{k.version}.{k.kind}"


def _list_schema(k: Kind) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "items": {
                "type": "array",
                "items": {"allOf": [{"$ref": f"#/components/schemas/{_kind_name(k)}"}]},
            },
        },
        "x-kubernetes-group-version-kind": [
            {"group": k.group, "version": k.version, "kind": k.list_kind}
        ],
    }


def _param(name: str, where: str = "query", type_: str = "string") -> dict[str, Any]:
    return {"name": name, "in": where, "schema": {"type": type_, "uniqueItems": True}}


_WRITE = [_param("dryRun"), _param("fieldManager"), _param("fieldValidation")]
_LIST = [
    _param(n)
    for n in (
        "labelSelector",
        "fieldSelector",
        "continue",
        "resourceVersion",
        "resourceVersionMatch",
    )
] + [
    _param("limit", type_="integer"),
    _param("timeoutSeconds", type_="integer"),
    _param("watch", type_="boolean"),
    _param("allowWatchBookmarks", type_="boolean"),
    _param("sendInitialEvents", type_="boolean"),
]


def _op(
    k: Kind,
    action: str,
    op_id: str,
    params: list[dict[str, Any]],
    body: list[str] | None = None,
    kind_override: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    g, v, kk = kind_override or (k.group, k.version, k.kind)
    ref = {"$ref": f"#/components/schemas/{_kind_name(k)}"}
    op: dict[str, Any] = {
        "operationId": op_id,
        "parameters": params,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": ref}}}
        },
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": g, "version": v, "kind": kk},
    }
    if body is not None:
        op["requestBody"] = {"content": {ct: {"schema": ref} for ct in body}, "required": True}
    return op


def _paths(k: Kind, base: str) -> dict[str, Any]:
    ns = "/namespaces/{namespace}" if k.namespaced else ""
    coll = f"{base}{ns}/{k.plural}"
    item = coll + "/{name}"
    name = f"{k.kind}"
    out: dict[str, Any] = {
        coll: {
            "get": _op(k, "list", f"list{name}", _LIST),
            "post": _op(k, "post", f"create{name}", _WRITE, ["*/*"]),
            "delete": _op(k, "deletecollection", f"deleteCollection{name}", _WRITE + _LIST),
        },
        item: {
            "get": _op(k, "get", f"read{name}", []),
            "put": _op(k, "put", f"replace{name}", _WRITE, ["*/*"]),
            "patch": _op(
                k,
                "patch",
                f"patch{name}",
                _WRITE + [_param("force", type_="boolean")],
                list(PATCH_CONTENT_TYPES),
            ),
            "delete": _op(
                k,
                "delete",
                f"delete{name}",
                _WRITE
                + [_param("gracePeriodSeconds", type_="integer"), _param("propagationPolicy")],
            ),
        },
    }
    for sub in served_subresources(k):
        if sub in ("status", "scale"):
            ko = ("autoscaling", "v1", "Scale") if sub == "scale" else None
            out[f"{item}/{sub}"] = {
                "get": _op(k, "get", f"read{name}{sub.title()}", [], kind_override=ko),
                "put": _op(
                    k, "put", f"replace{name}{sub.title()}", _WRITE, ["*/*"], kind_override=ko
                ),
                "patch": _op(
                    k,
                    "patch",
                    f"patch{name}{sub.title()}",
                    _WRITE,
                    list(PATCH_CONTENT_TYPES),
                    kind_override=ko,
                ),
            }
    return out
