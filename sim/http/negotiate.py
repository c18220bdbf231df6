"""Content negotiation and response bodies: JSON, YAML, Table, PartialObjectMetadata.

Follows staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation (the Accept header,
`as=Table;g=meta.k8s.io;v=v1`, `as=PartialObjectMetadata[List]`) and handlers/response.go
(`transformObject`: a Table is built with every column; `includeObject=None|Metadata|Object`
says what each row carries). Tables come from sim.api.printers, built with `wide=True` because
the apiserver always sends every column and kubectl hides the wide ones itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import yaml

from sim.api.errors import ApiError, status_dict
from sim.api.kinds import Kind
from sim.api.printers import table
from sim.core import Clock

JSON = "application/json"
YAML = "application/yaml"


@dataclass(frozen=True)
class Target:
    """What the client asked the body to be."""

    media: str = JSON  # application/json or application/yaml
    as_: str = ""  # "", "Table", "PartialObjectMetadata", "PartialObjectMetadataList"


def negotiate(accept: str | None) -> Target:
    """The first acceptable media type in `accept` (406 NotAcceptable when there is none)."""
    if not accept:
        return Target()
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        params = {k.strip(): v.strip() for k, _, v in (p.partition("=") for p in pieces[1:])}
        if media in ("*/*", "application/*"):
            return Target()
        if media not in (JSON, YAML):
            continue
        as_ = params.get("as", "")
        if not as_:
            return Target(media)
        if params.get("g") != "meta.k8s.io" or params.get("v") not in ("v1", "v1beta1"):
            continue
        if as_ in ("Table", "PartialObjectMetadata", "PartialObjectMetadataList"):
            return Target(media, as_)
    raise ApiError(
        status_dict(
            406,
            "NotAcceptable",
            "only the following media types are accepted: application/json, application/yaml, "
            "application/json;as=Table;g=meta.k8s.io;v=v1",
        )
    )


def encode(value: Any, media: str = JSON) -> bytes:
    if media == YAML:
        return yaml.safe_dump(orjson.loads(orjson.dumps(value)), sort_keys=False).encode()
    return orjson.dumps(value)


def _partial(obj: Any) -> dict[str, Any]:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj["metadata"],
    }


def transform(
    body: Any,
    kind: Kind,
    target: Target,
    clock: Clock,
    now_s: float,
    *,
    is_list: bool,
    include_object: str = "Metadata",
) -> Any:
    """The body in the form `target` asks for (objects stay shared and read-only)."""
    if not target.as_ or not isinstance(body, dict) or body.get("kind") == "Status":
        return body
    if target.as_ == "Table":
        items = body["items"] if is_list else [body]
        meta = dict(body.get("metadata") or {}) if is_list else {}
        if not is_list:
            meta = {"resourceVersion": body["metadata"].get("resourceVersion", "")}
        out = table(kind.kind, items, now_s, clock.seconds_of, wide=True, list_meta=meta)
        for row, obj in zip(out["rows"], items, strict=True):
            if include_object == "None":
                row.pop("object", None)
            elif include_object == "Object":
                row["object"] = obj
        return out
    if is_list:
        return {
            "kind": "PartialObjectMetadataList",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": body.get("metadata") or {},
            "items": [_partial(o) for o in body["items"]],
        }
    return _partial(body)
