"""Deployment helpers: template hash, revisions, replica arithmetic, conditions, rollback.

Models pkg/controller/deployment/util/deployment_util.go (1.32): MaxSurge/MaxUnavailable via
ResolveFenceposts (surge rounds up, unavailable rounds down, both zero means unavailable 1),
NewRSNewReplicas, GetProportion/getReplicaSetFraction (Go's math.Round: half away from zero),
IsSaturated, FindActiveOrLatest, FindNewReplicaSet/FindOldReplicaSets (EqualIgnoreHash), the
revision, revision-history, desired-replicas and max-replicas annotations, SetDeploymentCondition,
DeploymentComplete/DeploymentProgressing/DeploymentTimedOut; and pkg/controller/controller_utils.go
ComputeHash (fnv32a then rand.SafeEncodeString). kubectl's `rollout undo` is `rollback_patch`
(staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go).

Deliberate difference: ComputeHash hashes the template's canonical JSON, not Go's spew dump of
the struct, so hashes have upstream's form but not upstream's values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import orjson

from sim.api.frozen import thaw

HASH_LABEL = "pod-template-hash"  # apps.DefaultDeploymentUniqueLabelKey
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
ANNOTATIONS_TO_SKIP = (
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
)
MAX_REV_HISTORY_CHARS = 2000  # deployment sync.go maxRevHistoryLengthInChars
NO_PROGRESS_DEADLINE = 2**31 - 1  # math.MaxInt32 means "no deadline"

# condition reasons (deployment_util.go)
RS_UPDATED = "ReplicaSetUpdated"
FAILED_RS_CREATE = "ReplicaSetCreateError"
NEW_RS_CREATED = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
MIN_AVAILABLE = "MinimumReplicasAvailable"
MIN_UNAVAILABLE = "MinimumReplicasUnavailable"

_SAFE = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand alphanums


# -- hashing ------------------------------------------------------------------------------------
def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def compute_hash(template: Mapping[str, Any], collision_count: int | None = None) -> str:
    data = orjson.dumps(template, option=orjson.OPT_SORT_KEYS)
    if collision_count is not None:
        data += int(collision_count).to_bytes(4, "little")
    return "".join(_SAFE[ord(ch) % len(_SAFE)] for ch in str(fnv32a(data)))


def _without_hash(template: Mapping[str, Any]) -> Any:
    labels = (template.get("metadata") or {}).get("labels") or {}
    if HASH_LABEL not in labels:
        return template
    t = thaw(template)
    del t["metadata"]["labels"][HASH_LABEL]
    return t


def equal_ignore_hash(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return _without_hash(a) == _without_hash(b)


# -- replica arithmetic -------------------------------------------------------------------------
def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        raise ValueError(
            f"invalid value for IntOrString: invalid type: string is not a percentage: {text}"
        )
    v = int(text[:-1])
    return -(-v * total // 100) if round_up else v * total // 100


def replicas(obj: Mapping[str, Any]) -> int:
    return int(obj["spec"].get("replicas") or 0)


def is_rolling(d: Mapping[str, Any]) -> bool:
    return (d["spec"].get("strategy") or {}).get("type") == "RollingUpdate"


def resolve_fenceposts(d: Mapping[str, Any]) -> tuple[int, int]:
    ru = (d["spec"].get("strategy") or {}).get("rollingUpdate") or {}
    desired = replicas(d)
    surge = scaled_value(ru.get("maxSurge", "25%"), desired, True)
    unavailable = scaled_value(ru.get("maxUnavailable", "25%"), desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(d: Mapping[str, Any]) -> int:
    return resolve_fenceposts(d)[0] if is_rolling(d) else 0


def max_unavailable(d: Mapping[str, Any]) -> int:
    if not is_rolling(d) or replicas(d) == 0:
        return 0
    return min(resolve_fenceposts(d)[1], replicas(d))


def spec_sum(rss: list[Any]) -> int:
    return sum(replicas(rs) for rs in rss if rs is not None)


def status_sum(rss: list[Any], field: str) -> int:
    return sum(int((rs.get("status") or {}).get(field) or 0) for rs in rss if rs is not None)


def active(rss: list[Any]) -> list[Any]:
    """FilterActiveReplicaSets: spec.replicas > 0."""
    return [rs for rs in rss if rs is not None and replicas(rs) > 0]


def new_rs_new_replicas(d: Mapping[str, Any], all_rss: list[Any], new_rs: Any) -> int:
    if not is_rolling(d):
        return replicas(d)
    current = spec_sum(all_rss)
    max_total = replicas(d) + max_surge(d)
    if current >= max_total:
        return replicas(new_rs)
    return replicas(new_rs) + min(max_total - current, replicas(d) - replicas(new_rs))


def _go_round(x: float) -> int:
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def _annotation_int(rs: Mapping[str, Any], name: str) -> int | None:
    text = (rs["metadata"].get("annotations") or {}).get(name)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def get_proportion(rs: Any, d: Mapping[str, Any], to_add: int, added: int) -> int:
    if rs is None or replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    if replicas(d) == 0:
        fraction = -replicas(rs)
    else:
        deployment_replicas = replicas(d) + max_surge(d)
        annotated = _annotation_int(rs, MAX_REPLICAS)
        if annotated is None:
            annotated = int((d.get("status") or {}).get("replicas") or 0)
        size = replicas(rs) * deployment_replicas / annotated if annotated else 0.0
        fraction = _go_round(size) - replicas(rs)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def is_saturated(d: Mapping[str, Any], rs: Any) -> bool:
    if rs is None:
        return False
    desired = _annotation_int(rs, DESIRED_REPLICAS)
    return (
        desired is not None
        and replicas(rs) == replicas(d)
        and desired == replicas(d)
        and int((rs.get("status") or {}).get("availableReplicas") or 0) == replicas(d)
    )


# -- ordering and finding -----------------------------------------------------------------------
def by_creation(rs: Mapping[str, Any]) -> tuple[str, str]:
    """ReplicaSetsByCreationTimestamp (RFC 3339 strings sort as instants), then name."""
    return (rs["metadata"].get("creationTimestamp") or "", rs["metadata"]["name"])


def revision(rs: Mapping[str, Any]) -> int:
    return _annotation_int(rs, REVISION) or 0


def find_new(d: Mapping[str, Any], rss: list[Any]) -> Any:
    for rs in sorted(rss, key=by_creation):
        if equal_ignore_hash(rs["spec"]["template"], d["spec"]["template"]):
            return rs
    return None


def find_active_or_latest(new_rs: Any, old_rss: list[Any]) -> Any:
    if new_rs is None and not old_rss:
        return None
    old_sorted = sorted(old_rss, key=by_creation, reverse=True)
    live = active(old_sorted + [new_rs])
    if not live:
        return new_rs if new_rs is not None else old_sorted[0]
    return live[0] if len(live) == 1 else None


# -- annotations --------------------------------------------------------------------------------
def set_new_rs_annotations(
    d: Mapping[str, Any], rs: dict[str, Any], new_revision: str, exists: bool
) -> bool:
    """SetNewReplicaSetAnnotations on a mutable copy of `rs`; True if anything changed."""
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for k, v in sorted((d["metadata"].get("annotations") or {}).items()):
        if k in ANNOTATIONS_TO_SKIP or ann.get(k) == v:
            continue
        ann[k] = v
        changed = True
    old = ann.get(REVISION, "")
    try:
        old_int = int(old) if old else 0
    except ValueError:
        return False
    if old_int < int(new_revision):
        ann[REVISION] = new_revision
        changed = True
        if old:
            history = [h for h in ann.get(REVISION_HISTORY, "").split(",") if h] + [old]
            while len(",".join(history)) > MAX_REV_HISTORY_CHARS and len(history) > 1:
                history.pop(0)
            ann[REVISION_HISTORY] = ",".join(history)
    if not exists and set_replicas_annotations(rs, replicas(d), replicas(d) + max_surge(d)):
        changed = True
    if not ann:
        del rs["metadata"]["annotations"]
    return changed


def set_replicas_annotations(rs: dict[str, Any], desired: int, maximum: int) -> bool:
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for k, v in ((DESIRED_REPLICAS, str(desired)), (MAX_REPLICAS, str(maximum))):
        if ann.get(k) != v:
            ann[k] = v
            changed = True
    return changed


def replicas_annotations_need_update(rs: Mapping[str, Any], desired: int, maximum: int) -> bool:
    ann = rs["metadata"].get("annotations") or {}
    return ann.get(DESIRED_REPLICAS) != str(desired) or ann.get(MAX_REPLICAS) != str(maximum)


# -- conditions ---------------------------------------------------------------------------------
def get_condition(status: Mapping[str, Any], type_: str) -> Any:
    for c in status.get("conditions") or ():
        if c.get("type") == type_:
            return c
    return None


def new_condition(type_: str, status: str, reason: str, message: str, now: str) -> dict[str, Any]:
    return {
        "type": type_,
        "status": status,
        "lastUpdateTime": now,
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    }


def set_condition(status: dict[str, Any], cond: dict[str, Any]) -> None:
    """SetDeploymentCondition: no-op for the same status and reason; keeps the transition time
    when only the reason changes."""
    cur = get_condition(status, cond["type"])
    if (
        cur is not None
        and cur.get("status") == cond["status"]
        and cur.get("reason") == cond["reason"]
    ):
        return
    if cur is not None and cur.get("status") == cond["status"]:
        cond["lastTransitionTime"] = cur.get("lastTransitionTime")
    remove_condition(status, cond["type"])
    status.setdefault("conditions", []).append(cond)


def remove_condition(status: dict[str, Any], type_: str) -> None:
    conds = [c for c in status.get("conditions") or () if c.get("type") != type_]
    if conds:
        status["conditions"] = conds
    else:
        status.pop("conditions", None)


def has_progress_deadline(d: Mapping[str, Any]) -> bool:
    pds = d["spec"].get("progressDeadlineSeconds")
    return pds is not None and int(pds) != NO_PROGRESS_DEADLINE


def deployment_complete(d: Mapping[str, Any], status: Mapping[str, Any]) -> bool:
    n = replicas(d)
    return (
        int(status.get("updatedReplicas") or 0) == n
        and int(status.get("replicas") or 0) == n
        and int(status.get("availableReplicas") or 0) == n
        and int(status.get("observedGeneration") or 0) >= int(d["metadata"].get("generation") or 0)
    )


def deployment_progressing(d: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    old = d.get("status") or {}

    def g(s: Mapping[str, Any], f: str) -> int:
        return int(s.get(f) or 0)

    return (
        g(new, "updatedReplicas") > g(old, "updatedReplicas")
        or g(new, "replicas") - g(new, "updatedReplicas")
        < g(old, "replicas") - g(old, "updatedReplicas")
        or g(new, "readyReplicas") > g(old, "readyReplicas")
        or g(new, "availableReplicas") > g(old, "availableReplicas")
    )


# -- rollback (kubectl rollout undo) ------------------------------------------------------------
def rollback_patch(d: Mapping[str, Any], rss: list[Any], to_revision: int = 0) -> dict[str, Any]:
    """The strategic merge patch `kubectl rollout undo` sends: the chosen ReplicaSet's template
    (without pod-template-hash) and its annotations other than the deployment-internal ones.
    `to_revision` 0 means the revision before the current one. Raises LookupError if none."""
    owned = [
        rs
        for rs in rss
        if any(
            r.get("uid") == d["metadata"]["uid"]
            for r in rs["metadata"].get("ownerReferences") or ()
        )
    ]
    by_rev = {revision(rs): rs for rs in owned}
    if to_revision == 0:
        revs = sorted(by_rev)
        if len(revs) < 2:
            raise LookupError("no rollout history found for deployment")
        to_revision = revs[-2]
    rs = by_rev.get(to_revision)
    if rs is None:
        raise LookupError(f"unable to find specified revision {to_revision} in history")
    template = thaw(_without_hash(rs["spec"]["template"]))
    ann = {
        k: v
        for k, v in (rs["metadata"].get("annotations") or {}).items()
        if k not in ANNOTATIONS_TO_SKIP
    }
    patch: dict[str, Any] = {"spec": {"template": {"$patch": "replace", **template}}}
    if ann:
        patch["metadata"] = {"annotations": ann}
    return patch
