"""Kubernetes resource quantities (`100m`, `1.5Gi`, `1e3`) with exact arithmetic.

Follows k8s.io/apimachinery/pkg/api/resource/quantity.go (ParseQuantity, CanonicalizeBytes,
String, Value, MilliValue, Add, Sub, Cmp), suffix.go (the suffix tables) and amount.go / math.go
(canonical mantissa and exponent). Upstream 1.32 is the specification.

Guarantees:
- Parsing never touches binary floats: a value is an exact decimal `m * 10**e` held as two ints.
  Like upstream, parsing rounds magnitudes up to whole nano units, caps BinarySI at 2**63-1 and
  turns BinarySI values in (-1, 1) into DecimalSI. Malformed input raises `QuantityError` with
  upstream's ErrFormatWrong / ErrSuffix / ErrNumeric text.
- `Quantity` is immutable and hashable; equality and ordering compare values, not formats.
- `str(q)` is upstream `Quantity.String()`: the canonical form of `CanonicalizeBytes`, except that
  a parsed string upstream judges canonical is echoed verbatim (upstream caches it, so `1.500`
  and `+1Ki` print as given, as the apiserver would serialize them). `canonical()` always gives
  the recomputed canonical form.
- Magnitudes beyond the last suffix (`E`, `Ei`) or below `n` print in exponent form (`1e21`),
  as upstream does since kubernetes#140459; 1.32 dropped the magnitude there. Likewise exponents
  outside int32 (`1e4294967297`) are rejected with ErrSuffix where 1.32 silently truncated them.
  Huge in-range exponents (`1e2147483647`) are never expanded to parse, print or compare.
- `value()` / `milli_value()` round away from zero (upstream's documented rule) and saturate at
  the int64 limits instead of wrapping.

Layout: quantity_amount.py holds the exact amount (suffix tables, canonical text, comparison,
rounding), quantity_parse.py the scanner; this module the `Quantity` type and the public
functions, and it re-exports the errors and `Format`.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

from sim.api.quantity_amount import (
    _DIGITS,
    _MAX_INT64,
    ERR_FORMAT_WRONG,
    ERR_NUMERIC,
    ERR_SUFFIX,
    Format,
    QuantityError,
    _canonical_text,
    _cmp_parts,
    _scaled_value,
    _strip_tens,
    _to_int,
)
from sim.api.quantity_parse import (
    _cached_text,
    _fast_path_scale,
    _interpret,
    _round_up_to_nano,
    _scan,
)

__all__ = [
    "ERR_FORMAT_WRONG",
    "ERR_NUMERIC",
    "ERR_SUFFIX",
    "Format",
    "Quantity",
    "QuantityError",
    "canonical",
    "cpu_milli",
    "memory_bytes",
    "parse_quantity",
]


def _parse_str(s: str) -> Quantity:
    """upstream ParseQuantity."""
    if not s:
        raise QuantityError(ERR_FORMAT_WRONG)
    if s == "0":
        return Quantity._make(0, 0, Format.DECIMAL_SI, "0")
    positive, value, num, denom, suffix = _scan(s)
    base, exponent, fmt = _interpret(suffix)
    scale = _fast_path_scale(num, denom, base, exponent, fmt)
    text = None
    if scale is not None:
        text = _cached_text(s, num, denom, scale, fmt)
    elif not any(c in _DIGITS for c in value):
        # The slow path hands `value` to inf.Dec.SetString, which needs a digit.
        raise QuantityError(ERR_NUMERIC)
    m = _to_int(num + denom)
    if base == 2:
        m, e = m << exponent, -len(denom)
    else:
        e = exponent - len(denom)
    m, e = _round_up_to_nano(m, e)
    if fmt is Format.BINARY_SI:
        if _cmp_parts(m, e, _MAX_INT64, 0) > 0:
            m, e = _MAX_INT64, 0
        elif e < 0 and m != 0 and _cmp_parts(m, e, 1, 0) < 0:
            fmt = Format.DECIMAL_SI
    m, e = _strip_tens(m if positive else -m, e)
    return Quantity._make(m, e, fmt, text)


class Quantity:
    """An exact, immutable resource quantity; build one with `parse_quantity` or `Quantity(s)`."""

    __slots__ = ("_m", "_e", "_format", "_text", "_str")

    _m: int
    _e: int
    _format: Format
    _text: str | None
    _str: str | None

    def __new__(cls, value: str | int | float | Quantity = "0") -> Quantity:
        return parse_quantity(value)

    @classmethod
    def _make(cls, m: int, e: int, fmt: Format, text: str | None = None) -> Quantity:
        q = object.__new__(cls)
        setattr_ = object.__setattr__
        setattr_(q, "_m", m)
        setattr_(q, "_e", e)
        setattr_(q, "_format", fmt)
        setattr_(q, "_text", text)
        setattr_(q, "_str", text)
        return q

    @classmethod
    def from_scaled(cls, value: int, scale: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """upstream NewScaledQuantity(value, scale): value * 10**scale (any format here)."""
        return cls._make(*_strip_tens(value, scale), fmt)

    @classmethod
    def from_int(cls, value: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """upstream NewQuantity(value, format)."""
        return cls._make(*_strip_tens(value, 0), fmt)

    @classmethod
    def from_milli(cls, value: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """upstream NewMilliQuantity(value, format): value / 1000."""
        return cls._make(*_strip_tens(value, -3), fmt)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Quantity is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Quantity is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Quantity._make, (self._m, self._e, self._format, self._text))

    def __copy__(self) -> Quantity:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Quantity:
        return self

    @property
    def format(self) -> Format:
        return self._format

    def canonical(self) -> str:
        """upstream CanonicalizeBytes: the canonical form, never the echoed input."""
        return _canonical_text(self._m, self._e, self._format)

    def __str__(self) -> str:
        s = self._str
        if s is None:
            s = _canonical_text(self._m, self._e, self._format)
            object.__setattr__(self, "_str", s)
        return s

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"

    def is_zero(self) -> bool:
        return self._m == 0

    def sign(self) -> int:
        return (self._m > 0) - (self._m < 0)

    def value(self) -> int:
        """upstream Value(): rounded away from zero to an integer (saturating at int64)."""
        return _scaled_value(self._m, self._e)

    def milli_value(self) -> int:
        """upstream MilliValue(): ceil(q * 1000) away from zero (saturating at int64)."""
        return _scaled_value(self._m, self._e + 3)

    def as_fraction(self) -> Fraction:
        if self._e >= 0:
            return Fraction(self._m * 10**self._e)
        return Fraction(self._m, 10**-self._e)

    def __hash__(self) -> int:
        return hash((self._m, self._e))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Quantity):
            return self._m == other._m and self._e == other._e
        return NotImplemented

    def _cmp(self, other: object) -> int:
        if not isinstance(other, Quantity):
            raise TypeError(f"cannot compare Quantity with {type(other).__name__}")
        return _cmp_parts(self._m, self._e, other._m, other._e)

    def __lt__(self, other: object) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: object) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: object) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: object) -> bool:
        return self._cmp(other) >= 0

    def _combine(self, other: object, negate: bool) -> Quantity:
        """upstream Add / Sub: the receiver's format wins unless the receiver is zero."""
        if isinstance(other, int) and not isinstance(other, bool):
            other = Quantity.from_int(other)
        if not isinstance(other, Quantity):
            return NotImplemented
        om = -other._m if negate else other._m
        fmt = other._format if self._m == 0 else self._format
        low = min(self._e, other._e)
        m = self._m * 10 ** (self._e - low) + om * 10 ** (other._e - low)
        return Quantity._make(*_strip_tens(m, low), fmt)

    def __add__(self, other: object) -> Quantity:
        return self._combine(other, negate=False)

    def __sub__(self, other: object) -> Quantity:
        return self._combine(other, negate=True)

    def __radd__(self, other: object) -> Quantity:
        """`int + Quantity`, so that `sum(quantities)` works (0 takes the quantity's format)."""
        if isinstance(other, int) and not isinstance(other, bool):
            return Quantity.from_int(other)._combine(self, negate=False)
        return NotImplemented

    def __neg__(self) -> Quantity:
        return Quantity._make(-self._m, self._e, self._format)


