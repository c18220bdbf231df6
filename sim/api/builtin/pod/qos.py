"""A pod's QoS class and its effective resource requests.

Models pkg/apis/core/helper/qos/qos.go (ComputePodQOS, GetPodQOS) and
k8s.io/component-helpers/resource/helpers.go (PodRequests). The QoS answer is memoized by the
containers' resources in a bounded table: replicas of one template share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import orjson

from sim.api.builtin.pod.resources import _QOS_RESOURCES
from sim.api.builtin.pod.values import _items, _map, _try_quantity
from sim.api.quantity import Quantity


def _sum_positive(
    containers: Iterable[Any], field_name: str, totals: dict[str, Quantity]
) -> list[set[str]]:
    """Per container, the QoS resources with a positive value; adds them into `totals`."""
    found: list[set[str]] = []
    for c in containers:
        seen: set[str] = set()
        for name, value in _map(_map(_map(c).get("resources")).get(field_name)).items():
            if name not in _QOS_RESOURCES:
                continue
            q = _try_quantity(value)
            if q is not None and q.sign() > 0:
                seen.add(name)
                totals[name] = totals[name] + q if name in totals else q
        found.append(seen)
    return found


def compute_pod_qos(pod: Mapping[str, Any]) -> str:
    """ComputePodQOS: Guaranteed, Burstable or BestEffort from cpu/memory requests and limits
    of regular and init containers (ephemeral containers cannot set resources). Memoized by
    the containers' resources: replicas of one template share the answer."""
    spec = _map(pod.get("spec"))
    containers = _items(spec.get("containers")) + _items(spec.get("initContainers"))
    return _qos_of_resources(orjson.dumps([_map(c).get("resources") for c in containers]))


@lru_cache(maxsize=4096)
def _qos_of_resources(resources: bytes) -> str:
    """The QoS class of the containers' `resources` (JSON): a pure function of the value, so a
    bounded process-wide memo like the quantity parser's holds no run's state."""
    return _compute_qos([{"resources": r} for r in orjson.loads(resources)])


def _compute_qos(containers: list[Any]) -> str:
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    _sum_positive(containers, "requests", requests)
    limits_found = _sum_positive(containers, "limits", limits)
    if not requests and not limits:
        return "BestEffort"
    guaranteed = all(len(found) == len(_QOS_RESOURCES) for found in limits_found)
    if guaranteed:
        for name, req in requests.items():
            if limits.get(name) != req:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def pod_qos_class(pod: Mapping[str, Any]) -> str:
    """GetPodQOS: status.qosClass when set (it is immutable once set), else computed."""
    qos = _map(pod.get("status")).get("qosClass")
    return qos if qos else compute_pod_qos(pod)


def _add_milli(total: dict[str, int], resources: Mapping[str, Any]) -> None:
    for name, value in resources.items():
        q = _try_quantity(value)
        if q is not None:
            total[name] = total.get(name, 0) + q.milli_value()


def _max_milli(total: dict[str, int], other: Mapping[str, int]) -> None:
    for name, value in other.items():
        if value > total.get(name, 0) or name not in total:
            total[name] = value


def pod_requests(pod: Mapping[str, Any]) -> dict[str, int]:
    """resourcehelper.PodRequests: the sum of regular and sidecar containers, at least what any
    init container needs while it runs (with the sidecars started before it), plus overhead.
    cpu is in millicores; every other resource in whole units (bytes for memory), rounded up."""
    spec = _map(pod.get("spec"))
    milli: dict[str, int] = {}
    for c in _items(spec.get("containers")):
        _add_milli(milli, _map(_map(_map(c).get("resources")).get("requests")))
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for c in _items(spec.get("initContainers")):
        c = _map(c)
        reqs = _map(_map(c.get("resources")).get("requests"))
        if c.get("restartPolicy") == "Always":
            _add_milli(milli, reqs)
            _add_milli(sidecars, reqs)
            _max_milli(init_max, sidecars)
        else:
            running = dict(sidecars)
            _add_milli(running, reqs)
            _max_milli(init_max, running)
    _max_milli(milli, init_max)
    _add_milli(milli, _map(spec.get("overhead")))
    return {name: v if name == "cpu" else -(-v // 1000) for name, v in milli.items()}
