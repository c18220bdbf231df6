"""A versioned map: every retained version of every key, read at any version by binary search.

The storage of kube-proxy's shared log (sim/network/proxy.py `ProxyTables`): a change appends
one entry to its key's history, a node reads the value in force at the version it has
programmed, and versions no node can still see are compacted away. Histories are lists ordered
by version, so reads are O(log history) and iteration is by sorted key.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any


class VersionedMap:
    """key -> [(version, value)] histories; read any retained version by binary search."""

    def __init__(self) -> None:
        self._h: dict[Any, list[tuple[int, Any]]] = {}

    def put(self, key: Any, version: int, value: Any) -> bool:
        h = self._h.setdefault(key, [])
        if h and h[-1][1] == value:
            return False
        if h and h[-1][0] == version:
            h[-1] = (version, value)
        else:
            h.append((version, value))
        return True

    def get(self, key: Any, version: int) -> Any:
        h = self._h.get(key)
        if not h:
            return None
        i = bisect_right(h, version, key=lambda e: e[0]) - 1
        return h[i][1] if i >= 0 else None

    def latest(self, key: Any) -> Any:
        h = self._h.get(key)
        return h[-1][1] if h else None

    def keys(self) -> list[Any]:
        return sorted(self._h)

    def compact(self, floor: int) -> int:
        """Drop versions older than the one in force at `floor`; returns entries dropped."""
        dropped = 0
        for key in list(self._h):
            h = self._h[key]
            i = bisect_right(h, floor, key=lambda e: e[0]) - 1
            if i > 0:
                del h[:i]
                dropped += i
            if len(h) == 1 and h[0][1] is None and h[0][0] <= floor:
                del self._h[key]
                dropped += 1
        return dropped

    def entries(self) -> int:
        return sum(len(h) for h in self._h.values())
