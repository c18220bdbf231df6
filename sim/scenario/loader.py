"""Scenario files: YAML with apiVersion kubesim.io/v1alpha1, kind Scenario.

```yaml
apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: demo}
spec:
  seed: 7
  duration: 10m
  cluster:
    nodePools:
    - {name: pool, count: 3, capacity: {cpu: "4", memory: 16Gi, pods: "110"},
       labels: {topology.kubernetes.io/zone: zone-a}, taints: []}
    apiserver: {latency: {create: 0.004, watch_delay: 0.001}}
  manifests:            # inline objects, or {path: file.yaml} relative to the scenario
  - {path: manifests/web.yaml}
  timeline:
  - {at: 1m, apply: {path: manifests/web-v2.yaml}}
  - {at: 2m, scale: {kind: Deployment, name: web, replicas: 5}}
  - {at: 5m, delete: {kind: Deployment, name: web, propagationPolicy: Foreground}}
```

Every mistake is a `ScenarioError` naming the file, the field path and what was expected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.api.quantity import QuantityError, parse_quantity
from sim.core.errors import ConfigError
from sim.scenario.durations import parse_duration
from sim.scenario.model import NODE_ACTIONS, NodePool, Scenario, TimelineAction

API_VERSION = "kubesim.io/v1alpha1"
# node actions (sim/kubelet/fleet.py KubeletFleet): verb -> (the field naming the target, method)
NODE_VERBS = {
    verb: ("pool" if verb == "addNode" else "node", m) for verb, m in NODE_ACTIONS.items()
}
TIMELINE_VERBS = ("apply", "delete", "scale", "network", *NODE_VERBS)
# spec.cluster sections that components read and validate themselves
COMPONENT_SECTIONS = ("scheduler", "controllerManager", "kubelet", "network", "images")


ScenarioError = ConfigError  # a malformed scenario: `<file>: <field>: <what was expected>`


class _Reader:
    def __init__(self, source: str, base: Path):
        self.source = source
        self.base = base

    def fail(self, path: str, what: str) -> ScenarioError:
        return ScenarioError(f"{self.source}: {path}: {what}")

    def mapping(self, value: Any, path: str, *, required: bool = True) -> dict[str, Any]:
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_describe(value)}")
        return value

    def seq(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {_describe(value)}")
        return value

    def integer(self, value: Any, path: str, *, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected an integer, got {_describe(value)}")
        if value < minimum:
            raise self.fail(path, f"expected an integer >= {minimum}, got {value}")
        return value

    def duration(self, value: Any, path: str) -> float:
        try:
            return parse_duration(value)
        except ValueError as e:
            raise self.fail(path, str(e)) from None

    def string(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(path, f"expected a non-empty string, got {_describe(value)}")
        return value

    def documents(self, entry: Any, path: str) -> list[dict[str, Any]]:
        """Inline objects, or `{path: file}` with one or more YAML documents."""
        if isinstance(entry, dict) and set(entry) == {"path"}:
            file = self.base / self.string(entry["path"], f"{path}.path")
            try:
                text = file.read_text()
            except OSError as e:
                raise self.fail(f"{path}.path", f"cannot read {file}: {e.strerror}") from None
            try:
                docs = [d for d in yaml.safe_load_all(text) if d is not None]
            except yaml.YAMLError as e:
                raise self.fail(f"{path}.path", f"{file} is not valid YAML: {e}") from None
            for i, d in enumerate(docs):
                self.object(d, f"{path}.path[{file.name}#{i}]")
            return docs
        if isinstance(entry, list):
            return [self.object(d, f"{path}[{i}]") for i, d in enumerate(entry)]
        return [self.object(entry, path)]

    def object(self, value: Any, path: str) -> dict[str, Any]:
        obj = self.mapping(value, path)
        for fld in ("apiVersion", "kind"):
            if not isinstance(obj.get(fld), str) or not obj.get(fld):
                raise self.fail(
                    f"{path}.{fld}", "expected a Kubernetes object with apiVersion and kind"
                )
        return obj


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    return (
        f"{type(value).__name__} {value!r}"
        if not isinstance(value, dict | list)
        else type(value).__name__
    )


def load_scenario(path: str | Path) -> Scenario:
    file = Path(path)
    try:
        text = file.read_text()
    except OSError as e:
        raise ScenarioError(f"{file}: cannot read the scenario: {e.strerror}") from None
    return parse_scenario(text, source=str(file), base=file.parent)


def parse_scenario(text: str, *, source: str = "<scenario>", base: Path | None = None) -> Scenario:
    r = _Reader(source, base or Path("."))
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ScenarioError(f"{source}: not valid YAML: {e}") from None
    doc = r.mapping(doc, "(document)")
    if doc.get("apiVersion") != API_VERSION:
        raise r.fail("apiVersion", f"expected {API_VERSION!r}, got {doc.get('apiVersion')!r}")
    if doc.get("kind") != "Scenario":
        raise r.fail("kind", f"expected 'Scenario', got {doc.get('kind')!r}")
    name = str(
        r.mapping(doc.get("metadata"), "metadata", required=False).get("name") or file_stem(source)
    )
    spec = r.mapping(doc.get("spec"), "spec")
    unknown = sorted(set(spec) - {"seed", "duration", "cluster", "manifests", "timeline"})
    if unknown:
        raise r.fail(
            f"spec.{unknown[0]}",
            "unknown field (expected seed, duration, cluster, manifests, timeline)",
        )
    seed = r.integer(spec.get("seed", 0), "spec.seed")
    duration_s = r.duration(spec.get("duration", "10m"), "spec.duration")
    cluster = r.mapping(spec.get("cluster"), "spec.cluster", required=False)
    unknown = sorted(set(cluster) - {"nodePools", "apiserver", *COMPONENT_SECTIONS})
    if unknown:
        raise r.fail(
            f"spec.cluster.{unknown[0]}",
            "unknown field (expected nodePools, apiserver, " + ", ".join(COMPONENT_SECTIONS) + ")",
        )
    components = {k: cluster[k] for k in COMPONENT_SECTIONS if k in cluster}
    pools = tuple(
        _node_pool(r, p, f"spec.cluster.nodePools[{i}]")
        for i, p in enumerate(r.seq(cluster.get("nodePools"), "spec.cluster.nodePools"))
    )
    names = [p.name for p in pools]
    for i, n in enumerate(names):
        if n in names[:i]:
            raise r.fail(f"spec.cluster.nodePools[{i}].name", f"duplicate pool name {n!r}")
    latency = _latency(r, cluster.get("apiserver"))
    manifests: list[dict[str, Any]] = []
    for i, entry in enumerate(r.seq(spec.get("manifests"), "spec.manifests")):
        manifests.extend(r.documents(entry, f"spec.manifests[{i}]"))
    timeline = tuple(
        _action(r, a, f"spec.timeline[{i}]", duration_s)
        for i, a in enumerate(r.seq(spec.get("timeline"), "spec.timeline"))
    )
    return Scenario(
        name, seed, duration_s, pools, tuple(manifests), timeline, latency, source, components
    )


def file_stem(source: str) -> str:
    return Path(source).stem


def _node_pool(r: _Reader, value: Any, path: str) -> NodePool:
    p = r.mapping(value, path)
    name = r.string(p.get("name"), f"{path}.name")
    count = r.integer(p.get("count", 1), f"{path}.count")
    capacity = _resources(r, p.get("capacity"), f"{path}.capacity")
    for res, default in (("pods", "110"),):
        capacity.setdefault(res, default)
    allocatable = (
        _resources(r, p["allocatable"], f"{path}.allocatable") if "allocatable" in p else None
    )
    labels = r.mapping(p.get("labels"), f"{path}.labels", required=False)
    for k, v in labels.items():
        if not isinstance(v, str):
            raise r.fail(f"{path}.labels.{k}", f"expected a string label value, got {_describe(v)}")
    taints = r.seq(p.get("taints"), f"{path}.taints")
    for i, t in enumerate(taints):
        t = r.mapping(t, f"{path}.taints[{i}]")
        r.string(t.get("key"), f"{path}.taints[{i}].key")
        if t.get("effect") not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            raise r.fail(
                f"{path}.taints[{i}].effect", "expected NoSchedule, PreferNoSchedule or NoExecute"
            )
    return NodePool(name, count, capacity, allocatable, dict(labels), list(taints))


def _resources(r: _Reader, value: Any, path: str) -> dict[str, str]:
    res = r.mapping(value, path)
    out: dict[str, str] = {}
    for k, v in res.items():
        try:
            parse_quantity(v)
        except (QuantityError, TypeError, ValueError) as e:
            raise r.fail(
                f"{path}.{k}", f"expected a quantity such as 4, 500m or 16Gi: {e}"
            ) from None
        out[str(k)] = str(v)
    return out


def _latency(r: _Reader, value: Any) -> dict[str, float]:
    api = r.mapping(value, "spec.cluster.apiserver", required=False)
    lat = r.mapping(api.get("latency"), "spec.cluster.apiserver.latency", required=False)
    out: dict[str, float] = {}
    from sim.apiserver.front import Latency

    for k, v in lat.items():
        out[k] = r.duration(v, f"spec.cluster.apiserver.latency.{k}")
    try:
        Latency.from_dict(out)
    except ValueError as e:
        raise r.fail("spec.cluster.apiserver.latency", str(e)) from None
    return out


def _action(r: _Reader, value: Any, path: str, duration_s: float) -> TimelineAction:
    a = r.mapping(value, path)
    at = r.duration(a.get("at"), f"{path}.at")
    if at > duration_s:
        raise r.fail(
            f"{path}.at", f"{a.get('at')} is after the end of the scenario (spec.duration)"
        )
    verbs = [v for v in TIMELINE_VERBS if v in a]
    extra = sorted(set(a) - {"at", *TIMELINE_VERBS})
    if extra or len(verbs) != 1:
        raise r.fail(path, "expected `at` and exactly one of " + ", ".join(TIMELINE_VERBS))
    verb = verbs[0]
    if verb == "network":
        return TimelineAction(
            at, "network", options=_network_action(r, a["network"], f"{path}.network")
        )
    if verb in NODE_VERBS:
        field, _method = NODE_VERBS[verb]
        body = r.mapping(a[verb], f"{path}.{verb}")
        extra_fields = sorted(set(body) - {field})
        if extra_fields:
            raise r.fail(f"{path}.{verb}.{extra_fields[0]}", f"unknown field (expected {field})")
        target = r.string(body.get(field), f"{path}.{verb}.{field}")
        return TimelineAction(at, verb, name=target)
    if verb == "apply":
        return TimelineAction(at, "apply", tuple(r.documents(a["apply"], f"{path}.apply")))
    body = r.mapping(a[verb], f"{path}.{verb}")
    kind = r.string(body.get("kind"), f"{path}.{verb}.kind")
    name = r.string(body.get("name"), f"{path}.{verb}.name")
    namespace = body.get("namespace", "default")
    if verb == "scale":
        replicas = r.integer(body.get("replicas"), f"{path}.scale.replicas")
        return TimelineAction(
            at, "scale", kind=kind, name=name, namespace=namespace, replicas=replicas
        )
    options: dict[str, Any] = {
        k: body[k] for k in ("gracePeriodSeconds", "propagationPolicy") if k in body
    }
    return TimelineAction(at, "delete", kind=kind, name=name, namespace=namespace, options=options)


def _network_action(r: _Reader, value: Any, path: str) -> dict[str, Any]:
    """One of {isolate: node, peer?, oneWay?}, {cut: [a, b], oneWay?}, {heal: [a, b] | name |
    all}, {partition: {name, groups, oneWay?}} (sim/network/install.py Network methods)."""
    body = r.mapping(value, path)
    kinds = [k for k in ("isolate", "cut", "heal", "partition") if k in body]
    if len(kinds) != 1:
        raise r.fail(path, "expected exactly one of isolate, cut, heal, partition")
    kind = kinds[0]
    allowed = {kind, "oneWay"} | ({"peer"} if kind == "isolate" else set())
    extra = sorted(set(body) - allowed)
    if extra:
        raise r.fail(f"{path}.{extra[0]}", "unknown field")
    if "oneWay" in body and not isinstance(body["oneWay"], bool):
        raise r.fail(f"{path}.oneWay", "expected true or false")
    if kind == "isolate":
        r.string(body["isolate"], f"{path}.isolate")
    elif kind == "cut" or (kind == "heal" and isinstance(body["heal"], list)):
        ends = r.seq(body[kind], f"{path}.{kind}")
        if len(ends) != 2 or not all(isinstance(e, str) and e for e in ends):
            raise r.fail(
                f"{path}.{kind}", "expected two endpoint names, such as [node-1, control-plane]"
            )
    elif kind == "heal":
        r.string(body["heal"], f"{path}.heal")
    else:
        p = r.mapping(body["partition"], f"{path}.partition")
        r.string(p.get("name"), f"{path}.partition.name")
        r.seq(p.get("groups"), f"{path}.partition.groups")
    return dict(body)
