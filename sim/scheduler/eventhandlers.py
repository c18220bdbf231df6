"""kube-scheduler's informer event handlers: pods assigned to nodes go to the cache (confirming
an assumed pod), pending pods of our profiles to the queue, and node and pod changes move the
unschedulable pods; namespaces, services and replicasets are kept for the plugins that read
them.

Follows pkg/scheduler/eventhandlers.go (addNodeToCache, updateNodeInCache,
deleteNodeFromCache, addPodToCache, updatePodInCache, deletePodFromCache,
addPodToSchedulingQueue, updatePodInSchedulingQueue, deletePodFromSchedulingQueue).
`EventHandlers` is a base of `Scheduler` (scheduler.py), which owns the cache and the queue.
"""

from __future__ import annotations

from typing import Any

from sim.scheduler.framework import Framework
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.queue import SchedulingQueue
from sim.scheduler.snapshot import Snapshot


class EventHandlers:
    """The handlers `Scheduler.start` registers on its informers."""

    snapshot: Snapshot
    queue: SchedulingQueue
    frameworks: dict[str, Framework]
    assumed: dict[str, str]

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
        info = PodInfo(pod)
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
        info = PodInfo(new)
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
        info = PodInfo(pod)
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
