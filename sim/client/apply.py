"""Client-side apply, as `kubectl apply` does it (staging/src/k8s.io/kubectl/pkg/cmd/apply).

The manifest is recorded in the `kubectl.kubernetes.io/last-applied-configuration` annotation.
An update sends a strategic merge patch: the new manifest, plus deletions (null) for the map
keys that the previous manifest set and the new one no longer does; fields that other writers
set (status, nodeName, clusterIP) and the manifest never mentioned are left alone. Items removed
from lists that merge by key get a `$patch: delete` directive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

MergeKeyFn = Callable[[str, tuple[str, ...]], str | None]


def with_last_applied(manifest: dict[str, Any]) -> dict[str, Any]:
    """A copy of `manifest` carrying itself (minus the annotation) as last-applied."""
    out = orjson.loads(orjson.dumps(manifest))
    ann = out.setdefault("metadata", {}).setdefault("annotations", {})
    ann.pop(LAST_APPLIED, None)
    if not ann:
        out["metadata"].pop("annotations")
    text = orjson.dumps(out, option=orjson.OPT_SORT_KEYS).decode() + "\n"
    out["metadata"].setdefault("annotations", {})[LAST_APPLIED] = text
    return out


def last_applied(live: Any) -> dict[str, Any] | None:
    ann = (live.get("metadata") or {}).get("annotations") or {}
    text = ann.get(LAST_APPLIED)
    if not text:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def apply_patch(
    kind: str, live: Any, manifest: dict[str, Any], merge_key: MergeKeyFn
) -> dict[str, Any]:
    """The strategic merge patch that takes `live` to `manifest` the way kubectl apply does."""
    desired = with_last_applied(manifest)
    previous = last_applied(live) or {}
    patch = _diff(kind, (), previous, desired, merge_key)
    return patch if isinstance(patch, dict) else desired


def _diff(kind: str, path: tuple[str, ...], prev: Any, new: Any, merge_key: MergeKeyFn) -> Any:
    if isinstance(new, dict) and isinstance(prev, dict):
        out: dict[str, Any] = {}
        for k, v in new.items():
            out[k] = _diff(kind, (*path, k), prev.get(k), v, merge_key)
        for k in prev:
            if k not in new:
                out[k] = None
        return out
    if isinstance(new, list) and isinstance(prev, list):
        key = merge_key(kind, path)
        if key is None:
            return new
        present = {item.get(key) for item in new if isinstance(item, dict)}
        out_list = list(new)
        for item in prev:
            if isinstance(item, dict) and item.get(key) not in present:
                out_list.append({key: item.get(key), "$patch": "delete"})
        return out_list
    return new
