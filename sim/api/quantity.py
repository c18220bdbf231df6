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
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import Any

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

_SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = f"quantities must match the regular expression '{_SPLIT_RE}'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

_MAX_INT64 = (1 << 63) - 1
_MIN_INT64 = -(1 << 63)
_MAX_INT32 = (1 << 31) - 1
_NANO = -9
# upstream 1.32 maxInt64Factors: numbers with more digits skip the int64 fast path.
_MAX_INT64_FACTORS = 18
_DIGITS = frozenset("0123456789")
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")


class QuantityError(ValueError):
    """A string that is not a quantity; `str(err)` is upstream's error text."""


class Format(StrEnum):
    """upstream resource.Format; compares equal to the plain strings."""

    DECIMAL_EXPONENT = "DecimalExponent"
    BINARY_SI = "BinarySI"
    DECIMAL_SI = "DecimalSI"


_DEC_SUFFIXES = {
    "": 0,
    "n": -9,
    "u": -6,
    "m": -3,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_BY_EXP = {exp: s for s, exp in _DEC_SUFFIXES.items()}
_BIN_BY_POW = {0: "", 1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei"}


def _to_int(digits: str) -> int:
    """int() for digit strings of any length (int() refuses more than 4300 digits)."""
    return int(digits) if len(digits) < 4000 else int(Decimal(digits))


def _to_str(n: int) -> str:
    return str(n) if n.bit_length() < 13000 else str(Decimal(n))


def _strip_tens(m: int, e: int) -> tuple[int, int]:
    """Move factors of ten from m into e (zero is (0, 0))."""
    if m == 0:
        return 0, 0
    while m % 100000000 == 0:
        m //= 100000000
        e += 8
    while m % 10 == 0:
        m //= 10
        e += 1
    return m, e


def _parse_int64(text: str) -> int | None:
    """Go strconv.ParseInt(text, 10, 64): optional sign, ASCII digits, int64 range."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not all(c in _DIGITS for c in body):
        return None
    n = int(text)
    return n if _MIN_INT64 <= n <= _MAX_INT64 else None


def _scan(s: str) -> tuple[bool, str, str, str, str]:
    """upstream parseQuantityString: (positive, value, num, denom, suffix)."""
    positive, pos, end = True, 0, len(s)
    if end and s[0] in "+-":
        positive, pos = s[0] == "+", 1
    while pos < end and s[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    num = s[start:pos] or "0"
    if pos >= end:
        return positive, s, num, "", ""
    denom = ""
    if s[pos] == ".":
        pos += 1
        start = pos
        while pos < end and s[pos] in _DIGITS:
            pos += 1
        denom = s[start:pos]
        if pos >= end:
            return positive, s, num, denom, ""
    value, suffix_start = s[:pos], pos
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and s[pos] in "+-":
        pos += 1
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise QuantityError(ERR_FORMAT_WRONG)
    return positive, value, num, denom, s[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, Format]:
    """upstream quantitySuffixer.interpret: (base, exponent, format) or ErrSuffix."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], Format.DECIMAL_SI
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], Format.BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        exp = _parse_int64(suffix[1:])
        # Exponents past int32 are rejected, as upstream does since it stopped truncating them.
        if exp is not None and -_MAX_INT32 <= exp <= _MAX_INT32:
            return 10, exp, Format.DECIMAL_EXPONENT
    raise QuantityError(ERR_SUFFIX)


def _fast_path_scale(num: str, denom: str, base: int, exponent: int, fmt: Format) -> int | None:
    """The decimal scale if upstream 1.32 takes its int64 fast path for this input, else None."""
    if fmt is Format.BINARY_SI:
        if exponent < 0 or denom:
            return None
        precision = 15 - len(num) - (exponent * 3 // 10) - 1
    else:
        precision = _MAX_INT64_FACTORS - len(num) - len(denom)
    scale = (exponent if base == 10 else 0) - len(denom)
    if precision < 0 or scale < _NANO:
        return None
    if base == 2 and int(num) << exponent > _MAX_INT64:
        return None
    return scale


def _cached_text(s: str, num: str, denom: str, scale: int, fmt: Format) -> str | None:
    """The input string upstream's fast path keeps as `q.s` (echoed by String()), or None.

    Upstream's quick "already canonical" check ignores signs, leading zeros and decimal points,
    so `+1Ki`, `0100m` and `1.500` are kept verbatim.
    """
    shifted = num + denom
    if fmt is Format.BINARY_SI:
        return s if int(shifted) & 7 else None
    if scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
        return s
    return None


def _round_up_to_nano(m: int, e: int) -> tuple[int, int]:
    """Round the magnitude up to whole nano units (upstream inf.RoundUp at scale 9)."""
    if e >= _NANO or m == 0:
        return m, e
    shift, mag = _NANO - e, abs(m)
    if shift > mag.bit_length():
        q = 1  # 0 < mag / 10**shift < 1
    else:
        q, r = divmod(mag, 10**shift)
        q += r != 0
    return (q if m > 0 else -q), _NANO


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


def _ndigits(mag: int) -> int:
    return len(_to_str(mag))


def _cmp_parts(ma: int, ea: int, mb: int, eb: int) -> int:
    """Compare ma*10**ea with mb*10**eb without expanding far-apart exponents."""
    if ea == eb:
        return (ma > mb) - (ma < mb)
    sa, sb = (ma > 0) - (ma < 0), (mb > 0) - (mb < 0)
    if sa != sb or sa == 0:
        return (sa > sb) - (sa < sb)
    if abs(ea - eb) > 64:
        adj_a, adj_b = _ndigits(abs(ma)) + ea, _ndigits(abs(mb)) + eb
        if adj_a != adj_b:
            return sa if adj_a > adj_b else -sa
    low = min(ea, eb)
    a, b = ma * 10 ** (ea - low), mb * 10 ** (eb - low)
    return (a > b) - (a < b)


def _decimal_text(m: int, e: int, fmt: Format) -> str:
    """upstream AsCanonicalBytes plus the decimal suffix (exponent form past the table)."""
    shift = e % 3
    if shift:
        m, e = m * 10**shift, e - shift
    if fmt is Format.DECIMAL_SI and e in _DEC_BY_EXP:
        return _to_str(m) + _DEC_BY_EXP[e]
    return _to_str(m) if e == 0 else f"{_to_str(m)}e{e}"


def _canonical_text(m: int, e: int, fmt: Format) -> str:
    """upstream Quantity.CanonicalizeBytes."""
    if m == 0:
        return "0"
    if fmt is Format.BINARY_SI:
        small = e <= 3 and abs(m) * 10 ** max(e, 0) < 1024 * 10 ** max(-e, 0)
        if small or e < 0:
            fmt = Format.DECIMAL_SI  # between -1024 and 1024, or not a whole number
        else:
            twos = ((m & -m).bit_length() - 1) + e
            power = twos // 10
            if power <= 6:
                n = m * 10**e
                return _to_str(n >> (10 * power)) + _BIN_BY_POW[power]
            fmt = Format.DECIMAL_SI  # past Ei: no binary suffix left
    return _decimal_text(m, e, fmt)


def _scaled_value(m: int, e: int) -> int:
    """m * 10**e rounded away from zero, saturated to int64."""
    if m == 0:
        return 0
    if e >= 0:
        if e > 19:
            return _MAX_INT64 if m > 0 else _MIN_INT64
        r = m * 10**e
    else:
        q, rem = divmod(abs(m), 10**-e)
        q += rem != 0
        r = q if m > 0 else -q
    return max(_MIN_INT64, min(_MAX_INT64, r))


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
