"""What the Endpoints and EndpointSlice controllers share: Services and the pods they select.

Models pkg/controller/util/endpoint (controller_utils.go, 1.32: ShouldPodBeInEndpoints,
GetPodServiceMemberships) and the named-port resolution of podutil.FindPort: a pod change
enqueues the Services whose selector matches its labels before or after the change; a pod is an
endpoint when it has an IP and is not terminal (terminating ones only where the caller includes
them); a named targetPort resolves per pod, and a pod lacking it is left out.
`ServicePodsController` is an abstract base in the sense of `Controller` (sim/controllers/
base.py): it wires the informers and handlers, the subclass implements `sync`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.api.labels import SelectorError, selector_from_set
from sim.controllers.base import Controller
from sim.controllers.util import is_pod_terminal

if TYPE_CHECKING:
    from sim.client.runtime import Runtime


class ServicePodsController(Controller):
    """The base of the Endpoints and EndpointSlice controllers (abstract: subclasses implement
    `sync(service key)`): Services and the pods their selectors match, by namespace; a pod
    change enqueues every Service that selects it, before or after the change."""

    def __init__(self, runtime: Runtime, workers: int):
        super().__init__(runtime, workers)
        self.svc_informer = self.informer("services")
        self.pod_informer = self.informer("pods")
        self.node_informer = self.informer("nodes")
        self.svc_informer.add_event_handler(
            self.enqueue, lambda o, n: self.enqueue(n), self.enqueue
        )
        self.pod_informer.add_event_handler(self._pod, lambda o, n: self._pod(n, o), self._pod)

    def _pod(self, pod: Any, old: Any = None) -> None:
        if old is not None and old["metadata"].get("resourceVersion") == pod["metadata"].get(
            "resourceVersion"
        ):
            return
        ns = pod["metadata"]["namespace"]
        label_sets = [pod["metadata"].get("labels")]
        if old is not None and old["metadata"].get("labels") != pod["metadata"].get("labels"):
            label_sets.append(old["metadata"].get("labels"))
        for svc in self.svc_informer.indexer.by_index("namespace", ns):
            sel = svc["spec"].get("selector")
            if not sel:
                continue
            try:
                s = selector_from_set(sel)
            except SelectorError:
                continue
            if any(s.matches(ls) for ls in label_sets):
                self.enqueue(svc)

    def selected_pods(self, svc: Any) -> list[Any]:
        s = selector_from_set(svc["spec"]["selector"])
        pods = [
            p
            for p in self.pod_informer.indexer.by_index("namespace", svc["metadata"]["namespace"])
            if s.matches(p["metadata"].get("labels"))
        ]
        return sorted(pods, key=lambda p: p["metadata"]["name"])


def should_be_in_endpoints(pod: Any, include_terminating: bool) -> bool:
    status = pod.get("status") or {}
    if is_pod_terminal(pod) or not (status.get("podIP") or status.get("podIPs")):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


def resolve_ports(svc: Any, pod: Any) -> tuple[tuple[str, int, str], ...] | None:
    """(name, port, protocol) per Service port; None if a named targetPort is missing."""
    out = []
    for sp in svc["spec"].get("ports") or ():
        target = sp.get("targetPort", sp.get("port"))
        proto = sp.get("protocol", "TCP")
        if isinstance(target, str):
            found = None
            for c in pod["spec"].get("containers") or ():
                for cp in c.get("ports") or ():
                    if cp.get("name") == target and cp.get("protocol", "TCP") == proto:
                        found = cp["containerPort"]
            if found is None:
                return None
            target = found
        out.append((sp.get("name", ""), int(target), proto))
    return tuple(out)
