"""The in-memory MVCC store: etcd's semantics without its disk.

Keys are kept in a sorted index (sortedcontainers) so prefix ranges with limits cost
O(log n + k); each key has the versions retained since the last compaction. The change log
holds every event since the compaction revision, so a watch can start at any retained revision.
Writes never mutate a stored version: each write appends a new `KeyValue`.
Compaction (etcd's `Compact(rev)`) drops versions and log entries older than `rev`, keeping the
newest version of each live key, and costs O(keys written since the previous compaction).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from sortedcontainers import SortedList

from sim.store.interface import (
    CompactedError,
    Compare,
    Delete,
    FutureRevisionError,
    KeyValue,
    Put,
    RangeResult,
    StoreError,
    TxnResult,
    WatchCallback,
    WatchEvent,
)

_MISSING = KeyValue("", None, 0, 0, 0)
_MAX_BUCKETS = 1024


def _may_match(prefix: str, bucket: str) -> bool:
    """Whether some key starting with `bucket` may start with `prefix` (one is the other's
    start; otherwise they differ within both, and no such key has that prefix)."""
    return prefix.startswith(bucket) or bucket.startswith(prefix)


class MemoryWatcher:
    __slots__ = ("prefix", "callback", "_store", "active")

    def __init__(self, store: MemoryStore, prefix: str, callback: WatchCallback):
        self._store = store
        self.prefix = prefix
        self.callback = callback
        self.active = True

    def cancel(self) -> None:
        if self.active:
            self.active = False
            self._store._remove_watcher(self)


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if op == "=":
        return bool(actual == expected)
    if op == "!=":
        return bool(actual != expected)
    if op == "<":
        return bool(actual < expected)
    if op == ">":
        return bool(actual > expected)
    raise StoreError(f"unknown compare op {op!r}")


class MemoryStore:
    """An etcd model in memory. Not thread-safe: the simulation drives it from one thread."""

    def __init__(self) -> None:
        self._revision = 1  # etcd starts at revision 1 with an empty keyspace
        self._compact_revision = 0
        self._keys: SortedList = SortedList()
        self._new_keys: list[str] = []  # keys not yet in _keys (see _index)
        self._dead: SortedList = SortedList()  # keys whose newest version is a tombstone
        self._history: dict[str, list[KeyValue]] = {}
        # (type, kv, prev_kv) of every change: WatchEvents are built only for a watcher
        self._log: list[tuple[str, KeyValue, KeyValue | None]] = []
        self._log_revs: list[int] = []
        self._dirty: dict[str, None] = {}  # keys with history to trim at the next compaction
        self._watchers: list[MemoryWatcher] = []
        # bucket -> the watchers, in order, whose prefix may match a key in it: built on first
        # use, extended in place as watchers are added, replaced as a whole when one is removed
        # (as _watchers is), so _notify sees the same watchers a loop over _watchers would
        self._candidates: dict[str, list[MemoryWatcher]] = {}

    @property
    def revision(self) -> int:
        return self._revision

    @property
    def compact_revision(self) -> int:
        return self._compact_revision

    def __len__(self) -> int:
        """Live keys at the current revision."""
        return len(self._keys) + len(self._new_keys) - len(self._dead)

    # -- reads -----------------------------------------------------------------------------
    def _check_revision(self, revision: int | None) -> int:
        if revision is None or revision <= 0:
            return self._revision
        if revision < self._compact_revision:
            raise CompactedError(revision, self._compact_revision)
        if revision > self._revision:
            raise FutureRevisionError(revision, self._revision)
        return revision

    def _at(self, key: str, revision: int) -> KeyValue | None:
        versions = self._history.get(key)
        if not versions:
            return None
        latest = versions[-1]
        if latest.mod_revision <= revision:
            return None if latest.value is None else latest
        for kv in reversed(versions):
            if kv.mod_revision <= revision:
                return None if kv.value is None else kv
        return None

    def get(self, key: str, revision: int | None = None) -> KeyValue | None:
        if revision is None:  # the current revision: the newest version
            return self._live(key)
        rev = self._check_revision(revision)
        return self._at(key, rev)

    def range(
        self,
        key: str,
        range_end: str | None = None,
        *,
        revision: int | None = None,
        limit: int = 0,
        count_only: bool = False,
    ) -> RangeResult:
        """Keys in [key, range_end) visible at `revision`, in key order, at most `limit`."""
        rev = self._check_revision(revision)
        if range_end is None:
            kv = self._at(key, rev)
            kvs = [kv] if kv is not None else []
            return RangeResult([] if count_only else kvs, False, len(kvs), rev)
        if rev == self._revision:
            return self._range_current(key, range_end, limit, count_only)
        out: list[KeyValue] = []
        count = 0
        at = self._at
        for k in self._index().irange(key, range_end, inclusive=(True, False)):
            kv = at(k, rev)
            if kv is None:
                continue
            count += 1
            if not count_only and (limit <= 0 or len(out) < limit):
                out.append(kv)
        more = limit > 0 and count > limit
        return RangeResult(out, more, count, rev)

    def _live_count(self, key: str, range_end: str) -> int:
        keys, dead = self._index(), self._dead
        total = keys.bisect_left(range_end) - keys.bisect_left(key)
        return total - (dead.bisect_left(range_end) - dead.bisect_left(key))

    def _range_current(self, key: str, range_end: str, limit: int, count_only: bool) -> RangeResult:
        """At the current revision: O(log n + limit), the count from the indexes."""
        count = self._live_count(key, range_end)
        out: list[KeyValue] = []
        if not count_only:
            history = self._history
            for k in self._index().irange(key, range_end, inclusive=(True, False)):
                latest = history[k][-1]
                if latest.value is None:
                    continue
                if limit > 0 and len(out) >= limit:
                    break
                out.append(latest)
        more = limit > 0 and count > limit
        return RangeResult(out, more, count, self._revision)

    # -- writes ----------------------------------------------------------------------------
    def txn(
        self,
        compares: Sequence[Compare],
        success: Sequence[Put | Delete],
        failure: Sequence[Put | Delete] = (),
    ) -> TxnResult:
        ok = all(self._holds(c) for c in compares)
        ops = success if ok else failure
        writes = [op for op in ops if not (isinstance(op, Delete) and self._live(op.key) is None)]
        if not writes:
            return TxnResult(ok, self._revision, ())
        rev = self._revision + 1
        results: list[tuple[KeyValue, KeyValue | None]] = []
        events: list[tuple[str, KeyValue, KeyValue | None]] = []
        for op in writes:
            prev = self._live(op.key)
            if isinstance(op, Put):
                if op.value is None:
                    raise StoreError("a stored value may not be None")
                if prev is None:
                    kv = KeyValue(op.key, op.value, rev, rev, 1)
                else:
                    kv = KeyValue(op.key, op.value, prev.create_revision, rev, prev.version + 1)
                events.append(("PUT", kv, prev))
            else:
                kv = KeyValue(op.key, None, 0, rev, 0)
                events.append(("DELETE", kv, prev))
            self._append_version(kv)
            results.append((kv, prev))
        self._revision = rev
        for ev in events:
            self._log.append(ev)
            self._log_revs.append(rev)
        self._notify(events)
        return TxnResult(ok, rev, tuple(results))

    def swap(self, key: str, value: Any, expect_mod: int | None = None) -> KeyValue | None:
        """txn([Compare(key, "mod", "=", expect_mod)], [Put(key, value)]) without the general
        machinery: the new version, or None if the compare failed (no compare if None)."""
        prev = self._live(key)
        if expect_mod is not None and (0 if prev is None else prev.mod_revision) != expect_mod:
            return None
        if value is None:
            raise StoreError("a stored value may not be None")
        rev = self._revision + 1
        if prev is None:
            kv = KeyValue(key, value, rev, rev, 1)
        else:
            kv = KeyValue(key, value, prev.create_revision, rev, prev.version + 1)
        self._append_version(kv)
        self._revision = rev
        change = ("PUT", kv, prev)
        self._log.append(change)
        self._log_revs.append(rev)
        if self._watchers:
            self._notify((change,))
        return kv

    def put(self, key: str, value: Any) -> TxnResult:
        return self.txn((), (Put(key, value),))

    def delete(self, key: str) -> TxnResult:
        return self.txn((), (Delete(key),))

    def _live(self, key: str) -> KeyValue | None:
        versions = self._history.get(key)
        if not versions or versions[-1].value is None:
            return None
        return versions[-1]

    def _holds(self, c: Compare) -> bool:
        kv = self._live(c.key) or _MISSING
        if c.target == "mod":
            actual: Any = kv.mod_revision
        elif c.target == "create":
            actual = kv.create_revision
        elif c.target == "version":
            actual = kv.version
        elif c.target == "value":
            actual = kv.value
        else:
            raise StoreError(f"unknown compare target {c.target!r}")
        return _compare(actual, c.op, c.value)

    def _append_version(self, kv: KeyValue) -> None:
        versions = self._history.get(kv.key)
        if versions is None:
            self._history[kv.key] = [kv]
            self._new_keys.append(kv.key)
        else:
            if versions[-1].value is None:
                self._dead.remove(kv.key)
            versions.append(kv)
            self._dirty[kv.key] = None
        if kv.value is None:
            self._dead.add(kv.key)
            self._dirty[kv.key] = None

    # -- watch -----------------------------------------------------------------------------
    def watch(self, prefix: str, start_revision: int, callback: WatchCallback) -> MemoryWatcher:
        """Deliver to `callback` every event on keys under `prefix` with revision >= start.

        Retained history is replayed synchronously before this returns; later events are
        delivered synchronously as each transaction commits, in revision order.
        """
        if start_revision <= 0:
            start_revision = self._revision + 1
        if start_revision < self._compact_revision:
            raise CompactedError(start_revision, self._compact_revision)
        w = MemoryWatcher(self, prefix, callback)
        i = bisect.bisect_left(self._log_revs, start_revision)
        for type_, kv, prev in self._log[i:]:
            if not w.active:
                break
            if kv.key.startswith(prefix):
                callback(WatchEvent(type_, kv, prev))
        if w.active:
            self._watchers.append(w)
            for bucket, candidates in self._candidates.items():
                if _may_match(prefix, bucket):
                    candidates.append(w)
        return w

    def _remove_watcher(self, w: MemoryWatcher) -> None:
        self._watchers = [x for x in self._watchers if x is not w]
        self._candidates = {}

    def _notify(self, changes: Sequence[tuple[str, KeyValue, KeyValue | None]]) -> None:
        """Call each watcher whose prefix a changed key has, in the order they were added.

        Only the watchers of the key's bucket are looked at. Lists are read as they were when
        the call began (a watcher added by a callback meanwhile is called too, as a plain loop
        over _watchers would call it, unless one was removed before)."""
        watchers = self._watchers
        if not watchers:
            return
        cache = self._candidates
        for type_, kv, prev in changes:
            key = kv.key
            # the key's bucket: its start up to its first "/" from the 11th character on,
            # "/registry/pods/" for every pod ("" for a key without one: every watcher)
            bucket = key[: key.find("/", 10) + 1]
            candidates = cache.get(bucket)
            if candidates is None:
                if len(cache) < _MAX_BUCKETS:
                    candidates = [w for w in watchers if _may_match(w.prefix, bucket)]
                    cache[bucket] = candidates
                else:  # (a store with keys of every shape: the plain loop over every watcher)
                    candidates = watchers
            ev = None  # one WatchEvent per change, shared by the watchers that see it
            for w in candidates:
                if w.active and key.startswith(w.prefix):
                    if ev is None:
                        ev = WatchEvent(type_, kv, prev)
                    w.callback(ev)

    # -- compaction ------------------------------------------------------------------------
    def compact(self, revision: int) -> None:
        """Forget history below `revision`; reads and watches below it raise CompactedError."""
        if revision <= self._compact_revision:
            raise CompactedError(revision, self._compact_revision)
        if revision > self._revision:
            raise FutureRevisionError(revision, self._revision)
        self._compact_revision = revision
        cut = bisect.bisect_left(self._log_revs, revision)
        if cut:
            del self._log[:cut]
            del self._log_revs[:cut]
        still_dirty: dict[str, None] = {}
        for key in self._dirty:
            versions = self._history[key]
            keep = [kv for kv in versions if kv.mod_revision >= revision]
            older = [kv for kv in versions if kv.mod_revision < revision]
            if older and older[-1].value is not None:
                keep.insert(0, older[-1])
            if not keep:
                del self._history[key]
                self._index().remove(key)
                self._dead.remove(key)
                continue
            self._history[key] = keep
            if len(keep) > 1 or keep[-1].value is None:
                still_dirty[key] = None
        self._dirty = still_dirty

    def _index(self) -> SortedList:
        """The sorted index of every key with history, brought up to date: keys created since
        it was last read are added in one go (most never are read by a range)."""
        if self._new_keys:
            self._keys.update(self._new_keys)
            self._new_keys = []
        return self._keys

    def log_len(self) -> int:
        return len(self._log)
