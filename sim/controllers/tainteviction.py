"""The taint eviction controller: deletes pods that do not tolerate a node's NoExecute taints.

Models pkg/controller/tainteviction/taint_eviction.go (1.32): when a node's NoExecute taints
change, or a pod is bound or changes tolerations, `processPodOnNode` matches the taints against
the pod's tolerations. A taint that is not tolerated evicts the pod at once; otherwise the
eviction is scheduled after the smallest tolerationSeconds of the tolerations used (a toleration
without tolerationSeconds tolerates forever and cancels it), counted from when the pod was first
scheduled for eviction. An eviction adds the DisruptionTarget condition (DeletionByTaintManager)
and deletes the pod, with a TaintManagerEviction event ("Marking for deletion Pod ns/name");
taints going away cancel it ("Cancelling deletion of Pod ns/name").
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.client.informer import index_by_node_name, meta_namespace_key
from sim.controllers.base import Controller
from sim.controllers.util import is_being_deleted

if TYPE_CHECKING:
    from sim.client.runtime import Runtime


def tolerates(tol: Any, taint: Any) -> bool:
    """v1.Toleration.ToleratesTaint."""
    if tol.get("effect") and tol["effect"] != taint.get("effect"):
        return False
    if tol.get("key") and tol["key"] != taint.get("key"):
        return False
    op = tol.get("operator") or "Equal"
    if op == "Exists":
        return True
    return (tol.get("value") or "") == (taint.get("value") or "") and bool(
        tol.get("key") or not taint.get("key")
    )


class TaintEvictionController(Controller):
    name = "taint-eviction-controller"
    resource = "pods"

    def __init__(self, runtime: Runtime, workers: int = 8):
        super().__init__(runtime, workers, user="system:serviceaccount:kube-system:node-controller")
        self.pod_informer = self.informer("pods", indexers={"nodeName": index_by_node_name})
        self.node_informer = self.informer("nodes")
        self.pod_informer.add_event_handler(
            self._pod, lambda o, n: self._pod(n, o), self._pod_deleted
        )
        self.node_informer.add_event_handler(self._node, self._node_update)
        self.scheduled: dict[str, tuple[float, float]] = {}  # pod key -> (created_s, fire_s)

    def _pod(self, pod: Any, old: Any = None) -> None:
        if not pod["spec"].get("nodeName") or is_being_deleted(pod):
            return
        if (
            old is not None
            and old["spec"].get("nodeName") == pod["spec"]["nodeName"]
            and old["spec"].get("tolerations") == pod["spec"].get("tolerations")
        ):
            return
        self.queue.add(meta_namespace_key(pod))

    def _pod_deleted(self, pod: Any) -> None:
        self.scheduled.pop(meta_namespace_key(pod), None)

    def _node(self, node: Any) -> None:
        self._node_update(None, node)

    def _node_update(self, old: Any, node: Any) -> None:
        def no_exec(n: Any) -> list[Any]:
            return (
                [t for t in (n["spec"].get("taints") or ()) if t.get("effect") == "NoExecute"]
                if n
                else []
            )

        if old is not None and no_exec(old) == no_exec(node):
            return
        for pod in self.pod_informer.indexer.by_index("nodeName", node["metadata"]["name"]):
            self.queue.add(meta_namespace_key(pod))

    def sync(self, key: str) -> Generator[Any, Any, None]:
        pod = self.pod_informer.indexer.get(key)
        if pod is None or is_being_deleted(pod) or not pod["spec"].get("nodeName"):
            self.scheduled.pop(key, None)
            return
        node = self.node_informer.indexer.get(pod["spec"]["nodeName"])
        taints = [
            t
            for t in ((node or {}).get("spec", {}).get("taints") or ())
            if t.get("effect") == "NoExecute"
        ]
        if not taints:
            self._cancel(pod, key)
            return
        tolerations = pod["spec"].get("tolerations") or ()
        used = []
        for taint in taints:
            match = [t for t in tolerations if tolerates(t, taint)]
            if not match:
                self.record("evict-untolerated", key, taint["key"])
                yield from self.evict(pod, key)
                return
            used.extend(match)
        seconds = [t["tolerationSeconds"] for t in used if t.get("tolerationSeconds") is not None]
        if not seconds:  # every toleration used tolerates forever
            self._cancel(pod, key)
            return
        min_s = max(0, min(seconds))
        now = self.clock.now
        sched = self.scheduled.get(key)
        created = sched[0] if sched is not None else now  # the first scheduling counts
        fire = created + min_s
        if fire <= now:
            yield from self.evict(pod, key)
            return
        if sched is None or sched[1] != fire:
            self.scheduled[key] = (created, fire)
            self.record("schedule-eviction", key, f"in {fire - now:.1f}s")
        self.queue.add_after(key, fire - now)

    def _cancel(self, pod: Any, key: str) -> None:
        if self.scheduled.pop(key, None) is not None:
            self.recorder.event(
                pod, "Normal", "TaintManagerEviction", f"Cancelling deletion of Pod {key}"
            )
            self.record("cancel-eviction", key)

    def evict(self, pod: Any, key: str) -> Generator[Any, Any, None]:
        self.scheduled.pop(key, None)
        self.recorder.event(
            pod, "Normal", "TaintManagerEviction", f"Marking for deletion Pod {key}"
        )
        new = thaw(pod)
        conds = [
            c
            for c in new.get("status", {}).get("conditions") or []
            if c.get("type") != "DisruptionTarget"
        ]
        conds.append(
            {
                "type": "DisruptionTarget",
                "status": "True",
                "lastTransitionTime": self.clock.timestamp(),
                "reason": "DeletionByTaintManager",
                "message": "Taint manager: deleting due to NoExecute taint",
            }
        )
        new.setdefault("status", {})["conditions"] = conds
        try:
            yield self.client.update_status("pods", new)
            yield self.client.delete(
                "pods", pod["metadata"]["name"], namespace=pod["metadata"]["namespace"]
            )
        except ApiError as e:
            if e.code not in (404, 409):
                raise
            return
        self.record("evict", key, "NoExecute taint")
