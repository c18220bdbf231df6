"""What the scheduler knows about a pod, parsed once per pod shape.

Follows pkg/scheduler/framework/types.go (PodInfo, AffinityTerm, newAffinityTerm,
getPodAffinityTerms) and pkg/scheduler/util/pod_resources.go (the non-zero default requests
used when scoring: 100 millicores and 200 MiB for a container that sets none).

A `PodShape` is everything scheduling reads from a pod except its identity and labels: the
requests, ports, affinity terms, tolerations, node selector and spread constraints. Replicas of
one controller share one shape (looked up by the JSON of those fields in the `ShapeCache` the
scheduler owns), so parsing and every per-shape cache (`Snapshot.static_mask`) are paid once
per controller, not once per pod.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import is_
from typing import Any

import orjson

from sim.api.builtin.pod import pod_requests
from sim.api.frozen import FrozenDict, FrozenList
from sim.api.labels import NOTHING, Selector, selector_from_label_selector

DEFAULT_MILLI_CPU_REQUEST = 100  # pkg/scheduler/util/pod_resources.go
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
DEFAULT_SCHEDULER_NAME = "default-scheduler"
_EMPTY: Mapping[str, Any] = {}


def _map(v: Any) -> Mapping[str, Any]:
    t = type(v)
    if t is FrozenDict or t is dict:  # before the (slow) ABC check
        return v  # type: ignore[no-any-return]
    return v if isinstance(v, Mapping) else _EMPTY


def _items(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


class AffinityTerm:
    """framework.AffinityTerm: namespaces, namespace selector, label selector, topology key.

    `matches(ns, labels, ns_labels)` is upstream's AffinityTerm.Matches: the pod's namespace is
    listed or its namespace's labels match the namespace selector, and its labels match.
    """

    __slots__ = ("namespaces", "ns_selector", "selector", "topology_key", "key")

    def __init__(
        self,
        namespaces: frozenset[str],
        ns_selector: Selector,
        selector: Selector,
        topology_key: str,
        key: bytes,
    ):
        self.namespaces = namespaces
        self.ns_selector = ns_selector
        self.selector = selector
        self.topology_key = topology_key
        self.key = key

    @classmethod
    def parse(cls, term: Mapping[str, Any], pod_namespace: str) -> AffinityTerm:
        names = [str(n) for n in _items(term.get("namespaces"))]
        ns_sel_raw = term.get("namespaceSelector")
        if not names and ns_sel_raw is None:
            names = [pod_namespace]
        key = orjson.dumps(
            [sorted(set(names)), ns_sel_raw, term.get("labelSelector"), term.get("topologyKey")],
            option=orjson.OPT_SORT_KEYS,
        )
        return cls(
            frozenset(names),
            selector_from_label_selector(ns_sel_raw),
            selector_from_label_selector(term.get("labelSelector")),
            str(term.get("topologyKey") or ""),
            key,
        )

    def matches(
        self, namespace: str, labels: Mapping[str, str] | None, ns_labels: Mapping[str, str] | None
    ) -> bool:
        if namespace in self.namespaces or self.ns_selector.matches(ns_labels):
            return self.selector.matches(labels)
        return False

    def resolved(self, namespaces_matching: Any) -> AffinityTerm:
        """mergeAffinityTermNamespacesIfNotEmpty: a namespace selector that is neither empty
        (all namespaces) nor nothing becomes the names of the namespaces it selects now."""
        if self.ns_selector.empty() or self.ns_selector.matches_nothing():
            return self
        extra = frozenset(namespaces_matching(self.ns_selector))
        ns = self.namespaces | extra
        return AffinityTerm(
            ns, NOTHING, self.selector, self.topology_key, self.key + repr(sorted(ns)).encode()
        )

    def namespace_key(self) -> frozenset[str] | None:
        """The namespaces this (resolved) term covers; None means every namespace."""
        if self.ns_selector.empty():
            return None
        return self.namespaces

    def __repr__(self) -> str:
        return f"AffinityTerm({sorted(self.namespaces)}, {self.selector!s}, {self.topology_key})"


class PodShape:
    """Everything scheduling reads from a pod spec (see the module docstring)."""

    __slots__ = (
        "key",
        "requests",
        "nonzero_cpu",
        "nonzero_memory",
        "host_ports",
        "required_affinity",
        "required_anti_affinity",
        "preferred_affinity",
        "preferred_anti_affinity",
        "tolerations",
        "node_selector",
        "required_node_affinity",
        "preferred_node_affinity",
        "spread_constraints",
        "images",
        "num_containers",
        "scheduling_gates",
        "preemption_policy",
        "cache",
    )

    def __init__(self, key: bytes, spec: Mapping[str, Any], namespace: str):
        self.key = key
        self.requests: dict[str, int] = {k: v for k, v in pod_requests({"spec": spec}).items()}
        nz = pod_requests({"spec": _non_missing(spec)})
        self.nonzero_cpu = nz.get("cpu", 0)
        self.nonzero_memory = nz.get("memory", 0)
        ports: list[tuple[str, str, int]] = []
        # nodeports.go getContainerPorts and NodeInfo's used ports read spec.containers only
        # in 1.32: an init container's hostPort (sidecar or not) is neither wanted nor held.
        for c in _items(spec.get("containers")):
            for p in _items(_map(c).get("ports")):
                hp = _map(p).get("hostPort")
                if hp:
                    ports.append(
                        (
                            str(p.get("hostIP") or "0.0.0.0"),
                            str(p.get("protocol") or "TCP"),
                            int(hp),
                        )
                    )
        self.host_ports = tuple(ports)
        aff = _map(spec.get("affinity"))
        pa, paa = _map(aff.get("podAffinity")), _map(aff.get("podAntiAffinity"))
        req = "requiredDuringSchedulingIgnoredDuringExecution"
        pref = "preferredDuringSchedulingIgnoredDuringExecution"
        self.required_affinity = tuple(
            AffinityTerm.parse(t, namespace) for t in _items(pa.get(req))
        )
        self.required_anti_affinity = tuple(
            AffinityTerm.parse(t, namespace) for t in _items(paa.get(req))
        )
        self.preferred_affinity = tuple(
            (int(t.get("weight", 0)), AffinityTerm.parse(_map(t.get("podAffinityTerm")), namespace))
            for t in _items(pa.get(pref))
        )
        self.preferred_anti_affinity = tuple(
            (int(t.get("weight", 0)), AffinityTerm.parse(_map(t.get("podAffinityTerm")), namespace))
            for t in _items(paa.get(pref))
        )
        self.tolerations = tuple(_map(t) for t in _items(spec.get("tolerations")))
        self.node_selector = dict(_map(spec.get("nodeSelector")))
        na = _map(aff.get("nodeAffinity"))
        required = na.get(req)
        self.required_node_affinity = (
            [_map(t) for t in _items(_map(required).get("nodeSelectorTerms"))]
            if required is not None
            else None
        )
        self.preferred_node_affinity = tuple(
            (int(t.get("weight", 0)), _map(t.get("preference"))) for t in _items(na.get(pref))
        )
        self.spread_constraints = tuple(
            _map(c) for c in _items(spec.get("topologySpreadConstraints"))
        )
        self.images = tuple(
            normalized_image_name(str(_map(c).get("image", "")))
            for c in _items(spec.get("initContainers")) + _items(spec.get("containers"))
        )
        self.num_containers = len(self.images)
        self.scheduling_gates = tuple(
            str(_map(g).get("name", "")) for g in _items(spec.get("schedulingGates"))
        )
        self.preemption_policy = str(spec.get("preemptionPolicy") or "PreemptLowerPriority")
        # per-shape results owned by plugins (keyed by plugin name), see Snapshot.static_mask
        self.cache: dict[Any, Any] = {}

    @property
    def has_affinity(self) -> bool:
        return bool(
            self.required_affinity
            or self.required_anti_affinity
            or self.preferred_affinity
            or self.preferred_anti_affinity
        )


def _non_missing(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec with every container's missing cpu/memory request set to the default."""

    def fill(c: Any) -> dict[str, Any]:
        c = _map(c)
        reqs = dict(_map(_map(c.get("resources")).get("requests")))
        reqs.setdefault("cpu", f"{DEFAULT_MILLI_CPU_REQUEST}m")
        reqs.setdefault("memory", str(DEFAULT_MEMORY_REQUEST))
        return {"restartPolicy": c.get("restartPolicy"), "resources": {"requests": reqs}}

    return {
        "containers": [fill(c) for c in _items(spec.get("containers"))],
        "initContainers": [fill(c) for c in _items(spec.get("initContainers"))],
        "overhead": spec.get("overhead") or {},
    }


