"""Strategic merge patch building blocks: directives, list lookup and element order.

From k8s.io/apimachinery/pkg/util/strategicpatch/patch.go: the directive keys (`$patch`,
`$retainKeys`, `$deleteFromPrimitiveList/`, `$setElementOrder/`), removeDirectives and
discardNullValuesFromPatch (`_clean`), sliceElementType, finding list items by merge key,
validateMergeKeyInLists, normalizeElementOrder with mergeSortedSlice, merging lists of scalars,
and mergeSliceWithSpecialElements. Pure functions over private copies; deterministic order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.apiserver.patch.errors import (
    _bad_arg_type,
    _bad_request,
    _go_s,
    _gofmt,
    _internal,
    _invalid,
    _no_merge_key,
    _same,
)
from sim.apiserver.patch.meta import FieldMeta

_PATCH = "$patch"
_RETAIN = "$retainKeys"
_DELETE_PREFIX = "$deleteFromPrimitiveList"
_ORDER_PREFIX = "$setElementOrder"
_Meta = dict[str, FieldMeta]


def _is_directive_key(key: str) -> bool:
    return key in (_PATCH, _RETAIN) or key.startswith((_DELETE_PREFIX, _ORDER_PREFIX))


def _clean(value: Any) -> tuple[Any, bool]:
    """Patch content taken wholesale: null members and directive keys dropped, maps carrying
    `$patch` removed (upstream discardNullValuesFromPatch and removeDirectives). The flag says
    whether the value survives at all."""
    if isinstance(value, dict):
        if value.get(_PATCH) is not None:
            return None, False
        out = {}
        for key, item in value.items():
            if item is None or _is_directive_key(key):
                continue
            cleaned, keep = _clean(item)
            if keep:
                out[key] = cleaned
        return out, True
    if isinstance(value, list):
        return [c for c, keep in map(_clean, value) if keep], True
    return value, True


def _child(path: str | None, key: str) -> str | None:
    """The table path of member `key`; None once a key cannot be a struct field."""
    if path is None or "." in key or "[" in key:
        return None
    return f"{path}.{key}" if path else key


def _directive_field(key: str, prefix: str) -> str:
    head, sep, field = key.partition("/")
    if not sep or head != prefix:
        which = "primitive list" if prefix == _DELETE_PREFIX else "setElementOrder list"
        raise _bad_request(f"invalid patch format of {which}")
    return field


def _element_is_map(*lists: Sequence[Any]) -> bool:
    """sliceElementType: every element of every list has one type, and it is not a list."""
    first: type | None = None
    for items in lists:
        for item in items:
            if first is None:
                first = type(item)
                if first is list:
                    raise _invalid("lists of lists are not supported")
            elif type(item) is not first:
                raise _internal(f"list element types are not identical: {_gofmt(list(lists))}")
    if first is None:
        raise _internal("no elements in any of the given slices")
    return first is dict


def _index(items: Sequence[Any], item: Any, key: str) -> int:
    """Where `item` (by merge-key value, or by value for scalars) first appears in `items`."""
    if key:
        wanted = item.get(key) if isinstance(item, dict) else None
        values = [i.get(key) if isinstance(i, dict) else None for i in items]
    else:
        wanted, values = item, list(items)
    return next((n for n, v in enumerate(values) if _same(v, wanted)), -1)


def _find_by_key(items: Sequence[Any], key: str, value: Any) -> int:
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise _internal(f"value for key {n} is not a map")
        if key in item and _same(item[key], value):
            return n
    return -1


def _require_maps(items: Sequence[Any]) -> None:
    for item in items:
        if not isinstance(item, dict):
            raise _bad_arg_type("map[string]interface {}", item)


def _require_keys(key: str, *lists: Sequence[Any]) -> None:
    """validateMergeKeyInLists."""
    for items in lists:
        _require_maps(items)
        for item in items:
            if key not in item:
                raise _no_merge_key(item, key)


def _partition(items: Sequence[Any], by: Sequence[Any], key: str) -> tuple[list[Any], list[Any]]:
    """Split `items` into those present in `by` and the rest (server-only), keeping order."""
    present: list[Any] = []
    rest: list[Any] = []
    for item in items:
        if key:
            _require_keys(key, [item])
            found = _find_by_key(by, key, item[key]) >= 0
        else:
            found = _index(by, item, "") >= 0
        (present if found else rest).append(item)
    return present, rest


def _normalize(
    patch_items: list[Any],
    server_only: list[Any],
    patch_order: Sequence[Any],
    server_order: Sequence[Any],
    key: str,
    is_map: bool,
) -> list[Any]:
    """normalizeElementOrder: patch items in patch order, server-only items in server order,
    then interleaved by server order wherever both are known there (mergeSortedSlice)."""
    if is_map:
        _require_keys(key, patch_items, patch_order)
        _require_keys(key, server_only, server_order)

    def ordered(items: list[Any], order: Sequence[Any]) -> list[Any]:
        def rank(item: Any) -> int:
            n = _index(order, item, key)
            return n if n >= 0 else len(order)

        return sorted(items, key=rank)

    left, right = ordered(server_only, server_order), ordered(patch_items, patch_order)
    out: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if j < len(right) and i < len(left):
            li, ri = _index(server_order, left[i], key), _index(server_order, right[j], key)
            take_left = 0 <= li < ri
        else:
            take_left = j >= len(right)
        if take_left:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out


def _merge_scalar_list(original: list[Any], patch: list[Any], is_delete: bool) -> list[Any]:
    if is_delete:
        return [v for v in original if _index(patch, v, "") < 0]
    merged: list[Any] = []
    for value in original + patch:
        if _index(merged, value, "") < 0:
            merged.append(value)
    present, rest = _partition(merged, patch, "")
    return _normalize(present, rest, patch, original, "", False)


def _special_elements(
    patch: list[Any], key: str, survivors: list[Any], window: list[Any]
) -> tuple[list[Any], bool]:
    """mergeSliceWithSpecialElements: apply `$patch: delete` items to `survivors` (and to the
    Go backing array `window`), and return the plain items and whether `$patch: replace` was
    seen."""
    plain: list[Any] = []
    replace = False
    for item in patch:
        if _PATCH not in item:
            plain.append(item)
            continue
        directive = item[_PATCH]
        if directive == "delete":
            if key not in item:
                raise _no_merge_key(item, key)
            while (n := _find_by_key(survivors, key, item[key])) >= 0:
                # Go deletes with append(s[:n], s[n+1:]...), shifting the shared array in place
                size = len(survivors)
                window[n : size - 1] = window[n + 1 : size]
                del survivors[n]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise _internal("merging lists cannot yet be specified in the patch")
        else:
            raise _internal(f"unknown patch type: {_go_s(directive)} in map: {_gofmt(item)}")
    return plain, replace
