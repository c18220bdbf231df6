"""Resource requests: URL layout, query parameters and bodies turned into ApiServer calls.

URL parsing follows staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go
(`/api/v1/namespaces/{ns}/{resource}/{name}/{subresource}`, `/apis/{group}/{version}/...`, the
legacy `/watch/` prefix, `namespaces/{name}/status|finalize`: sim/http/requestinfo.py); verbs and
answers follow staging/src/k8s.io/apiserver/pkg/endpoints/handlers (create.go 201, delete.go with
DeleteOptions and the Success Status, patch.go content types, rest.go query parameters:
sim/http/params.py). Every verb is one call into the ApiServer core: this module only
translates, it implements no verb itself (deletecollection is upstream's list-then-delete-each,
made of those two verbs). This module serves collections and items (list, create, get, update,
patch, delete, deletecollection); subresources are sim/http/subresources.py.

`Resource.handle` runs on the simulation thread (sim/core/driver.py); it returns an `Answer`
whose body is encoded on the server thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.errors import ApiError, bad_request, method_not_allowed, status_dict
from sim.api.kinds import Kind
from sim.apiserver.server import ApiServer
from sim.http.params import (
    PATCH_TYPES,
    Answer,
    body_object,
    check_name,
    dry_run_of,
    field_validation_of,
    patch_type_of,
    query_bool,
    query_int,
    success_status,
)
from sim.http.requestinfo import RequestInfo
from sim.http.subresources import Subresources


class Resource:
    """Translates one resource request into ApiServer calls (simulation thread only)."""

    def __init__(
        self,
        api: ApiServer,
        unknown_fields: Any = None,
        kubelet_source: Any = None,
    ):
        self.api = api
        # (kind, obj) -> list of unknown field paths, from the OpenAPI schemas (sim/http/openapi.py)
        self.unknown_fields = unknown_fields
        self.subresources = Subresources(api, kubelet_source)

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
            ans = self.subresources.handle(method, info, kind, query, body, content_type, user)
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
            obj = body_object(body)
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
            obj = body_object(body)
            check_name(obj, info.name)
            warnings = self._check_fields(kind, obj, query)
            exists = self._exists(kind, info)
            out = self.api.update(
                kind, obj, namespace=info.namespace, dry_run=dry_run_of(query), user=user
            )
            return Answer(200 if exists else 201, out, warnings=warnings)
        if method == "PATCH":
            patch_type = patch_type_of(content_type)
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

    # -- helpers -------------------------------------------------------------------------------
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
