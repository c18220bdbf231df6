"""The Deployment controller: ReplicaSets per pod template, rolled out by strategy.

Models pkg/controller/deployment/deployment_controller.go and sync.go (1.32): `sync(key)` is
`syncDeployment` (an empty selector is refused with a SelectingAll event; ReplicaSets are
claimed by selector and ownerReferences; a deleting Deployment only gets its status; paused
Deployments and scaling events are handled by `sync_scale` with proportional scaling; otherwise
the strategy's rollout runs, see sim/controllers/deployment_rollout.py). New ReplicaSets are
named `<deployment>-<pod-template-hash>`, carry the hash label in their selector and template,
the revision annotation (max old revision + 1, the previous one appended to revision-history),
desired-replicas and max-replicas; hash collisions bump status.collisionCount. Old ReplicaSets
beyond revisionHistoryLimit with no replicas are deleted (`cleanupDeployment`). Events:
ScalingReplicaSet ("Scaled up replica set X from A to B"), SelectingAll, ReplicaSetCreateError.

The controller owns its informers, queue and event handlers; the steps of sync.go it calls (new
ReplicaSet, scaling, cleanup, status) are functions in sim/controllers/deployment_sync.py and the
strategies are sim/controllers/deployment_rollout.py, both over the `DeploymentContext` (client,
clock, recorder, ReplicaSet lister, queue, trace) built here once.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.frozen import thaw
from sim.api.labels import SelectorError, selector_from_label_selector
from sim.controllers import deployment_rollout as rollout
from sim.controllers import deployment_sync as dsync
from sim.controllers import deployment_util as du
from sim.controllers.base import Controller
from sim.controllers.deployment_sync import DeploymentContext
from sim.controllers.util import (
    CONTROLLER_INDEX,
    claim,
    claim_candidates,
    controller_of,
    index_by_controller,
    is_being_deleted,
    recheck_deletion,
)

if TYPE_CHECKING:
    from sim.client.runtime import Runtime


class DeploymentController(Controller):
    name = "deployment-controller"
    resource = "deployments.apps"

    def __init__(self, runtime: Runtime, workers: int = 5):
        super().__init__(runtime, workers)
        self.d_informer = self.informer("deployments")
        self.rs_informer = self.informer(
            "replicasets", indexers={CONTROLLER_INDEX: index_by_controller}
        )
        self.pod_informer = self.informer("pods", indexers={CONTROLLER_INDEX: index_by_controller})
        self.d_informer.add_event_handler(self.enqueue, lambda o, n: self.enqueue(n), self.enqueue)
        self.rs_informer.add_event_handler(self._add_rs, self._update_rs, self._delete_rs)
        self.pod_informer.add_event_handler(on_delete=self._delete_pod)
        self.ctx = DeploymentContext(
            self.clock,
            self.client,
            self.recorder,
            self.rs_informer.indexer,
            self.queue,
            self.record,
        )

    # -- event handlers ----------------------------------------------------------------------
    def _resolve(self, namespace: str, ref: Any) -> Any:
        if ref is None or ref.get("kind") != "Deployment":
            return None
        d = self.d_informer.indexer.get_by(namespace, ref["name"])
        return d if d is not None and d["metadata"]["uid"] == ref.get("uid") else None

    def _matching(self, rs: Any) -> list[Any]:
        out = []
        labels = rs["metadata"].get("labels")
        for d in self.d_informer.indexer.by_index("namespace", rs["metadata"]["namespace"]):
            try:
                sel = selector_from_label_selector(d["spec"].get("selector"))
            except SelectorError:
                continue
            if not sel.empty() and sel.matches(labels):
                out.append(d)
        return out

    def _add_rs(self, rs: Any) -> None:
        if is_being_deleted(rs):
            self._delete_rs(rs)
            return
        ref = controller_of(rs)
        if ref is not None:
            d = self._resolve(rs["metadata"]["namespace"], ref)
            if d is not None:
                self.enqueue(d)
            return
        for d in self._matching(rs):
            self.enqueue(d)

    def _update_rs(self, old: Any, cur: Any) -> None:
        if old["metadata"].get("resourceVersion") == cur["metadata"].get("resourceVersion"):
            return
        ns = cur["metadata"]["namespace"]
        cur_ref, old_ref = controller_of(cur), controller_of(old)
        if cur_ref != old_ref and old_ref is not None:
            d = self._resolve(ns, old_ref)
            if d is not None:
                self.enqueue(d)
        if cur_ref is not None:
            d = self._resolve(ns, cur_ref)
            if d is not None:
                self.enqueue(d)
            return
        if old["metadata"].get("labels") != cur["metadata"].get("labels") or cur_ref != old_ref:
            for d in self._matching(cur):
                self.enqueue(d)

    def _delete_rs(self, rs: Any) -> None:
        d = self._resolve(rs["metadata"]["namespace"], controller_of(rs))
        if d is not None:
            self.enqueue(d)

    def _delete_pod(self, pod: Any) -> None:
        ns = pod["metadata"]["namespace"]
        ref = controller_of(pod)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return
        rs = self.rs_informer.indexer.get_by(ns, ref["name"])
        if rs is None or rs["metadata"]["uid"] != ref.get("uid"):
            return
        d = self._resolve(ns, controller_of(rs))
        if d is not None and (d["spec"].get("strategy") or {}).get("type") == "Recreate":
            self.enqueue(d)

    # -- sync ----------------------------------------------------------------------------------
    def sync(self, key: str) -> Generator[Any, Any, None]:
        cached = self.d_informer.indexer.get(key)
        if cached is None:
            return
        d = thaw(cached)
        sel_spec = d["spec"].get("selector")
        if sel_spec == {} or (
            not sel_spec.get("matchLabels") and not sel_spec.get("matchExpressions")
        ):
            self.recorder.event(
                d,
                "Warning",
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
            )
            if (
                int(d.get("status", {}).get("observedGeneration") or 0)
                < d["metadata"]["generation"]
            ):
                d.setdefault("status", {})["observedGeneration"] = d["metadata"]["generation"]
                yield self.client.update_status("deployments", d)
            return
        selector = selector_from_label_selector(sel_spec)
        candidates = claim_candidates(self.rs_informer.indexer, d)
        rss = yield from claim(
            self,
            d,
            selector,
            "replicasets",
            candidates,
            lambda: recheck_deletion(self, "deployments", d),
        )
        rss = sorted(rss, key=du.by_creation)
        if is_being_deleted(d):
            new_rs, old_rss = yield from dsync.get_all_rss(self.ctx, d, rss, False)
            yield from dsync.sync_status(self.ctx, d, old_rss + [new_rs], new_rs)
            return
        yield from rollout.check_paused_conditions(self.ctx, d)
        if d["spec"].get("paused"):
            yield from dsync.sync_scale(self.ctx, d, rss)
            return
        if (yield from dsync.is_scaling_event(self.ctx, d, rss)):
            yield from dsync.sync_scale(self.ctx, d, rss)
            return
        if (d["spec"].get("strategy") or {}).get("type") == "Recreate":
            yield from rollout.rollout_recreate(self.ctx, d, rss, self.pod_map(rss))
        else:
            yield from rollout.rollout_rolling(self.ctx, d, rss)

    def pod_map(self, rss: list[Any]) -> dict[str, list[Any]]:
        """getPodMapForDeployment: the pods of each ReplicaSet, by the ReplicaSet's uid."""
        return {
            rs["metadata"]["uid"]: self.pod_informer.indexer.by_index(
                CONTROLLER_INDEX, rs["metadata"]["uid"]
            )
            for rs in rss
        }
