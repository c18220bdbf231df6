"""PodInfo's shapes come from the ShapeCache its owner passes: one shape per distinct value of
the shape fields, found by value, bounded, and nothing kept by the process."""

from __future__ import annotations

from sim.api.frozen import freeze
from sim.scheduler.podinfo import PodInfo, ShapeCache
from tests.scheduler.helpers import pod


def test_replicas_share_one_shape_in_one_cache() -> None:
    shapes = ShapeCache()
    a, b = PodInfo(pod("a", "100m"), shapes), PodInfo(pod("b", "100m"), shapes)
    assert a.shape is b.shape
    assert len(shapes) == 1


def test_frozen_replicas_share_one_shape_through_the_identity_match() -> None:
    shapes = ShapeCache()
    template = freeze(pod("t", "100m"))["spec"]
    a = PodInfo({"metadata": {"name": "a"}, "spec": template}, shapes)
    b = PodInfo({"metadata": {"name": "b"}, "spec": template}, shapes)
    c = PodInfo({"metadata": {"name": "c"}, "spec": freeze(pod("t", "100m"))["spec"]}, shapes)
    assert a.shape is b.shape is c.shape  # c's values are equal, not identical: the JSON key


def test_different_namespaces_or_requests_get_different_shapes() -> None:
    shapes = ShapeCache()
    base = PodInfo(pod("a", "100m"), shapes).shape
    assert PodInfo(pod("b", "200m"), shapes).shape is not base
    other_ns = pod("c", "100m")
    other_ns["metadata"]["namespace"] = "other"
    assert PodInfo(other_ns, shapes).shape is not base


def test_each_cache_parses_its_own_shapes_and_none_is_shared() -> None:
    p = pod("a", "100m")
    assert PodInfo(p, ShapeCache()).shape is not PodInfo(p, ShapeCache()).shape
    assert PodInfo(p).shape is not PodInfo(p).shape  # no cache: parsed afresh
    assert PodInfo(p).shape.key == PodInfo(p, ShapeCache()).shape.key


def test_the_cache_is_bounded() -> None:
    shapes = ShapeCache(max_shapes=4)
    for i in range(10):
        PodInfo(freeze(pod(f"p{i}", f"{i + 1}00m")), shapes)
        assert len(shapes) <= 4
