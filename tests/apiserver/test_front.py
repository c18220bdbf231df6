"""The in-process front: modelled latency per verb, delayed batched watch delivery."""

from __future__ import annotations

from typing import Any

import pytest

from sim import ApiError
from sim.apiserver.front import Latency
from tests.conftest import bare_cluster, pod


def test_a_request_completes_after_its_verbs_latency() -> None:
    c = bare_cluster(seed=1, latency=Latency(create_s=0.25, get_s=0.1))
    client = c.client("tester")
    times: dict[str, float] = {}

    def loop() -> Any:
        created = yield client.create("pods", pod("a"))
        times["created"] = c.now
        got = yield client.get("pods", "a")
        times["got"] = c.now
        assert got is c.api.get("pods", "a") and created["metadata"]["name"] == "a"

    c.clock.process(loop())
    c.run(until=5)
    assert times == {"created": 0.25, "got": pytest.approx(0.35)}
    rec = [r for r in c.trace.records if r.ref == "pods/default/a"][0]
    assert (rec.time, rec.component) == (0.25, "tester")


def test_errors_raise_at_the_yield() -> None:
    c = bare_cluster(seed=1)
    client = c.client("tester")
    caught: list[int] = []

    def loop() -> Any:
        try:
            yield client.get("pods", "missing")
        except ApiError as e:
            caught.append(e.code)

    c.clock.process(loop())
    c.run(until=1)
    assert caught == [404]


def test_watch_events_arrive_after_the_delay_in_one_batch() -> None:
    c = bare_cluster(seed=1, latency=Latency(watch_delay_s=0.5))
    client = c.client("watcher")
    batches: list[tuple[float, list[str]]] = []

    def loop() -> Any:
        stream = yield client.watch("pods", resource_version=str(c.store.revision))
        while True:
            batch = yield stream.next()
            batches.append((c.now, [e.object["metadata"]["name"] for e in batch]))

    c.clock.process(loop())
    c.run(until=1)
    c.api.create("pods", pod("a"))
    c.api.create("pods", pod("b"))
    c.run(until=3)
    assert batches == [(1.5, ["a", "b"])]


def test_latency_is_configurable_from_a_mapping() -> None:
    lat = Latency.from_dict({"create": 0.01, "watch_delay": 0.002})
    assert (lat.of("create"), lat.watch_delay_s) == (0.01, 0.002)
    with pytest.raises(ValueError):
        Latency.from_dict({"teleport": 1})
