"""API errors as Kubernetes Status objects, and field errors with upstream messages.

`FieldError` mirrors k8s.io/apimachinery/pkg/util/validation/field/errors.go: its `message`
renders exactly as upstream's `Error.ErrorBody()`, and `path` is the dotted field path
(`spec.template.spec.containers[0].image`). `ApiError` carries a Status dict whose shape and
reason strings follow k8s.io/apimachinery/pkg/api/errors/errors.go.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

# field.ErrorType -> (StatusCause reason, the text ErrorBody prints)
REQUIRED = ("FieldValueRequired", "Required value")
INVALID = ("FieldValueInvalid", "Invalid value")
DUPLICATE = ("FieldValueDuplicate", "Duplicate value")
NOT_SUPPORTED = ("FieldValueNotSupported", "Unsupported value")
FORBIDDEN = ("FieldValueForbidden", "Forbidden")
TOO_LONG = ("FieldValueTooLong", "Too long")
TOO_MANY = ("FieldValueTooMany", "Too many")
NOT_FOUND = ("FieldValueNotFound", "Not found")
INTERNAL = ("InternalError", "Internal error")

_OMIT = object()


def format_value(value: Any) -> str:
    """How field.Error prints a bad value (`%#v`-like for strings, bare for numbers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return orjson.dumps(value).decode()
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if value is None:
        return "null"
    if isinstance(value, dict | list | tuple):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return str(value)


class FieldError:
    """One validation failure at a field path."""

    __slots__ = ("type", "path", "value", "detail")

    def __init__(self, type_: tuple[str, str], path: str, value: Any = _OMIT, detail: str = ""):
        self.type = type_
        self.path = path
        self.value = value
        self.detail = detail

    @property
    def reason(self) -> str:
        return self.type[0]

    @property
    def body(self) -> str:
        """upstream field.Error.ErrorBody()."""
        kind = self.type[1]
        if self.type in (REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL) or self.value is _OMIT:
            s = kind
        else:
            s = f"{kind}: {format_value(self.value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    @property
    def message(self) -> str:
        return f"{self.path}: {self.body}" if self.path else self.body

    def cause(self) -> dict[str, str]:
        return {"reason": self.reason, "message": self.body, "field": self.path}

    def __repr__(self) -> str:
        return f"FieldError({self.message!r})"


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(REQUIRED, path, _OMIT, detail)


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError(INVALID, path, value, detail)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError(DUPLICATE, path, value)


def not_supported(path: str, value: Any, supported: Sequence[str]) -> FieldError:
    detail = ""
    if supported:
        detail = "supported values: " + ", ".join(orjson.dumps(s).decode() for s in supported)
    return FieldError(NOT_SUPPORTED, path, value, detail)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(FORBIDDEN, path, _OMIT, detail)


def too_long(path: str, max_length: int) -> FieldError:
    return FieldError(TOO_LONG, path, _OMIT, f"may not be more than {max_length} bytes")


def too_many(path: str, actual: int, max_items: int) -> FieldError:
    """upstream field.TooMany: `Too many: <actual>: must have at most <max> items`."""
    detail = f"must have at most {max_items} items" if max_items >= 0 else "has too many items"
    return FieldError(TOO_MANY, path, actual if actual >= 0 else _OMIT, detail)


class ApiError(Exception):
    """An API failure; `.status` is the Kubernetes Status dict and `.code` its HTTP code."""

    def __init__(self, status: dict[str, Any]):
        # args hold the Status itself, so copies (SimPy re-raises failures by copying) keep it
        super().__init__(status)
        self.status = status

    def __str__(self) -> str:
        return str(self.status.get("message", ""))

    @property
    def code(self) -> int:
        return int(self.status.get("code", 500))

    @property
    def reason(self) -> str:
        return str(self.status.get("reason", ""))

    @property
    def message(self) -> str:
        return str(self.status.get("message", ""))


def status_dict(
    code: int, reason: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    st: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        st["details"] = details
    return st


def _details(resource: str, group: str, name: str) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    d["kind"] = resource
    return d


def _qualified(resource: str, group: str) -> str:
    return f"{resource}.{group}" if group else resource


def not_found(resource: str, group: str, name: str) -> ApiError:
    msg = f'{_qualified(resource, group)} "{name}" not found'
    return ApiError(status_dict(404, "NotFound", msg, _details(resource, group, name)))


def already_exists(resource: str, group: str, name: str) -> ApiError:
    msg = f'{_qualified(resource, group)} "{name}" already exists'
    return ApiError(status_dict(409, "AlreadyExists", msg, _details(resource, group, name)))


def conflict(resource: str, group: str, name: str, why: str) -> ApiError:
    msg = f'Operation cannot be fulfilled on {_qualified(resource, group)} "{name}": {why}'
    return ApiError(status_dict(409, "Conflict", msg, _details(resource, group, name)))


OBJECT_MODIFIED = (
    "the object has been modified; please apply your changes to the latest version and try again"
)


def invalid_object(kind: str, group: str, name: str, errors: Sequence[FieldError]) -> ApiError:
    """422 Invalid, as errors.NewInvalid: `Kind.group "name" is invalid: a: ..., b: ...`."""
    qualified = f"{kind}.{group}" if group else kind
    msgs: list[str] = []
    for e in errors:  # field.ErrorList.ToAggregate drops repeated messages
        if e.message not in msgs:
            msgs.append(e.message)
    if len(msgs) == 1:
        agg = msgs[0]
    else:
        agg = "[" + ", ".join(msgs) + "]"
    msg = f'{qualified} "{name}" is invalid: {agg}'
    details = _details(kind, group, name)
    details["causes"] = [e.cause() for e in errors]
    return ApiError(status_dict(422, "Invalid", msg, details))


def bad_request(message: str) -> ApiError:
    return ApiError(status_dict(400, "BadRequest", message))


def forbidden_error(resource: str, group: str, name: str, why: str) -> ApiError:
    q = _qualified(resource, group)
    msg = f'{q} "{name}" is forbidden: {why}' if name else f"{q} is forbidden: {why}"
    return ApiError(status_dict(403, "Forbidden", msg, _details(resource, group, name)))


def gone(message: str) -> ApiError:
    """410 Gone with reason Expired, as the apiserver answers a compacted resourceVersion."""
    return ApiError(status_dict(410, "Expired", message))


def too_many_requests(message: str, retry_after_s: int = 1) -> ApiError:
    return ApiError(
        status_dict(429, "TooManyRequests", message, {"retryAfterSeconds": retry_after_s})
    )


def timeout_error(message: str) -> ApiError:
    return ApiError(status_dict(504, "Timeout", message))


def method_not_allowed(message: str) -> ApiError:
    return ApiError(status_dict(405, "MethodNotAllowed", message))


def unsupported_media_type(message: str) -> ApiError:
    return ApiError(status_dict(415, "UnsupportedMediaType", message))


def internal_error(message: str) -> ApiError:
    return ApiError(status_dict(500, "InternalError", f"Internal error occurred: {message}"))
