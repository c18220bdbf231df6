"""Scanning a quantity string: the sign, digits, fraction and suffix, and upstream's int64 fast
path (which decides whether the input text is echoed verbatim by String()).

Follows k8s.io/apimachinery/pkg/api/resource/quantity.go (parseQuantityString, ParseQuantity's
fast path and rounding up to nano units) and suffix.go (quantitySuffixer.interpret) of
Kubernetes 1.32. Malformed input raises `QuantityError` with upstream's ErrFormatWrong /
ErrSuffix text; `_parse_str` in quantity.py assembles the pieces into a `Quantity`.
"""

from __future__ import annotations

from sim.api.quantity_amount import (
    _BIN_SUFFIXES,
    _DEC_SUFFIXES,
    _DIGITS,
    _MAX_INT32,
    _MAX_INT64,
    _MAX_INT64_FACTORS,
    _MIN_INT64,
    _NANO,
    _SUFFIX_CHARS,
    ERR_FORMAT_WRONG,
    ERR_SUFFIX,
    Format,
    QuantityError,
)


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
