"""The in-memory store against a plain dict-and-log model (hypothesis stateful test).

After every step: revisions strictly increase; a range at any retained revision equals the log
replayed to that revision; every watcher has seen each change under its prefix exactly once, in
revision order, from the revision it asked for, with the right previous value; reads and
watches below the compaction revision fail and return nothing partial; a stale
compare-and-swap changes nothing.
"""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sim.store import CompactedError, Compare, Delete, MemoryStore, Put, prefix_end

KEYS = st.sampled_from(["/r/a/1", "/r/a/2", "/r/b/1", "/r/b/2", "/s/x"])
PREFIXES = st.sampled_from(["/r/", "/r/a/", "/r/b/", "/s/", "/"])


class StoreModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryStore()
        self.log: list[tuple[int, str, str | None, str | None]] = []  # rev, key, value, prev
        self.rev = 1
        self.compacted = 0
        self.watchers: list[tuple[str, int, list]] = []
        self.counter = 0

    def state_at(self, rev: int) -> dict[str, str]:
        state: dict[str, str] = {}
        for r, key, value, _prev in self.log:
            if r > rev:
                break
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
        return state

    def current(self) -> dict[str, str]:
        return self.state_at(self.rev)

    def _record(self, key: str, value: str | None) -> None:
        prev = self.current().get(key)
        if value is None and prev is None:
            return
        self.rev += 1
        self.log.append((self.rev, key, value, prev))

    @rule(key=KEYS)
    def put(self, key: str) -> None:
        self.counter += 1
        value = f"v{self.counter}"
        self.store.put(key, value)
        self._record(key, value)

    @rule(key=KEYS)
    def delete(self, key: str) -> None:
        self.store.delete(key)
        self._record(key, None)

    @rule(key=KEYS, stale=st.booleans())
    def compare_and_swap(self, key: str, stale: bool) -> None:
        kv = self.store.get(key)
        mod = kv.mod_revision if kv else 0
        expected = mod - 1 if stale else mod
        self.counter += 1
        value = f"v{self.counter}"
        before = self.store.revision
        res = self.store.txn([Compare(key, "mod", "=", expected)], [Put(key, value)])
        assert res.succeeded == (not stale)
        if stale:
            assert self.store.revision == before
        else:
            self._record(key, value)

    @rule(data=st.data())
    def compact(self, data: st.DataObject) -> None:
        if self.rev <= self.compacted:
            return
        target = data.draw(st.integers(self.compacted + 1, self.rev))
        self.store.compact(target)
        self.compacted = target

    @rule(prefix=PREFIXES, data=st.data())
    def open_watch(self, prefix: str, data: st.DataObject) -> None:
        start = data.draw(st.integers(max(1, self.compacted - 2), self.rev + 1))
        seen: list = []
        if start < self.compacted:
            with pytest.raises(CompactedError):
                self.store.watch(prefix, start, seen.append)
            return
        self.store.watch(prefix, start, seen.append)
        self.watchers.append((prefix, start, seen))

    @precondition(lambda self: self.watchers)
    @rule(data=st.data())
    def cancel_watch(self, data: st.DataObject) -> None:
        i = data.draw(st.integers(0, len(self.watchers) - 1))
        prefix, start, seen = self.watchers.pop(i)
        # A cancelled watcher stays correct up to now; we simply stop checking it.

    @rule(data=st.data(), prefix=PREFIXES)
    def range_at_revision(self, data: st.DataObject, prefix: str) -> None:
        rev = data.draw(st.integers(max(1, self.compacted - 2), self.rev))
        if rev < self.compacted:
            with pytest.raises(CompactedError):
                self.store.range(prefix, prefix_end(prefix), revision=rev)
            return
        res = self.store.range(prefix, prefix_end(prefix), revision=rev)
        expected = {k: v for k, v in self.state_at(rev).items() if k.startswith(prefix)}
        assert {kv.key: kv.value for kv in res.kvs} == expected
        assert [kv.key for kv in res.kvs] == sorted(expected)
        limit = data.draw(st.integers(1, 3))
        page = self.store.range(prefix, prefix_end(prefix), revision=rev, limit=limit)
        assert [kv.key for kv in page.kvs] == sorted(expected)[:limit]
        assert page.more == (len(expected) > limit)

    @rule(txn_keys=st.lists(KEYS, min_size=1, max_size=3, unique=True))
    def multi_op_txn(self, txn_keys: list[str]) -> None:
        ops: list[Put | Delete] = []
        for i, k in enumerate(txn_keys):
            self.counter += 1
            ops.append(Put(k, f"v{self.counter}") if i % 2 == 0 else Delete(k))
        before = self.current()
        res = self.store.txn([], ops)
        live_ops = [op for op in ops if not (isinstance(op, Delete) and op.key not in before)]
        if not live_ops:
            assert res.revision == self.rev
            return
        self.rev += 1
        assert res.revision == self.rev
        state = dict(before)
        for op in live_ops:
            value = op.value if isinstance(op, Put) else None
            self.log.append((self.rev, op.key, value, state.get(op.key)))
            if value is None:
                state.pop(op.key, None)
            else:
                state[op.key] = value

    @invariant()
    def revision_matches(self) -> None:
        assert self.store.revision == self.rev
        assert self.store.compact_revision == self.compacted

    @invariant()
    def current_state_matches(self) -> None:
        res = self.store.range("/", prefix_end("/"))
        assert {kv.key: kv.value for kv in res.kvs} == self.current()

    @invariant()
    def watchers_saw_each_change_once_in_order(self) -> None:
        for prefix, start, seen in self.watchers:
            expected = [
                (r, k, v, p) for (r, k, v, p) in self.log if r >= start and k.startswith(prefix)
            ]
            got = [
                (e.kv.mod_revision, e.kv.key, e.kv.value, e.prev_kv.value if e.prev_kv else None)
                for e in seen
            ]
            assert got == expected


StoreModel.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestStoreModel = StoreModel.TestCase


def test_versions_and_revisions_per_key() -> None:
    s = MemoryStore()
    s.put("/k", "a")
    s.put("/k", "b")
    kv = s.get("/k")
    assert kv is not None and (kv.create_revision, kv.mod_revision, kv.version) == (2, 3, 2)
    s.delete("/k")
    s.put("/k", "c")
    kv = s.get("/k")
    assert kv is not None and (kv.create_revision, kv.version) == (5, 1)


def test_compacted_watch_raises_and_delivers_nothing() -> None:
    s = MemoryStore()
    for i in range(5):
        s.put(f"/k{i}", "v")
    s.compact(4)
    seen: list = []
    with pytest.raises(CompactedError):
        s.watch("/", 3, seen.append)
    assert seen == []
    s.watch("/", 4, seen.append)
    assert [e.kv.mod_revision for e in seen] == [4, 5, 6]
