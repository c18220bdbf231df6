"""Patch failures as the apiserver reports them, Go-style value formatting, value helpers.

`PatchError` carries the HTTP code, Status reason and message the apiserver would answer with,
plus the patch library's specific `cause`; the helpers build the 400, 422 and reasonless 500
answers of k8s.io/apiserver/pkg/endpoints/handlers/patch.go. `_gofmt`, `_go_s` and `_go_type`
print decoded JSON values as Go's `%v`, `%s` and reflect.TypeOf do, so messages match
k8s.io/apimachinery/pkg/util/strategicpatch and mergepatch/errors.go byte for byte. `_copy`
makes the private plain copy every patch starts from (inputs are never mutated) and `_same` is
Go's interface equality for decoded JSON scalars.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sim.api.errors import ApiError, status_dict
from sim.api.frozen import is_frozen, thaw

GENERIC_INVALID = "the server rejected our request due to an error in our request"
_MEDIA_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)
MAX_JSON_PATCH_OPERATIONS = 10000


class PatchError(ValueError):
    """A patch that cannot be applied, as the apiserver reports it.

    `message` is the Status message (for a failed JSON patch that is upstream's generic 422
    text), `cause` the library's specific reason, `code` the HTTP status and `reason` the Status
    reason ("" where upstream returns a bare error, which it serves as a 500).
    """

    def __init__(self, message: str, *, cause: str = "", code: int = 422, reason: str = "Invalid"):
        self.message = message
        self.cause = cause or message
        self.code = code
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.cause == self.message:
            return self.message
        return f"{self.message}: {self.cause}"

    def to_api_error(self) -> ApiError:
        """The Status the apiserver answers with; the specific cause rides in details.causes."""
        details = {"causes": [{"message": self.cause}]} if self.cause != self.message else None
        status = status_dict(self.code, self.reason, self.message, details)
        if not self.reason:
            del status["reason"]
        return ApiError(status)


def _invalid(cause: str) -> PatchError:
    """A 422 with the generic message, as NewGenericServerResponse builds it."""
    return PatchError(GENERIC_INVALID, cause=cause)


def _bad_request(message: str) -> PatchError:
    return PatchError(message, code=400, reason="BadRequest")


def _internal(message: str) -> PatchError:
    """An error upstream returns unconverted; ErrorToAPIStatus serves it as a reasonless 500."""
    return PatchError(message, code=500, reason="")


def _go_float(x: float) -> str:
    """Go's %v for a float64 (strconv 'g', shortest digits, exponent from 1e+06 up)."""
    if x != x or x in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "+Inf", "-inf": "-Inf"}[repr(x)]
    if x == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(x)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)
    neg = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        e = point - 1
        return f"{neg}{mantissa}e{'-' if e < 0 else '+'}{abs(e):02d}"
    if point <= 0:
        return f"{neg}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return neg + digits + "0" * (point - len(digits))
    return f"{neg}{digits[:point]}.{digits[point:]}"


def _gofmt(value: Any) -> str:
    """Go's %v of a decoded JSON value (maps print with sorted keys)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{_gofmt(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(_gofmt(v) for v in value) + "]"
    return str(value)


def _go_type(value: Any) -> str:
    """reflect.TypeOf(value) printed with %s, for a decoded JSON value."""
    if value is None:
        return "%!s(<nil>)"
    for python_type, name in (
        (bool, "bool"),
        (int, "int64"),
        (float, "float64"),
        (str, "string"),
        (Mapping, "map[string]interface {}"),
    ):
        if isinstance(value, python_type):
            return name
    return "[]interface {}"


def _go_s(value: Any) -> str:
    """Go's %s of a decoded JSON value."""
    if isinstance(value, str):
        return value
    return "%!s(<nil>)" if value is None else f"%!s({_go_type(value)}={_gofmt(value)})"


def _bad_arg_type(expected: str, actual: Any) -> PatchError:
    return _internal(f"expected a {expected}, but received a {_go_type(actual)}")


def _no_merge_key(item: Any, key: str) -> PatchError:
    return _internal(f"map: {_gofmt(item)} does not contain declared merge key: {key}")


def _json_kind(value: Any) -> str:
    """The JSON kind encoding/json names in 'cannot unmarshal X into Go value of type Y'."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, Mapping) else "array"


_SCALARS = (str, int, float, bool, type(None))


def _copy(value: Any) -> Any:
    """A private deep copy made of plain dicts, lists and builtin scalars."""
    if type(value) in _SCALARS:
        return value
    if is_frozen(value):  # a stored object: JSON through and through, so orjson copies it
        return thaw(value)
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    for base in (bool, int, float, str):  # enum members and other scalar subclasses
        if isinstance(value, base):
            return base(value)
    return value


def _same(a: Any, b: Any) -> bool:
    """Go's interface equality for decoded JSON scalars: the type must match too."""
    return type(a) is type(b) and a == b
