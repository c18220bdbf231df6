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


_dict_init = dict.__init__
_list_init = list.__init__


def freeze(value: Any) -> Any:
    """A deep read-only version of a JSON value; frozen parts are reused, not copied."""
    t = type(value)
    if t is FrozenDict or t is FrozenList:
        return value
    if t is dict or isinstance(value, dict):
        out = FrozenDict()
        _dict_init(out, {k: freeze(v) for k, v in value.items()})
        return out
    if t is list or t is tuple or isinstance(value, list | tuple):
        lst = FrozenList()
        _list_init(lst, [freeze(v) for v in value])
        return lst
    return value


def thaw(value: Any) -> Any:
    """A private, mutable deep copy (plain dicts and lists) of a JSON value."""
    return orjson.loads(orjson.dumps(value))


def is_frozen(value: Any) -> bool:
    return type(value) is FrozenDict or type(value) is FrozenList