def normalized_image_name(name: str) -> str:
    """imagelocality.normalizedImageName: add `:latest` when no tag is given."""
    if name.rfind(":") <= name.rfind("/"):
        name += ":latest"
    return name


_SHAPE_FIELDS = (
    "containers",
    "initContainers",
    "overhead",
    "affinity",
    "tolerations",
    "nodeSelector",
    "topologySpreadConstraints",
    "schedulingGates",
    "preemptionPolicy",
)


class ShapeCache:
    """The pod shapes one scheduler (or one `explain`) has parsed, by value: the JSON of the
    pod's namespace and `_SHAPE_FIELDS` values. Bounded: emptied when it holds `max_shapes`.

    In front of the JSON key, the most recently found shapes are matched by the identity of
    their values: pods stamped from one template hold the very same interned (frozen) values,
    and identical immutable values are equal values, so a hit is the shape the JSON key would
    find, without serialising the spec. An entry is made only when every value is immutable,
    and it keeps the values alive."""

    RECENT = 8  # shapes matched by identity, the last found first

    __slots__ = ("_by_key", "_recent", "max_shapes")

    def __init__(self, max_shapes: int = 8192):
        self._by_key: dict[bytes, PodShape] = {}
        self._recent: list[tuple[str, tuple[Any, ...], PodShape]] = []
        self.max_shapes = max_shapes

    def __len__(self) -> int:
        return len(self._by_key)

    def shape(self, spec: Mapping[str, Any], ns: str, values: tuple[Any, ...]) -> PodShape:
        """The shape of a pod in namespace `ns` whose `spec` has `values` for _SHAPE_FIELDS."""
        recent = self._recent
        for i, (hit_ns, hit_values, hit) in enumerate(recent):
            if hit_ns == ns and all(map(is_, hit_values, values)):
                if i:
                    recent.insert(0, recent.pop(i))
                return hit
        key = orjson.dumps([ns, values])
        by_key = self._by_key
        shape = by_key.get(key)
        if shape is None:
            if len(by_key) >= self.max_shapes:
                by_key.clear()
                recent.clear()
            shape = by_key[key] = PodShape(key, spec, ns)
        if _IMMUTABLE.issuperset(map(type, values)):
            recent.insert(0, (ns, values, shape))
            del recent[self.RECENT :]
        return shape


