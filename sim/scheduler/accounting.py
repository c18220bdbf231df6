"""The snapshot's change log and pod accounting: what each node's pods request, how many pods
match each label selector (`pod_counts`) and carry each affinity term (`term_counts`), and the
log of changed slots that the per-shape arrays (incremental.py) catch up from.

Models the pod side of pkg/scheduler/backend/cache (cache.go AddPod/RemovePod/AssumePod) and of
framework/types.go (NodeInfo.AddPod/RemovePod: requested and non-zero requested resources,
used ports). The counters are kubesim's: created on first use, bounded in number, and kept
incrementally, so a cycle costs O(distinct shapes), not O(pods). `PodAccounting` is a base of
`Snapshot` (snapshot.py), which owns the arrays it updates.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np

from sim.api.labels import Selector
from sim.scheduler.nodeinfo import NodeInfo
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

    changes: list[int]
    changes_base: int  # the sequence number of changes[0]
    epoch: int

    @property
    def change_seq(self) -> int:
        """The sequence number the next change will get."""
        return self.changes_base + len(self.changes)

    def mark(self, slot: int) -> None:
        """Log that the node in `slot` changed."""
        self._log(slot)

    def mark_pods(self, slot: int) -> None:
        """Log that only the pods on the node in `slot` changed (logged as `~slot`, so that
        the plugins that read the node alone need not run again there)."""
        self._log(~slot)

    def _log(self, entry: int) -> None:
        changes = self.changes
        changes.append(entry)
        if len(changes) > MAX_CHANGES:
            half = len(changes) // 2
            del changes[:half]
            self.changes_base += half

    def changed_since(self, epoch: int, seq: int) -> list[int] | None:
        """The changes since change number `seq` of `epoch` (with repeats; a slot whose node
        changed, or `~slot` when only its pods did), or None when the log no longer reaches
        back that far (recompute every slot)."""
        if epoch != self.epoch or seq < self.changes_base:
            return None
        return self.changes[seq - self.changes_base :]


class PodAccounting(ChangeLog):
    """Resource columns and the pods accounted per slot (see the module docstring)."""

    cap: int
    nodes: list[NodeInfo | None]
    by_name: dict[str, int]
    resources: list[str]
    col: dict[str, int]
    alloc: np.ndarray
    req: np.ndarray
    nonzero: np.ndarray
    num_pods: np.ndarray
    pods: dict[str, tuple[int, PodInfo]]
    counters: OrderedDict[tuple[Any, ...], _Counter]
    terms: dict[str, dict[tuple[bytes, int], TermCounts]]
    pod_generation: int

    def resource_col(self, name: str) -> int:
        col = self.col.get(name)
        if col is None:
            col = self.col[name] = len(self.resources)
            self.resources.append(name)
            self.alloc = np.concatenate([self.alloc, np.zeros((self.cap, 1), np.int64)], axis=1)
            self.req = np.concatenate([self.req, np.zeros((self.cap, 1), np.int64)], axis=1)
            for i, ni in enumerate(self.nodes):
                if ni is not None:
                    self.alloc[i, col] = ni.allocatable.get(name, 0)
                    for p in ni.pods.values():
                        self.req[i, col] += p.shape.requests.get(name, 0)
            self.epoch += 1
        return col

    # -- pods ----------------------------------------------------------------------------------
    def add_pod(self, p: PodInfo) -> None:
        """Account a pod bound (or assumed) to p.node_name."""
        old = self.pods.get(p.key)
        if old is not None:
            q = old[1]
            if (
                old[0] >= 0
                and q.node_name == p.node_name
                and q.shape is p.shape
                and q.namespace == p.namespace
                and q.terminating == p.terminating
                and q.labels == p.labels
            ):
                # the same accounting (an assumed pod confirmed): swap the PodInfo in place,
                # keeping the order removing and re-adding it would give
                ni = self.nodes[old[0]]
                assert ni is not None
                del self.pods[p.key]
                self.pods[p.key] = (old[0], p)
                del ni.pods[p.key]
                ni.pods[p.key] = p
                self.pod_generation += 2
                return
            self.remove_pod(p.key)
        for name in p.shape.requests:
            if name not in self.col:
                self.resource_col(name)
        slot = self.by_name.get(p.node_name, -1)
        self.pods[p.key] = (slot, p)
        if slot < 0:
            return
        ni = self.nodes[slot]
        assert ni is not None
        ni.pods[p.key] = p
        self._account(slot, ni, p, 1)

    def remove_pod(self, key: str) -> PodInfo | None:
        entry = self.pods.pop(key, None)
        if entry is None:
            return None
        slot, p = entry
        if slot >= 0:
            ni = self.nodes[slot]
            assert ni is not None
            ni.pods.pop(key, None)
            self._account(slot, ni, p, -1)
        return p

    def _account(self, slot: int, ni: NodeInfo, p: PodInfo, sign: int) -> None:
        sh = p.shape
        for name, amount in sh.requests.items():
            self.req[slot, self.col[name]] += sign * amount
        self.nonzero[slot, 0] += sign * sh.nonzero_cpu
        self.nonzero[slot, 1] += sign * sh.nonzero_memory
        self.num_pods[slot] += sign
        for port in sh.host_ports:
            n = ni.used_ports.get(port, 0) + sign
            if n <= 0:
                ni.used_ports.pop(port, None)
            else:
                ni.used_ports[port] = n
        for c in self.counters.values():
            if c.matches(p):
                c.counts[slot] += sign
        if sh.has_affinity:
            self._account_terms(slot, p, sign)
        self.pod_generation += 1
        self.mark_pods(slot)

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

    def request_vector(self, p: PodInfo) -> np.ndarray:
        vec = np.zeros(len(self.resources), dtype=np.int64)
        for name, amount in p.shape.requests.items():
            vec[self.resource_col(name)] = amount
        return vec
