"""The Deployment controller's ReplicaSet bookkeeping: finding or creating the new ReplicaSet
and syncing the revision, scaling (proportionally when paused or resized), cleaning up old
ReplicaSets, and computing and writing the status.

Models pkg/controller/deployment/sync.go (1.32): getAllReplicaSetsAndSyncRevision,
getNewReplicaSet (named `<deployment>-<pod-template-hash>`, the hash label in its selector and
template, the revision annotation max old revision + 1, desired-replicas and max-replicas; hash
collisions bump status.collisionCount; ReplicaSetCreateError), isScalingEvent, sync, scale,
scaleReplicaSet(AndRecordEvent) (the ScalingReplicaSet event), cleanupDeployment (old
ReplicaSets beyond revisionHistoryLimit with no replicas are deleted), calculateStatus and
syncDeploymentStatus. Upstream's are methods of the controller; here they are functions over a
`DeploymentContext`: the controller's client, clock, recorder, ReplicaSet lister, queue and
trace, which `DeploymentController` (deployment.py) builds once and the strategies
(deployment_rollout.py) share.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.client.events import EventRecorder
from sim.client.informer import Indexer, meta_namespace_key
from sim.client.interface import Client
from sim.client.workqueue import WorkQueue
from sim.controllers import deployment_util as du
from sim.controllers.util import (
    controller_of,
    controller_ref,
    is_being_deleted,
    is_namespace_terminating_error,
)
from sim.core import Clock


@dataclass(frozen=True, slots=True)
class DeploymentContext:
    """What sync.go, rolling.go, recreate.go and progress.go use of the Deployment controller."""

    clock: Clock
    client: Client
    recorder: EventRecorder
    rs_lister: Indexer  # the ReplicaSet informer's indexer
    queue: WorkQueue[str]
    #: the controller's trace line: record(verb, key, detail="", rv="")
    record: Callable[..., None]


def get_all_rss(
    ctx: DeploymentContext, d: dict[str, Any], rss: list[Any], create: bool
) -> Generator[Any, Any, tuple[Any, list[Any]]]:
    """getAllReplicaSetsAndSyncRevision: (new ReplicaSet or None, old ReplicaSets)."""
    existing = du.find_new(d, rss)
    old = [rs for rs in rss if rs is not existing]
    new_rs = yield from get_new_rs(ctx, d, rss, old, existing, create)
    return new_rs, old


def get_new_rs(
    ctx: DeploymentContext,
    d: dict[str, Any],
    rss: list[Any],
    old: list[Any],
    existing: Any,
    create: bool,
) -> Generator[Any, Any, Any]:
    key = meta_namespace_key(d)
    new_revision = str(max((du.revision(rs) for rs in old), default=0) + 1)
    if existing is not None:
        rs = thaw(existing)
        changed = du.set_new_rs_annotations(d, rs, new_revision, True)
        min_ready = d["spec"].get("minReadySeconds", 0)
        if changed or rs["spec"].get("minReadySeconds", 0) != min_ready:
            rs["spec"]["minReadySeconds"] = min_ready
            out = yield ctx.client.update("replicasets", rs)
            ctx.record("revision", key, f"{rs['metadata']['name']} revision {new_revision}")
            return out
        needs = set_revision(d, new_revision)
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
                    ctx.clock.timestamp(),
                ),
            )
            needs = True
        if needs:
            yield from write_status(ctx, d)
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
        created = yield ctx.client.create("replicasets", rs_obj)
    except ApiError as e:
        if e.code == 409 and e.reason == "AlreadyExists":
            already = True
            cur = ctx.rs_lister.get_by(d["metadata"]["namespace"], name)
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
                ctx.record(
                    "hash-collision", key, f"{name} collisionCount={int(collision or 0) + 1}"
                )
                try:
                    yield from write_status(ctx, d)
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
                        "Progressing", "False", du.FAILED_RS_CREATE, msg, ctx.clock.timestamp()
                    ),
                )
                try:
                    yield from write_status(ctx, d)
                except ApiError:
                    pass
            ctx.recorder.event(d, "Warning", du.FAILED_RS_CREATE, msg)
            raise
    if not already:
        ctx.record("create-rs", key, f"{name} revision {new_revision} replicas {count}")
        if count > 0:
            ctx.recorder.event(
                d,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled up replica set {name} from 0 to {count}",
            )
    needs = set_revision(d, new_revision)
    if not already and du.has_progress_deadline(d):
        du.set_condition(
            d.setdefault("status", {}),
            du.new_condition(
                "Progressing",
                "True",
                du.NEW_RS_CREATED,
                f'Created new replica set "{name}"',
                ctx.clock.timestamp(),
            ),
        )
        needs = True
    if needs:
        yield from write_status(ctx, d)
    return created


def set_revision(d: dict[str, Any], new_revision: str) -> bool:
    ann = d["metadata"].setdefault("annotations", {})
    if ann.get(du.REVISION) == new_revision:
        return False
    ann[du.REVISION] = new_revision
    return True


def write_status(ctx: DeploymentContext, d: dict[str, Any]) -> Generator[Any, Any, None]:
    """UpdateStatus of our working copy; afterwards `d` carries the new resourceVersion.

    Upstream's Deployment status strategy keeps the request's annotations (that is how the
    revision annotation is written); if this server's does not, the annotation follows in a
    merge patch."""
    out = yield ctx.client.update_status("deployments", d)
    d["metadata"]["resourceVersion"] = out["metadata"]["resourceVersion"]
    want = (d["metadata"].get("annotations") or {}).get(du.REVISION)
    if want is not None and (out["metadata"].get("annotations") or {}).get(du.REVISION) != want:
        out = yield ctx.client.patch(
            "deployments",
            d["metadata"]["name"],
            {"metadata": {"annotations": {du.REVISION: want}}},
            "application/merge-patch+json",
            namespace=d["metadata"]["namespace"],
        )
        d["metadata"]["resourceVersion"] = out["metadata"]["resourceVersion"]
        d["metadata"]["generation"] = out["metadata"]["generation"]


# -- scaling (sync.go) ----------------------------------------------------------------------


def is_scaling_event(
    ctx: DeploymentContext, d: dict[str, Any], rss: list[Any]
) -> Generator[Any, Any, bool]:
    new_rs, old = yield from get_all_rss(ctx, d, rss, False)
    for rs in du.active(old + [new_rs]):
        desired = du._annotation_int(rs, du.DESIRED_REPLICAS)
        if desired is not None and desired != du.replicas(d):
            return True
    return False


def sync_scale(
    ctx: DeploymentContext, d: dict[str, Any], rss: list[Any]
) -> Generator[Any, Any, None]:
    """sync: scale (proportionally), clean up, then status."""
    new_rs, old = yield from get_all_rss(ctx, d, rss, False)
    new_rs, old = yield from scale(ctx, d, new_rs, old)
    yield from cleanup(ctx, d, old)
    yield from sync_status(ctx, d, old + [new_rs], new_rs)


def scale(
    ctx: DeploymentContext, d: dict[str, Any], new_rs: Any, old: list[Any]
) -> Generator[Any, Any, tuple[Any, list[Any]]]:
    """sync.go scale: a lone active ReplicaSet takes every replica; a saturated new one empties
    the old ones; otherwise (RollingUpdate) the difference is spread in proportion to each
    ReplicaSet's max-replicas annotation, larger first (newer first when scaling up, older first
    when scaling down), leftovers to the first."""
    target = du.find_active_or_latest(new_rs, old)
    updated: dict[str, Any] = {}
    if target is not None:
        if du.replicas(target) != du.replicas(d):
            _, rs = yield from scale_rs(ctx, target, du.replicas(d), d)
            updated[rs["metadata"]["uid"]] = rs
    elif du.is_saturated(d, new_rs):
        for rs in du.active(old):
            _, out = yield from scale_rs(ctx, rs, 0, d)
            updated[out["metadata"]["uid"]] = out
    elif du.is_rolling(d):
        all_rss = du.active(old + [new_rs])
        allowed = du.replicas(d) + du.max_surge(d) if du.replicas(d) > 0 else 0
        to_add = allowed - du.spec_sum(all_rss)
        op = ""
        if to_add != 0:
            # ReplicaSetsBySizeNewer (up) / BySizeOlder (down): larger first, then by age
            all_rss.sort(key=du.by_creation, reverse=to_add > 0)
            all_rss.sort(key=du.replicas, reverse=True)
            op = "up" if to_add > 0 else "down"
        added = 0
        sizes: list[int] = []
        for rs in all_rss:
            if to_add != 0:
                p = du.get_proportion(rs, d, to_add, added)
                sizes.append(du.replicas(rs) + p)
                added += p
            else:
                sizes.append(du.replicas(rs))
        if all_rss and to_add != 0:
            sizes[0] = max(0, sizes[0] + to_add - added)
        ctx.record(
            "proportional-scale",
            meta_namespace_key(d),
            f"{op} by {to_add}: "
            + ",".join(f"{r['metadata']['name']}={s}" for r, s in zip(all_rss, sizes, strict=True)),
        )
        for rs, size in zip(all_rss, sizes, strict=True):
            _, out = yield from scale_rs(ctx, rs, size, d, op)
            updated[out["metadata"]["uid"]] = out
    new_rs = updated.get(new_rs["metadata"]["uid"], new_rs) if new_rs is not None else None
    return new_rs, [updated.get(rs["metadata"]["uid"], rs) for rs in old]


def scale_rs(
    ctx: DeploymentContext, rs: Any, new_scale: int, d: dict[str, Any], op: str = ""
) -> Generator[Any, Any, tuple[bool, Any]]:
    """scaleReplicaSet(AndRecordEvent): (scaled, the ReplicaSet as stored)."""
    old_scale = du.replicas(rs)
    if not op:
        if old_scale == new_scale:
            return False, rs
        op = "up" if old_scale < new_scale else "down"
    size_changes = old_scale != new_scale
    surge_max = du.replicas(d) + du.max_surge(d)
    if not size_changes and not du.replicas_annotations_need_update(rs, du.replicas(d), surge_max):
        return False, rs
    new = thaw(rs)
    new["spec"]["replicas"] = new_scale
    du.set_replicas_annotations(new, du.replicas(d), surge_max)
    out = yield ctx.client.update("replicasets", new)
    if size_changes:
        name = rs["metadata"]["name"]
        ctx.record(
            f"scale-{op}",
            meta_namespace_key(d),
            f"{name} {old_scale}->{new_scale}",
            out["metadata"]["resourceVersion"],
        )
        ctx.recorder.event(
            d,
            "Normal",
            "ScalingReplicaSet",
            f"Scaled {op} replica set {name} from {old_scale} to {new_scale}",
        )
    return size_changes, out


def cleanup(ctx: DeploymentContext, d: dict[str, Any], old: list[Any]) -> Generator[Any, Any, None]:
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
            yield ctx.client.delete(
                "replicasets", rs["metadata"]["name"], namespace=rs["metadata"]["namespace"]
            )
        except ApiError as e:
            if e.code != 404:
                raise
        ctx.record("cleanup", meta_namespace_key(d), f"deleted old {rs['metadata']['name']}")


def sync_status(
    ctx: DeploymentContext, d: dict[str, Any], all_rss: list[Any], new_rs: Any
) -> Generator[Any, Any, None]:
    """syncDeploymentStatus: write the calculated status if it changed."""
    status = calculate_status(ctx, d, all_rss, new_rs)
    if status != (d.get("status") or {}):
        d["status"] = status
        yield from write_status(ctx, d)


def calculate_status(
    ctx: DeploymentContext, d: dict[str, Any], all_rss: list[Any], new_rs: Any
) -> dict[str, Any]:
    rss = [rs for rs in all_rss if rs is not None]
    available = du.status_sum(rss, "availableReplicas")
    old = d.get("status") or {}
    status: dict[str, Any] = {"observedGeneration": d["metadata"]["generation"]}
    for field, value in (
        ("replicas", du.status_sum(rss, "replicas")),
        ("updatedReplicas", du.status_sum([new_rs], "replicas")),
        ("readyReplicas", du.status_sum(rss, "readyReplicas")),
        ("availableReplicas", available),
        ("unavailableReplicas", max(0, du.spec_sum(rss) - available)),
    ):
        if value:
            status[field] = value
    if old.get("collisionCount") is not None:
        status["collisionCount"] = old["collisionCount"]
    if old.get("conditions"):
        status["conditions"] = thaw(old["conditions"])
    now = ctx.clock.timestamp()
    if available >= du.replicas(d) - du.max_unavailable(d):
        cond = du.new_condition(
            "Available", "True", du.MIN_AVAILABLE, "Deployment has minimum availability.", now
        )
    else:
        cond = du.new_condition(
            "Available",
            "False",
            du.MIN_UNAVAILABLE,
            "Deployment does not have minimum availability.",
            now,
        )
    du.set_condition(status, cond)
    return status