_IMMUTABLE = frozenset((FrozenList, FrozenDict, str, type(None)))


class PodInfo:
    """framework.PodInfo: one pod version with its parsed shape, found in `shapes` (the
    owner's ShapeCache, so that replicas share one shape), or parsed afresh without one."""

    __slots__ = (
        "pod",
        "key",
        "name",
        "namespace",
        "uid",
        "labels",
        "priority",
        "node_name",
        "terminating",
        "scheduler_name",
        "shape",
        "creation",
    )

    def __init__(self, pod: Mapping[str, Any], shapes: ShapeCache | None = None):
        meta = _map(pod.get("metadata"))
        spec = _map(pod.get("spec"))
        self.pod = pod
        self.name = name = str(meta.get("name", ""))
        self.namespace = namespace = str(meta.get("namespace") or "default")
        self.key = f"{namespace}/{name}"
        self.uid = str(meta.get("uid", ""))
        self.labels: Mapping[str, str] = _map(meta.get("labels"))
        self.priority = int(spec.get("priority") or 0)
        self.node_name = str(spec.get("nodeName") or "")
        self.terminating = bool(meta.get("deletionTimestamp"))
        self.scheduler_name = str(spec.get("schedulerName") or DEFAULT_SCHEDULER_NAME)
        self.creation = str(meta.get("creationTimestamp") or "")
        values = tuple(map(spec.get, _SHAPE_FIELDS))
        # the shape: the scheduler's ShapeCache, or parsed afresh without one
        self.shape: PodShape = (
            shapes.shape(spec, namespace, values)
            if shapes is not None
            else PodShape(orjson.dumps([namespace, values]), spec, namespace)
        )

    def on_node(self, node_name: str) -> PodInfo:
        """The same pod assumed on `node_name` (the scheduler cache's assumed copy)."""
        clone = _new_pod_info(PodInfo)
        clone.pod = self.pod
        clone.key = self.key
        clone.name = self.name
        clone.namespace = self.namespace
        clone.uid = self.uid
        clone.labels = self.labels
        clone.priority = self.priority
        clone.node_name = node_name
        clone.terminating = self.terminating
        clone.scheduler_name = self.scheduler_name
        clone.shape = self.shape
        clone.creation = self.creation
        return clone

    @property
    def nominated_node_name(self) -> str:
        return str(_map(self.pod.get("status")).get("nominatedNodeName") or "")

    def __repr__(self) -> str:
        return f"PodInfo({self.key})"


_new_pod_info = object.__new__
assert len(PodInfo.__slots__) == 12, "PodInfo.on_node copies every slot"


def tolerates(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    """v1 Toleration.ToleratesTaint (staging/src/k8s.io/api/core/v1/toleration.go)."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def find_untolerated_taint(
    taints: Any, tolerations: Any, effects: tuple[str, ...] = ("NoSchedule", "NoExecute")
) -> Mapping[str, Any] | None:
    """v1helper.FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc."""
    for t in taints:
        if t.get("effect") not in effects:
            continue
        if not any(tolerates(tol, t) for tol in tolerations):
            return t
    return None
