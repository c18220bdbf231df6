"""kube-scheduler's informer event handlers: pods assigned to nodes go to the cache (confirming
an assumed pod), pending pods of our profiles to the queue, and node and pod changes move the
unschedulable pods; namespaces, services and replicasets are kept for the plugins that read
them.

Follows pkg/scheduler/eventhandlers.go (addNodeToCache, updateNodeInCache,
deleteNodeFromCache, addPodToCache, updatePodInCache, deletePodFromCache,
addPodToSchedulingQueue, updatePodInSchedulingQueue, deletePodFromSchedulingQueue,
addAllEventHandlers). The `Scheduler` (scheduler.py) owns one `EventHandlers` over its cache
(the snapshot and the assumed pods) and its scheduling queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.scheduler.framework import Framework
from sim.scheduler.podinfo import PodInfo, ShapeCache
from sim.scheduler.queue import SchedulingQueue
from sim.scheduler.snapshot import Snapshot


class EventHandlers:
    """The handlers `add_all_event_handlers` registers on the scheduler's informers. `assumed`
    is the binding cycle's map of assumed pods (a pod seen bound is confirmed: out of it);
    `shapes` parses the pods."""

    def __init__(
        self,
        snapshot: Snapshot,
        queue: SchedulingQueue,
        frameworks: dict[str, Framework],
        assumed: dict[str, str],
        shapes: ShapeCache,
    ):
        self.snapshot = snapshot
        self.queue = queue
        self.frameworks = frameworks
        self.assumed = assumed
        self.shapes = shapes

    def add_all_event_handlers(self, informers: Any) -> tuple[Any, Any, list[Any]]:
        """addAllEventHandlers: register on the pods, nodes, namespaces, services and
        replicasets informers of the shared factory `informers` and start the last three;
        returns the pods and nodes informers (not started) and the others."""
        pods = informers.informer_for("pods")
        nodes = informers.informer_for("nodes")
        nodes.add_event_handler(self._node_add, self._node_update, self._node_delete)
        pods.add_event_handler(self._pod_add, self._pod_update, self._pod_delete)
        extra: tuple[tuple[str, Callable[[Any, bool], None]], ...] = (
            ("namespaces", self._ns_event),
            ("services", self._svc_event),
            ("replicasets", self._rs_event),
        )
        others = []
        for kind, fn in extra:
            i = informers.informer_for(kind)
            i.add_event_handler(*_relay(fn))
            others.append(i)
            i.start()
        return pods, nodes, others

    def _node_add(self, node: Any) -> None:
        self.snapshot.add_node(node)
        self.queue.move_all("Node/Add")

    def _node_update(self, old: Any, new: Any) -> None:
        gen = self.snapshot.node_generation
        self.snapshot.update_node(new)
        changed = self.snapshot.node_generation != gen or old.get("status", {}).get(
            "allocatable"
        ) != new.get("status", {}).get("allocatable")
        if changed:
            self.queue.move_all("Node/Update")

    def _node_delete(self, node: Any) -> None:
        self.snapshot.remove_node(node["metadata"]["name"])

    @staticmethod
    def _terminal(pod: Any) -> bool:
        return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")

    def _pod_add(self, pod: Any) -> None:
        info = PodInfo(pod, self.shapes)
        if info.node_name:
            if self._terminal(pod):
                return
            self._cache_assigned(info)
            self.queue.move_all("Pod/Add")
        elif info.scheduler_name in self.frameworks and not info.terminating:
            self.queue.add(info)

    def _cache_assigned(self, info: PodInfo) -> None:
        key = info.key
        self.assumed.pop(key, None)  # confirmed: the informer's copy replaces the assumed one
        self.queue.forget(key)
        self.snapshot.add_pod(info)

    def _pod_update(self, old: Any, new: Any) -> None:
        info = PodInfo(new, self.shapes)
        if info.node_name:
            if self._terminal(new):
                self._pod_delete(new)
                return
            was = (old.get("spec") or {}).get("nodeName")
            self._cache_assigned(info)
            if not was:
                self.queue.move_all("Pod/Add")
            elif (old.get("metadata") or {}).get("labels") != (new.get("metadata") or {}).get(
                "labels"
            ):
                self.queue.move_all("Pod/Update")
        elif info.scheduler_name in self.frameworks:
            if info.terminating:
                self.queue.delete(info.key)
            else:
                self.queue.update(info)

    def _pod_delete(self, pod: Any) -> None:
        info = PodInfo(pod, self.shapes)
        key = info.key
        if self.snapshot.remove_pod(key) is not None:
            self.assumed.pop(key, None)
            self.queue.move_all("Pod/Delete")
        self.queue.forget(key)

    def _ns_event(self, ns: Any, deleted: bool) -> None:
        name = ns["metadata"]["name"]
        if deleted:
            self.snapshot.namespaces.pop(name, None)
        else:
            self.snapshot.namespaces[name] = ns["metadata"].get("labels") or {}

    def _svc_event(self, svc: Any, deleted: bool) -> None:
        key = (svc["metadata"].get("namespace"), svc["metadata"]["name"])
        self.snapshot.services = [
            s
            for s in self.snapshot.services
            if (s["metadata"].get("namespace"), s["metadata"]["name"]) != key
        ]
        if not deleted:
            self.snapshot.services.append(svc)

    def _rs_event(self, rs: Any, deleted: bool) -> None:
        key = f"{rs['metadata'].get('namespace')}/{rs['metadata']['name']}"
        if deleted:
            self.snapshot.replicasets.pop(key, None)
        else:
            self.snapshot.replicasets[key] = rs


def _relay(
    fn: Callable[[Any, bool], None],
) -> tuple[Callable[[Any], None], Callable[[Any, Any], None], Callable[[Any], None]]:
    """Informer handlers that pass (object, deleted) to `fn`."""
    return (lambda o: fn(o, False), lambda _o, n: fn(n, False), lambda o: fn(o, True))
