"""What a simulated container does, declared as data: the image catalog and container behaviours.

In the spirit of kwok's Stages (lifecycles as data with delays and jitter) but seeded: a
`Behavior` is a set of optional fields, and the behaviour a container gets is the merge, in
increasing priority, of the host default (`spec.cluster.kubelet.defaultBehavior`), its image's
(`spec.cluster.images[].behavior`), the pod annotation `kubesim.io/behavior` and the pod
annotation `kubesim.io/behavior.<container name>` (each a JSON or YAML object).

Fields (durations are Go durations such as `500ms`, `30s`, `5m` or numbers of seconds):
- `startDelay`: how long StartContainer takes until the process runs (default 300ms).
- `runFor`: the process exits this long after it started (default: runs until stopped), with
  `exitCode` (default 0).
- `crashRate`: crashes per hour while running, a Poisson process; a crash exits with
  `crashExitCode` (default 1).
- `readyAfter`, `startedAfter`: readiness (startup) probes fail before the container has run
  this long, succeed after (default 0s); `livenessFailsAfter`: liveness probes succeed until the
  container has run this long, fail after (default: never).
- `probes`: a list of `{after, readiness, liveness, startup}` steps that override those answers
  from `after` on (each key optional, true means success).
- `cpu` (default 10m), `memory` (default 20Mi): usage, a quantity or a list of
  `{after, value}` steps; `memoryGrowthPerSecond` adds a linear leak. A container whose memory
  use exceeds its memory limit is OOMKilled (exit code 137).
- `stopDelay`: how long the process takes to exit after SIGTERM (default 0s; `never` ignores
  SIGTERM, so the kubelet's SIGKILL at the end of the grace period ends it with 137);
  `stopExitCode` (default 0) is its exit code when it does exit on SIGTERM.
- `preStopDelay`: how long an exec or httpGet preStop hook runs (default 0s).
- `execExitCode`: what ExecSync commands (and exec probes without a probe answer) return (0).
- `logs`: what the process writes, a list of lines: a string (written when it starts) or
  `{line, after, every, stream}` (written `after` it started, then every `every` if set, on
  `stream` stdout or stderr; `{n}` in the line counts the repetitions from 1). The simulated
  host adds its own `[kubesim]` lines when the process starts, a probe changes its answer, it
  gets SIGTERM and it exits (see `runtime_adapters/simulated/logs.py`).
- `jitter`: every duration d above is drawn from [d, d * (1 + jitter)] (client-go wait.Jitter)
  from the host's seeded stream; default 0.

Images: `{name, size, behavior}`; `name` may be a glob (`registry.local/*`, `*`). An image no
entry matches does not exist: its pull fails NotFound, as a registry answers.
"""

from __future__ import annotations

import fnmatch
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from sim.api.quantity import QuantityError, cpu_milli, memory_bytes
from sim.core.durations import parse_duration

__all__ = [
    "BEHAVIOR_ANNOTATION",
    "DURATION_FIELDS",
    "Behavior",
    "BehaviorError",
    "ImageCatalog",
    "ImageSpec",
    "LogSpec",
    "parse_behavior",
    "parse_duration_s",
]

BEHAVIOR_ANNOTATION = "kubesim.io/behavior"
NEVER = math.inf


DURATION_FIELDS = (
    "startDelay",
    "runFor",
    "readyAfter",
    "startedAfter",
    "livenessFailsAfter",
    "stopDelay",
    "preStopDelay",
)
_INTS = ("exitCode", "crashExitCode", "stopExitCode", "execExitCode")
_FIELDS = frozenset(
    (
        *DURATION_FIELDS,
        *_INTS,
        "crashRate",
        "probes",
        "cpu",
        "memory",
        "memoryGrowthPerSecond",
        "jitter",
        "logs",
    )
)
DEFAULTS: dict[str, Any] = {
    "startDelay": 0.3,
    "runFor": NEVER,
    "exitCode": 0,
    "crashRate": 0.0,
    "crashExitCode": 1,
    "readyAfter": 0.0,
    "startedAfter": 0.0,
    "livenessFailsAfter": NEVER,
    "probes": (),
    "cpu": ((0.0, 10),),
    "memory": ((0.0, 20 * 1024 * 1024),),
    "memoryGrowthPerSecond": 0,
    "stopDelay": 0.0,
    "stopExitCode": 0,
    "preStopDelay": 0.0,
    "execExitCode": 0,
    "jitter": 0.0,
    "logs": (),
}


MIN_LOG_EVERY_S = 0.01  # bounds the lines one declaration can produce per simulated second


@dataclass(frozen=True)
class LogSpec:
    """One declared log line: written `after_s` into the run, then every `every_s` (0: once)."""

    after_s: float
    every_s: float
    stream: str
    text: str


