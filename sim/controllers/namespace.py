"""The namespace controller: empties a terminating namespace, then finalizes it.

Models pkg/controller/namespace (namespace_controller.go, deletion/namespaced_resources_deleter.go)
of 1.32: for a namespace with a deletionTimestamp it deletes every object of every namespaced
kind (Background propagation, as upstream's deleteCollection), writes the deletion conditions
(NamespaceDeletionDiscoveryFailure, NamespaceDeletionGroupVersionParsingFailure,
NamespaceDeletionContentFailure, NamespaceContentRemaining, NamespaceFinalizersRemaining) with
upstream's reasons and messages, and while content remains requeues after the estimated graceful
termination time of its pods (or rate-limited when that is 0). Once empty it removes the
`kubernetes` finalizer through the namespace's `finalize` subresource; the API server then
removes the namespace. Namespaces are also resynced every namespaceSyncPeriod (5 min).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.api.kinds import REGISTRY
from sim.controllers.base import Controller
from sim.controllers.util import is_being_deleted

if TYPE_CHECKING:
    from sim.client.runtime import Runtime

FINALIZER = "kubernetes"


class NamespaceController(Controller):
    name = "namespace-controller"
    resource = "namespaces"

    def __init__(self, runtime: Runtime, workers: int = 10, sync_period_s: float = 300.0):
        super().__init__(
            runtime, workers, user="system:serviceaccount:kube-system:namespace-controller"
        )
        self.sync_period_s = sync_period_s
        self.ns_informer = self.informer("namespaces")
        self.ns_informer.add_event_handler(self._maybe, lambda o, n: self._maybe(n))
        self.clock.process(self._resync())

    def _maybe(self, ns: Any) -> None:
        if is_being_deleted(ns):
            self.queue.add(ns["metadata"]["name"])

    def _resync(self) -> Generator[Any, Any, None]:
        while True:
            yield self.clock.timeout(self.sync_period_s)
            for ns in self.ns_informer.indexer.list():
                self._maybe(ns)

    def sync(self, key: str) -> Generator[Any, Any, None]:
        ns = self.ns_informer.indexer.get(key)
        if ns is None or not is_being_deleted(ns):
            return
        try:
            ns = yield self.client.get("namespaces", key)  # upstream re-reads before deleting
        except ApiError as e:
            if e.code == 404:
                return
            raise
        if FINALIZER not in ((ns.get("spec") or {}).get("finalizers") or ()):
            return
        remaining: dict[str, int] = {}
        finalizers: dict[str, int] = {}
        estimate = 0
        for kind in sorted(
            (k for k in REGISTRY.all() if k.namespaced), key=lambda k: k.group_resource
        ):
            listing = yield self.client.list(kind.plural, namespace=key)
            items = listing["items"]
            if not items:
                continue
            remaining[kind.group_resource] = len(items)
            for obj in items:
                for f in obj["metadata"].get("finalizers") or ():
                    finalizers[f] = finalizers.get(f, 0) + 1
                if kind.kind == "Pod":
                    grace = obj["metadata"].get("deletionGracePeriodSeconds")
                    if grace is None:
                        grace = obj["spec"].get("terminationGracePeriodSeconds", 30)
                    estimate = max(estimate, int(grace or 0))
                if is_being_deleted(obj):
                    continue
                try:
                    yield self.client.delete(
                        kind.plural,
                        obj["metadata"]["name"],
                        namespace=key,
                        propagation_policy="Background",
                    )
                except ApiError as e:
                    if e.code not in (404, 409):
                        raise
        yield from self._update_conditions(ns, remaining, finalizers)
        if remaining:
            self.record(
                "content-remaining", key, ",".join(f"{k}={v}" for k, v in remaining.items())
            )
            if estimate > 0:
                self.queue.add_after(key, float(estimate))
            else:
                self.queue.add_rate_limited(key)
            return
        spec_finalizers = [
            f for f in (ns.get("spec") or {}).get("finalizers") or () if f != FINALIZER
        ]
        try:
            yield self.client.patch(
                "namespaces",
                key,
                {"spec": {"finalizers": spec_finalizers}},
                "application/merge-patch+json",
                subresource="finalize",
            )
        except ApiError as e:
            if e.code != 404:
                raise
        self.record("finalize", key, "all content removed")

    def _update_conditions(
        self, ns: Any, remaining: dict[str, int], finalizers: dict[str, int]
    ) -> Generator[Any, Any, None]:
        """namespace deletion's updateNamespaceStatusFunc with the five conditions of upstream."""
        now = self.clock.timestamp()
        content = (
            (
                "True",
                "SomeResourcesRemain",
                "Some resources are remaining: "
                + ", ".join(f"{r} has {n} resource instances" for r, n in remaining.items()),
            )
            if remaining
            else ("False", "ContentRemoved", "All content successfully removed")
        )
        fins = (
            (
                "True",
                "SomeFinalizersRemain",
                "Some content in the namespace has finalizers remaining: "
                + ", ".join(
                    f"{f} in {n} resource instances" for f, n in sorted(finalizers.items())
                ),
            )
            if finalizers
            else ("False", "ContentHasNoFinalizers", "All content-preserving finalizers finished")
        )
        wanted = [
            (
                "NamespaceDeletionDiscoveryFailure",
                ("False", "ResourcesDiscovered", "All resources successfully discovered"),
            ),
            (
                "NamespaceDeletionGroupVersionParsingFailure",
                ("False", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
            ),
            (
                "NamespaceDeletionContentFailure",
                (
                    "False",
                    "ContentDeleted",
                    "All content successfully deleted, may be waiting on finalization",
                ),
            ),
            ("NamespaceContentRemaining", content),
            ("NamespaceFinalizersRemaining", fins),
        ]
        old = {c["type"]: c for c in (ns.get("status") or {}).get("conditions") or ()}
        conditions = []
        for type_, (status, reason, message) in wanted:
            cur = old.get(type_)
            if cur is not None and (cur.get("status"), cur.get("reason"), cur.get("message")) == (
                status,
                reason,
                message,
            ):
                conditions.append(thaw(cur))
            else:
                conditions.append(
                    {
                        "type": type_,
                        "status": status,
                        "lastTransitionTime": now,
                        "reason": reason,
                        "message": message,
                    }
                )
        if conditions == list((ns.get("status") or {}).get("conditions") or ()):
            return
        new = thaw(ns)
        new["status"]["conditions"] = conditions
        try:
            yield self.client.update_status("namespaces", new)
        except ApiError as e:
            if e.code not in (404, 409):
                raise
