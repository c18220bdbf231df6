"""LIST: selectors, paging with limit and continue, and resourceVersion semantics.

Follows k8s.io/apiserver/pkg/storage/etcd3/store.go (GetList) and
k8s.io/apiserver/pkg/storage/continue.go: the continue token is base64 of
`{"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key>\\u0000"}`; every page of one list is read
at the revision of the first page, so a paged list is consistent; a token whose revision has
been compacted gives 410 Expired. resourceVersion semantics
(https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions):
unset: the most recent state; "0": any state (here the most recent); N with
resourceVersionMatch=NotOlderThan (the default for N): at least N, 504 when N is in the future;
N with Exact: the state at N, 410 when compacted.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import orjson

from sim.api.errors import ApiError, bad_request, gone, status_dict
from sim.api.fields import FieldSelector, object_fields
from sim.api.kinds import Kind
from sim.api.labels import Selector
from sim.store import CompactedError, Store, prefix_end

CONTINUE_TOO_OLD = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted "
    "between the time the first chunk was returned and now may show up in the list."
)


@dataclass
class ListRequest:
    kind: Kind
    prefix: str
    labels: Selector | None = None
    fields: FieldSelector | None = None
    limit: int = 0
    continue_: str | None = None
    resource_version: str | None = None
    resource_version_match: str | None = None


def encode_continue(revision: int, start_key: str) -> str:
    raw = orjson.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": start_key})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_continue(token: str, prefix: str) -> tuple[int, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded))
        rev, start = int(data["rv"]), str(data["start"])
    except (ValueError, KeyError, TypeError):
        raise bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion "
            "(version meta.k8s.io/v1)"
        ) from None
    if data.get("v") != "meta.k8s.io/v1":
        raise bad_request(
            "continue key is not valid: server does not recognize this encoded version"
        )
    if rev <= 0:
        raise bad_request("continue key is not valid: incorrect encoded start resourceVersion")
    return rev, prefix + start


def _read_revision(store: Store, req: ListRequest) -> int:
    rv, match = req.resource_version, req.resource_version_match
    if match not in (None, "", "NotOlderThan", "Exact"):
        raise bad_request(f'resourceVersionMatch "{match}" is not supported')
    if not rv:
        if match:
            raise bad_request(
                "resourceVersionMatch is forbidden unless resourceVersion is provided"
            )
        return 0
    try:
        n = int(rv)
    except ValueError:
        raise bad_request(f'invalid resource version "{rv}"') from None
    if n > store.revision:
        raise ApiError(
            status_dict(
                504,
                "Timeout",
                f"Too large resource version: {n}, current: {store.revision}",
                {
                    "causes": [
                        {
                            "reason": "ResourceVersionTooLarge",
                            "message": "Too large resource version",
                        }
                    ],
                    "retryAfterSeconds": 1,
                },
            )
        )
    if match == "Exact":
        if n == 0:
            raise bad_request('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"')
        return n
    return 0


def _matches(req: ListRequest, obj: Any) -> bool:
    if req.labels is not None and not req.labels.matches(obj["metadata"].get("labels") or {}):
        return False
    if req.fields is not None and not req.fields.matches(object_fields(req.kind.kind, obj)):
        return False
    return True


def list_objects(store: Store, req: ListRequest) -> dict[str, Any]:
    end = prefix_end(req.prefix)
    start = req.prefix
    revision = _read_revision(store, req)
    if req.continue_:
        if req.resource_version not in (None, "", "0"):
            raise bad_request("specifying resource version is not allowed when using continue")
        revision, start = decode_continue(req.continue_, req.prefix)
    filtered = req.labels is not None or req.fields is not None
    try:
        # Unfiltered pages stop at the limit; filtered ones scan on, as etcd3's GetList does.
        result = store.range(
            start, end, revision=revision or None, limit=0 if filtered else req.limit
        )
    except CompactedError:
        if req.continue_:
            raise gone(CONTINUE_TOO_OLD) from None
        raise gone("The resourceVersion for the provided list is too old.") from None
    items: list[Any] = []
    next_key = None
    remaining = 0
    kvs = result.kvs
    if not filtered:
        items = [kv.value for kv in kvs]
        if result.more:
            next_key = kvs[-1].key + "\x00"
            remaining = result.count - len(kvs)
    else:
        for i, kv in enumerate(kvs):
            if not _matches(req, kv.value):
                continue
            if req.limit > 0 and len(items) >= req.limit:
                next_key = kvs[i - 1].key + "\x00" if i > 0 else kv.key
                break
            items.append(kv.value)
    meta: dict[str, Any] = {"resourceVersion": str(result.revision)}
    if next_key is not None:
        meta["continue"] = encode_continue(result.revision, next_key[len(req.prefix) :])
        if not filtered:
            meta["remainingItemCount"] = remaining
    return {
        "apiVersion": req.kind.api_version,
        "kind": req.kind.list_kind,
        "metadata": meta,
        "items": items,
    }