class BehaviorError(ValueError):
    """Bad behaviour or catalog input; `path` names the field (relative to the section)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def parse_duration_s(value: Any, path: str, *, allow_never: bool = False) -> float:
    """Seconds from a number or a Go duration string (`never` for infinity where allowed)."""
    if allow_never and (value is None or value == "never"):
        return NEVER
    try:
        return parse_duration(value)
    except ValueError as e:
        raise BehaviorError(path, _duration_reason(value, e)) from None


def _duration_reason(value: Any, error: ValueError) -> str:
    """The core parser's reason; it echoes what it got, which these errors do only for a
    non-empty string (a number or a type error is named by the field's path alone)."""
    if isinstance(value, str) and value.strip():
        return str(error)
    return str(error).partition(", got ")[0]


def _quantity(value: Any, path: str, cpu: bool) -> int:
    try:
        return cpu_milli(value) if cpu else memory_bytes(value)
    except (QuantityError, TypeError, ValueError):
        raise BehaviorError(path, f"expected a quantity, got {value!r}") from None


def _series(value: Any, path: str, cpu: bool) -> tuple[tuple[float, int], ...]:
    if not isinstance(value, list):
        return ((0.0, _quantity(value, path, cpu)),)
    out = []
    for i, step in enumerate(value):
        if not isinstance(step, Mapping) or "value" not in step:
            raise BehaviorError(f"{path}[{i}]", "expected {after, value}")
        after = parse_duration_s(step.get("after", 0), f"{path}[{i}].after")
        out.append((after, _quantity(step["value"], f"{path}[{i}].value", cpu)))
    return tuple(sorted(out, key=lambda s: s[0]))


def _probe_steps(value: Any, path: str) -> tuple[tuple[float, Mapping[str, bool]], ...]:
    if not isinstance(value, list):
        raise BehaviorError(path, "expected a list of {after, readiness, liveness, startup}")
    out = []
    for i, step in enumerate(value):
        p = f"{path}[{i}]"
        if not isinstance(step, Mapping):
            raise BehaviorError(p, "expected {after, readiness, liveness, startup}")
        unknown = sorted(set(step) - {"after", "readiness", "liveness", "startup"})
        if unknown:
            raise BehaviorError(f"{p}.{unknown[0]}", "unknown field")
        answers = {}
        for k in ("readiness", "liveness", "startup"):
            if k in step:
                if not isinstance(step[k], bool):
                    raise BehaviorError(f"{p}.{k}", "expected true or false")
                answers[k] = step[k]
        out.append((parse_duration_s(step.get("after", 0), f"{p}.after"), answers))
    return tuple(sorted(out, key=lambda s: s[0]))


def _log_lines(value: Any, path: str) -> tuple[LogSpec, ...]:
    if not isinstance(value, list):
        raise BehaviorError(path, "expected a list of lines or {line, after, every, stream}")
    out = []
    for i, entry in enumerate(value):
        p = f"{path}[{i}]"
        if isinstance(entry, str):
            out.append(LogSpec(0.0, 0.0, "stdout", entry))
            continue
        if not isinstance(entry, Mapping) or not isinstance(entry.get("line"), str):
            raise BehaviorError(p, "expected a string or {line, after, every, stream}")
        unknown = sorted(set(entry) - {"line", "after", "every", "stream"})
        if unknown:
            raise BehaviorError(f"{p}.{unknown[0]}", "unknown field")
        stream = entry.get("stream", "stdout")
        if stream not in ("stdout", "stderr"):
            raise BehaviorError(f"{p}.stream", "expected stdout or stderr")
        every = parse_duration_s(entry.get("every", 0), f"{p}.every")
        if 0 < every < MIN_LOG_EVERY_S:
            raise BehaviorError(f"{p}.every", f"expected at least {MIN_LOG_EVERY_S:g}s")
        after = parse_duration_s(entry.get("after", 0), f"{p}.after")
        out.append(LogSpec(after, every, stream, entry["line"]))
    return tuple(out)


def parse_behavior(raw: Any, path: str) -> dict[str, Any]:
    """Validate one behaviour object into its parsed fields (only those it sets)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise BehaviorError(path, "expected an object")
    out: dict[str, Any] = {}
    for key in raw:
        if key not in _FIELDS:
            raise BehaviorError(
                f"{path}.{key}", f"unknown field (expected one of {', '.join(sorted(_FIELDS))})"
            )
    for key in DURATION_FIELDS:
        if key in raw:
            never = key in ("runFor", "livenessFailsAfter", "stopDelay")
            out[key] = parse_duration_s(raw[key], f"{path}.{key}", allow_never=never)
    for key in _INTS:
        if key in raw:
            v = raw[key]
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 255:
                raise BehaviorError(f"{path}.{key}", "expected an exit code from 0 to 255")
            out[key] = v
    for key in ("crashRate", "jitter"):
        if key in raw:
            v = raw[key]
            if not isinstance(v, int | float) or isinstance(v, bool) or v < 0:
                raise BehaviorError(f"{path}.{key}", "expected a number >= 0")
            out[key] = float(v)
    if "probes" in raw:
        out["probes"] = _probe_steps(raw["probes"], f"{path}.probes")
    if "cpu" in raw:
        out["cpu"] = _series(raw["cpu"], f"{path}.cpu", True)
    if "memory" in raw:
        out["memory"] = _series(raw["memory"], f"{path}.memory", False)
    if "logs" in raw:
        out["logs"] = _log_lines(raw["logs"], f"{path}.logs")
    if "memoryGrowthPerSecond" in raw:
        out["memoryGrowthPerSecond"] = _quantity(
            raw["memoryGrowthPerSecond"], f"{path}.memoryGrowthPerSecond", False
        )
    return out


def parse_annotation(text: str, path: str) -> dict[str, Any]:
    try:
        raw = json.loads(text)
    except ValueError:
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise BehaviorError(path, f"not JSON or YAML: {e}") from None
    return parse_behavior(raw, path)


@dataclass(frozen=True)
class Behavior:
    """A fully resolved behaviour (every field set; durations in seconds, before jitter)."""

    fields: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    @classmethod
    def merged(cls, *layers: Mapping[str, Any]) -> Behavior:
        out = dict(DEFAULTS)
        for layer in layers:
            out.update(layer)
        return cls(out)

    def at(self, series_key: str, age_s: float) -> int:
        """A cpu (milli) or memory (bytes) step series' value at a container age."""
        value = 0
        for after, v in self.fields[series_key]:
            if after <= age_s:
                value = v
        if series_key == "memory":
            value += int(self.fields["memoryGrowthPerSecond"] * age_s)
        return value

    def probe_answer(self, purpose: str, age_s: float) -> bool:
        f = self.fields
        if purpose == "readiness":
            ok = age_s >= f["readyAfter"]
        elif purpose == "startup":
            ok = age_s >= f["startedAfter"]
        else:
            ok = age_s < f["livenessFailsAfter"]
        for after, answers in f["probes"]:
            if after <= age_s and purpose in answers:
                ok = answers[purpose]
        return ok

    def oom_age_s(self, limit_bytes: int) -> float:
        """The container age at which memory use first exceeds `limit_bytes` (inf if never)."""
        if limit_bytes <= 0:
            return NEVER
        steps = self.fields["memory"]
        growth = self.fields["memoryGrowthPerSecond"]
        best = NEVER
        for i, (after, v) in enumerate(steps):
            end = steps[i + 1][0] if i + 1 < len(steps) else NEVER
            base = v + growth * after
            if base > limit_bytes:
                best = min(best, after)
                break
            if growth > 0:
                t = (limit_bytes - v) / growth
                if after <= t < end:
                    best = min(best, math.nextafter(t, math.inf))
                    break
        return best


@dataclass(frozen=True)
class ImageSpec:
    name: str
    size_bytes: int
    behavior: Mapping[str, Any]


class ImageCatalog:
    """The registry: which images exist, their sizes and behaviours. First match wins."""

    def __init__(self, images: list[ImageSpec]):
        self.images = list(images)
        self._cache: dict[str, ImageSpec | None] = {}

    @classmethod
    def open(cls, size_bytes: int = 50 * 1024 * 1024) -> ImageCatalog:
        """A registry with every image (what a scenario without `spec.cluster.images` gets)."""
        return cls([ImageSpec("*", size_bytes, {})])

    @classmethod
    def parse(cls, raw: Any, path: str = "spec.cluster.images") -> ImageCatalog:
        if raw is None:
            return cls.open()
        if not isinstance(raw, list):
            raise BehaviorError(path, "expected a list of {name, size, behavior}")
        images = []
        for i, entry in enumerate(raw):
            p = f"{path}[{i}]"
            if not isinstance(entry, Mapping):
                raise BehaviorError(p, "expected {name, size, behavior}")
            unknown = sorted(set(entry) - {"name", "size", "behavior"})
            if unknown:
                raise BehaviorError(
                    f"{p}.{unknown[0]}", "unknown field (expected name, size, behavior)"
                )
            name = entry.get("name")
            if not isinstance(name, str) or not name:
                raise BehaviorError(f"{p}.name", "expected an image name or glob")
            size = _quantity(entry.get("size", "50Mi"), f"{p}.size", False)
            images.append(
                ImageSpec(name, size, parse_behavior(entry.get("behavior"), f"{p}.behavior"))
            )
        return cls(images)

    def lookup(self, image: str) -> ImageSpec | None:
        if image in self._cache:
            return self._cache[image]
        found = None
        for spec in self.images:
            if spec.name == image or fnmatch.fnmatchcase(image, spec.name):
                found = spec
                break
        if len(self._cache) < 4096:
            self._cache[image] = found
        return found
