"""The garbage collector: deletes objects whose owners are gone, and runs the deletion
propagation policies (Background, Foreground with the foregroundDeletion finalizer, Orphan).

Models pkg/controller/garbagecollector (garbagecollector.go attemptToDeleteItem,
processDeletingDependentsItem, orphanDependents; graph_builder.go) of 1.32, over the informers of
the monitored kinds instead of a separate dependency graph: the informers' `owner` index is the
graph's dependents edges, a uid map its nodes.

- An object all of whose owners are gone (verified with a live read by name and uid, as upstream
  does for owners missing from its graph) is deleted, with the policy its own finalizers ask for
  (Background by default). Owners that are gone or waiting for dependents are removed from the
  references of an object that still has a live owner.
- An owner being deleted with `foregroundDeletion` has all its dependents deleted (Foreground for
  dependents that have dependents of their own, as upstream unblocks and cascades); once no
  dependent with `blockOwnerDeletion: true` remains, the finalizer is removed.
- An owner being deleted with `orphan` has its references removed from every dependent, then
  the finalizer removed.
"""

from __future__ import annotations

import functools
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.api.kinds import REGISTRY
from sim.client.informer import index_by_owner, meta_namespace_key
from sim.controllers.base import Controller
from sim.controllers.util import is_being_deleted

if TYPE_CHECKING:
    from sim.client.runtime import Runtime

MONITORED = (
    "pods",
    "replicasets",
    "deployments",
    "services",
    "endpoints",
    "endpointslices",
    "configmaps",
)
FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"


