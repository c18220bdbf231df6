"""What the snapshot counts besides resources: the log of changed slots that the per-shape
arrays (incremental.py) catch up from, and how many pods match each label selector
(`pod_counts`) and carry each affinity term (`term_counts`) per node.

The counters are kubesim's (kube-scheduler's plugins walk every pod of every node in
PreFilter): created on first use, bounded in number, and kept incrementally, so a cycle costs
O(distinct shapes), not O(pods). The `Snapshot` (snapshot.py) owns one `ChangeLog` and one
`PodCounts`, and tells them about every node and pod it accounts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from sim.api.labels import Selector
from sim.scheduler.podinfo import AffinityTerm, PodInfo

MAX_COUNTERS = 512
MAX_CHANGES = 8192  # the change log keeps at most this many entries (then forgets the oldest half)


class _Counter:
    """Per node, how many pods match (namespaces, selector); maintained incrementally."""

    __slots__ = ("namespaces", "selector", "exclude_terminating", "counts")

    def __init__(self, namespaces: frozenset[str] | None, selector: Selector, excl: bool, cap: int):
        self.namespaces = namespaces
        self.selector = selector
        self.exclude_terminating = excl
        self.counts = np.zeros(cap, dtype=np.int64)

    def matches(self, p: PodInfo) -> bool:
        if self.exclude_terminating and p.terminating:
            return False
        if self.namespaces is not None and p.namespace not in self.namespaces:
            return False
        return self.selector.matches(p.labels)


class TermCounts:
    """Per node, how many existing pods carry one affinity term (with one weight)."""

    __slots__ = ("term", "weight", "counts", "total")

    def __init__(self, term: AffinityTerm, weight: int, cap: int):
        self.term = term
        self.weight = weight
        self.counts = np.zeros(cap, dtype=np.int64)
        self.total = 0


TERM_KINDS = ("required_anti", "required_affinity", "preferred_affinity", "preferred_anti")


class ChangeLog:
    """Slots whose node or pods changed, in order, so that per-shape arrays (incremental.py)
    recompute only those; `epoch` bumps when every slot must be redone."""

    __slots__ = ("changes", "base", "epoch")

    def __init__(self) -> None:
        self.changes: list[int] = []
        self.base = 0  # the sequence number of changes[0]
        self.epoch = 0

    @property
    def seq(self) -> int:
        """The sequence number the next change will get."""
        return self.base + len(self.changes)

    def mark(self, slot: int) -> None:
        """Log that the node in `slot` changed."""
        self._log(slot)

    def mark_pods(self, slot: int) -> None:
        """Log that only the pods on the node in `slot` changed (logged as `~slot`, so that
        the plugins that read the node alone need not run again there)."""
        self._log(~slot)

    def mark_all(self) -> None:
        """Every slot must be redone (the arrays grew, or a resource column was added)."""
        self.epoch += 1

    def _log(self, entry: int) -> None:
        changes = self.changes
        changes.append(entry)
        if len(changes) > MAX_CHANGES:
            half = len(changes) // 2
            del changes[:half]
            self.base += half

    def changed_since(self, epoch: int, seq: int) -> list[int] | None:
        """The changes since change number `seq` of `epoch` (with repeats; a slot whose node
        changed, or `~slot` when only its pods did), or None when the log no longer reaches
        back that far (recompute every slot)."""
        if epoch != self.epoch or seq < self.base:
            return None
        return self.changes[seq - self.base :]


class PodCounts:
    """Per node, the pods matching each (namespaces, selector) asked for and carrying each
    affinity term (see the module docstring). `pods` is the snapshot's table of accounted
    pods (key -> (slot, pod)), read when a new selector is first asked for."""

    def __init__(self, pods: dict[str, tuple[int, PodInfo]], cap: int):
        self.pods = pods
        self.cap = cap
        self.counters: OrderedDict[tuple[Any, ...], _Counter] = OrderedDict()
        self.terms: dict[str, dict[tuple[bytes, int], TermCounts]] = {k: {} for k in TERM_KINDS}

    def grow(self, cap: int, grow: Callable[[np.ndarray], np.ndarray]) -> None:
        """The per-slot arrays grown to `cap` slots by `grow`."""
        for c in self.counters.values():
            c.counts = grow(c.counts)
        for kind in self.terms.values():
            for t in kind.values():
                t.counts = grow(t.counts)
        self.cap = cap

    def account(self, slot: int, p: PodInfo, sign: int) -> None:
        """Count `p` on `slot` (sign 1) or no longer (sign -1)."""
        for c in self.counters.values():
            if c.matches(p):
                c.counts[slot] += sign
        if p.shape.has_affinity:
            self._account_terms(slot, p, sign)

    def _account_terms(self, slot: int, p: PodInfo, sign: int) -> None:
        sh = p.shape
        groups = (
            ("required_anti", ((1, t) for t in sh.required_anti_affinity)),
            ("required_affinity", ((1, t) for t in sh.required_affinity)),
            ("preferred_affinity", iter(sh.preferred_affinity)),
            ("preferred_anti", iter(sh.preferred_anti_affinity)),
        )
        for kind, terms in groups:
            table = self.terms[kind]
            for weight, term in terms:
                k = (term.key, weight)
                tc = table.get(k)
                if tc is None:
                    tc = table[k] = TermCounts(term, weight, self.cap)
                tc.counts[slot] += sign
                tc.total += sign
                if tc.total <= 0:
                    del table[k]

    def pod_counts(
        self, namespaces: frozenset[str] | None, selector: Selector, exclude_terminating: bool
    ) -> np.ndarray:
        """Per slot, the number of pods on the node in `namespaces` (None: any) matching."""
        key = (namespaces, selector, exclude_terminating)
        c = self.counters.get(key)
        if c is not None:
            self.counters.move_to_end(key)
            return c.counts
        c = _Counter(namespaces, selector, exclude_terminating, self.cap)
        for slot, p in self.pods.values():
            if slot >= 0 and c.matches(p):
                c.counts[slot] += 1
        self.counters[key] = c
        if len(self.counters) > MAX_COUNTERS:
            self.counters.popitem(last=False)
        return c.counts

    def term_counts(self, kind: str) -> Iterable[TermCounts]:
        return list(self.terms[kind].values())
