"""The EndpointSlice controller: the ready, serving and terminating pods behind each Service.

Models pkg/controller/endpointslice (endpointslice_controller.go, reconciler.go) and
staging/src/k8s.io/endpointslice/util (ShouldPodBeInEndpoints, podToEndpoint) of 1.32. For each
Service with a selector, every matching pod that has an IP and is not terminal becomes an
endpoint: addresses [podIP], conditions ready (Ready and not terminating, or always with
publishNotReadyAddresses), serving (Ready), terminating (deletionTimestamp set), nodeName, zone
(the node's topology.kubernetes.io/zone) and a targetRef to the pod. Pods are grouped by their
resolved ports (named targetPorts resolve per pod, as upstream), and each group is packed into
slices of at most maxEndpointsPerSlice (100) endpoints, named `<service>-<random>`, labelled
kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, owned by the Service.
The Service/pod wiring and the endpoint rules it shares with the Endpoints controller are
sim/controllers/endpointutil.py.

Deliberate difference: packing is by sorted pod name into the existing slices in name order,
which is deterministic and writes only slices whose content changed, but is not upstream's
churn-minimising placement.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.frozen import thaw
from sim.controllers.endpointutil import (
    ServicePodsController,
    resolve_ports,
    should_be_in_endpoints,
)
from sim.controllers.util import controller_ref, is_pod_ready

if TYPE_CHECKING:
    from sim.client.runtime import Runtime

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
MANAGED_BY = "endpointslice-controller.k8s.io"
ZONE_LABEL = "topology.kubernetes.io/zone"


class EndpointSliceController(ServicePodsController):
    name = "endpointslice-controller"
    resource = "services"

    def __init__(self, runtime: Runtime, workers: int = 5, max_endpoints_per_slice: int = 100):
        super().__init__(runtime, workers)
        self.max_per_slice = max_endpoints_per_slice
        self.slice_informer = self.informer("endpointslices")
        self.slice_informer.add_event_handler(self._slice, lambda o, n: self._slice(n), self._slice)

    def _slice(self, es: Any) -> None:
        labels = es["metadata"].get("labels") or {}
        if labels.get(MANAGED_BY_LABEL) == MANAGED_BY and labels.get(SERVICE_NAME_LABEL):
            self.queue.add(f"{es['metadata']['namespace']}/{labels[SERVICE_NAME_LABEL]}")

    def endpoint(self, svc: Any, pod: Any) -> dict[str, Any]:
        ready_pod = is_pod_ready(pod)
        terminating = bool(pod["metadata"].get("deletionTimestamp"))
        publish = bool(svc["spec"].get("publishNotReadyAddresses"))
        ready = publish or (ready_pod and not terminating)
        status = pod["status"]
        ep: dict[str, Any] = {
            "addresses": [status.get("podIP") or status["podIPs"][0]["ip"]],
            "conditions": {"ready": ready, "serving": ready_pod, "terminating": terminating},
            "targetRef": {
                "kind": "Pod",
                "namespace": pod["metadata"]["namespace"],
                "name": pod["metadata"]["name"],
                "uid": pod["metadata"]["uid"],
            },
        }
        node_name = pod["spec"].get("nodeName")
        if node_name:
            ep["nodeName"] = node_name
            node = self.node_informer.indexer.get(node_name)
            zone = ((node or {}).get("metadata", {}).get("labels") or {}).get(ZONE_LABEL)
            if zone:
                ep["zone"] = zone
        if pod["spec"].get("hostname") and pod["spec"].get("subdomain") == svc["metadata"]["name"]:
            ep["hostname"] = pod["spec"]["hostname"]
        return ep

    def sync(self, key: str) -> Generator[Any, Any, None]:
        svc = self.svc_informer.indexer.get(key)
        if svc is None or not svc["spec"].get("selector"):
            return  # owned slices go with the Service (garbage collector)
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        for pod in self.selected_pods(svc):
            if not should_be_in_endpoints(pod, True):
                continue
            ports = resolve_ports(svc, pod)
            if ports is None:
                continue
            groups.setdefault(ports, []).append(self.endpoint(svc, pod))
        desired: list[tuple[tuple[Any, ...], list[dict[str, Any]]]] = []
        for ports, eps in sorted(groups.items()):
            for i in range(0, len(eps), self.max_per_slice):
                desired.append((ports, eps[i : i + self.max_per_slice]))
        existing = sorted(
            (
                es
                for es in self.slice_informer.indexer.by_index("namespace", ns)
                if (es["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) == name
                and (es["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL) == MANAGED_BY
            ),
            key=lambda es: es["metadata"]["name"],
        )
        labels = {
            **(svc["metadata"].get("labels") or {}),
            SERVICE_NAME_LABEL: name,
            MANAGED_BY_LABEL: MANAGED_BY,
        }
        for i, (ports, eps) in enumerate(desired):
            body = {
                "addressType": "IPv4",
                "endpoints": eps,
                "ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports],
            }
            if i < len(existing):
                cur = existing[i]
                if (
                    all(cur.get(f) == body[f] for f in body)
                    and (cur["metadata"].get("labels") or {}) == labels
                ):
                    continue
                new = thaw(cur)
                new.update(body)
                new["metadata"]["labels"] = labels
                yield self._write(
                    self.client.update("endpointslices", new), key, "update", len(eps)
                )
            else:
                obj = {
                    "apiVersion": "discovery.k8s.io/v1",
                    "kind": "EndpointSlice",
                    "metadata": {
                        "generateName": f"{name}-",
                        "namespace": ns,
                        "labels": labels,
                        "ownerReferences": [controller_ref(svc)],
                    },
                    **body,
                }
                yield self._write(
                    self.client.create("endpointslices", obj), key, "create", len(eps)
                )
        for es in existing[len(desired) :] if desired else existing[1:]:
            yield self._write(
                self.client.delete("endpointslices", es["metadata"]["name"], namespace=ns),
                key,
                "delete",
                0,
            )
        if not desired and not existing:
            # upstream keeps one (empty) slice per Service so that consumers see "no endpoints"
            obj = {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "addressType": "IPv4",
                "endpoints": [],
                "ports": [],
                "metadata": {
                    "generateName": f"{name}-",
                    "namespace": ns,
                    "labels": labels,
                    "ownerReferences": [controller_ref(svc)],
                },
            }
            yield self._write(self.client.create("endpointslices", obj), key, "create", 0)
        elif not desired and existing and existing[0].get("endpoints"):
            new = thaw(existing[0])
            new["endpoints"], new["ports"] = [], []
            yield self._write(self.client.update("endpointslices", new), key, "update", 0)

    def _write(self, ev: Any, key: str, verb: str, n: int) -> Any:
        self.record(f"{verb}-slice", key, f"{n} endpoints")
        return ev
