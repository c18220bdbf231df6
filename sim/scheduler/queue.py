"""The scheduling queue: activeQ, backoffQ, unschedulable pods, and the nominator.

Follows pkg/scheduler/backend/queue/scheduling_queue.go (PriorityQueue: Add, Update, Delete,
Pop, AddUnschedulableIfNotPresent, MoveAllToActiveOrBackoffQueue, flushBackoffQCompleted,
flushUnschedulablePodsLeftover, calculateBackoffDuration), active_queue.go, backoff_queue.go,
unschedulable_pods.go and nominator.go, as of 1.32 without queueing hints:

- activeQ is a heap ordered by the profile's QueueSort `less` (PrioritySort: priority, then
  the time the pod last entered the queue); ties keep insertion order.
- A pod that failed goes to backoffQ if a move request arrived while it was being scheduled
  (moveRequestCycle >= its cycle) or it failed with an error, else to the unschedulable pods.
- Backoff is initial * 2^(attempts-1), capped at max. A backed-off pod enters activeQ when its
  backoff expires (upstream polls every second; here one timer fires at the expiry).
- A cluster event moves the unschedulable pods rejected by a plugin registered for it (or by
  none) to backoffQ while still backing off, else to activeQ; pods stuck longer than 5 minutes
  are flushed every 30 seconds.
- PreEnqueue plugins (SchedulingGates) keep gated pods out of activeQ until an update.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Generator
from typing import Any

import simpy

from sim.core import Clock
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.status import OK_STATUS, Status

POD_MAX_IN_UNSCHEDULABLE_S = 300.0  # podMaxInUnschedulablePodsDuration
UNSCHEDULABLE_FLUSH_INTERVAL_S = 30.0


class QueuedPodInfo:
    """framework.QueuedPodInfo."""

    __slots__ = (
        "pod",
        "timestamp",
        "initial_attempt",
        "attempts",
        "unschedulable_plugins",
        "gated",
        "gated_by",
        "seq",
        "less",
        "unschedulable_since",
    )

    def __init__(self, pod: PodInfo, now: float, less: Callable[[Any, Any], bool]):
        self.pod = pod
        self.timestamp = now
        self.initial_attempt = -1.0
        self.attempts = 0
        self.unschedulable_plugins: frozenset[str] = frozenset()
        self.gated = False
        self.gated_by = ""
        self.seq = 0
        self.less = less
        self.unschedulable_since = now

    def __lt__(self, other: QueuedPodInfo) -> bool:
        """QueueSort's less, then queue order (a heap of QueueSort plugins without sort_key)."""
        if self.less(self, other):
            return True
        if self.less(other, self):
            return False
        return self.seq < other.seq


