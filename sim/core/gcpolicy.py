"""Garbage-collector tuning for a simulation's heap.

A simulated cluster holds hundreds of thousands of long-lived, acyclic, read-only objects (every
stored object version, shared by all caches). CPython's default thresholds (700, 10, 10) rescan
that heap for cycles so often that collection costs more than the API server's own work (about
a third of each create at 20,000 pods). Raising the older generations' thresholds to 100 makes
full collections rare. The youngest generation's threshold goes from 700 to 20,000 allocations:
each of a scheduled pod's many short-lived objects (requests, events, numpy views) otherwise
moves the counter towards a young collection that mostly promotes long-lived versions, which
cost 3% of the scheduler's instructions per pod (benchmarks/instructions.py: 1,084,000 -> 1,051,000,
the same as with the collector off). At most 20,000 objects in cycles wait for a collection;
reference counting still frees everything that is not in a cycle at once.

The collector belongs to the whole process, so only who owns the process turns this on: the
`kubesim` CLI and the benchmarks do; a library user opts in with `Cluster(tune_gc=True)` (the
default leaves the process as it was).
"""

from __future__ import annotations

import gc

SIMULATION_THRESHOLDS = (20000, 100, 100)
_applied = False


def tune_gc_for_simulation() -> None:
    global _applied
    if _applied:
        return
    g0, g1, g2 = gc.get_threshold()
    want0, want1, want2 = SIMULATION_THRESHOLDS
    gc.set_threshold(max(g0, want0), max(g1, want1), max(g2, want2))
    _applied = True
