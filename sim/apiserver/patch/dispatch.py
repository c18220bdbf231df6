"""PATCH request bodies: the content type decides which patch applies.

Models k8s.io/apiserver/pkg/endpoints/handlers/patch.go (dispatch, the 10000-operation limit),
endpoints/installer.go (accepted media types) and handlers/negotiation/errors.go (the 415
text). Server-side apply is refused with a 415 that says so; a result that is not an object is
a 422, as the typed decode upstream would refuse it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.apiserver.patch.errors import (
    _MEDIA_TYPES,
    MAX_JSON_PATCH_OPERATIONS,
    PatchError,
    _bad_request,
    _gofmt,
    _json_kind,
)
from sim.apiserver.patch.jsonpatch import _decode_operations, json_patch
from sim.apiserver.patch.merge_patch import json_merge_patch
from sim.apiserver.patch.strategic import strategic_merge_patch

_PATCH_TYPES = {
    "application/json-patch+json": "json",
    "json": "json",
    "application/merge-patch+json": "merge",
    "merge": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "strategic": "strategic",
    "application/apply-patch+yaml": "apply",
    "apply": "apply",
}


def _patch_mode(patch_type: str) -> str:
    media_type = patch_type
    if (cut := media_type.find(";")) > 0:  # "; charset=utf-8" is allowed, as upstream strips it
        media_type = media_type[:cut]
    mode = _PATCH_TYPES.get(media_type)
    if mode is None:
        message = (
            "the body of the request was in an unknown format - accepted media types include: "
            + ", ".join(_MEDIA_TYPES)
        )
        raise PatchError(message, code=415, reason="UnsupportedMediaType")
    if mode == "apply":
        raise PatchError(
            "server-side apply (application/apply-patch+yaml) is not supported by kubesim; "
            "send a JSON, merge or strategic merge patch instead",
            code=415,
            reason="UnsupportedMediaType",
        )
    return mode


def apply_patch(
    original: Mapping[str, Any], patch: Any, patch_type: str, kind: str
) -> dict[str, Any]:
    """Apply a PATCH body of content type `patch_type` (or "json", "merge", "strategic") to an
    object of `kind`, with the apiserver's answers for bodies it refuses."""
    mode = _patch_mode(patch_type)
    if mode == "json":
        ops = _decode_operations(patch)
        if len(ops) > MAX_JSON_PATCH_OPERATIONS:
            raise PatchError(
                f"The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS},"
                f" got {len(ops)}",
                code=413,
                reason="RequestEntityTooLarge",
            )
        result = json_patch(original, ops)
    elif mode == "merge":
        if patch is None or not isinstance(patch, Mapping | list | tuple):
            raise _bad_request("Invalid JSON Patch")
        result = json_merge_patch(original, patch)
    else:
        result = strategic_merge_patch(original, {} if patch is None else patch, kind)
    if not isinstance(result, dict):
        raise PatchError(
            f'"" is invalid: patch: Invalid value: "{_gofmt(result)}": '
            f"cannot unmarshal {_json_kind(result)} into an object of kind {kind}"
        )
    return result