_parse_cached = lru_cache(maxsize=16384)(_parse_str)


def parse_quantity(value: str | int | float | Quantity) -> Quantity:
    """upstream ParseQuantity; ints and floats are read as the JSON numbers they print as."""
    if isinstance(value, str):
        return _parse_cached(value)
    if isinstance(value, Quantity):
        return value
    if isinstance(value, bool):
        raise QuantityError(ERR_FORMAT_WRONG)
    if isinstance(value, int):
        return _parse_cached(str(value))
    if isinstance(value, float):
        # repr() is the shortest text that reads back as this float: the number a user wrote.
        return _parse_cached(repr(value))
    raise TypeError(f"a quantity must be a str, int, float or Quantity, not {type(value).__name__}")


def canonical(value: str | int | float | Quantity) -> str:
    """The canonical text of a quantity (upstream CanonicalizeBytes)."""
    return parse_quantity(value).canonical()


@lru_cache(maxsize=16384)
def _cpu_milli_str(value: str) -> int:
    return _parse_cached(value).milli_value()


@lru_cache(maxsize=16384)
def _memory_bytes_str(value: str) -> int:
    return _parse_cached(value).value()


def cpu_milli(value: str | int | float | Quantity) -> int:
    """A CPU amount in millicores, as the scheduler reads requests (upstream MilliValue)."""
    if isinstance(value, str):
        return _cpu_milli_str(value)
    return parse_quantity(value).milli_value()


def memory_bytes(value: str | int | float | Quantity) -> int:
    """A memory (or any whole-unit) amount, rounded up to an integer (upstream Value)."""
    if isinstance(value, str):
        return _memory_bytes_str(value)
    return parse_quantity(value).value()