class GarbageCollector(Controller):
    name = "garbage-collector-controller"

    def __init__(self, runtime: Runtime, workers: int = 20, kinds: tuple[str, ...] = MONITORED):
        super().__init__(
            runtime, workers, user="system:serviceaccount:kube-system:generic-garbage-collector"
        )
        self.kinds = kinds
        self.uids: dict[str, tuple[str, str]] = {}  # uid -> (kind, key)
        self.caches: dict[str, Any] = {}
        for kind in kinds:
            inf = self.informer(kind, indexers={"owner": index_by_owner})
            self.caches[kind] = inf.indexer
            inf.add_event_handler(
                functools.partial(self._changed, kind, None),
                functools.partial(self._changed, kind),
                functools.partial(self._deleted, kind),
            )

    # -- graph maintenance (graph_builder.go processGraphChanges) -------------------------------
    def _item(self, kind: str, obj: Any) -> str:
        return f"{kind}|{meta_namespace_key(obj)}"

    def _changed(self, kind: str, old: Any, obj: Any) -> None:
        self.uids[obj["metadata"]["uid"]] = (kind, meta_namespace_key(obj))
        finalizers = obj["metadata"].get("finalizers") or ()
        if is_being_deleted(obj) and (FOREGROUND in finalizers or ORPHAN in finalizers):
            self.queue.add(self._item(kind, obj))
            for dep_kind, dep in self.dependents(obj["metadata"]["uid"]):
                self.queue.add(self._item(dep_kind, dep))
            return
        refs = obj["metadata"].get("ownerReferences") or ()
        old_refs = (old["metadata"].get("ownerReferences") or ()) if old is not None else ()
        if refs and (
            old is None or refs != old_refs or any(self._absent_or_waiting(r) for r in refs)
        ):
            self.queue.add(self._item(kind, obj))

    def _absent_or_waiting(self, ref: Any) -> bool:
        owner = self.lookup(ref.get("uid", ""))
        return owner is None or (
            is_being_deleted(owner) and FOREGROUND in (owner["metadata"].get("finalizers") or ())
        )

    def _deleted(self, kind: str, obj: Any) -> None:
        uid = obj["metadata"]["uid"]
        self.uids.pop(uid, None)
        for dep_kind, dep in self.dependents(uid):
            self.queue.add(self._item(dep_kind, dep))
        for ref in obj["metadata"].get("ownerReferences") or ():
            owner_at = self.uids.get(ref.get("uid", ""))
            if owner_at is not None:
                self.queue.add(f"{owner_at[0]}|{owner_at[1]}")

    def lookup(self, uid: str) -> Any:
        at = self.uids.get(uid)
        if at is None:
            return None
        return self.caches[at[0]].get(at[1])

    def dependents(self, uid: str) -> list[tuple[str, Any]]:
        return [
            (kind, obj) for kind in self.kinds for obj in self.caches[kind].by_index("owner", uid)
        ]

    # -- sync -----------------------------------------------------------------------------------
    def sync(self, item: str) -> Generator[Any, Any, None]:
        kind, key = item.split("|", 1)
        obj = self.caches[kind].get(key)
        if obj is None:
            return
        if is_being_deleted(obj):
            finalizers = obj["metadata"].get("finalizers") or ()
            if ORPHAN in finalizers:
                yield from self.orphan_dependents(kind, obj)
            elif FOREGROUND in finalizers:
                yield from self.process_deleting_dependents(kind, obj)
            return
        yield from self.attempt_to_delete(kind, obj)

    def attempt_to_delete(self, kind: str, obj: Any) -> Generator[Any, Any, None]:
        refs = obj["metadata"].get("ownerReferences") or ()
        if not refs:
            return
        solid: list[Any] = []
        dangling: list[Any] = []
        waiting: list[Any] = []
        for ref in refs:
            owner = self.lookup(ref.get("uid", ""))
            if owner is None:
                exists = yield from self._owner_exists(obj, ref)
                (solid if exists else dangling).append(ref)
            elif is_being_deleted(owner) and FOREGROUND in (
                owner["metadata"].get("finalizers") or ()
            ):
                waiting.append(ref)
            else:
                solid.append(ref)
        item = f"{kind}/{meta_namespace_key(obj)}"
        if solid:
            gone = {r["uid"] for r in dangling + waiting}
            if not gone:
                return
            patch = {
                "metadata": {
                    "ownerReferences": [{"$patch": "delete", "uid": u} for u in sorted(gone)],
                    "uid": obj["metadata"]["uid"],
                }
            }
            yield self.client.patch(
                kind, obj["metadata"]["name"], patch, namespace=obj["metadata"].get("namespace")
            )
            self.trace.record(self.name, "remove-owner-refs", item, "", ",".join(sorted(gone)))
            return
        finalizers = obj["metadata"].get("finalizers") or ()
        if waiting and self.dependents(obj["metadata"]["uid"]):
            policy = "Foreground"
        elif ORPHAN in finalizers:
            policy = "Orphan"
        elif FOREGROUND in finalizers:
            policy = "Foreground"
        else:
            policy = "Background"
        yield from self._delete(kind, obj, policy)

    def _owner_exists(self, obj: Any, ref: Any) -> Generator[Any, Any, bool]:
        try:
            k = REGISTRY.for_object(ref.get("apiVersion", ""), ref.get("kind", ""))
        except LookupError:
            return False
        ns = obj["metadata"].get("namespace") if k.namespaced else None
        try:
            owner = yield self.client.get(k.plural, ref["name"], namespace=ns)
        except ApiError as e:
            if e.code == 404:
                return False
            raise
        return bool(owner["metadata"]["uid"] == ref.get("uid"))

    def _delete(self, kind: str, obj: Any, policy: str) -> Generator[Any, Any, None]:
        meta = obj["metadata"]
        try:
            yield self.client.delete(
                kind,
                meta["name"],
                namespace=meta.get("namespace"),
                propagation_policy=policy,
                preconditions={"uid": meta["uid"]},
            )
        except ApiError as e:
            if e.code in (404, 409):
                return
            raise
        self.trace.record(
            self.name, "delete", f"{kind}/{meta_namespace_key(obj)}", "", f"propagation={policy}"
        )

    def process_deleting_dependents(self, kind: str, owner: Any) -> Generator[Any, Any, None]:
        uid = owner["metadata"]["uid"]
        blocking = 0
        for dep_kind, dep in self.dependents(uid):
            if any(
                r.get("uid") == uid and r.get("blockOwnerDeletion")
                for r in dep["metadata"].get("ownerReferences") or ()
            ):
                blocking += 1
            if not is_being_deleted(dep):
                yield from self.attempt_to_delete(dep_kind, dep)
        if blocking == 0:
            yield from self._remove_finalizer(kind, owner, FOREGROUND)

    def orphan_dependents(self, kind: str, owner: Any) -> Generator[Any, Any, None]:
        uid = owner["metadata"]["uid"]
        for dep_kind, dep in self.dependents(uid):
            patch = {
                "metadata": {
                    "ownerReferences": [{"$patch": "delete", "uid": uid}],
                    "uid": dep["metadata"]["uid"],
                }
            }
            try:
                yield self.client.patch(
                    dep_kind,
                    dep["metadata"]["name"],
                    patch,
                    namespace=dep["metadata"].get("namespace"),
                )
            except ApiError as e:
                if e.code != 404:
                    raise
            self.trace.record(
                self.name, "orphan", f"{dep_kind}/{meta_namespace_key(dep)}", "", f"owner {uid}"
            )
        yield from self._remove_finalizer(kind, owner, ORPHAN)

    def _remove_finalizer(self, kind: str, obj: Any, finalizer: str) -> Generator[Any, Any, None]:
        new = thaw(obj)
        new["metadata"]["finalizers"] = [
            f for f in new["metadata"].get("finalizers") or () if f != finalizer
        ]
        try:
            yield self.client.update(kind, new)
        except ApiError as e:
            if e.code != 404:
                raise
            return
        self.trace.record(
            self.name, "remove-finalizer", f"{kind}/{meta_namespace_key(obj)}", "", finalizer
        )
