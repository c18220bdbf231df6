"""The Deployment controller's ReplicaSet bookkeeping: finding or creating the new ReplicaSet
and syncing the revision, scaling (proportionally when paused or resized), cleaning up old
ReplicaSets, and writing the status.

Models pkg/controller/deployment/sync.go (1.32): getAllReplicaSetsAndSyncRevision,
getNewReplicaSet (named `<deployment>-<pod-template-hash>`, the hash label in its selector and
template, the revision annotation max old revision + 1, desired-replicas and max-replicas; hash
collisions bump status.collisionCount; ReplicaSetCreateError), isScalingEvent, sync, scale,
scaleReplicaSet(AndRecordEvent) (the ScalingReplicaSet event), cleanupDeployment (old
ReplicaSets beyond revisionHistoryLimit with no replicas are deleted) and syncDeploymentStatus.
`DeploymentSync` is the base of `DeploymentController` (deployment.py).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.client.informer import SharedInformer, meta_namespace_key
from sim.controllers import deployment_rollout as rollout
from sim.controllers import deployment_util as du
from sim.controllers.base import Controller
from sim.controllers.util import (
    controller_of,
    controller_ref,
    is_being_deleted,
    is_namespace_terminating_error,
)


class DeploymentSync(Controller):
    """sync.go's steps, as methods of the Deployment controller (see the module docstring)."""

    rs_informer: SharedInformer

    def get_all_rss(
        self, d: dict[str, Any], rss: list[Any], create: bool
    ) -> Generator[Any, Any, tuple[Any, list[Any]]]:
        """getAllReplicaSetsAndSyncRevision: (new ReplicaSet or None, old ReplicaSets)."""
        existing = du.find_new(d, rss)
        old = [rs for rs in rss if rs is not existing]
        new_rs = yield from self.get_new_rs(d, rss, old, existing, create)
        return new_rs, old

    def get_new_rs(
        self, d: dict[str, Any], rss: list[Any], old: list[Any], existing: Any, create: bool
    ) -> Generator[Any, Any, Any]:
        key = meta_namespace_key(d)
        new_revision = str(max((du.revision(rs) for rs in old), default=0) + 1)
        if existing is not None:
            rs = thaw(existing)
            changed = du.set_new_rs_annotations(d, rs, new_revision, True)
            min_ready = d["spec"].get("minReadySeconds", 0)
            if changed or rs["spec"].get("minReadySeconds", 0) != min_ready:
                rs["spec"]["minReadySeconds"] = min_ready
                out = yield self.client.update("replicasets", rs)
                self.record("revision", key, f"{rs['metadata']['name']} revision {new_revision}")
                return out
            needs = self.set_revision(d, new_revision)
            if (
                du.has_progress_deadline(d)
                and du.get_condition(d.get("status") or {}, "Progressing") is None
            ):
                du.set_condition(
                    d.setdefault("status", {}),
                    du.new_condition(
                        "Progressing",
                        "True",
                        du.FOUND_NEW_RS,
                        f'Found new replica set "{rs["metadata"]["name"]}"',
                        self.clock.timestamp(),
                    ),
                )
                needs = True
            if needs:
                yield from self.write_status(d)
            return existing
        if not create:
            return None
        collision = (d.get("status") or {}).get("collisionCount")
        template = thaw(d["spec"]["template"])
        h = du.compute_hash(template, collision)
        template.setdefault("metadata", {}).setdefault("labels", {})[du.HASH_LABEL] = h
        selector = thaw(d["spec"]["selector"])
        selector.setdefault("matchLabels", {})[du.HASH_LABEL] = h
        name = f"{d['metadata']['name']}-{h}"
        rs_obj: dict[str, Any] = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": d["metadata"]["namespace"],
                "ownerReferences": [controller_ref(d)],
                "labels": dict(template["metadata"]["labels"]),
            },
            "spec": {
                "replicas": 0,
                "minReadySeconds": d["spec"].get("minReadySeconds", 0),
                "selector": selector,
                "template": template,
            },
        }
        all_rss = old + [rs_obj]
        count = du.new_rs_new_replicas(d, all_rss, rs_obj)
        rs_obj["spec"]["replicas"] = count
        du.set_new_rs_annotations(d, rs_obj, new_revision, False)
        already = False
        try:
            created = yield self.client.create("replicasets", rs_obj)
        except ApiError as e:
            if e.code == 409 and e.reason == "AlreadyExists":
                already = True
                cur = self.rs_informer.indexer.get_by(d["metadata"]["namespace"], name)
                if cur is None:
                    raise
                ref = controller_of(cur)
                if (
                    ref is not None
                    and ref.get("uid") == d["metadata"]["uid"]
                    and du.equal_ignore_hash(d["spec"]["template"], cur["spec"]["template"])
                ):
                    created = cur
                else:
                    d.setdefault("status", {})["collisionCount"] = int(collision or 0) + 1
                    self.record(
                        "hash-collision", key, f"{name} collisionCount={int(collision or 0) + 1}"
                    )
                    try:
                        yield from self.write_status(d)
                    except ApiError:
                        pass
                    raise
            elif is_namespace_terminating_error(e):
                raise
            else:
                msg = f'Failed to create new replica set "{name}": {e.message}'
                if du.has_progress_deadline(d):
                    du.set_condition(
                        d.setdefault("status", {}),
                        du.new_condition(
                            "Progressing", "False", du.FAILED_RS_CREATE, msg, self.clock.timestamp()
                        ),
                    )
                    try:
                        yield from self.write_status(d)
                    except ApiError:
                        pass
                self.recorder.event(d, "Warning", du.FAILED_RS_CREATE, msg)
                raise
        if not already:
            self.record("create-rs", key, f"{name} revision {new_revision} replicas {count}")
            if count > 0:
                self.recorder.event(
                    d,
                    "Normal",
                    "ScalingReplicaSet",
                    f"Scaled up replica set {name} from 0 to {count}",
                )
        needs = self.set_revision(d, new_revision)
        if not already and du.has_progress_deadline(d):
            du.set_condition(
                d.setdefault("status", {}),
                du.new_condition(
                    "Progressing",
                    "True",
                    du.NEW_RS_CREATED,
                    f'Created new replica set "{name}"',
                    self.clock.timestamp(),
                ),
            )
            needs = True
        if needs:
            yield from self.write_status(d)
        return created

    def set_revision(self, d: dict[str, Any], new_revision: str) -> bool:
        ann = d["metadata"].setdefault("annotations", {})
        if ann.get(du.REVISION) == new_revision:
            return False
        ann[du.REVISION] = new_revision
        return True

    def write_status(self, d: dict[str, Any]) -> Generator[Any, Any, None]:
        """UpdateStatus of our working copy; afterwards `d` carries the new resourceVersion.

        Upstream's Deployment status strategy keeps the request's annotations (that is how the
        revision annotation is written); if this server's does not, the annotation follows in a
        merge patch."""
        out = yield self.client.update_status("deployments", d)
        d["metadata"]["resourceVersion"] = out["metadata"]["resourceVersion"]
        want = (d["metadata"].get("annotations") or {}).get(du.REVISION)
        if want is not None and (out["metadata"].get("annotations") or {}).get(du.REVISION) != want:
            out = yield self.client.patch(
                "deployments",
                d["metadata"]["name"],
                {"metadata": {"annotations": {du.REVISION: want}}},
                "application/merge-patch+json",
                namespace=d["metadata"]["namespace"],
            )
            d["metadata"]["resourceVersion"] = out["metadata"]["resourceVersion"]
            d["metadata"]["generation"] = out["metadata"]["generation"]

    # -- scaling (sync.go) ----------------------------------------------------------------------
    def is_scaling_event(self, d: dict[str, Any], rss: list[Any]) -> Generator[Any, Any, bool]:
        new_rs, old = yield from self.get_all_rss(d, rss, False)
        for rs in du.active(old + [new_rs]):
            desired = du._annotation_int(rs, du.DESIRED_REPLICAS)
            if desired is not None and desired != du.replicas(d):
                return True
        return False

    def sync_scale(self, d: dict[str, Any], rss: list[Any]) -> Generator[Any, Any, None]:
        """sync: scale (proportionally), clean up, then status."""
        new_rs, old = yield from self.get_all_rss(d, rss, False)
        new_rs, old = yield from self.scale(d, new_rs, old)
        yield from self.cleanup(d, old)
        yield from self.sync_status(d, old + [new_rs], new_rs)

    def scale(
        self, d: dict[str, Any], new_rs: Any, old: list[Any]
    ) -> Generator[Any, Any, tuple[Any, list[Any]]]:
        return (yield from rollout.scale(self, d, new_rs, old))

    def scale_rs(
        self, rs: Any, new_scale: int, d: dict[str, Any], op: str = ""
    ) -> Generator[Any, Any, tuple[bool, Any]]:
        """scaleReplicaSet(AndRecordEvent): (scaled, the ReplicaSet as stored)."""
        old_scale = du.replicas(rs)
        if not op:
            if old_scale == new_scale:
                return False, rs
            op = "up" if old_scale < new_scale else "down"
        size_changes = old_scale != new_scale
        surge_max = du.replicas(d) + du.max_surge(d)
        if not size_changes and not du.replicas_annotations_need_update(
            rs, du.replicas(d), surge_max
        ):
            return False, rs
        new = thaw(rs)
        new["spec"]["replicas"] = new_scale
        du.set_replicas_annotations(new, du.replicas(d), surge_max)
        out = yield self.client.update("replicasets", new)
        if size_changes:
            name = rs["metadata"]["name"]
            self.record(
                f"scale-{op}",
                meta_namespace_key(d),
                f"{name} {old_scale}->{new_scale}",
                out["metadata"]["resourceVersion"],
            )
            self.recorder.event(
                d,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled {op} replica set {name} from {old_scale} to {new_scale}",
            )
        return size_changes, out

    def cleanup(self, d: dict[str, Any], old: list[Any]) -> Generator[Any, Any, None]:
        """cleanupDeployment: delete the oldest idle ReplicaSets beyond revisionHistoryLimit."""
        limit = d["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        alive = [rs for rs in old if not is_being_deleted(rs)]
        diff = len(alive) - int(limit)
        if diff <= 0:
            return
        alive.sort(key=lambda rs: (du.revision(rs), du.by_creation(rs)))
        for rs in alive[:diff]:
            st = rs.get("status") or {}
            if (
                int(st.get("replicas") or 0) != 0
                or du.replicas(rs) != 0
                or rs["metadata"].get("generation", 1) > int(st.get("observedGeneration") or 0)
            ):
                continue
            try:
                yield self.client.delete(
                    "replicasets", rs["metadata"]["name"], namespace=rs["metadata"]["namespace"]
                )
            except ApiError as e:
                if e.code != 404:
                    raise
            self.record("cleanup", meta_namespace_key(d), f"deleted old {rs['metadata']['name']}")

    def sync_status(
        self, d: dict[str, Any], all_rss: list[Any], new_rs: Any
    ) -> Generator[Any, Any, None]:
        """syncDeploymentStatus: write the calculated status if it changed."""
        status = rollout.calculate_status(self, d, all_rss, new_rs)
        if status != (d.get("status") or {}):
            d["status"] = status
            yield from self.write_status(d)
