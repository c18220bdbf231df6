"""Resource requests: URL layout, query parameters and bodies turned into ApiServer calls.

URL parsing follows staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go
(`/api/v1/namespaces/{ns}/{resource}/{name}/{subresource}`, `/apis/{group}/{version}/...`, the
legacy `/watch/` prefix, `namespaces/{name}/status|finalize`); verbs and answers follow
staging/src/k8s.io/apiserver/pkg/endpoints/handlers (create.go 201, delete.go with DeleteOptions
and the Success Status, patch.go content types, rest.go query parameters). Every verb is one
call into the ApiServer core: this module only translates, it implements no verb itself
(deletecollection is upstream's list-then-delete-each, made of those two verbs).

`Resource.handle` runs on the simulation thread (sim/http/driver.py); it returns an `Answer`
whose body is encoded on the server thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.api.errors import ApiError, bad_request, method_not_allowed, not_found, status_dict
from sim.api.frozen import thaw
from sim.api.kinds import Kind, KindRegistry
from sim.apiserver.patch import PatchError, apply_patch
from sim.apiserver.server import ApiServer
from sim.http import nodeproxy
from sim.http.discovery import SUBRESOURCES, served_subresources

NAMESPACE_SUBRESOURCES = ("status", "finalize")
PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)


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


@dataclass
class Answer:
    """An HTTP answer computed on the simulation thread."""

    code: int
    body: Any
    kind: Kind | None = None
    now_s: float = 0.0
    is_list: bool = False
    text: str | None = None  # a text/plain body (pods/log)
    raw: bytes | None = None  # a body passed through as is, of media type `media` (nodes/proxy)
    media: str = "application/json"
    warnings: list[str] = field(default_factory=list)


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


# -- query parameters ------------------------------------------------------------------------


def query_int(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f'invalid value for {name}: "{raw}"') from None


def query_bool(query: Mapping[str, str], name: str) -> bool:
    return query.get(name, "").lower() in ("true", "1")


def dry_run_of(query: Mapping[str, Any], body: Mapping[str, Any] | None = None) -> bool:
    values: list[str] = list(query.getall("dryRun", [])) if hasattr(query, "getall") else []
    if not values and query.get("dryRun"):
        values = [query["dryRun"]]
    if body and isinstance(body.get("dryRun"), list):
        values += [str(v) for v in body["dryRun"]]
    for v in values:
        if v != "All":
            raise bad_request(f'dryRun: Unsupported value: "{v}": supported values: "All"')
    return bool(values)


def field_validation_of(query: Mapping[str, str]) -> str:
    """The fieldValidation directive: Strict, Warn (the default) or Ignore."""
    value = query.get("fieldValidation", "")
    if value in ("", "Warn"):
        return "Warn"
    if value in ("Strict", "Ignore"):
        return value
    raise bad_request(
        f'fieldValidation: Unsupported value: "{value}": supported values: "Ignore", "Strict", "Warn"'
    )


def success_status(code: int, kind: Kind, name: str, uid: str = "") -> dict[str, Any]:
    details: dict[str, Any] = {"name": name, "kind": kind.plural}
    if kind.group:
        details["group"] = kind.group
    if uid:
        details["uid"] = uid
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "code": code,
        "details": details,
    }


# -- the verbs ---------------------------------------------------------------------------------


class Resource:
    """Translates one resource request into ApiServer calls (simulation thread only)."""

    def __init__(
        self,
        api: ApiServer,
        unknown_fields: Any = None,
        log_source: Any = None,
        kubelet_source: Any = None,
    ):
        self.api = api
        # (kind, obj) -> list of unknown field paths, from the OpenAPI schemas (sim/http/openapi.py)
        self.unknown_fields = unknown_fields
        # (pod, container, query) -> list of log lines; None: the pod has no simulated output yet
        self.log_source = log_source
        # node name -> its in-process kubelet, or None (sim/http/nodeproxy.py)
        self.kubelet_source = kubelet_source

    def handle(
        self,
        method: str,
        info: RequestInfo,
        kind: Kind,
        query: Mapping[str, Any],
        body: Any,
        content_type: str,
        user: str,
    ) -> Answer:
        now = self.api.clock.now
        if info.subresource:
            ans = self._subresource(method, info, kind, query, body, content_type, user)
        elif info.name:
            ans = self._item(method, info, kind, query, body, content_type, user)
        else:
            ans = self._collection(method, info, kind, query, body, user)
        ans.kind = ans.kind or kind
        ans.now_s = now
        return ans

    def _collection(
        self,
        method: str,
        info: RequestInfo,
        kind: Kind,
        query: Mapping[str, Any],
        body: Any,
        user: str,
    ) -> Answer:
        if method == "GET":
            return Answer(200, self._list(info, kind, query), is_list=True)
        if method == "POST":
            obj = self._body_object(body)
            warnings = self._check_fields(kind, obj, query)
            created = self.api.create(
                kind, obj, namespace=info.namespace, dry_run=dry_run_of(query), user=user
            )
            return Answer(201, created, warnings=warnings)
        if method == "DELETE":
            return self._delete_collection(info, kind, query, body, user)
        raise method_not_allowed("the server does not allow this method on the requested resource")

    def _list(self, info: RequestInfo, kind: Kind, query: Mapping[str, Any]) -> Any:
        return self.api.list(
            kind,
            namespace=info.namespace,
            label_selector=query.get("labelSelector") or None,
            field_selector=query.get("fieldSelector") or None,
            limit=query_int(query, "limit") or 0,
            continue_=query.get("continue") or None,
            resource_version=query.get("resourceVersion") or None,
            resource_version_match=query.get("resourceVersionMatch") or None,
        )

    def _item(
        self,
        method: str,
        info: RequestInfo,
        kind: Kind,
        query: Mapping[str, Any],
        body: Any,
        content_type: str,
        user: str,
    ) -> Answer:
        if method == "GET":
            return Answer(200, self.api.get(kind, info.name, namespace=info.namespace))
        if method == "PUT":
            obj = self._body_object(body)
            self._check_name(obj, info.name)
            warnings = self._check_fields(kind, obj, query)
            exists = self._exists(kind, info)
            out = self.api.update(
                kind, obj, namespace=info.namespace, dry_run=dry_run_of(query), user=user
            )
            return Answer(200 if exists else 201, out, warnings=warnings)
        if method == "PATCH":
            patch_type = self._patch_type(content_type)
            warnings = []
            if patch_type != PATCH_TYPES[0]:  # merge and strategic bodies are partial objects
                warnings = self._check_fields(kind, body, query)
            out = self.api.patch(
                kind,
                info.name,
                body,
                patch_type,
                namespace=info.namespace,
                dry_run=dry_run_of(query),
                user=user,
            )
            return Answer(200, out, warnings=warnings)
        if method == "DELETE":
            return self._delete(info, kind, query, body, user)
        raise method_not_allowed("the server does not allow this method on the requested resource")

    def _exists(self, kind: Kind, info: RequestInfo) -> bool:
        try:
            self.api.get(kind, info.name, namespace=info.namespace)
        except ApiError as e:
            if e.code == 404:
                return False
            raise
        return True

    # -- delete --------------------------------------------------------------------------------
    def _delete_options(self, query: Mapping[str, Any], body: Any) -> dict[str, Any]:
        opts: dict[str, Any] = {}
        if isinstance(body, Mapping):
            opts.update(body)
        elif body not in (None, b"", ""):
            raise bad_request("the body of a DELETE must be a DeleteOptions object")
        grace = query_int(query, "gracePeriodSeconds")
        if grace is not None:
            opts["gracePeriodSeconds"] = grace
        if query.get("propagationPolicy"):
            opts["propagationPolicy"] = query["propagationPolicy"]
        if query.get("orphanDependents"):
            opts["orphanDependents"] = query_bool(query, "orphanDependents")
        if "orphanDependents" in opts and opts.get("propagationPolicy"):
            raise ApiError(
                status_dict(
                    422,
                    "Invalid",
                    'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: '
                    '"' + str(opts["propagationPolicy"]) + '": orphanDependents and '
                    "deletionPropagation cannot be both set",
                )
            )
        if "orphanDependents" in opts and opts["orphanDependents"] is not None:
            opts["propagationPolicy"] = "Orphan" if opts["orphanDependents"] else "Background"
        return opts

    def _delete(
        self, info: RequestInfo, kind: Kind, query: Mapping[str, Any], body: Any, user: str
    ) -> Answer:
        opts = self._delete_options(query, body)
        dry_run = dry_run_of(query, opts)
        grace = opts.get("gracePeriodSeconds")
        out = self.api.delete(
            kind,
            info.name,
            namespace=info.namespace,
            grace_period_seconds=int(grace) if grace is not None else None,
            propagation_policy=opts.get("propagationPolicy"),
            preconditions=opts.get("preconditions"),
            dry_run=dry_run,
            user=user,
        )
        still_there = not dry_run and self._exists(kind, info)
        # store.go finalizeDelete: pods return the object (ReturnDeletedObject); other kinds a
        # Success Status once gone; an object held by finalizers or a grace period is returned.
        if still_there or kind.kind == "Pod" or dry_run:
            return Answer(200, out)
        return Answer(200, success_status(200, kind, info.name, out["metadata"].get("uid", "")))

    def _delete_collection(
        self, info: RequestInfo, kind: Kind, query: Mapping[str, Any], body: Any, user: str
    ) -> Answer:
        listing = self._list(info, kind, query)
        opts = self._delete_options(query, body)
        dry_run = dry_run_of(query, opts)
        items = []
        for obj in listing["items"]:
            meta = obj["metadata"]
            try:
                grace = opts.get("gracePeriodSeconds")
                items.append(
                    self.api.delete(
                        kind,
                        meta["name"],
                        namespace=meta.get("namespace"),
                        grace_period_seconds=int(grace) if grace is not None else None,
                        propagation_policy=opts.get("propagationPolicy"),
                        dry_run=dry_run,
                        user=user,
                    )
                )
            except ApiError as e:
                if e.code != 404:  # deleted meanwhile: upstream ignores it too
                    raise
        out = dict(listing)
        out["items"] = items
        return Answer(200, out, is_list=True)

    # -- subresources --------------------------------------------------------------------------
    def _subresource(
        self,
        method: str,
        info: RequestInfo,
        kind: Kind,
        query: Mapping[str, Any],
        body: Any,
        content_type: str,
        user: str,
    ) -> Answer:
        sub = info.subresource
        verbs = SUBRESOURCES[sub][3]
        verb = {"GET": "get", "PUT": "update", "PATCH": "patch", "POST": "create"}.get(method)
        if verb not in verbs or (sub == "proxy" and verb != "get"):  # only GET is proxied
            raise method_not_allowed(
                "the server does not allow this method on the requested resource"
            )
        ns, name = info.namespace, info.name
        dry_run = dry_run_of(query)
        if sub in ("status", "finalize"):
            if method == "GET":
                return Answer(200, self.api.get(kind, name, namespace=ns))
            if method == "PUT":
                obj = self._body_object(body)
                self._check_name(obj, name)
                out = self.api.update(
                    kind, obj, namespace=ns, subresource=sub, dry_run=dry_run, user=user
                )
                return Answer(200, out)
            out = self.api.patch(
                kind,
                name,
                body,
                self._patch_type(content_type),
                namespace=ns,
                subresource=sub,
                dry_run=dry_run,
                user=user,
            )
            return Answer(200, out)
        if sub == "scale":
            return self._scale(method, kind, info, body, content_type, user)
        if sub == "binding":
            self.api.bind(name, self._body_object(body), namespace=ns, dry_run=dry_run, user=user)
            return Answer(201, _success(201))
        if sub == "eviction":
            ev = self._body_object(body)
            opts = ev.get("deleteOptions") or {}
            grace = opts.get("gracePeriodSeconds")
            self.api.evict(
                name,
                namespace=ns,
                grace_period_seconds=int(grace) if grace is not None else None,
                dry_run=dry_run or "All" in (opts.get("dryRun") or []),
                user=user,
            )
            return Answer(201, _success(201))
        if sub == "log":
            return self._log(kind, info, query)
        if sub == "proxy":
            reply = nodeproxy.connect(self.api, self.kubelet_source, name, info.path, query)
            return Answer(reply.code, None, raw=reply.body, media=reply.media)
        raise not_found(f"{kind.plural}/{sub}", kind.group, name)

    def _scale(
        self, method: str, kind: Kind, info: RequestInfo, body: Any, content_type: str, user: str
    ) -> Answer:
        ns, name = info.namespace, info.name
        scale_kind = None
        if method == "GET":
            return Answer(200, self.api.get_scale(kind, name, namespace=ns), kind=scale_kind)
        if method == "PUT":
            scale = self._body_object(body)
        else:
            current = self.api.get_scale(kind, name, namespace=ns)
            try:
                scale = apply_patch(current, body, self._patch_type(content_type), "Scale")
            except PatchError as e:
                raise e.to_api_error() from None
        replicas = (scale.get("spec") or {}).get("replicas", 0)
        rv = (scale.get("metadata") or {}).get("resourceVersion") if method == "PUT" else None
        out = self.api.update_scale(
            kind, name, replicas, namespace=ns, resource_version=rv or None, user=user
        )
        return Answer(200, out)

    def _log(self, kind: Kind, info: RequestInfo, query: Mapping[str, Any]) -> Answer:
        pod = self.api.get(kind, info.name, namespace=info.namespace)
        containers = [c["name"] for c in pod["spec"].get("containers") or []]
        inits = [c["name"] for c in pod["spec"].get("initContainers") or []]
        container = query.get("container") or ""
        if not container:
            if len(containers) != 1:
                more = f" or one of the init containers: [{' '.join(inits)}]" if inits else ""
                raise bad_request(
                    f"a container name must be specified for pod {info.name}, choose one of: "
                    f"[{' '.join(containers)}]{more}"
                )
            container = containers[0]
        elif container not in containers and container not in inits:
            raise bad_request(f"container {container} is not valid for pod {info.name}")
        lines = None if self.log_source is None else self.log_source(pod, container, query)
        if lines is None:
            if not pod["spec"].get("nodeName"):
                return Answer(200, None, text="")
            state = _container_state(pod, container)
            if state != "running" and state != "terminated":
                raise bad_request(
                    f'container "{container}" in pod "{info.name}" is waiting to start: '
                    "ContainerCreating"
                )
            lines = []
        tail = query_int(query, "tailLines")
        if tail is not None and tail >= 0:
            lines = lines[len(lines) - tail :] if tail else []
        text = "".join(f"{line}\n" for line in lines)
        limit = query_int(query, "limitBytes")
        if limit is not None and limit > 0:
            text = text.encode()[:limit].decode(errors="ignore")
        return Answer(200, None, text=text)

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _body_object(body: Any) -> dict[str, Any]:
        if not isinstance(body, Mapping):
            raise bad_request("the body of the request was not a JSON object")
        return dict(body)

    @staticmethod
    def _check_name(obj: Mapping[str, Any], name: str) -> None:
        got = (obj.get("metadata") or {}).get("name")
        if got and got != name:
            raise bad_request(
                f"the name of the object ({got}) does not match the name on the URL ({name})"
            )

    @staticmethod
    def _patch_type(content_type: str) -> str:
        media = content_type.split(";")[0].strip().lower()
        if media not in PATCH_TYPES:
            raise ApiError(
                status_dict(
                    415,
                    "UnsupportedMediaType",
                    f"the body of the request was in an unknown format - accepted media types "
                    f"include: {', '.join(PATCH_TYPES)}",
                )
            )
        if media == "application/apply-patch+yaml":
            raise ApiError(
                status_dict(
                    415,
                    "UnsupportedMediaType",
                    "server-side apply is not modelled by kubesim: use client-side kubectl apply",
                )
            )
        return media

    def _check_fields(self, kind: Kind, obj: Any, query: Mapping[str, Any]) -> list[str]:
        """fieldValidation: Strict fails on unknown fields, Warn returns them as warnings."""
        directive = field_validation_of(query)
        if self.unknown_fields is None:
            return []
        unknown = self.unknown_fields(kind, obj)  # dropped whatever the directive, as decoding does
        if not unknown or directive == "Ignore":
            return []
        msgs = [f'unknown field "{path}"' for path in unknown]
        if directive == "Strict":
            raise bad_request("strict decoding error: " + ", ".join(msgs))
        return msgs


def _success(code: int) -> dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": code}


def _container_state(pod: Any, container: str) -> str:
    for st in (pod.get("status") or {}).get("containerStatuses") or []:
        if st.get("name") == container:
            state = st.get("state") or {}
            for key in ("running", "terminated", "waiting"):
                if key in state:
                    return key
    return "waiting"


def thawed(obj: Any) -> Any:
    return thaw(obj)
