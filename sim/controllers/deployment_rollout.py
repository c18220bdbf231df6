"""The Deployment strategies and progress tracking, as functions of the Deployment controller.

Models pkg/controller/deployment/rolling.go (rolloutRolling, reconcileNewReplicaSet,
reconcileOldReplicaSets, cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate),
recreate.go (rolloutRecreate, oldPodsRunning), progress.go (syncRolloutStatus,
requeueStuckDeployment) and sync.go's checkPausedConditions of 1.32, as functions over the
controller's `DeploymentContext`; the sync.go steps they call are deployment_sync.py.

Invariants a rolling update keeps, given ReplicaSet statuses: the sum of the ReplicaSets'
spec.replicas never exceeds replicas + maxSurge, and old ReplicaSets are scaled down only while
the available pods stay at least replicas - maxUnavailable.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from sim.client.informer import meta_namespace_key
from sim.controllers import deployment_sync as dsync
from sim.controllers import deployment_util as du
from sim.controllers.base import SyncError
from sim.controllers.deployment_sync import DeploymentContext

Gen = Generator[Any, Any, Any]


def check_paused_conditions(ctx: DeploymentContext, d: dict[str, Any]) -> Gen:
    if not du.has_progress_deadline(d):
        return
    status = d.setdefault("status", {})
    cond = du.get_condition(status, "Progressing")
    if cond is not None and cond.get("reason") == du.TIMED_OUT:
        return
    paused_cond = cond is not None and cond.get("reason") == du.PAUSED
    now = ctx.clock.timestamp()
    if d["spec"].get("paused") and not paused_cond:
        du.set_condition(
            status,
            du.new_condition("Progressing", "Unknown", du.PAUSED, "Deployment is paused", now),
        )
    elif not d["spec"].get("paused") and paused_cond:
        du.set_condition(
            status,
            du.new_condition("Progressing", "Unknown", du.RESUMED, "Deployment is resumed", now),
        )
    else:
        return
    ctx.record("paused" if d["spec"].get("paused") else "resumed", meta_namespace_key(d))
    yield from dsync.write_status(ctx, d)


# -- RollingUpdate ------------------------------------------------------------------------------
def rollout_rolling(ctx: DeploymentContext, d: dict[str, Any], rss: list[Any]) -> Gen:
    new_rs, old = yield from dsync.get_all_rss(ctx, d, rss, True)
    all_rss = old + [new_rs]
    scaled, new_rs = yield from reconcile_new(ctx, d, all_rss, new_rs)
    if scaled:
        yield from sync_rollout_status(ctx, d, old + [new_rs], new_rs)
        return
    scaled, old = yield from reconcile_old(ctx, d, old, new_rs)
    if scaled:
        yield from sync_rollout_status(ctx, d, old + [new_rs], new_rs)
        return
    if du.deployment_complete(d, d.get("status") or {}):
        yield from dsync.cleanup(ctx, d, old)
    yield from sync_rollout_status(ctx, d, old + [new_rs], new_rs)


def reconcile_new(
    ctx: DeploymentContext, d: dict[str, Any], all_rss: list[Any], new_rs: Any
) -> Gen:
    want = du.replicas(d)
    if du.replicas(new_rs) == want:
        return False, new_rs
    if du.replicas(new_rs) > want:
        return (yield from dsync.scale_rs(ctx, new_rs, want, d))
    count = du.new_rs_new_replicas(d, all_rss, new_rs)
    return (yield from dsync.scale_rs(ctx, new_rs, count, d))


def reconcile_old(ctx: DeploymentContext, d: dict[str, Any], old: list[Any], new_rs: Any) -> Gen:
    old_pods = du.spec_sum(old)
    if old_pods == 0:
        return False, old
    all_pods = old_pods + du.replicas(new_rs)
    min_available = du.replicas(d) - du.max_unavailable(d)
    new_unavailable = du.replicas(new_rs) - du.status_sum([new_rs], "availableReplicas")
    max_scaled_down = all_pods - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False, old
    old, cleaned = yield from cleanup_unhealthy(ctx, d, old, max_scaled_down)
    old, scaled_down = yield from scale_down_old_for_rolling(ctx, d, old + [new_rs], old)
    return cleaned + scaled_down > 0, old


def cleanup_unhealthy(
    ctx: DeploymentContext, d: dict[str, Any], old: list[Any], max_cleanup: int
) -> Gen:
    """Scale down old ReplicaSets' unavailable replicas first, oldest first."""
    out: list[Any] = []
    total = 0
    for rs in sorted(old, key=du.by_creation):
        avail = du.status_sum([rs], "availableReplicas")
        if total >= max_cleanup or du.replicas(rs) == 0 or du.replicas(rs) == avail:
            out.append(rs)
            continue
        count = min(max_cleanup - total, du.replicas(rs) - avail)
        if count < 0:
            raise SyncError(
                f"when cleaning up unhealthy replicas, got invalid request to scale down "
                f"{rs['metadata']['name']} {du.replicas(rs)} -> {du.replicas(rs) - count}"
            )
        _, rs = yield from dsync.scale_rs(ctx, rs, du.replicas(rs) - count, d)
        total += count
        out.append(rs)
    return out, total


