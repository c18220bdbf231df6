"""Per pod shape, whole-cluster arrays of which nodes pass the node-local filters and of
their raw scores, kept up to date from the snapshot's change log.

Not an upstream file: kube-scheduler runs every filter and score plugin in every cycle
(pkg/scheduler/schedule_one.go findNodesThatPassFilters, prioritizeNodes). A plugin that sets
`node_local = True` promises that its Filter verdict and raw (not yet normalized) Score for a
node depend only on the pod's shape (PodShape, plus spec.nodeName) and that node's own state,
so for replicas of one controller the arrays of one cycle hold for the next, except on the
slots the snapshot logged as changed since (`Snapshot.log`). Those are only marked stale,
and recomputed together once a cycle's window of nodes reaches one of them: the window moves
round the ring with the start index, so the nodes just chosen are refreshed in a batch about
once per turn instead of once per cycle (numpy's cost is per call, not per node). A plugin
may also name global inputs (`node_local_stamp(pod, snapshot)`, for instance ImageLocality's
image spread), whose change recomputes every slot.

The framework uses these arrays only to find the same nodes its full path would: the first
`numFeasibleNodesToFind` feasible nodes in node-tree order from the rotating start index,
the other (not node-local) filters still running on candidates in that order, and the
normalization still running over the feasible nodes. Results are identical by construction;
tests/scheduler/test_incremental.py checks that both paths bind every pod alike.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from sim.scheduler.interface import CycleState
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.snapshot import Snapshot

MAX_ENTRIES = 256  # arrays kept per snapshot (each one slot-array long), least recently used out
FULL_FRACTION = 4  # more than 1/4 of the nodes stale: recompute every slot instead


class _Entry:
    __slots__ = ("owner", "stamp", "epoch", "seq", "cap", "values", "stale", "node_stale", "aux")

    def __init__(self, owner: Any, stamp: Hashable):
        self.owner = owner
        self.stamp = stamp
        self.epoch = -1
        self.seq = -1
        self.cap = -1
        self.values: np.ndarray | None = None
        self.stale: set[int] = set()  # every stale slot
        self.node_stale: set[int] = set()  # those whose node changed (not only its pods)
        self.aux: np.ndarray | None = None  # a filter entry's verdicts of node-only plugins


def reads_pods(pl: Any) -> bool:
    """Whether a node-local plugin's verdict or score depends on the pods on the node (not
    only on the node itself): those run again where only the pods changed. A plugin that does
    not say is assumed to."""
    return bool(getattr(pl, "reads_pods_on_node", True))


class Ring:
    """One cycle's visiting order: node-tree order from the start index, round the ring."""

    __slots__ = ("snap", "order", "start")

    def __init__(self, snap: Snapshot, start: int):
        self.snap = snap
        self.order = snap.order()
        self.start = start

    def reaches(self, slots: set[int], last: int) -> bool:
        """Whether any of the live `slots` is at most `last` steps from the start."""
        pos, start, n = self.snap.order_positions(), self.start, len(self.order)
        for s in slots:
            p = pos.get(s)
            if p is not None and (p - start) % n <= last:
                return True
        return False

    def visit(self, mask: np.ndarray, limit: int | None) -> tuple[np.ndarray, np.ndarray]:
        """The slots whose `mask` is set in visiting order (the first `limit` of them, or
        all), and each one's distance from the start."""
        order, start, n = self.order, self.start, len(self.order)
        if limit is not None:
            # most nodes usually pass: look a little beyond `limit` first
            seg = order[start : start + limit + limit // 2 + 16]
            head = mask[seg].nonzero()[0]
            if len(head) >= limit:
                head = head[:limit]
                return seg[head], head
        in_order = mask[order]
        head = in_order[start:].nonzero()[0]
        if start == 0 or (limit is not None and len(head) >= limit):
            head = head[:limit]
            return order[head + start], head
        tail = in_order[:start].nonzero()[0]
        dist = np.concatenate([head, tail + (n - start)])
        if limit is not None:
            dist = dist[:limit]
        return order[(dist + start) % n], dist


def _lookup(
    snap: Snapshot, key: Hashable, owner: Any, stamp: Hashable, fill: Any = None
) -> _Entry | None:
    """The entry for `key`, its stale set brought up to date (and the stale slots set to
    `fill` if given); None the first time `key` is asked for (a shape seen once is cheaper on
    the full path)."""
    cache = snap.shape_arrays
    e = cache.get(key)
    if e is None or e.owner is not owner or e.stamp != stamp:
        cache[key] = _Entry(owner, stamp)
        while len(cache) > MAX_ENTRIES:
            cache.popitem(last=False)
        return None
    cache.move_to_end(key)
    if e.values is None or e.cap != snap.cap:
        e.values = None
        return e
    log = snap.log
    seq = log.base + len(log.changes)  # log.seq, inlined on this hot path
    if e.seq != seq or e.epoch != log.epoch:
        changed = log.changed_since(e.epoch, e.seq)
        if changed is None:
            e.values = None
            return e
        stale, node_stale, values = e.stale, e.node_stale, e.values
        for c in changed:  # a few slots: scalar stores beat building an index array
            if c < 0:
                c = ~c  # only the pods on that node changed
            else:
                node_stale.add(c)
            stale.add(c)
            if fill is not None:
                values[..., c] = fill
        e.seq = seq
        if len(stale) * FULL_FRACTION > max(len(snap.by_name), 1):
            e.values = None
    return e


Compute = Callable[[_Entry, np.ndarray, bool], np.ndarray]


def _compute(
    snap: Snapshot,
    e: _Entry,
    compute: Compute,
    dtype: Any,
    rows: tuple[int, ...] = (),
) -> np.ndarray:
    """Recompute the stale slots of `e` (every slot when it has no values); the arrays are
    indexed by slot on their last axis. `compute(e, slots, pods_only)` gives the values of
    `slots`; with `pods_only` only the pods on those nodes changed since `e` had them."""
    if e.values is None:
        order = snap.order()
        values = np.zeros((*rows, snap.cap), dtype)
        e.aux = None
        if len(order):
            values[..., order] = compute(e, order, False)
        e.values = values
        e.cap = snap.cap
        e.epoch = snap.log.epoch
        e.seq = snap.log.seq
        e.stale.clear()
        e.node_stale.clear()
        return values
    values = e.values
    if e.stale:
        slots = np.array(sorted(e.stale), np.int64)
        node_stale = e.node_stale
        e.stale = set()
        e.node_stale = set()
        alive = snap.alive[slots]
        values[..., slots[~alive]] = 0
        live = slots[alive]
        if not node_stale:
            if len(live):
                values[..., live] = compute(e, live, True)
            return values
        is_node = np.array([s in node_stale for s in live.tolist()], bool)
        for part, pods_only in ((live[is_node], False), (live[~is_node], True)):
            if len(part):
                values[..., part] = compute(e, part, pods_only)
    return values


Search = Callable[[np.ndarray, np.ndarray], tuple[Any, int]]


def first_feasible(
    fwk: Any,
    plugins: list[Any],
    names: tuple[str, ...],
    state: CycleState,
    pod: PodInfo,
    ring: Ring,
    limit: int | None,
    search: Search,
) -> Any:
    """`search(slots, distances)` over the slots passing every one of `plugins` (node-local
    filters) in visiting order (the first `limit` of them, or all), with their distances
    from the start; `search` returns its result and the farthest distance it looked at.
    Stale slots count as passing until a search looks as far as one of them: then they are
    recomputed and the search runs again. `names` are the plugins' names. None the first time
    this shape is seen."""
    snap = ring.snap

    def passing(slots: np.ndarray, ok: np.ndarray, group: list[Any]) -> None:
        for pl in group:
            live = ok.nonzero()[0]
            if len(live) == 0:
                break
            v = fwk.run_filter(pl, state, pod, snap, slots if len(live) == len(ok) else slots[live])
            ok[live[v.codes > 0]] = False

    def compute(e: _Entry, slots: np.ndarray, pods_only: bool) -> np.ndarray:
        # verdicts of the plugins that read the node alone are kept apart (e.aux), so that
        # where only pods changed just the others run again
        node_only = [pl for pl in plugins if not reads_pods(pl)]
        if e.aux is None:
            e.aux = np.zeros(snap.cap, bool)
            pods_only = False
        if pods_only:
            ok = e.aux[slots]
        else:
            ok = np.ones(len(slots), bool)
            passing(slots, ok, node_only)
            e.aux[slots] = ok
            ok = ok.copy()
        passing(slots, ok, [pl for pl in plugins if reads_pods(pl)])
        return ok

    key = ("filter", fwk.name, pod.shape.key, pod.node_name, names)
    e = _lookup(snap, key, fwk, None, True)
    if e is None:
        return None
    values = e.values if e.values is not None else _compute(snap, e, compute, bool)
    result, last = search(*ring.visit(values, limit))
    if e.stale and ring.reaches(e.stale, last):
        result, last = search(*ring.visit(_compute(snap, e, compute, bool), limit))
    return result


class LocalScorers:
    """A cycle's node-local score plugins, with what their per-shape arrays are keyed by: the
    plugin names, and the plugins that name global inputs (`node_local_stamp`)."""

    __slots__ = ("plugins", "names", "stampers", "pod_rows")

    def __init__(self, plugins: list[Any]):
        self.plugins = plugins
        self.names = tuple(pl.name for pl in plugins)
        self.stampers = [pl for pl in plugins if hasattr(pl, "node_local_stamp")]
        self.pod_rows = [i for i, pl in enumerate(plugins) if reads_pods(pl)]


def raw_scores(
    fwk: Any, scorers: LocalScorers, state: CycleState, pod: PodInfo, ring: Ring, last: int
) -> np.ndarray | None:
    """Per plugin of `scorers` (node-local score plugins) and slot, the raw score (before
    normalization), exact for the slots at most `last` steps from the start. None the first
    time."""
    snap = ring.snap
    plugins = scorers.plugins

    def compute(e: _Entry, slots: np.ndarray, pods_only: bool) -> np.ndarray:
        if pods_only and e.values is not None:  # the rows of node-only plugins stand
            out = e.values.take(slots, axis=1)
            for i in scorers.pod_rows:
                out[i] = plugins[i].score_nodes(state, pod, snap, slots)
            return out
        return np.stack([np.asarray(pl.score_nodes(state, pod, snap, slots)) for pl in plugins])

    stamp = tuple([pl.node_local_stamp(pod, snap) for pl in scorers.stampers])
    key = ("score", fwk.name, pod.shape.key, scorers.names)
    e = _lookup(snap, key, fwk, stamp)
    if e is None:
        return None
    if e.values is not None and not (e.stale and ring.reaches(e.stale, last)):
        return e.values
    return _compute(snap, e, compute, np.int64, (len(plugins),))


def find_feasible(
    fwk: Any,
    state: CycleState,
    pod: PodInfo,
    snap: Snapshot,
    start: int,
    want: int,
    find_nodes_that_pass_filters: Callable[..., tuple[np.ndarray, int, Any]],
) -> tuple[np.ndarray, int, tuple[Ring, int]] | None:
    """framework.find_nodes_that_pass_filters (given) with the node-local filters' verdicts read from
    the per-shape arrays; the other filters run on the nodes those pass, in the same rotated
    order. Returns the feasible slots, how many nodes upstream's loop would have visited, and
    the ring with the distance from its start that the scores must be exact up to. None
    when the arrays do not apply, or nothing fits (the full path diagnoses)."""
    local, local_names, other = fwk.filter_split(state)
    if not local:
        return None
    ring = Ring(snap, start)
    n = len(ring.order)

    def search(cands: np.ndarray, dist: np.ndarray) -> tuple[Any, int]:
        if other:
            feasible, processed, _ = find_nodes_that_pass_filters(
                fwk, state, pod, snap, cands, want, plugins=other, diagnose=False
            )
        else:
            feasible = cands[:want]
            processed = len(feasible)
        if len(feasible) < want:
            return (feasible, n, (ring, n)), n  # every node was visited
        last = int(dist[processed - 1])
        return (feasible, last + 1, (ring, last)), last

    found = first_feasible(
        fwk, local, local_names, state, pod, ring, None if other else want, search
    )
    if found is None or len(found[0]) == 0:
        return None
    return found  # type: ignore[no-any-return]


def is_node_local(pl: Any, state: CycleState) -> bool:
    """Whether `pl`'s verdicts and raw scores may come from the per-shape arrays this cycle
    (not for a plugin that reads nominated pods' requests while some are nominated)."""
    if not getattr(pl, "node_local", False):
        return False
    return state.nominated is None or not getattr(pl, "reads_nominated", False)
