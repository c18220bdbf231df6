"""The pod garbage collector: removes terminated, orphaned and stuck terminating pods.

Models pkg/controller/podgc/gc_controller.go (1.32). Every gcCheckPeriod (20 s):
- gcTerminated: when more than terminatedPodGCThreshold (12,500; 0 disables) pods are
  Succeeded or Failed, the oldest of them (by creationTimestamp) are deleted down to it;
- gcOrphaned: pods bound to a node that does not exist are deleted once the node has stayed
  absent for the quarantine time (40 s) and a live read confirms it;
- gcUnscheduledTerminating: terminating pods that were never bound are deleted;
- gcTerminating: terminating pods on not-ready nodes tainted node.kubernetes.io/out-of-service
  are deleted.
Deletions are forced (grace 0), after adding the DisruptionTarget condition
(reason DeletionByPodGC) as upstream does for orphaned and out-of-service pods.

Upstream lists every pod each period; here the pod informer keeps an index of the pods each rule
can act on (terminal, terminating without a node, bound to a node) so a pass costs what it finds,
not the number of pods: a quiet cluster's pass is a few dictionary lookups.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.client.informer import index_by_node_name, meta_namespace_key
from sim.controllers.base import Controller
from sim.controllers.util import is_being_deleted, is_pod_terminal

if TYPE_CHECKING:
    from sim.client.runtime import Runtime

GC_CHECK_PERIOD_S = 20.0
QUARANTINE_S = 40.0
OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"


class PodGCController(Controller):
    name = "pod-garbage-collector-controller"
    resource = "pods"

    def __init__(self, runtime: Runtime, terminated_threshold: int = 12500):
        super().__init__(runtime, 1, user="system:serviceaccount:kube-system:pod-garbage-collector")
        self.threshold = terminated_threshold
        self.pod_informer = self.informer(
            "pods", indexers={"nodeName": index_by_node_name, "podgc": _gc_index}
        )
        self.node_informer = self.informer("nodes", indexers={"podgc": _node_gc_index})
        self.absent_since: dict[str, float] = {}

    def start(self) -> None:
        for inf in self.informers:
            inf.start()
        self.clock.process(self._loop())

    def _loop(self) -> Generator[Any, Any, None]:
        for inf in self.informers:
            if not inf.has_synced:
                yield inf.wait_for_sync()
        while True:
            yield self.clock.timeout(GC_CHECK_PERIOD_S)
            try:
                yield from self.gc()
            except ApiError as e:
                self.record("gc-error", "", e.message)

    def gc(self) -> Generator[Any, Any, None]:
        index = self.pod_informer.indexer
        if self.threshold > 0 and index.count("podgc", TERMINAL) > self.threshold:
            terminated = index.by_index("podgc", TERMINAL)
            terminated.sort(
                key=lambda p: (
                    p["metadata"].get("creationTimestamp") or "",
                    meta_namespace_key(p),
                )
            )
            for p in terminated[: len(terminated) - self.threshold]:
                yield from self._force_delete(p, "terminated-threshold", condition=False)
        yield from self.gc_orphaned()
        for p in index.by_index("podgc", UNSCHEDULED_TERMINATING):
            yield from self._force_delete(p, "unscheduled-terminating", condition=False)
        for node in self.node_informer.indexer.by_index("podgc", OUT_OF_SERVICE):
            if _node_ready(node):
                continue
            for p in self.pod_informer.indexer.by_index("nodeName", node["metadata"]["name"]):
                if is_being_deleted(p):
                    yield from self._force_delete(p, "out-of-service", condition=True)

    def gc_orphaned(self) -> Generator[Any, Any, None]:
        bound = self.pod_informer.indexer.index_values("nodeName")
        nodes_with_pods = sorted(n for n in bound if self.node_informer.indexer.get(n) is None)
        now = self.clock.now
        for n in list(self.absent_since):
            if n not in nodes_with_pods:
                del self.absent_since[n]
        for n in nodes_with_pods:
            since = self.absent_since.setdefault(n, now)
            if now - since < QUARANTINE_S:
                continue
            try:
                yield self.client.get("nodes", n)
                continue  # the cache was stale: the node exists
            except ApiError as e:
                if e.code != 404:
                    raise
            for p in list(self.pod_informer.indexer.by_index("nodeName", n)):
                yield from self._force_delete(p, f"orphaned (node {n} gone)", condition=True)
            self.absent_since.pop(n, None)

    def _force_delete(self, pod: Any, why: str, condition: bool) -> Generator[Any, Any, None]:
        meta = pod["metadata"]
        try:
            if condition and not is_pod_terminal(pod):
                new = thaw(pod)
                conds = [
                    c
                    for c in new["status"].get("conditions") or []
                    if c.get("type") != "DisruptionTarget"
                ]
                conds.append(
                    {
                        "type": "DisruptionTarget",
                        "status": "True",
                        "lastTransitionTime": self.clock.timestamp(),
                        "reason": "DeletionByPodGC",
                        "message": "PodGC: node no longer exists",
                    }
                )
                new["status"]["conditions"] = conds
                yield self.client.update_status("pods", new)
            yield self.client.delete(
                "pods", meta["name"], namespace=meta["namespace"], grace_period_seconds=0
            )
        except ApiError as e:
            if e.code not in (404, 409):
                raise
            return
        self.record("force-delete", meta_namespace_key(pod), why)


TERMINAL = "terminal"
UNSCHEDULED_TERMINATING = "unscheduled-terminating"


def _gc_index(pod: Any) -> list[str]:
    """Which podgc rules may act on a pod (gcTerminated, gcUnscheduledTerminating)."""
    out = []
    if is_pod_terminal(pod):
        out.append(TERMINAL)
    if is_being_deleted(pod) and not pod["spec"].get("nodeName"):
        out.append(UNSCHEDULED_TERMINATING)
    return out


def _node_gc_index(node: Any) -> list[str]:
    """Nodes tainted out-of-service (gcTerminating acts on their terminating pods)."""
    taints = node["spec"].get("taints") or ()
    return [OUT_OF_SERVICE] if any(t.get("key") == OUT_OF_SERVICE for t in taints) else []


def _node_ready(node: Any) -> bool:
    for c in (node.get("status") or {}).get("conditions") or ():
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False
