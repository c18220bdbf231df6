"""The store interface: an etcd-like, multi-version key-value store with watch.

What every backend guarantees (the in-memory one now; a durable one and a real etcd later):
- one cluster revision, incremented by exactly one per successful write transaction;
- per key: create_revision, mod_revision and version (1 on create, +1 per write, reset by delete);
- reads at the current revision or at any retained revision >= the compaction revision; a read
  below it raises `CompactedError` and never returns partial data;
- transactions compare mod/create revisions, versions or values, then apply puts and deletes
  atomically at one new revision (compare-and-swap);
- watches of a key prefix from a start revision deliver every change with revision >= start
  exactly once, in revision order, with the previous value, or raise `CompactedError`.
Values are opaque to the store. The shape follows etcd's mvcc (server/storage/mvcc/kv.go) and
its v3 API (api/etcdserverpb/rpc.proto): Range, Txn, Watch, Compact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol


class KeyValue:
    """One version of one key. A tombstone (the key deleted) has `value is None`."""

    __slots__ = ("key", "value", "create_revision", "mod_revision", "version")

    def __init__(self, key: str, value: Any, create_revision: int, mod_revision: int, version: int):
        self.key = key
        self.value = value
        self.create_revision = create_revision
        self.mod_revision = mod_revision
        self.version = version

    @property
    def is_tombstone(self) -> bool:
        return self.value is None

    def __repr__(self) -> str:
        return (
            f"KeyValue({self.key!r}, create={self.create_revision}, mod={self.mod_revision}, "
            f"version={self.version})"
        )


class WatchEvent:
    """A change: `type` PUT or DELETE; `kv` the new version (a tombstone for DELETE)."""

    __slots__ = ("type", "kv", "prev_kv")

    def __init__(self, type_: str, kv: KeyValue, prev_kv: KeyValue | None):
        self.type = type_
        self.kv = kv
        self.prev_kv = prev_kv

    @property
    def revision(self) -> int:
        return self.kv.mod_revision

    def __repr__(self) -> str:
        return f"WatchEvent({self.type}, {self.kv.key!r}, rev={self.kv.mod_revision})"


class StoreError(Exception):
    pass


class CompactedError(StoreError):
    """The requested revision is below the compaction revision (etcd ErrCompacted)."""

    def __init__(self, requested: int, compact_revision: int):
        super().__init__(
            f"mvcc: required revision {requested} has been compacted (compacted at {compact_revision})"
        )
        self.requested = requested
        self.compact_revision = compact_revision


class FutureRevisionError(StoreError):
    """The requested revision is above the current one (etcd ErrFutureRev)."""

    def __init__(self, requested: int, current: int):
        super().__init__(
            f"mvcc: required revision {requested} is a future revision (current {current})"
        )
        self.requested = requested
        self.current = current


@dataclass(frozen=True, slots=True)
class Compare:
    """A transaction guard: `target` of `key` compared with `value` by `op`.

    target: "mod" (mod_revision), "create" (create_revision), "version", or "value".
    A missing key has mod, create and version 0 and value None, as in etcd.
    """

    key: str
    target: Literal["mod", "create", "version", "value"]
    op: Literal["=", "!=", "<", ">"]
    value: Any


@dataclass(frozen=True, slots=True)
class Put:
    key: str
    value: Any


@dataclass(frozen=True, slots=True)
class Delete:
    key: str


@dataclass(frozen=True, slots=True)
class TxnResult:
    succeeded: bool
    revision: int
    # for each applied op: (the new KeyValue or tombstone, the previous KeyValue or None)
    results: tuple[tuple[KeyValue, KeyValue | None], ...]


@dataclass(frozen=True, slots=True)
class RangeResult:
    kvs: list[KeyValue]
    more: bool
    count: int
    revision: int


WatchCallback = Callable[[WatchEvent], None]


class Watcher(Protocol):
    prefix: str

    def cancel(self) -> None: ...


class Store(Protocol):
    @property
    def revision(self) -> int: ...

    @property
    def compact_revision(self) -> int: ...

    def get(self, key: str, revision: int | None = None) -> KeyValue | None: ...

    def range(
        self,
        key: str,
        range_end: str | None = None,
        *,
        revision: int | None = None,
        limit: int = 0,
        count_only: bool = False,
    ) -> RangeResult: ...

    def txn(
        self,
        compares: Sequence[Compare],
        success: Sequence[Put | Delete],
        failure: Sequence[Put | Delete] = (),
    ) -> TxnResult: ...

    def swap(self, key: str, value: Any, expect_mod: int | None = None) -> KeyValue | None:
        """Put `value` at `key` if the key's mod revision is `expect_mod` (0: the key must not
        exist; None: unconditionally), as txn([Compare(key, "mod", "=", expect_mod)],
        [Put(key, value)]) does: the new version, or None if the compare failed."""
        ...

    def watch(self, prefix: str, start_revision: int, callback: WatchCallback) -> Watcher: ...

    def compact(self, revision: int) -> None: ...


def prefix_end(prefix: str) -> str:
    """The range end that selects every key starting with `prefix` (etcd's GetPrefixRangeEnd)."""
    if not prefix:
        return "\U0010ffff"
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
