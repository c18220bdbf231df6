"""Helpers the controllers share: pod predicates, expectations, owner references, deletion ranks.

Models pkg/controller/controller_utils.go (ControllerExpectations,
UIDTrackingControllerExpectations with ExpectationsTimeout 5 min, ActivePodsWithRanks with the
LogarithmicScaleDown and PodDeletionCost rules of 1.32, FilterActivePods, GetPodFromTemplate),
pkg/controller/controller_ref_manager.go (adoption and release) and pkg/api/v1/pod/util.go
(IsPodReady, IsPodAvailable). Times are simulated seconds; timestamps are parsed with the clock.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Generator, Iterable, Mapping
from typing import Any

from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.api.labels import Selector
from sim.core import Clock

EXPECTATIONS_TIMEOUT_S = 300.0  # controller_utils.go ExpectationsTimeout
POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


# -- pod predicates (pkg/api/v1/pod/util.go, controller_utils.go) ----------------------------------
def is_pod_active(pod: Mapping[str, Any]) -> bool:
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def is_pod_terminal(pod: Mapping[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def pod_condition(pod: Mapping[str, Any], type_: str) -> Mapping[str, Any] | None:
    for c in (pod.get("status") or {}).get("conditions") or ():
        if c.get("type") == type_:
            return c
    return None


def is_pod_ready(pod: Mapping[str, Any]) -> bool:
    c = pod_condition(pod, "Ready")
    return c is not None and c.get("status") == "True"


def pod_ready_since_s(pod: Mapping[str, Any], clock: Clock) -> float | None:
    """The simulated instant the pod became ready (lastTransitionTime), None if not ready."""
    c = pod_condition(pod, "Ready")
    if c is None or c.get("status") != "True" or not c.get("lastTransitionTime"):
        return None
    return clock.seconds_of(c["lastTransitionTime"])


def is_pod_available(pod: Mapping[str, Any], min_ready_s: int, clock: Clock) -> bool:
    """IsPodAvailable: ready, and ready for at least minReadySeconds (strictly before now)."""
    if not is_pod_ready(pod):
        return False
    if min_ready_s == 0:
        return True
    since = pod_ready_since_s(pod, clock)
    return since is not None and since + min_ready_s < clock.now


def is_being_deleted(obj: Mapping[str, Any]) -> bool:
    return bool(obj["metadata"].get("deletionTimestamp"))


# -- owner references (controller_ref_manager.go) -------------------------------------------------
def controller_of(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def controller_ref(owner: Mapping[str, Any]) -> dict[str, Any]:
    """metav1.NewControllerRef: controller and blockOwnerDeletion true."""
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def claim(
    controller: Any,
    owner: Mapping[str, Any],
    selector: Selector,
    kind: str,
    candidates: Iterable[Mapping[str, Any]],
    can_adopt: Callable[[], Generator[Any, Any, bool]],
) -> Generator[Any, Any, list[Any]]:
    """ClaimObject for each candidate: keep ours that match, adopt matching orphans (a patch),
    release ours that stopped matching (a patch). Returns the claimed objects (cache versions,
    or the patched ones for adoptions). `can_adopt` is RecheckDeletionTimestamp, checked once."""
    uid = owner["metadata"]["uid"]
    owner_deleting = is_being_deleted(owner)
    claimed: list[Any] = []
    adopt_ok: bool | None = None
    for obj in candidates:
        ref = controller_of(obj)
        labels = obj["metadata"].get("labels")
        ns, name = obj["metadata"].get("namespace"), obj["metadata"]["name"]
        if ref is not None:
            if ref.get("uid") != uid:
                continue
            if selector.matches(labels):
                claimed.append(obj)
                continue
            if owner_deleting:
                continue
            patch = {
                "metadata": {
                    "ownerReferences": [{"$patch": "delete", "uid": uid}],
                    "uid": obj["metadata"]["uid"],
                }
            }
            try:
                yield controller.client.patch(kind, name, patch, namespace=ns)
                controller.record("release", f"{ns}/{name}", f"from {owner['metadata']['name']}")
            except ApiError as e:
                if e.code not in (404, 409, 422):
                    raise
            continue
        if owner_deleting or not selector.matches(labels) or is_being_deleted(obj):
            continue
        if adopt_ok is None:
            adopt_ok = yield from can_adopt()
        if not adopt_ok:
            continue
        patch = {
            "metadata": {
                "ownerReferences": [controller_ref(owner)],
                "uid": obj["metadata"]["uid"],
            }
        }
        try:
            adopted = yield controller.client.patch(kind, name, patch, namespace=ns)
        except ApiError as e:
            if e.code in (404, 409, 422):
                continue
            raise
        controller.record("adopt", f"{ns}/{name}", f"by {owner['metadata']['name']}")
        claimed.append(adopted)
    return claimed


def recheck_deletion(
    controller: Any, kind: str, owner: Mapping[str, Any]
) -> Generator[Any, Any, bool]:
    """RecheckDeletionTimestamp: a live read; adopt only if the owner exists with this uid and
    is not being deleted."""
    meta = owner["metadata"]
    try:
        fresh = yield controller.client.get(kind, meta["name"], namespace=meta.get("namespace"))
    except ApiError as e:
        if e.code == 404:
            return False
        raise
    return fresh["metadata"]["uid"] == meta["uid"] and not is_being_deleted(fresh)


def pod_from_template(owner: Mapping[str, Any], template: Mapping[str, Any]) -> dict[str, Any]:
    """GetPodFromTemplate: labels, annotations and finalizers of the template, generateName
    `<owner>-`, the controller reference, and the template's spec."""
    tmeta = template.get("metadata") or {}
    meta: dict[str, Any] = {
        "generateName": f"{owner['metadata']['name']}-",
        "namespace": owner["metadata"]["namespace"],
        "labels": thaw(tmeta.get("labels") or {}),
        "ownerReferences": [controller_ref(owner)],
    }
    if tmeta.get("annotations"):
        meta["annotations"] = thaw(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = thaw(tmeta["finalizers"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": thaw(template["spec"])}


# -- expectations (controller_utils.go) ------------------------------------------------------------
class _Expectee:
    __slots__ = ("add", "delete", "timestamp_s", "deleting")

    def __init__(self, add: int, delete: int, now_s: float):
        self.add = add
        self.delete = delete
        self.timestamp_s = now_s
        self.deleting: dict[str, None] = {}


class Expectations:
    """UIDTrackingControllerExpectations: creates and deletes a controller is waiting to observe.

    `satisfied(key)` is True when nothing is outstanding, when the record expired (5 minutes,
    the informer may have missed an event) or when there is no record (a new controller).
    Deletions are tracked by pod key, so that observing the same deletion twice counts once.
    """

    def __init__(self, clock: Clock):
        self.clock = clock
        self._store: dict[str, _Expectee] = {}

    def satisfied(self, key: str) -> bool:
        e = self._store.get(key)
        if e is None:
            return True
        if e.add <= 0 and e.delete <= 0:
            return True
        return self.clock.now - e.timestamp_s > EXPECTATIONS_TIMEOUT_S

    def expect_creations(self, key: str, adds: int) -> None:
        self._store[key] = _Expectee(adds, 0, self.clock.now)

    def expect_deletions(self, key: str, pod_keys: list[str]) -> None:
        e = _Expectee(0, len(pod_keys), self.clock.now)
        for k in pod_keys:
            e.deleting[k] = None
        self._store[key] = e

    def creation_observed(self, key: str) -> None:
        e = self._store.get(key)
        if e is not None:
            e.add -= 1

    def lower_creations(self, key: str, n: int) -> None:
        e = self._store.get(key)
        if e is not None:
            e.add -= n

    def deletion_observed(self, key: str, pod_key: str) -> None:
        e = self._store.get(key)
        if e is not None and pod_key in e.deleting:
            del e.deleting[pod_key]
            e.delete -= 1

    def delete(self, key: str) -> None:
        self._store.pop(key, None)

    def pending(self, key: str) -> tuple[int, int]:
        e = self._store.get(key)
        return (0, 0) if e is None else (e.add, e.delete)


# -- deletion ranking (ActivePodsWithRanks.Less, 1.32) ----------------------------------------------
def _deletion_cost(pod: Mapping[str, Any]) -> int:
    text = (pod["metadata"].get("annotations") or {}).get(POD_DELETION_COST)
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 0


def _log_rank(t_s: float, now_s: float) -> int:
    """logarithmicRankDiff's per-pod rank: floor(log2(age in nanoseconds)), -1 if not positive."""
    d_ns = (now_s - t_s) * 1e9
    return int(math.log2(d_ns)) if d_ns > 0 else -1


def _max_restarts(pod: Mapping[str, Any]) -> int:
    return max(
        (
            int(c.get("restartCount") or 0)
            for c in (pod.get("status") or {}).get("containerStatuses") or ()
        ),
        default=0,
    )


def rank_pods_for_deletion(pods: list[Any], ranks: list[int], clock: Clock) -> list[Any]:
    """Sort `pods` so that the ones to delete first come first (upstream's eight rules:
    unassigned, Pending < Unknown < Running, not ready, lower deletion cost, more co-located
    pods, more recently ready (log2 buckets), more restarts, newer (log2 buckets), then UID).

    Python's sort is stable where Go's sort.Sort is not: equal pods keep their input order."""
    now = clock.now
    info = []
    for pod, rank in zip(pods, ranks, strict=True):
        created = pod["metadata"].get("creationTimestamp")
        info.append(
            (
                pod,
                rank,
                is_pod_ready(pod),
                pod_ready_since_s(pod, clock),
                clock.seconds_of(created) if created else None,
            )
        )

    def less(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
        pa, ra, ready_a, rt_a, ct_a = a
        pb, rb, ready_b, rt_b, ct_b = b
        na, nb = pa["spec"].get("nodeName") or "", pb["spec"].get("nodeName") or ""
        if na != nb and (not na or not nb):
            return not na
        oa = _PHASE_ORDINAL.get((pa.get("status") or {}).get("phase", ""), 0)
        ob = _PHASE_ORDINAL.get((pb.get("status") or {}).get("phase", ""), 0)
        if oa != ob:
            return oa < ob
        if ready_a != ready_b:
            return not ready_a
        ca, cb = _deletion_cost(pa), _deletion_cost(pb)
        if ca != cb:
            return ca < cb
        if ra != rb:
            return ra > rb
        if ready_a and ready_b and rt_a != rt_b:
            if rt_a is None or rt_b is None:
                return rt_a is None
            diff = _log_rank(rt_a, now) - _log_rank(rt_b, now)
            if diff == 0:
                return str(pa["metadata"].get("uid")) < str(pb["metadata"].get("uid"))
            return diff < 0
        ma, mb = _max_restarts(pa), _max_restarts(pb)
        if ma != mb:
            return ma > mb
        if ct_a != ct_b:
            if ct_a is None or ct_b is None:
                return ct_a is None
            diff = _log_rank(ct_a, now) - _log_rank(ct_b, now)
            if diff == 0:
                return str(pa["metadata"].get("uid")) < str(pb["metadata"].get("uid"))
            return diff < 0
        return False

    def cmp(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
        if less(a, b):
            return -1
        if less(b, a):
            return 1
        return 0

    info.sort(key=functools.cmp_to_key(cmp))
    return [i[0] for i in info]


# -- indexes and batches ----------------------------------------------------------------------------
CONTROLLER_INDEX = "controller-uid"


def index_by_controller(obj: Any) -> tuple[str, ...]:
    """The controller's uid, or `orphan/<namespace>` for objects without a controller: the
    candidates a controller may claim are exactly its own objects plus the orphans."""
    ref = controller_of(obj)
    if ref is not None and ref.get("uid"):
        return (str(ref["uid"]),)
    return (f"orphan/{obj['metadata'].get('namespace') or ''}",)


def claim_candidates(indexer: Any, owner: Mapping[str, Any]) -> list[Any]:
    ns = owner["metadata"].get("namespace") or ""
    return indexer.by_index(CONTROLLER_INDEX, owner["metadata"]["uid"]) + indexer.by_index(
        CONTROLLER_INDEX, f"orphan/{ns}"
    )


def is_namespace_terminating_error(e: ApiError) -> bool:
    """apierrors.HasStatusCause(err, NamespaceTerminatingCause)."""
    return e.code == 403 and "being terminated" in (e.message or "")


def slow_start_batch(
    count: int, initial: int, start: Callable[[], Any], on_done: Callable[[Any], None]
) -> Generator[Any, Any, tuple[int, ApiError | None]]:
    """controller_utils.go slowStartBatch: run `start()` (which returns a client event) in
    batches of initial, 2*initial, ... all calls of a batch in flight at once; stop after a batch
    with an error. Returns (successes, first error)."""
    remaining, successes = count, 0
    batch = min(remaining, initial)
    while batch > 0:
        events = [start() for _ in range(batch)]
        first: ApiError | None = None
        for ev in events:
            try:
                result = yield ev
            except ApiError as e:
                if is_namespace_terminating_error(e):
                    successes += 1
                    continue
                first = first or e
                continue
            successes += 1
            on_done(result)
        if first is not None:
            return successes, first
        remaining -= batch
        batch = min(2 * batch, remaining)
    return successes, None