def scale_down_old_for_rolling(
    ctx: DeploymentContext, d: dict[str, Any], all_rss: list[Any], old: list[Any]
) -> Gen:
    min_available = du.replicas(d) - du.max_unavailable(d)
    available = du.status_sum(all_rss, "availableReplicas")
    if available <= min_available:
        return old, 0
    to_scale = available - min_available
    total = 0
    out: list[Any] = []
    for rs in sorted(old, key=du.by_creation):
        if total >= to_scale or du.replicas(rs) == 0:
            out.append(rs)
            continue
        count = min(du.replicas(rs), to_scale - total)
        _, rs = yield from dsync.scale_rs(ctx, rs, du.replicas(rs) - count, d)
        total += count
        out.append(rs)
    return out, total


# -- Recreate -----------------------------------------------------------------------------------
def rollout_recreate(
    ctx: DeploymentContext, d: dict[str, Any], rss: list[Any], pod_map: dict[str, list[Any]]
) -> Gen:
    new_rs, old = yield from dsync.get_all_rss(ctx, d, rss, False)
    scaled = False
    out = []
    for rs in old:
        if du.replicas(rs) > 0:
            s, rs = yield from dsync.scale_rs(ctx, rs, 0, d)
            scaled = scaled or s
        out.append(rs)
    old = out
    if scaled:
        yield from sync_rollout_status(ctx, d, old + [new_rs], new_rs)
        return
    if old_pods_running(new_rs, old, pod_map):
        yield from sync_rollout_status(ctx, d, old + [new_rs], new_rs)
        return
    if new_rs is None:
        new_rs, old = yield from dsync.get_all_rss(ctx, d, rss, True)
    _, new_rs = yield from dsync.scale_rs(ctx, new_rs, du.replicas(d), d)
    if du.deployment_complete(d, d.get("status") or {}):
        yield from dsync.cleanup(ctx, d, old)
    yield from sync_rollout_status(ctx, d, old + [new_rs], new_rs)


def old_pods_running(new_rs: Any, old: list[Any], pod_map: dict[str, list[Any]]) -> bool:
    if du.status_sum(old, "replicas") > 0:
        return True
    new_uid = new_rs["metadata"]["uid"] if new_rs is not None else None
    for uid, pods in pod_map.items():
        if uid == new_uid:
            continue
        for p in pods:
            if (p.get("status") or {}).get("phase") not in ("Failed", "Succeeded"):
                return True
    return False


