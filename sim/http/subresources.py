"""Subresource requests: status, finalize, scale, binding, eviction, log and proxy.

Each is translated into ApiServer core calls, as upstream's REST storage for it answers
(pkg/registry/core/pod/storage/storage.go BindingREST and StatusREST,
pkg/registry/core/namespace/storage/storage.go FinalizeREST,
pkg/registry/apps/deployment/storage/storage.go ScaleREST,
pkg/registry/core/pod/storage/eviction.go, pkg/registry/core/pod/rest/log.go,
pkg/registry/core/node/rest/proxy.go); `PATCH .../scale` is get_scale, patch the Scale,
update_scale. Logs and the node proxy are read from the node's in-process kubelet
(kubelet_source). The request handling around them follows
staging/src/k8s.io/apiserver/pkg/endpoints/handlers (patch.go content types, rest.go query
parameters). Runs on the simulation thread (sim/core/driver.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.errors import bad_request, method_not_allowed, not_found
from sim.api.kinds import Kind
from sim.apiserver.patch import PatchError, apply_patch
from sim.apiserver.server import ApiServer
from sim.http import logs, nodeproxy
from sim.http.discovery import SUBRESOURCES
from sim.http.params import (
    Answer,
    body_object,
    check_name,
    dry_run_of,
    patch_type_of,
    query_int,
)
from sim.http.requestinfo import RequestInfo


class Subresources:
    """Translates one subresource request into ApiServer calls (simulation thread only)."""

    def __init__(self, api: ApiServer, kubelet_source: Any = None):
        self.api = api
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
                obj = body_object(body)
                check_name(obj, name)
                out = self.api.update(
                    kind, obj, namespace=ns, subresource=sub, dry_run=dry_run, user=user
                )
                return Answer(200, out)
            out = self.api.patch(
                kind,
                name,
                body,
                patch_type_of(content_type),
                namespace=ns,
                subresource=sub,
                dry_run=dry_run,
                user=user,
            )
            return Answer(200, out)
        if sub == "scale":
            return self._scale(method, kind, info, body, content_type, user)
        if sub == "binding":
            self.api.bind(name, body_object(body), namespace=ns, dry_run=dry_run, user=user)
            return Answer(201, _success(201))
        if sub == "eviction":
            ev = body_object(body)
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
            scale = body_object(body)
        else:
            current = self.api.get_scale(kind, name, namespace=ns)
            try:
                scale = apply_patch(current, body, patch_type_of(content_type), "Scale")
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
        lines = self._log_lines(pod, container, query)
        if lines is None:
            if not pod["spec"].get("nodeName"):
                return _text("")
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
        return _text(text)

    def _log_lines(
        self, pod: Mapping[str, Any], container: str, query: Mapping[str, Any]
    ) -> list[str] | None:
        """The container's log lines from its node's in-process kubelet, with sinceSeconds,
        sinceTime and timestamps applied; None: the pod has no simulated output yet."""
        node = pod["spec"].get("nodeName") or ""
        kubelet = self.kubelet_source(node) if self.kubelet_source is not None else None
        if kubelet is None:
            return None
        meta = pod["metadata"]
        previous = str(query.get("previous", "")).lower() in ("true", "1")
        lines = logs.container_logs(
            kubelet, meta.get("namespace", ""), meta["uid"], container, previous=previous
        )
        if lines is None:
            return None
        return logs.render(lines, query, self.api.clock.now, self.api.clock.seconds_of)


def _text(text: str) -> Answer:
    """A text/plain answer (pods/log), as aiohttp sends a str body."""
    return Answer(200, None, raw=text.encode(), media="text/plain; charset=utf-8")


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
