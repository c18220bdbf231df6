"""JSON merge patch (RFC 7386).

As the apiserver applies it with gopkg.in/evanphx/json-patch.v4 `merge.go`: nulls delete,
objects merge recursively, anything else replaces the target. Pure: the inputs are never
mutated and the result is a fresh tree of plain dicts and lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.apiserver.patch.errors import _copy


def json_merge_patch(original: Any, patch: Any) -> Any:
    """RFC 7386: nulls delete, objects merge recursively, anything else replaces the target."""
    if not isinstance(patch, Mapping):
        return _copy(patch)
    target = _copy(original) if isinstance(original, Mapping) else {}
    return _merge_object(target, patch)


def _merge_object(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, Mapping):
            current = target.get(key)
            target[key] = _merge_object(current if isinstance(current, dict) else {}, value)
        else:
            target[key] = _copy(value)
    return target
