"""The exact decimal amount behind a Quantity: `m * 10**e` as two ints, its suffix tables,
canonical text, comparison and integer rounding.

Follows k8s.io/apimachinery/pkg/api/resource/suffix.go (the suffix tables), amount.go / math.go
(canonical mantissa and exponent, comparison) and quantity.go (CanonicalizeBytes, Value,
MilliValue's rounding) of Kubernetes 1.32. `Quantity` (quantity.py) is built on these; the parser
is quantity_parse.py. Nothing here touches binary floats, and huge exponents are never expanded
to compare or print.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

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
