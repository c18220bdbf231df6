"""Reading Kubernetes JSON for the print functions, without mutating it.

Small readers (`_m`, `_l`, `_s`, `_i`, `_has`) that treat absent, null or mistyped members as
Go's zero values, a deep plain copy, the print context (clock and GenerateOptions.Wide) and the
row type, and the label and selector formatting the printers share:
k8s.io/apimachinery/pkg/labels (FormatLabels, Requirement.String),
apimachinery/pkg/apis/meta/v1 (LabelSelectorAsSelector, FormatLabelSelector) and
pkg/printers/internalversion/printers.go (layoutContainerCells, listWithMoreString).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.api.printers.durations import SecondsOf, human_duration

_EMPTY: Mapping[str, Any] = {}


def _m(obj: Mapping[str, Any] | None, key: str) -> Mapping[str, Any]:
    """obj[key] as a mapping; absent or null reads as empty, like an unset Go struct."""
    value = obj.get(key) if obj else None
    return value if isinstance(value, Mapping) else _EMPTY


def _l(obj: Mapping[str, Any] | None, key: str) -> Sequence[Any]:
    value = obj.get(key) if obj else None
    return value if isinstance(value, Sequence) and not isinstance(value, str) else ()


def _s(obj: Mapping[str, Any] | None, key: str) -> str:
    value = obj.get(key) if obj else None
    return value if isinstance(value, str) else ""


def _i(obj: Mapping[str, Any] | None, key: str, default: int = 0) -> int:
    value = obj.get(key) if obj else None
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _has(obj: Mapping[str, Any], key: str) -> bool:
    """A Go pointer field is set: present and not null."""
    return obj.get(key) is not None


def _plain(value: Any) -> Any:
    """A deep, plain (mutable, caller-owned) copy of a JSON value."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class _Ctx:
    """What a print function needs besides the object: the clock, and GenerateOptions.Wide."""

    now_s: float
    seconds_of: SecondsOf
    wide: bool = True

    def since(self, timestamp: Any) -> str:
        """translateTimestampSince: `<unknown>` for a zero (unset) time."""
        if not isinstance(timestamp, str) or not timestamp:
            return "<unknown>"
        return human_duration(self.now_s - self.seconds_of(timestamp))

    def instant(self, timestamp: Any) -> float | None:
        if not isinstance(timestamp, str) or not timestamp:
            return None
        return self.seconds_of(timestamp)

    def age(self, obj: Mapping[str, Any]) -> str:
        return self.since(_m(obj, "metadata").get("creationTimestamp"))


@dataclass(slots=True)
class _Row:
    cells: list[Any]
    conditions: list[dict[str, str]] | None = None


def _name(obj: Mapping[str, Any]) -> str:
    return _s(_m(obj, "metadata"), "name")


def _format_labels(labels: Mapping[str, Any]) -> str:
    """labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty."""
    text = ",".join(f"{k}={labels[k]}" for k in sorted(labels))
    return text or "<none>"


def _requirement(key: str, op: str, values: Sequence[str]) -> str | None:
    """labels.Requirement.String(), or None where NewRequirement would refuse the arguments."""
    if op in ("Exists", "DoesNotExist"):
        if values:
            return None
        return key if op == "Exists" else f"!{key}"
    if op not in ("In", "NotIn") or not values:
        return None
    joined = values[0] if len(values) == 1 else ",".join(sorted(values))
    return f"{key} {op.lower()} ({joined})"


def _selector(selector: Any) -> str | None:
    """metav1.LabelSelectorAsSelector(...).String(); None when the selector is invalid."""
    if not isinstance(selector, Mapping):
        return ""  # nil selector: labels.Nothing()
    match_labels = _m(selector, "matchLabels")
    reqs: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in match_labels.items()]
    for expr in _l(selector, "matchExpressions"):
        key = _s(expr, "key")
        text = _requirement(key, _s(expr, "operator"), [str(v) for v in _l(expr, "values")])
        if text is None:
            return None
        reqs.append((key, text))
    reqs.sort(key=lambda r: r[0])  # internalSelector.Add sorts requirements by key
    return ",".join(text for _, text in reqs)


def _format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: `<none>` for an empty result, `<error>` for an invalid one."""
    text = _selector(selector)
    if text is None:
        return "<error>"
    return text or "<none>"


def _containers(template: Mapping[str, Any]) -> list[str]:
    """layoutContainerCells: comma-joined container names and images of a pod template."""
    containers = _l(_m(template, "spec"), "containers")
    return [
        ",".join(_s(c, "name") for c in containers),
        ",".join(_s(c, "image") for c in containers),
    ]


def _list_with_more(items: Iterable[str], limit: int = 3, empty: str = "<unset>") -> str:
    """listWithMoreString: the first `limit` items then ` + N more...`."""
    items = list(items)
    text = ",".join(items[:limit])
    if len(items) > limit:
        return f"{text} + {len(items) - limit} more..."
    return text or empty
