"""What every resource handler shares: query parameters, request bodies and the answer.

Query parameters follow staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go (dryRun,
fieldValidation, integer and boolean parameters); patch content types follow handlers/patch.go;
the Success Status of a delete follows handlers/delete.go. An `Answer` is computed on the
simulation thread (sim/core/driver.py) and its body encoded on the server thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.api.errors import ApiError, bad_request, status_dict
from sim.api.kinds import Kind

PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)


@dataclass
class Answer:
    """An HTTP answer computed on the simulation thread."""

    code: int
    body: Any
    kind: Kind | None = None
    now_s: float = 0.0
    is_list: bool = False
    raw: bytes | None = None  # a body sent as is, of media type `media` (nodes/proxy, pods/log)
    media: str = "application/json"
    warnings: list[str] = field(default_factory=list)


def success_status(code: int, kind: Kind, name: str, uid: str = "") -> dict[str, Any]:
    details: dict[str, Any] = {"name": name, "kind": kind.plural}
    if kind.group:
        details["group"] = kind.group
    if uid:
        details["uid"] = uid
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "code": code,
        "details": details,
    }


# -- query parameters ------------------------------------------------------------------------


def query_int(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f'invalid value for {name}: "{raw}"') from None


def query_bool(query: Mapping[str, str], name: str) -> bool:
    return query.get(name, "").lower() in ("true", "1")


def dry_run_of(query: Mapping[str, Any], body: Mapping[str, Any] | None = None) -> bool:
    values: list[str] = list(query.getall("dryRun", [])) if hasattr(query, "getall") else []
    if not values and query.get("dryRun"):
        values = [query["dryRun"]]
    if body and isinstance(body.get("dryRun"), list):
        values += [str(v) for v in body["dryRun"]]
    for v in values:
        if v != "All":
            raise bad_request(f'dryRun: Unsupported value: "{v}": supported values: "All"')
    return bool(values)


def field_validation_of(query: Mapping[str, str]) -> str:
    """The fieldValidation directive: Strict, Warn (the default) or Ignore."""
    value = query.get("fieldValidation", "")
    if value in ("", "Warn"):
        return "Warn"
    if value in ("Strict", "Ignore"):
        return value
    raise bad_request(
        f'fieldValidation: Unsupported value: "{value}": supported values: "Ignore", "Strict", "Warn"'
    )


# -- bodies -----------------------------------------------------------------------------------


def body_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, Mapping):
        raise bad_request("the body of the request was not a JSON object")
    return dict(body)


def check_name(obj: Mapping[str, Any], name: str) -> None:
    got = (obj.get("metadata") or {}).get("name")
    if got and got != name:
        raise bad_request(
            f"the name of the object ({got}) does not match the name on the URL ({name})"
        )


def patch_type_of(content_type: str) -> str:
    media = content_type.split(";")[0].strip().lower()
    if media not in PATCH_TYPES:
        raise ApiError(
            status_dict(
                415,
                "UnsupportedMediaType",
                f"the body of the request was in an unknown format - accepted media types "
                f"include: {', '.join(PATCH_TYPES)}",
            )
        )
    if media == "application/apply-patch+yaml":
        raise ApiError(
            status_dict(
                415,
                "UnsupportedMediaType",
                "server-side apply is not modelled by kubesim: use client-side kubectl apply",
            )
        )
    return media
