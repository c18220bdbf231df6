"""Durations as Go's time.ParseDuration writes them (`90s`, `5m`, `1h30m`, `1.5h`), or seconds."""

from __future__ import annotations

import re

_UNIT_S = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")


def parse_duration(value: object) -> float:
    """Seconds from a number (already seconds) or a Go duration string; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 30s or 5m, got {value!r}")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"a duration may not be negative, got {value!r}")
        return float(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a duration such as 30s or 5m, got {value!r}")
    text = value.strip()
    if text == "0":
        return 0.0
    pos, total = 0, 0.0
    while pos < len(text):
        m = _PART.match(text, pos)
        if m is None:
            raise ValueError(f"expected a duration such as 30s or 5m, got {value!r}")
        total += float(m.group(1)) * _UNIT_S[m.group(2)]
        pos = m.end()
    return total


def format_duration(seconds: float) -> str:
    """The shortest Go-style rendering (`1h30m`, `45s`, `1.5s`)."""
    if seconds == int(seconds):
        s = int(seconds)
        h, rem = divmod(s, 3600)
        m, sec = divmod(rem, 60)
        out = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec or s == 0 else "")
        return out
    return f"{seconds:g}s"
