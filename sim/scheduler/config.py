"""KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): parsing, defaults, validation.

Follows pkg/scheduler/apis/config/v1/defaults.go (SetDefaults_KubeSchedulerConfiguration:
one profile named default-scheduler when none is given, percentageOfNodesToScore 0 meaning
adaptive, podInitialBackoffSeconds 1, podMaxBackoffSeconds 10), default_plugins.go (the
MultiPoint default set and mergePluginSet: a custom set's disabled names, or "*", remove
defaults; a custom enabled plugin that is also a default replaces it in place; the other custom
plugins are appended) and validation/validation.go (unique scheduler names, one queue sort
for all profiles, percentages within 0..100).

Errors are `ConfigError(path, what)`; `install` turns them into ScenarioErrors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.core import ConfigError as CoreConfigError

API_VERSION = "kubescheduler.config.k8s.io/v1"
DEFAULT_SCHEDULER_NAME = "default-scheduler"

# (config field, python methods a plugin implements for it)
EXTENSION_POINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("preEnqueue", ("pre_enqueue",)),
    ("queueSort", ("less",)),
    ("preFilter", ("pre_filter",)),
    ("filter", ("filter", "filter_nodes")),
    ("postFilter", ("post_filter",)),
    ("preScore", ("pre_score",)),
    ("score", ("score", "score_nodes")),
    ("reserve", ("reserve",)),
    ("permit", ("permit",)),
    ("preBind", ("pre_bind",)),
    ("bind", ("bind",)),
    ("postBind", ("post_bind",)),
)
POINT_NAMES = ("multiPoint", *(p for p, _ in EXTENSION_POINTS))

# default_plugins.go getDefaultPlugins (1.32), volume plugins omitted: kubesim has no volumes
DEFAULT_MULTI_POINT: tuple[tuple[str, int], ...] = (
    ("SchedulingGates", 0),
    ("PrioritySort", 0),
    ("NodeUnschedulable", 0),
    ("NodeName", 0),
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("NodePorts", 0),
    ("NodeResourcesFit", 1),
    ("PodTopologySpread", 2),
    ("InterPodAffinity", 2),
    ("DefaultPreemption", 0),
    ("NodeResourcesBalancedAllocation", 1),
    ("ImageLocality", 1),
    ("DefaultBinder", 0),
)
# plugins upstream enables that kubesim accepts by name and treats as always passing
NO_OP_PLUGINS = ("VolumeRestrictions", "NodeVolumeLimits", "VolumeBinding", "VolumeZone")


class ConfigError(CoreConfigError):
    """A bad field of the configuration: `path` relative to the configuration, and `what`."""

    def __init__(self, path: str, what: str):
        super().__init__(f"{path}: {what}")
        self.path = path
        self.what = what


@dataclass(frozen=True)
class PluginRef:
    name: str
    weight: int = 0


@dataclass
class PluginSet:
    enabled: list[PluginRef] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)


@dataclass
class Profile:
    scheduler_name: str
    plugins: dict[str, PluginSet]
    plugin_config: dict[str, dict[str, Any]]
    percentage_of_nodes_to_score: int | None = None


@dataclass
class SchedulerConfiguration:
    profiles: list[Profile]
    percentage_of_nodes_to_score: int | None = None
    pod_initial_backoff_s: float = 1.0
    pod_max_backoff_s: float = 10.0


def _plugin_set(raw: Any, path: str) -> PluginSet:
    if raw is None:
        return PluginSet()
    if not isinstance(raw, Mapping):
        raise ConfigError(path, "expected a mapping with enabled and disabled lists")
    unknown = sorted(set(raw) - {"enabled", "disabled"})
    if unknown:
        raise ConfigError(f"{path}.{unknown[0]}", "unknown field (expected enabled, disabled)")
    out = PluginSet()
    for key in ("enabled", "disabled"):
        items = raw.get(key) or []
        if not isinstance(items, list):
            raise ConfigError(f"{path}.{key}", "expected a list of plugins")
        for i, p in enumerate(items):
            if not isinstance(p, Mapping) or not isinstance(p.get("name"), str) or not p["name"]:
                raise ConfigError(f"{path}.{key}[{i}].name", "a plugin name is required")
            if key == "disabled":
                out.disabled.append(p["name"])
                continue
            w = p.get("weight", 0)
            if not isinstance(w, int) or isinstance(w, bool) or w < 0 or w > 100:
                raise ConfigError(f"{path}.{key}[{i}].weight", "must be an integer in 0..100")
            out.enabled.append(PluginRef(p["name"], w))
    return out


def merge_plugin_set(default: PluginSet, custom: PluginSet) -> PluginSet:
    """default_plugins.go mergePluginSet."""
    disabled = set(custom.disabled) | set(default.disabled)
    custom_index = {p.name: i for i, p in enumerate(custom.enabled)}
    replaced: set[int] = set()
    enabled: list[PluginRef] = []
    if "*" not in disabled:
        for p in default.enabled:
            if p.name in disabled:
                continue
            i = custom_index.get(p.name)
            if i is not None:
                p = custom.enabled[i]
                replaced.add(i)
            enabled.append(p)
    enabled.extend(p for i, p in enumerate(custom.enabled) if i not in replaced)
    return PluginSet(enabled, [*custom.disabled, *default.disabled])


def _percentage(raw: Any, path: str) -> int | None:
    if raw is None:
        return None
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= 100:
        raise ConfigError(path, "must be an integer in 0..100")
    return raw


def _profile(raw: Any, path: str, single: bool) -> Profile:
    if not isinstance(raw, Mapping):
        raise ConfigError(path, "expected a mapping")
    unknown = sorted(
        set(raw) - {"schedulerName", "plugins", "pluginConfig", "percentageOfNodesToScore"}
    )
    if unknown:
        raise ConfigError(f"{path}.{unknown[0]}", "unknown field")
    name = raw.get("schedulerName")
    if name is None and single:
        name = DEFAULT_SCHEDULER_NAME
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{path}.schedulerName", "a scheduler name is required")
    plugins_raw = raw.get("plugins") or {}
    if not isinstance(plugins_raw, Mapping):
        raise ConfigError(f"{path}.plugins", "expected a mapping of extension points")
    unknown = sorted(set(plugins_raw) - set(POINT_NAMES))
    if unknown:
        raise ConfigError(f"{path}.plugins.{unknown[0]}", "unknown extension point")
    defaults = {p: PluginSet() for p in POINT_NAMES}
    defaults["multiPoint"] = PluginSet([PluginRef(n, w) for n, w in DEFAULT_MULTI_POINT])
    plugins = {
        p: merge_plugin_set(defaults[p], _plugin_set(plugins_raw.get(p), f"{path}.plugins.{p}"))
        for p in POINT_NAMES
    }
    pc: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(raw.get("pluginConfig") or []):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise ConfigError(f"{path}.pluginConfig[{i}].name", "a plugin name is required")
        if entry["name"] in pc:
            raise ConfigError(
                f"{path}.pluginConfig[{i}]", f"duplicate config for plugin {entry['name']}"
            )
        args = entry.get("args") or {}
        if not isinstance(args, Mapping):
            raise ConfigError(f"{path}.pluginConfig[{i}].args", "expected a mapping")
        pc[entry["name"]] = {k: v for k, v in args.items() if k not in ("apiVersion", "kind")}
    pct = _percentage(raw.get("percentageOfNodesToScore"), f"{path}.percentageOfNodesToScore")
    return Profile(name, plugins, pc, pct)


def parse_configuration(
    raw: Mapping[str, Any] | None, base: Path | None = None
) -> SchedulerConfiguration:
    """A validated configuration from a KubeSchedulerConfiguration dict, {configFile: path},
    or None (the defaults)."""
    raw = dict(raw or {})
    if "configFile" in raw:
        path = Path(str(raw["configFile"]))
        if base is not None and not path.is_absolute():
            path = base / path
        try:
            loaded = yaml.safe_load(path.read_text())
        except OSError as e:
            raise ConfigError("configFile", f"cannot read {path}: {e.strerror}") from None
        except yaml.YAMLError as e:
            raise ConfigError("configFile", f"not valid YAML: {e}") from None
        if not isinstance(loaded, Mapping):
            raise ConfigError("configFile", "expected a KubeSchedulerConfiguration")
        raw = dict(loaded)
    if raw.get("apiVersion", API_VERSION) != API_VERSION:
        raise ConfigError("apiVersion", f"expected {API_VERSION}")
    if raw.get("kind", "KubeSchedulerConfiguration") != "KubeSchedulerConfiguration":
        raise ConfigError("kind", "expected KubeSchedulerConfiguration")
    known = {
        "apiVersion",
        "kind",
        "profiles",
        "percentageOfNodesToScore",
        "podInitialBackoffSeconds",
        "podMaxBackoffSeconds",
        "parallelism",
        "leaderElection",
        "clientConnection",
        "extenders",
        "delayCacheUntilActive",
        "enableProfiling",
        "enableContentionProfiling",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(unknown[0], "unknown field")
    if raw.get("extenders"):
        raise ConfigError("extenders", "scheduler extenders are not supported")
    profiles_raw = raw.get("profiles") or [{}]
    if not isinstance(profiles_raw, list):
        raise ConfigError("profiles", "expected a list")
    profiles = [
        _profile(p, f"profiles[{i}]", len(profiles_raw) == 1) for i, p in enumerate(profiles_raw)
    ]
    seen: set[str] = set()
    for i, p in enumerate(profiles):
        if p.scheduler_name in seen:
            raise ConfigError(
                f"profiles[{i}].schedulerName", f"duplicate value {p.scheduler_name!r}"
            )
        seen.add(p.scheduler_name)
    backoff = []
    for key, default in (("podInitialBackoffSeconds", 1), ("podMaxBackoffSeconds", 10)):
        v = raw.get(key, default)
        if not isinstance(v, int | float) or isinstance(v, bool) or v <= 0:
            raise ConfigError(key, "must be greater than 0")
        backoff.append(float(v))
    if backoff[1] < backoff[0]:
        raise ConfigError("podMaxBackoffSeconds", "must be at least podInitialBackoffSeconds")
    return SchedulerConfiguration(
        profiles,
        _percentage(raw.get("percentageOfNodesToScore"), "percentageOfNodesToScore"),
        backoff[0],
        backoff[1],
    )
