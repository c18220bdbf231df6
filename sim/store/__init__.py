"""sim.store: the etcd model (revisions, ranges, compare-and-swap transactions, watch, compaction)."""

from sim.store.interface import (
    CompactedError,
    Compare,
    Delete,
    FutureRevisionError,
    KeyValue,
    Put,
    RangeResult,
    Store,
    StoreError,
    TxnResult,
    Watcher,
    WatchEvent,
    prefix_end,
)
from sim.store.memory import MemoryStore

__all__ = [
    "CompactedError",
    "Compare",
    "Delete",
    "FutureRevisionError",
    "KeyValue",
    "MemoryStore",
    "Put",
    "RangeResult",
    "Store",
    "StoreError",
    "TxnResult",
    "WatchEvent",
    "Watcher",
    "prefix_end",
]
