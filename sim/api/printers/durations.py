"""Kubernetes' human-readable durations: AGE, LAST SEEN and "3 (2m ago)" restarts.

Models staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go (HumanDuration,
ShortHumanDuration) for Kubernetes 1.32. Seconds are converted to a Go time.Duration exactly for
the decimal the float was written as, so results are deterministic and match upstream's
rounding; up to 2s in the future is clock skew ("0s"), more is `<invalid>`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal

SecondsOf = Callable[[str], float]


_NS = 1_000_000_000
_MINUTE_NS = 60 * _NS
_HOUR_NS = 60 * _MINUTE_NS


def _nanoseconds(seconds: float) -> int:
    """A time.Duration from float seconds, exact for the decimal the float was written as."""
    if not math.isfinite(seconds):
        raise ValueError(f"duration must be finite, not {seconds!r}")
    exact = Decimal(repr(float(seconds))) * _NS
    return int(exact.to_integral_value(rounding=ROUND_HALF_EVEN))


def _almost_now(d_ns: int) -> str | None:
    """The shared prologue: up to 2s in the future is clock skew, "now"; more is `<invalid>`."""
    seconds = int(d_ns / _NS)  # int(d.Seconds()) truncates toward zero
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    return None


def human_duration(seconds: float) -> str:
    """duration.HumanDuration: about two or three significant figures (`2m5s`, `3h`, `2d5h`)."""
    d = _nanoseconds(seconds)
    if (early := _almost_now(d)) is not None:
        return early
    if d < 2 * _MINUTE_NS:
        return f"{d // _NS}s"
    minutes = d // _MINUTE_NS
    if minutes < 10:
        s = (d // _NS) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = d // _HOUR_NS
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(seconds: float) -> str:
    """duration.ShortHumanDuration: one unit only (`59s`, `2m`, `3h`, `8d`, `2y`)."""
    d = _nanoseconds(seconds)
    if (early := _almost_now(d)) is not None:
        return early
    if d < _MINUTE_NS:
        return f"{d // _NS}s"
    if d < _HOUR_NS:
        return f"{d // _MINUTE_NS}m"
    hours = d // _HOUR_NS
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{hours // (24 * 365)}y"