# -- status and progress ------------------------------------------------------------------------
def sync_rollout_status(
    ctx: DeploymentContext, d: dict[str, Any], all_rss: list[Any], new_rs: Any
) -> Gen:
    """syncRolloutStatus: the Progressing condition (complete, progressing, timed out), the
    ReplicaFailure condition from the ReplicaSets, then requeue a stuck rollout at its deadline."""
    status = dsync.calculate_status(ctx, d, all_rss, new_rs)
    now = ctx.clock.timestamp()
    if not du.has_progress_deadline(d):
        du.remove_condition(status, "Progressing")
    cur = du.get_condition(d.get("status") or {}, "Progressing")
    complete = (
        status.get("replicas", 0) == status.get("updatedReplicas", 0)
        and cur is not None
        and cur.get("reason") == du.NEW_RS_AVAILABLE
    )
    what = (
        f'ReplicaSet "{new_rs["metadata"]["name"]}"'
        if new_rs is not None
        else f'Deployment "{d["metadata"]["name"]}"'
    )
    key = meta_namespace_key(d)
    if du.has_progress_deadline(d) and not complete:
        if du.deployment_complete(d, status):
            du.set_condition(
                status,
                du.new_condition(
                    "Progressing",
                    "True",
                    du.NEW_RS_AVAILABLE,
                    f"{what} has successfully progressed.",
                    now,
                ),
            )
        elif du.deployment_progressing(d, status):
            cond = du.new_condition(
                "Progressing", "True", du.RS_UPDATED, f"{what} is progressing.", now
            )
            if cur is not None:
                if cur.get("status") == "True":
                    cond["lastTransitionTime"] = cur.get("lastTransitionTime")
                du.remove_condition(status, "Progressing")
            du.set_condition(status, cond)
        elif timed_out(ctx, d, status):
            du.set_condition(
                status,
                du.new_condition(
                    "Progressing", "False", du.TIMED_OUT, f"{what} has timed out progressing.", now
                ),
            )
            ctx.record("progress-deadline-exceeded", key, what)
    failure = None
    for rs in ([new_rs] if new_rs is not None else []) + [
        r for r in all_rss if r is not None and r is not new_rs
    ]:
        c = du.get_condition(rs.get("status") or {}, "ReplicaFailure")
        if c is not None and c.get("status") == "True":
            failure = {
                "type": "ReplicaFailure",
                "status": "True",
                "lastUpdateTime": c.get("lastTransitionTime"),
                "lastTransitionTime": c.get("lastTransitionTime"),
                "reason": c.get("reason"),
                "message": c.get("message"),
            }
            break
    if failure is not None:
        du.set_condition(status, failure)
    else:
        du.remove_condition(status, "ReplicaFailure")
    if status == (d.get("status") or {}):
        requeue_stuck(ctx, d, status)
        return
    d["status"] = status
    yield from dsync.write_status(ctx, d)


def timed_out(ctx: DeploymentContext, d: dict[str, Any], status: dict[str, Any]) -> bool:
    """DeploymentTimedOut: the Progressing condition was last updated more than
    progressDeadlineSeconds ago."""
    if not du.has_progress_deadline(d):
        return False
    cond = du.get_condition(status, "Progressing")
    if cond is None or cond.get("reason") == du.NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == du.TIMED_OUT:
        return True
    since = ctx.clock.seconds_of(cond["lastUpdateTime"])
    return since + int(d["spec"]["progressDeadlineSeconds"]) < ctx.clock.now


def requeue_stuck(ctx: DeploymentContext, d: dict[str, Any], status: dict[str, Any]) -> None:
    cur = du.get_condition(d.get("status") or {}, "Progressing")
    if not du.has_progress_deadline(d) or cur is None:
        return
    if du.deployment_complete(d, status) or cur.get("reason") == du.TIMED_OUT:
        return
    after = (
        ctx.clock.seconds_of(cur["lastUpdateTime"])
        + int(d["spec"]["progressDeadlineSeconds"])
        - ctx.clock.now
    )
    if after < 1.0:
        ctx.queue.add_rate_limited(meta_namespace_key(d))
    else:
        ctx.queue.add_after(meta_namespace_key(d), after + 1.0)
