"""Read-only JSON values: what the store holds and what every reader shares.

Objects in the store are never mutated in place: a write makes a new version, frozen once, and
every cache and caller shares that version. `FrozenDict` and `FrozenList` are `dict` and `list`
subclasses (so they compare equal to plain JSON, serialise with orjson and index as usual) whose
mutators raise `TypeError`. `thaw` returns a private mutable deep copy to edit and write back.
"""

from __future__ import annotations

from typing import Any, NoReturn

import orjson


def _readonly(*_a: Any, **_k: Any) -> NoReturn:
    raise TypeError("objects from the API are read-only; thaw() a copy to modify it")


class FrozenDict(dict):  # type: ignore[type-arg]
    __slots__ = ()
    __setitem__ = __delitem__ = _readonly  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _readonly  # type: ignore[assignment]
    __ior__ = _readonly  # type: ignore[assignment]

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: Any) -> FrozenDict:
        return self

    def __reduce__(self) -> Any:
        return (_rebuild_dict, (dict(self),))


class FrozenList(list):  # type: ignore[type-arg]
    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _readonly  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = sort = reverse = _readonly  # type: ignore[assignment]

    def __copy__(self) -> FrozenList:
        return self

    def __deepcopy__(self, memo: Any) -> FrozenList:
        return self

    def __reduce__(self) -> Any:
        return (_rebuild_list, (list(self),))


def _rebuild_dict(d: dict) -> FrozenDict:  # type: ignore[type-arg]
    return freeze(d)


def _rebuild_list(values: list) -> FrozenList:  # type: ignore[type-arg]
    return freeze(values)


def freeze(value: Any) -> Any:
    """A deep read-only version of a JSON value; frozen parts are reused, not copied."""
    t = type(value)
    if t is dict:
        return _freeze_dict(value)
    if t is list or t is tuple:
        return _freeze_list(value)
    if t is FrozenDict or t is FrozenList:
        return value
    if isinstance(value, dict):
        return _freeze_dict(dict(value))
    if isinstance(value, list | tuple):
        return _freeze_list(list(value))
    return value


# The types of values kept as they are by a freeze: a dict or list holding only these is copied
# in one C-level step (its values' types are collected by a set built from `map(type, ...)`,
# much cheaper than a Python loop over its items).
_LEAVES = frozenset((str, int, float, bool, type(None), FrozenDict, FrozenList))


def _freeze_dict(d: dict[str, Any]) -> FrozenDict:
    # The hot path of every write: type checks inline, one call per container, none per scalar.
    if _LEAVES.issuperset(map(type, d.values())):
        return FrozenDict(d)
    out: dict[str, Any] = {}
    for k, v in d.items():
        t = type(v)
        if t is str or t is int or v is None or t is bool or t is float:
            out[k] = v
        elif t is dict:
            out[k] = _freeze_dict(v)
        elif t is list:
            out[k] = _freeze_list(v)
        elif t is FrozenDict or t is FrozenList:
            out[k] = v
        else:
            out[k] = freeze(v)
    return FrozenDict(out)


def freeze_object(obj: dict[str, Any]) -> FrozenDict:
    """freeze(obj) for an API object, its metadata frozen first: when its other parts are all
    scalars or frozen already (an Event from EventRecorder), the top level is then copied in
    one step too."""
    top = dict(obj)
    meta = top.get("metadata")
    if type(meta) is dict:
        top["metadata"] = _freeze_dict(meta)
    return _freeze_dict(top)


def _freeze_list(values: list[Any] | tuple[Any, ...]) -> FrozenList:
    if _LEAVES.issuperset(map(type, values)):
        return FrozenList(values)
    out: list[Any] = []
    for v in values:
        t = type(v)
        if t is dict:
            out.append(_freeze_dict(v))
        elif t is str or t is int or v is None or t is bool or t is float:
            out.append(v)
        elif t is list:
            out.append(_freeze_list(v))
        elif t is FrozenDict or t is FrozenList:
            out.append(v)
        else:
            out.append(freeze(v))
    return FrozenList(out)


class Interner:
    """Freezes objects sharing equal parts: replicas stamped from one template share one frozen
    copy of their containers, tolerations, labels... (read-only, so sharing is safe).

    Each value one level below a top-level section (`spec.containers`, `metadata.labels`,
    `status.conditions`) is looked up by its JSON bytes; a hit reuses the frozen value, a miss
    freezes and remembers it. The table is bounded and forgets everything when full.
    """

    def __init__(self, max_entries: int = 16384, max_value_bytes: int = 4096):
        self._table: dict[bytes, Any] = {}
        self._max_entries = max_entries
        self._max_value_bytes = max_value_bytes
        self.hits = 0
        self.misses = 0

    def freeze(self, obj: dict[str, Any]) -> FrozenDict:
        out: dict[str, Any] = {}
        for k, v in obj.items():
            t = type(v)
            if t is dict:
                out[k] = self._section(v)
            elif t is list:
                out[k] = _freeze_list(v)
            elif t is str or t is int or t is bool or t is float or v is None:
                out[k] = v
            elif t is FrozenDict or t is FrozenList:
                out[k] = v
            else:
                out[k] = freeze(v)
        return FrozenDict(out)

    def _section(self, section: dict[str, Any]) -> FrozenDict:
        if _LEAVES.issuperset(map(type, section.values())):  # nothing below to freeze or share
            return FrozenDict(section)
        out: dict[str, Any] = {}
        table = self._table
        for k, v in section.items():
            t = type(v)
            if t is not dict and t is not list:
                scalar = t is str or t is int or t is bool or t is float or v is None
                out[k] = v if scalar or t is FrozenDict or t is FrozenList else freeze(v)
                continue
            key = orjson.dumps(v)
            frozen: Any = table.get(key)
            if frozen is None:
                self.misses += 1
                frozen = _freeze_dict(v) if t is dict else _freeze_list(v)
                if len(key) <= self._max_value_bytes:
                    if len(table) >= self._max_entries:
                        table.clear()
                    table[key] = frozen
            else:
                self.hits += 1
            out[k] = frozen
        return FrozenDict(out)


class Owned(dict):  # type: ignore[type-arg]
    """A request body handed over by an in-process sender that built it for this one request:
    every dict and list in it is fresh, plain JSON, and the sender keeps no reference to any
    of them. The API server takes such a body as its private copy instead of thawing one (it
    still freezes what it stores, so no plain part of the body ends up shared with the store).
    Parts the server never modifies for that kind (for an Event, all but its metadata) may be
    frozen already: they are stored as they are."""

    __slots__ = ()


def thaw(value: Any) -> Any:
    """A private, mutable deep copy (plain dicts and lists) of a JSON value."""
    return orjson.loads(orjson.dumps(value))


def is_frozen(value: Any) -> bool:
    return type(value) is FrozenDict or type(value) is FrozenList
