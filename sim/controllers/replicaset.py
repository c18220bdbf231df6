"""The ReplicaSet controller: create and delete pods until a ReplicaSet has `replicas` of them.

Models pkg/controller/replicaset/replica_set.go (1.32): `syncReplicaSet` claims the active pods
its selector matches (adopting orphans, releasing pods that stopped matching), then, only when its
expectations are satisfied (the cache has seen every create and delete it issued),
`manageReplicas` creates at most burstReplicas (500) pods in slow-start batches of 1, 2, 4, ...
(stopping at the first failed batch) or deletes the surplus chosen by the upstream ranking
(`getPodsToDelete`, ranked against the pods of sibling ReplicaSets owned by the same
Deployment). Status follows `calculateStatus` (replicas, fullyLabeledReplicas, readyReplicas,
availableReplicas with minReadySeconds, observedGeneration, the ReplicaFailure condition) and is
written only when it changed. Events: SuccessfulCreate, SuccessfulDelete, FailedCreate,
FailedDelete. The trace gets one `scale-up`/`scale-down` record per decision.

Deliberate difference: candidates are the pods the ReplicaSet controls plus the namespace's
orphans (an index), not every pod in the namespace; pods controlled by someone else are ignored
by upstream's claim anyway, so the result is the same at a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.api.labels import SelectorError, selector_from_label_selector, selector_from_set
from sim.client.informer import meta_namespace_key
from sim.controllers.base import Controller
from sim.controllers.util import (
    CONTROLLER_INDEX,
    Expectations,
    claim,
    claim_candidates,
    controller_of,
    index_by_controller,
    is_being_deleted,
    is_pod_active,
    is_pod_available,
    is_pod_ready,
    pod_from_template,
    rank_pods_for_deletion,
    recheck_deletion,
    slow_start_batch,
)

if TYPE_CHECKING:
    from sim.client.runtime import Runtime

BURST_REPLICAS = 500  # replica_set.go BurstReplicas
SLOW_START_INITIAL_BATCH = 1  # controller_utils.go SlowStartInitialBatchSize
STATUS_UPDATE_RETRIES = 1  # replica_set_utils.go statusUpdateRetries


class ReplicaSetController(Controller):
    name = "replicaset-controller"
    resource = "replicasets.apps"

    def __init__(self, runtime: Runtime, workers: int = 5, burst_replicas: int = BURST_REPLICAS):
        super().__init__(runtime, workers)
        self.burst_replicas = burst_replicas
        self.expectations = Expectations(self.clock)
        self.rs_informer = self.informer(
            "replicasets", indexers={CONTROLLER_INDEX: index_by_controller}
        )
        self.pod_informer = self.informer("pods", indexers={CONTROLLER_INDEX: index_by_controller})
        self.rs_informer.add_event_handler(self.enqueue, self._update_rs, self._delete_rs)
        self.pod_informer.add_event_handler(self._add_pod, self._update_pod, self._delete_pod)

    # -- event handlers ----------------------------------------------------------------------
    def _update_rs(self, old: Any, cur: Any) -> None:
        self.enqueue(cur)

    def _delete_rs(self, rs: Any) -> None:
        self.expectations.delete(meta_namespace_key(rs))
        self.enqueue(rs)

    def _resolve(self, namespace: str, ref: Any) -> Any:
        if ref.get("kind") != "ReplicaSet":
            return None
        rs = self.rs_informer.indexer.get_by(namespace, ref["name"])
        if rs is None or rs["metadata"]["uid"] != ref.get("uid"):
            return None
        return rs

    def _matching(self, pod: Any) -> list[Any]:
        """getPodReplicaSets: every ReplicaSet in the namespace whose selector matches."""
        labels = pod["metadata"].get("labels")
        out = []
        for rs in self.rs_informer.indexer.by_index("namespace", pod["metadata"]["namespace"]):
            try:
                sel = selector_from_label_selector(rs["spec"].get("selector"))
            except SelectorError:
                continue
            if not sel.empty() and sel.matches(labels):
                out.append(rs)
        return out

    def _add_pod(self, pod: Any) -> None:
        if is_being_deleted(pod):
            self._delete_pod(pod)
            return
        ref = controller_of(pod)
        if ref is not None:
            rs = self._resolve(pod["metadata"]["namespace"], ref)
            if rs is not None:
                self.expectations.creation_observed(meta_namespace_key(rs))
                self.enqueue(rs)
            return
        for rs in self._matching(pod):
            self.enqueue(rs)

    def _update_pod(self, old: Any, cur: Any) -> None:
        if old["metadata"].get("resourceVersion") == cur["metadata"].get("resourceVersion"):
            return
        labels_changed = old["metadata"].get("labels") != cur["metadata"].get("labels")
        if is_being_deleted(cur):
            self._delete_pod(cur)
            if labels_changed:
                self._delete_pod(old)
            return
        ns = cur["metadata"]["namespace"]
        cur_ref, old_ref = controller_of(cur), controller_of(old)
        ref_changed = cur_ref != old_ref
        if ref_changed and old_ref is not None:
            rs = self._resolve(ns, old_ref)
            if rs is not None:
                self.enqueue(rs)
        if cur_ref is not None:
            rs = self._resolve(ns, cur_ref)
            if rs is not None:
                self.enqueue(rs)
                min_ready = int(rs["spec"].get("minReadySeconds") or 0)
                if min_ready > 0 and not is_pod_ready(old) and is_pod_ready(cur):
                    self.enqueue_after(rs, min_ready + 1.0)
            return
        if labels_changed or ref_changed:
            for rs in self._matching(cur):
                self.enqueue(rs)

    def _delete_pod(self, pod: Any) -> None:
        ref = controller_of(pod)
        if ref is None:
            return
        rs = self._resolve(pod["metadata"]["namespace"], ref)
        if rs is None:
            return
        self.expectations.deletion_observed(meta_namespace_key(rs), meta_namespace_key(pod))
        self.enqueue(rs)

    # -- sync ----------------------------------------------------------------------------------
    def sync(self, key: str) -> Generator[Any, Any, None]:
        rs = self.rs_informer.indexer.get(key)
        if rs is None:
            self.expectations.delete(key)
            return
        needs_sync = self.expectations.satisfied(key) and not is_being_deleted(rs)
        try:
            selector = selector_from_label_selector(rs["spec"].get("selector"))
        except SelectorError:
            return
        active = [p for p in claim_candidates(self.pod_informer.indexer, rs) if is_pod_active(p)]
        pods = yield from claim(
            self, rs, selector, "pods", active, lambda: recheck_deletion(self, "replicasets", rs)
        )
        manage_err: ApiError | None = None
        if needs_sync:
            manage_err = yield from self.manage_replicas(pods, rs)
        status = calculate_status(rs, pods, manage_err, self)
        updated = yield from self.update_status(rs, status)
        min_ready = int(rs["spec"].get("minReadySeconds") or 0)
        if (
            manage_err is None
            and updated is not None
            and min_ready > 0
            and updated["status"].get("readyReplicas", 0) == updated["spec"]["replicas"]
            and updated["status"].get("availableReplicas", 0) != updated["spec"]["replicas"]
        ):
            self.enqueue_after(updated, float(min_ready))
        if manage_err is not None:
            raise manage_err

    def manage_replicas(self, pods: list[Any], rs: Any) -> Generator[Any, Any, ApiError | None]:
        key = meta_namespace_key(rs)
        diff = len(pods) - int(rs["spec"]["replicas"])
        if diff < 0:
            count = min(-diff, self.burst_replicas)
            self.expectations.expect_creations(key, count)
            self.record("scale-up", key, f"create {count} (have {len(pods)})")
            template = pod_from_template(rs, rs["spec"]["template"])
            ns = rs["metadata"]["namespace"]

            def created(pod: Any) -> None:
                self.recorder.event(
                    rs, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}"
                )

            ok, err = yield from slow_start_batch(
                count,
                SLOW_START_INITIAL_BATCH,
                lambda: self.client.create("pods", template, namespace=ns),
                created,
            )
            if count - ok > 0:
                self.expectations.lower_creations(key, count - ok)
            if err is not None:
                self.recorder.event(rs, "Warning", "FailedCreate", f"Error creating: {err.message}")
                self.record("create-failed", key, f"{count - ok} skipped: {err.reason}")
            return err
        if diff > 0:
            count = min(diff, self.burst_replicas)
            victims = self.pods_to_delete(rs, pods, count)
            pod_keys = [meta_namespace_key(p) for p in victims]
            self.expectations.expect_deletions(key, pod_keys)
            self.record(
                "scale-down",
                key,
                f"delete {count}: " + ",".join(p["metadata"]["name"] for p in victims[:10]),
            )
            events = [
                self.client.delete(
                    "pods", p["metadata"]["name"], namespace=p["metadata"]["namespace"]
                )
                for p in victims
            ]
            first: ApiError | None = None
            for pod, pod_key, ev in zip(victims, pod_keys, events, strict=True):
                try:
                    yield ev
                except ApiError as e:
                    self.expectations.deletion_observed(key, pod_key)
                    if e.code != 404:
                        self.recorder.event(
                            rs, "Warning", "FailedDelete", f"Error deleting: {e.message}"
                        )
                        first = first or e
                    continue
                self.recorder.event(
                    rs, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}"
                )
            return first
        return None

    def pods_to_delete(self, rs: Any, pods: list[Any], count: int) -> list[Any]:
        """getPodsToDelete: rank by co-located active pods of this and sibling ReplicaSets."""
        if count >= len(pods):
            return list(pods)
        related = self._indirectly_related_pods(rs)
        on_node: dict[str, int] = {}
        for p in related:
            if is_pod_active(p):
                n = p["spec"].get("nodeName") or ""
                on_node[n] = on_node.get(n, 0) + 1
        ranks = [on_node.get(p["spec"].get("nodeName") or "", 0) for p in pods]
        return rank_pods_for_deletion(list(pods), ranks, self.clock)[:count]

    def _indirectly_related_pods(self, rs: Any) -> list[Any]:
        owner = controller_of(rs)
        if owner is None:
            siblings = [rs]
        else:
            siblings = self.rs_informer.indexer.by_index(CONTROLLER_INDEX, owner["uid"])
        seen: dict[str, Any] = {}
        for s in siblings:
            for p in self.pod_informer.indexer.by_index(CONTROLLER_INDEX, s["metadata"]["uid"]):
                seen[p["metadata"]["uid"]] = p
        return list(seen.values())

    def update_status(self, rs: Any, status: dict[str, Any]) -> Generator[Any, Any, Any]:
        """updateReplicaSetStatus: write only a changed status; one retry with a fresh read."""
        for attempt in range(STATUS_UPDATE_RETRIES + 1):
            gen = rs["metadata"].get("generation", 1)
            status["observedGeneration"] = gen
            if dict(rs.get("status") or {}) == status:
                return rs
            new = thaw(rs)
            new["status"] = status
            try:
                out = yield self.client.update_status("replicasets", new)
                self.record(
                    "status",
                    meta_namespace_key(rs),
                    f"replicas={status['replicas']} ready={status.get('readyReplicas', 0)} "
                    f"available={status.get('availableReplicas', 0)}",
                    out["metadata"]["resourceVersion"],
                )
                return out
            except ApiError as e:
                if attempt == STATUS_UPDATE_RETRIES or e.code == 404:
                    raise
                rs = yield self.client.get(
                    "replicasets", rs["metadata"]["name"], namespace=rs["metadata"]["namespace"]
                )
        return None


def calculate_status(
    rs: Any, pods: list[Any], err: ApiError | None, ctl: Controller
) -> dict[str, Any]:
    """replica_set_utils.go calculateStatus (counts, and the ReplicaFailure condition)."""
    template_labels = selector_from_set(
        (rs["spec"]["template"].get("metadata") or {}).get("labels")
    )
    min_ready = int(rs["spec"].get("minReadySeconds") or 0)
    fully = ready = available = 0
    for p in pods:
        if template_labels.matches(p["metadata"].get("labels")):
            fully += 1
        if is_pod_ready(p):
            ready += 1
            if is_pod_available(p, min_ready, ctl.clock):
                available += 1
    old = rs.get("status") or {}
    conditions = [thaw(c) for c in old.get("conditions") or () if c.get("type") != "ReplicaFailure"]
    failure = next(
        (c for c in old.get("conditions") or () if c.get("type") == "ReplicaFailure"), None
    )
    if err is not None:
        reason = "FailedCreate" if len(pods) < rs["spec"]["replicas"] else "FailedDelete"
        if (
            failure is not None
            and failure.get("reason") == reason
            and failure.get("status") == "True"
        ):
            conditions.append(thaw(failure))
        else:
            conditions.append(
                {
                    "type": "ReplicaFailure",
                    "status": "True",
                    "lastTransitionTime": ctl.clock.timestamp(),
                    "reason": reason,
                    "message": err.message,
                }
            )
    status: dict[str, Any] = {"replicas": len(pods)}
    if fully:
        status["fullyLabeledReplicas"] = fully
    if ready:
        status["readyReplicas"] = ready
    if available:
        status["availableReplicas"] = available
    if conditions:
        status["conditions"] = conditions
    return status