class SchedulingQueue:
    def __init__(
        self,
        clock: Clock,
        less: Callable[[Any, Any], bool],
        pre_enqueue: Callable[[PodInfo], Status],
        events_of: Callable[[str], frozenset[str]],
        *,
        initial_backoff_s: float = 1.0,
        max_backoff_s: float = 10.0,
    ):
        self.clock = clock
        self.less = less
        # a QueueSort plugin with a sort_key (PrioritySort) orders the heap by tuples
        self._sort_key = getattr(getattr(less, "__self__", None), "sort_key", None)
        self.pre_enqueue = pre_enqueue
        self.events_of = events_of  # plugin name -> the events it registered
        self.initial_backoff_s = initial_backoff_s
        self.max_backoff_s = max_backoff_s
        # activeQ entries: QueueSort's sort key, seq and the pod (tuples compare in C), or
        # (pod,) when the QueueSort has no sort key (QueuedPodInfo.__lt__ calls `less`)
        self._active: list[tuple[Any, ...]] = []
        self._backoff: list[tuple[float, int, str]] = []
        self._info: dict[str, QueuedPodInfo] = {}  # every known pod's queued info
        self._where: dict[str, str] = {}  # key -> active | backoff | unschedulable | flight
        self._unsched: dict[frozenset[str], dict[str, QueuedPodInfo]] = {}
        self._seq = 0
        self._getters: deque[simpy.Event] = deque()
        self.scheduling_cycle = 0
        self.move_request_cycle = -1
        self._timer_at: float | None = None
        self.nominated: dict[str, dict[str, PodInfo]] = {}  # node -> pod key -> pod
        self.nominated_of: dict[str, str] = {}
        clock.process(self._flush_unschedulable_loop())

    # -- bookkeeping --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._where)

    def pending(self) -> dict[str, int]:
        out = {"active": 0, "backoff": 0, "unschedulable": 0, "gated": 0}
        for key, where in self._where.items():
            if where == "unschedulable" and self._info[key].gated:
                out["gated"] += 1
            elif where in out:
                out[where] += 1
        return out

    def where(self, key: str) -> str | None:
        return self._where.get(key)

    def _push_active(self, q: QueuedPodInfo) -> None:
        self._seq += 1
        seq = q.seq = self._seq
        sort_key = self._sort_key
        if sort_key is None:
            heapq.heappush(self._active, (q,))
        else:  # (QueueSort's sort_key, seq, q): seq is unique, so q is never compared
            heapq.heappush(self._active, (*sort_key(q), seq, q))
        self._where[q.pod.key] = "active"
        if self._getters:
            self._wake()

    def _push_backoff(self, q: QueuedPodInfo) -> None:
        self._seq += 1
        expiry = q.timestamp + self.backoff_duration(q)
        self._where[q.pod.key] = "backoff"
        heapq.heappush(self._backoff, (expiry, self._seq, q.pod.key))
        self._arm(expiry)

    def _push_unschedulable(self, q: QueuedPodInfo) -> None:
        self._where[q.pod.key] = "unschedulable"
        q.unschedulable_since = self.clock.now
        self._unsched.setdefault(q.unschedulable_plugins, {})[q.pod.key] = q

    def _take_unschedulable(self, q: QueuedPodInfo) -> None:
        group = self._unsched.get(q.unschedulable_plugins)
        if group is not None:
            group.pop(q.pod.key, None)
            if not group:
                del self._unsched[q.unschedulable_plugins]

    def backoff_duration(self, q: QueuedPodInfo) -> float:
        d = self.initial_backoff_s
        for _ in range(1, q.attempts):
            if d > self.max_backoff_s - d:
                return self.max_backoff_s
            d += d
        return d

    def is_backing_off(self, q: QueuedPodInfo) -> bool:
        return self.clock.now < q.timestamp + self.backoff_duration(q)

    # -- adding and removing pods -------------------------------------------------------------
    def add(self, pod: PodInfo) -> None:
        """A new pending pod: through PreEnqueue into activeQ, or parked as gated."""
        if pod.key in self._where:
            self.update(pod)
            return
        q = QueuedPodInfo(pod, self.clock.now, self.less)
        self._info[pod.key] = q
        self._enqueue_checked(q)

    def _enqueue_checked(self, q: QueuedPodInfo) -> None:
        st = self.pre_enqueue(q.pod)
        if st is OK_STATUS or st.is_success():
            q.gated = False
            self._push_active(q)
        else:
            q.gated = True
            q.gated_by = st.plugin
            q.unschedulable_plugins = frozenset((st.plugin,))
            self._push_unschedulable(q)

    def update(self, pod: PodInfo) -> None:
        q = self._info.get(pod.key)
        if q is None:
            self.add(pod)
            return
        old = q.pod
        q.pod = pod
        where = self._where.get(pod.key)
        if where == "unschedulable":
            if q.gated:
                self._take_unschedulable(q)
                self._enqueue_checked(q)
            elif old.shape is not pod.shape or old.labels != pod.labels:
                self._take_unschedulable(q)
                self._move(q)
        elif where == "active":
            heapq.heapify(self._active)

    def delete(self, key: str) -> None:
        q = self._info.pop(key, None)
        where = self._where.pop(key, None)
        self.remove_nomination(key)
        if q is None:
            return
        if where == "unschedulable":
            self._take_unschedulable(q)
        elif where == "active":
            active = self._active
            for i, entry in enumerate(active):
                if entry[-1] is q:
                    del active[i]
                    break
            heapq.heapify(active)
        # backoff entries are dropped lazily when popped

    def forget(self, key: str) -> None:
        """The informer saw the pod assigned to a node, or deleted: out of every queue (unless
        it is in flight: its binding cycle finishes it) and out of the nominator."""
        where = self._where.get(key)
        if where is not None and where != "flight":
            self.delete(key)  # removes the nomination too
        elif key in self.nominated_of:
            self.remove_nomination(key)

    def pop(self) -> simpy.Event:
        """An event whose value is the next QueuedPodInfo (one pod per scheduling cycle)."""
        ev = self.clock.event()
        self._getters.append(ev)
        self._wake()
        return ev

    def try_pop(self) -> QueuedPodInfo | None:
        """The next QueuedPodInfo now, without an event, when none is waiting in `pop`."""
        return None if self._getters else self._pop_active()

    def _pop_active(self) -> QueuedPodInfo | None:
        """The next pod of activeQ, taken; entries of pods no longer active are dropped."""
        active = self._active
        where = self._where
        while active:
            q = heapq.heappop(active)[-1]
            if where.get(q.pod.key) == "active":
                return self._take(q)
        return None

    def _take(self, q: QueuedPodInfo) -> QueuedPodInfo:
        self._where[q.pod.key] = "flight"
        self.scheduling_cycle += 1
        q.attempts += 1
        if q.initial_attempt < 0:
            q.initial_attempt = self.clock.now
        return q

    def _wake(self) -> None:
        while self._getters:
            q = self._pop_active()
            if q is None:
                return
            self._getters.popleft().succeed(q)

    def done(self, key: str) -> None:
        """The pod left the scheduler (bound, or deleted while in flight)."""
        if self._where.get(key) == "flight":
            del self._where[key]
            self._info.pop(key, None)

    def add_unschedulable_if_not_present(
        self, q: QueuedPodInfo, pod_cycle: int, plugins: set[str], *, error: bool = False
    ) -> None:
        if self._where.get(q.pod.key) != "flight":
            return
        q.timestamp = self.clock.now
        q.unschedulable_plugins = frozenset(plugins)
        if error or self.move_request_cycle >= pod_cycle or not plugins:
            self._push_backoff(q)
        else:
            self._push_unschedulable(q)

    # -- moving pods ---------------------------------------------------------------------------
    def _move(self, q: QueuedPodInfo) -> None:
        if self.is_backing_off(q):
            self._push_backoff(q)
        else:
            self._push_active(q)

    def move_all(self, event: str) -> int:
        """MoveAllToActiveOrBackoffQueue for one cluster event ("Node/Add", "Pod/Delete"...)."""
        self.move_request_cycle = self.scheduling_cycle
        if not self._unsched:
            return 0
        moved = 0
        for plugins in list(self._unsched):
            if plugins and not any(event in self.events_of(p) for p in plugins):
                continue
            group = self._unsched.pop(plugins)
            for q in group.values():
                if q.gated:
                    self._push_unschedulable(q)
                    continue
                self._move(q)
                moved += 1
        return moved

    def _arm(self, at: float) -> None:
        if self._timer_at is not None and self._timer_at <= at:
            return
        self._timer_at = at
        self.clock.call_later(at - self.clock.now, lambda: self._flush_backoff(at))

    def _flush_backoff(self, at: float) -> None:
        if self._timer_at == at:
            self._timer_at = None
        now = self.clock.now
        while self._backoff and self._backoff[0][0] <= now + 1e-9:
            _, _, key = heapq.heappop(self._backoff)
            q = self._info.get(key)
            if q is not None and self._where.get(key) == "backoff":
                self._push_active(q)
        if self._backoff and self._timer_at is None:
            self._arm(self._backoff[0][0])

    def _flush_unschedulable_loop(self) -> Generator[Any, Any, None]:
        while True:
            yield self.clock.timeout(UNSCHEDULABLE_FLUSH_INTERVAL_S)
            now = self.clock.now
            for plugins in list(self._unsched):
                group = self._unsched[plugins]
                stale = [
                    q
                    for q in group.values()
                    if not q.gated and now - q.unschedulable_since > POD_MAX_IN_UNSCHEDULABLE_S
                ]
                for q in stale:
                    del group[q.pod.key]
                    self._move(q)
                if not group:
                    del self._unsched[plugins]

    # -- nominator ---------------------------------------------------------------------------
    def add_nomination(self, pod: PodInfo, node: str) -> None:
        self.remove_nomination(pod.key)
        if node:
            self.nominated.setdefault(node, {})[pod.key] = pod
            self.nominated_of[pod.key] = node

    def remove_nomination(self, key: str) -> None:
        node = self.nominated_of.pop(key, None)
        if node is not None:
            pods = self.nominated.get(node, {})
            pods.pop(key, None)
            if not pods:
                self.nominated.pop(node, None)

    def nominated_pods_for(self, node: str) -> list[PodInfo]:
        return list(self.nominated.get(node, {}).values())
