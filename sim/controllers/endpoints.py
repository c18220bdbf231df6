"""The Endpoints controller: the legacy v1 Endpoints object kept in step with each Service.

Models pkg/controller/endpoint/endpoints_controller.go (1.32): for each Service with a selector,
pods that should be in endpoints (an IP, not terminal; terminating ones only with
publishNotReadyAddresses) become addresses, in `addresses` when Ready (or with
publishNotReadyAddresses) and in `notReadyAddresses` otherwise, one subset per distinct set of
resolved ports, addresses sorted by IP then uid (RepackSubsets). At most 1000 addresses are kept
(maxCapacity), the Endpoints then annotated endpoints.kubernetes.io/over-capacity: truncated.
The Endpoints object is deleted with its Service.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.controllers.endpointutil import (
    ServicePodsController,
    resolve_ports,
    should_be_in_endpoints,
)
from sim.controllers.util import is_pod_ready

if TYPE_CHECKING:
    from sim.client.runtime import Runtime

MAX_CAPACITY = 1000
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"


class EndpointsController(ServicePodsController):
    name = "endpoints-controller"
    resource = "endpoints"

    def __init__(self, runtime: Runtime, workers: int = 5):
        super().__init__(runtime, workers)
        self.ep_informer = self.informer("endpoints")
        self.ep_informer.add_event_handler(on_delete=self.enqueue)

    def sync(self, key: str) -> Generator[Any, Any, None]:
        ns, name = key.split("/", 1)
        svc = self.svc_informer.indexer.get(key)
        cur = self.ep_informer.indexer.get(key)
        if svc is None:
            if cur is not None:
                try:
                    yield self.client.delete("endpoints", name, namespace=ns)
                except ApiError as e:
                    if e.code != 404:
                        raise
                self.record("delete", key)
            return
        if not svc["spec"].get("selector"):
            return
        publish = bool(svc["spec"].get("publishNotReadyAddresses"))
        subsets: dict[tuple[Any, ...], dict[str, list[Any]]] = {}
        total = 0
        for pod in self.selected_pods(svc):
            if not should_be_in_endpoints(pod, publish):
                continue
            ports = resolve_ports(svc, pod)
            if ports is None or total >= MAX_CAPACITY:
                total += ports is not None
                continue
            total += 1
            addr: dict[str, Any] = {
                "ip": pod["status"].get("podIP") or pod["status"]["podIPs"][0]["ip"],
                "targetRef": {
                    "kind": "Pod",
                    "namespace": ns,
                    "name": pod["metadata"]["name"],
                    "uid": pod["metadata"]["uid"],
                },
            }
            if pod["spec"].get("nodeName"):
                addr["nodeName"] = pod["spec"]["nodeName"]
            bucket = subsets.setdefault(ports, {"addresses": [], "notReadyAddresses": []})
            bucket["addresses" if publish or is_pod_ready(pod) else "notReadyAddresses"].append(
                addr
            )
        out = []
        for ports, b in sorted(subsets.items()):
            subset: dict[str, Any] = {}
            for f in ("addresses", "notReadyAddresses"):
                if b[f]:
                    subset[f] = sorted(b[f], key=lambda a: (a["ip"], a["targetRef"]["uid"]))
            subset["ports"] = [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports]
            out.append(subset)
        labels = dict(svc["metadata"].get("labels") or {})
        annotations = {OVER_CAPACITY: "truncated"} if total > MAX_CAPACITY else {}
        if cur is None:
            obj = {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "subsets": out,
                "metadata": {
                    "name": name,
                    "namespace": ns,
                    "labels": labels,
                    "annotations": annotations,
                },
            }
            try:
                yield self.client.create("endpoints", obj)
            except ApiError as e:
                if e.code != 409:
                    raise
            self.record("create", key, f"{total} addresses")
            return
        if (
            list(cur.get("subsets") or []) == out
            and dict(cur["metadata"].get("labels") or {}) == labels
            and (OVER_CAPACITY in (cur["metadata"].get("annotations") or {})) == bool(annotations)
        ):
            return
        new = thaw(cur)
        new["subsets"] = out
        new["metadata"]["labels"] = labels
        ann = new["metadata"].setdefault("annotations", {})
        ann.pop(OVER_CAPACITY, None)
        ann.update(annotations)
        yield self.client.update("endpoints", new)
        self.record("update", key, f"{total} addresses")
