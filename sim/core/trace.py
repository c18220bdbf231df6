"""The trace: one record per committed API write and per component decision.

A record is (time, component, verb, ref, resourceVersion, detail). Its canonical form is one
line of JSON with sorted keys and no spaces; the digest is the sha256 of the concatenation of
those lines, each ending in a newline, which is exactly the sha256 of the JSON Lines file the
recorder writes. The digest is updated as records arrive, so a run may keep no records in
memory (`keep=False`) and still print its digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import IO, Any, NamedTuple

import orjson

from sim.core.clock import Clock


class TraceRecord(NamedTuple):
    time: float
    component: str
    verb: str
    ref: str
    resource_version: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "component": self.component,
            "verb": self.verb,
            "ref": self.ref,
            "resourceVersion": self.resource_version,
            "detail": self.detail,
        }


# TraceRecord(...) without the Python-level __new__ a NamedTuple has (the hot path's one record
# per write): what that __new__ does itself.
_new_record = tuple.__new__


def _line(
    time: float, component: str, verb: str, ref: str, resource_version: str, detail: str
) -> bytes:
    """The one definition of a trace line, the unit of the digest: a JSON object with its keys
    in sorted order (built in that order, so no sort), ending in a newline."""
    return orjson.dumps(
        {
            "component": component,
            "detail": detail,
            "ref": ref,
            "resourceVersion": resource_version,
            "time": time,
            "verb": verb,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )


def canonical_line(record: TraceRecord) -> bytes:
    """The trace line of a record (what the JSON Lines file holds and the digest hashes)."""
    return _line(*record)


class TraceRecorder:
    """Collects records in order, keeps a running digest, optionally streams to a file.

    `now` is the time of a record: a zero-argument callable, or a `Clock` whose time is then
    read directly (`float(clock.env.now)`, what `clock.now` returns, without two calls)."""

    def __init__(
        self,
        now: Callable[[], float] | Clock,
        *,
        keep: bool = True,
        sink: IO[bytes] | None = None,
    ):
        self._env = now.env if isinstance(now, Clock) else None
        self._now = now
        self._keep = keep
        self._sink = sink
        self._records: list[TraceRecord] = []
        self._hash = hashlib.sha256()
        self._count = 0
        self._listeners: list[Callable[[TraceRecord], None]] = []

    def record(
        self, component: str, verb: str, ref: str, resource_version: str = "", detail: str = ""
    ) -> TraceRecord:
        env = self._env
        now = float(env.now) if env is not None else self._now()  # type: ignore[operator]
        rec = _new_record(TraceRecord, (now, component, verb, ref, resource_version, detail))
        line = _line(now, component, verb, ref, resource_version, detail)
        self._hash.update(line)
        self._count += 1
        if self._keep:
            self._records.append(rec)
        if self._sink is not None:
            self._sink.write(line)
        for listener in self._listeners:
            listener(rec)
        return rec

    def subscribe(self, listener: Callable[[TraceRecord], None]) -> None:
        """Call `listener(record)` for every later record (for live views and tests)."""
        self._listeners.append(listener)

    def set_sink(self, sink: IO[bytes] | None) -> None:
        self._sink = sink

    @property
    def records(self) -> list[TraceRecord]:
        return list(self._records)

    def __iter__(self) -> Iterator[TraceRecord]:
        return iter(self._records)

    def __len__(self) -> int:
        return self._count

    def digest(self) -> str:
        return self._hash.hexdigest()

    def write_jsonl(self, fp: IO[bytes]) -> None:
        for rec in self._records:
            fp.write(canonical_line(rec))
