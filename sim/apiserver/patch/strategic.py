"""Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch/patch.go).

`mergeMap`, `mergeSlice`, `mergeSliceHandler`, `mergePatchIntoOriginal` (`$setElementOrder`),
`applyRetainKeysDirective`, `handleDirectiveInMergeMap` and
`validatePatchWithSetOrderList`, with merge keys from `PATCH_META`. A kind with no table falls
back to JSON merge patch, as for custom resources. One deliberate difference: where upstream
copies patch content into the object wholesale (new fields, appended list items,
`$patch: replace`, atomic lists) null map values and directive markers are dropped from it,
which is what the apiserver's typed decode does before storing. Inputs are never mutated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.apiserver.patch.errors import (
    _bad_arg_type,
    _bad_request,
    _copy,
    _go_s,
    _gofmt,
    _internal,
    _json_kind,
    _no_merge_key,
    _same,
)
from sim.apiserver.patch.merge_patch import json_merge_patch
from sim.apiserver.patch.meta import _kind_meta
from sim.apiserver.patch.strategic_lists import (
    _DELETE_PREFIX,
    _ORDER_PREFIX,
    _PATCH,
    _RETAIN,
    _child,
    _clean,
    _directive_field,
    _element_is_map,
    _find_by_key,
    _merge_scalar_list,
    _Meta,
    _normalize,
    _partition,
    _require_keys,
    _require_maps,
    _special_elements,
)

_ABSENT = object()


def _merge_map_list(
    original: list[Any], patch: list[Any], path: str | None, key: str, meta: _Meta
) -> tuple[list[Any], list[Any]]:
    """mergeSlice for lists of maps. Also returns what the caller's view of the original list
    holds afterwards: upstream edits it in place, and $setElementOrder sorts by that view."""
    window = list(original)
    survivors = list(original)
    plain, replace = _special_elements(patch, key, survivors, window)
    if replace:
        _require_keys(key, plain)
        return [c for c, keep in map(_clean, plain) if keep], window
    server_order = list(survivors)
    element = f"{path}[]" if path is not None else None
    for item in plain:
        if key not in item:
            raise _no_merge_key(item, key)
        n = _find_by_key(survivors, key, item[key])
        if n >= 0:
            survivors[n] = _merge_map(survivors[n], item, element, meta)
            continue
        if len(survivors) < len(original):  # Go's append writes into the original array
            window[len(survivors)] = item
        survivors.append(_clean(item)[0])
    present, rest = _partition(survivors, plain, key)
    return _normalize(present, rest, plain, server_order, key, True), window


def _merge_list(
    original: list[Any], patch: list[Any], path: str | None, meta: _Meta, is_delete: bool
) -> tuple[list[Any], list[Any]]:
    """mergeSliceHandler: (merged list, the caller's view of the original afterwards)."""
    field = meta.get(path) if path else None
    if not (field and field.merges) and not is_delete:
        return _clean(patch)[0], original
    if not original and not patch:
        return original, original
    if not _element_is_map(original, patch):
        return _merge_scalar_list(original, patch, is_delete), original
    key = field.merge_key if field else ""
    if not key:
        raise _internal("cannot merge lists without merge key for struct")
    return _merge_map_list(original, patch, path, key, meta)


def _merge_key_equal(a: Any, b: Any, key: str) -> bool:
    if not key:
        return _same(a, b)
    _require_keys(key, (a, b))
    return _same(a[key], b[key])


def _check_order(patch_list: list[Any], order: list[Any], key: str) -> None:
    """validatePatchWithSetOrderList: the patch's items appear in $setElementOrder, in order."""
    if not order or not patch_list:
        return
    items = patch_list
    if key:
        _require_maps(patch_list)
        items = [i for i in patch_list if i.get(_PATCH) != "delete"]
    p = s = 0
    while p < len(items) and s < len(order):
        if isinstance(items[p], dict) and _PATCH in items[p]:
            p += 1
            continue
        if _merge_key_equal(items[p], order[s], key):
            p += 1
        s += 1
    if p < len(items) and s >= len(order):
        raise _internal(
            f"The order in patch list:\n{_gofmt(patch_list)}\n doesn't match "
            f"{_ORDER_PREFIX} list:\n{_gofmt(order)}\n"
        )


def _order_field(
    original: dict[str, Any],
    patch: dict[str, Any],
    field: str,
    order: list[Any],
    meta: _Meta,
    path: str | None,
) -> None:
    """mergePatchIntoOriginal for one `$setElementOrder/<field>` list."""
    has_original, has_patch = field in original, field in patch
    current: Any = original.get(field)
    patch_list: Any = patch.get(field)
    for found, value in ((has_original, current), (has_patch, patch_list)):
        if found and not isinstance(value, list):
            raise _bad_arg_type("[]interface {}", value)
    meta_row = meta.get(path) if path else None
    key = meta_row.merge_key if meta_row else ""
    _check_order(patch_list or [], order, key)
    if not has_original and not has_patch:
        return
    if has_original and has_patch:
        merged, window = _merge_list(current, patch_list, path, meta, False)
    elif has_original:
        merged, window = current, current
    else:
        merged, window = _clean(patch_list)[0], []
    patch.pop(field, None)
    is_map = _element_is_map(current or [], patch_list or [])
    if is_map and not key:  # an atomic list of maps has nothing to order by
        original[field] = merged
        return
    present, rest = _partition(merged, order, key)
    original[field] = _normalize(present, rest, order, window, key, is_map)


def _set_element_orders(
    original: dict[str, Any], patch: dict[str, Any], path: str | None, meta: _Meta
) -> None:
    for directive in [k for k in patch if k.startswith(_ORDER_PREFIX)]:
        order = patch.pop(directive)
        if not isinstance(order, list):
            raise _bad_arg_type("[]interface {}", order)
        field = _directive_field(directive, _ORDER_PREFIX)
        _order_field(original, patch, field, order, meta, _child(path, field))


def _retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    """applyRetainKeysDirective: clear every original key the `$retainKeys` list omits."""
    if _RETAIN not in patch:
        return
    keep = patch.pop(_RETAIN)
    if not isinstance(keep, list):
        raise _bad_request("invalid patch format of retainKeys")
    allowed = {k for k in keep if isinstance(k, str)}
    for key, value in patch.items():
        if value is None or key.startswith((_DELETE_PREFIX, _ORDER_PREFIX)):
            continue
        if key not in allowed:
            raise _bad_request("invalid patch format of retainKeys")
    for key in [k for k in original if k not in allowed]:
        del original[key]


def _map_directive(patch: dict[str, Any]) -> dict[str, Any]:
    """handleDirectiveInMergeMap: `$patch: replace` takes the patch, `delete` empties the map."""
    directive = patch[_PATCH]
    if directive == "replace":
        replacement: dict[str, Any] = _clean({k: v for k, v in patch.items() if k != _PATCH})[0]
        return replacement
    if directive == "delete":
        return {}
    raise _internal(f"unknown patch type: {_go_s(directive)} in map: {_gofmt(patch)}")


def _merge_field(
    original: dict[str, Any],
    key: str,
    value: Any,
    is_delete: bool,
    path: str | None,
    meta: _Meta,
) -> None:
    """One member of mergeMap's loop."""
    if value is None:
        original.pop(key, None)
        return
    current = original.get(key, _ABSENT)
    if current is _ABSENT or type(current) is not type(value):
        if not is_delete:
            cleaned, keep = _clean(value)
            if keep:
                original[key] = cleaned
            else:
                original.pop(key, None)
        return
    child = _child(path, key)
    if isinstance(current, dict):
        row = meta.get(child) if child else None
        replace = row is not None and row.replaces
        original[key] = _clean(value)[0] if replace else _merge_map(current, value, child, meta)
    elif isinstance(current, list):
        original[key] = _merge_list(current, value, child, meta, is_delete)[0]
    else:
        original[key] = value


def _merge_map(
    original: dict[str, Any], patch: dict[str, Any], path: str | None, meta: _Meta
) -> dict[str, Any]:
    """mergeMap on private copies: `original` is edited in place and returned."""
    if _PATCH in patch:
        return _map_directive(patch)
    _retain_keys(original, patch)
    _set_element_orders(original, patch, path, meta)
    for key, value in patch.items():
        is_delete = key.startswith(_DELETE_PREFIX)
        field = _directive_field(key, _DELETE_PREFIX) if is_delete else key
        _merge_field(original, field, value, is_delete, path, meta)
    return original


def strategic_merge_patch(
    original: Mapping[str, Any], patch: Mapping[str, Any], kind: str
) -> dict[str, Any]:
    """Apply a strategic merge patch to an object of `kind`.

    Lists tagged `patchStrategy: merge` in `PATCH_META` merge by their merge key (lists of
    scalars merge as sets); other lists are replaced, maps merge, null deletes. Directives:
    `$patch: replace|delete` (in maps and list items), `$retainKeys`,
    `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>`. `$patch: merge` is rejected, as
    upstream does. A kind with no table falls back to JSON merge patch, as for custom resources.
    """
    if not isinstance(patch, Mapping):
        raise _bad_request(
            f"json: cannot unmarshal {_json_kind(patch)} into Go value of type "
            "map[string]interface {}"
        )
    meta = _kind_meta(kind)
    if meta is None:
        merged: dict[str, Any] = json_merge_patch(original, patch)
        return merged
    target = _copy(original) if isinstance(original, Mapping) else {}
    return _merge_map(target, _copy(patch), "", meta)
