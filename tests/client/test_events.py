"""The event recorder: dedup into counts, aggregation of similar events, spam filtering."""

from __future__ import annotations

from sim import Cluster
from tests.conftest import bare_cluster, pod


def events(c: Cluster) -> list[dict]:
    return c.list("events", namespace="default")


def test_repeated_event_bumps_count_instead_of_creating() -> None:
    c = bare_cluster(seed=1)
    p = c.api.create("pods", pod("a"))
    from sim.client.events import EventRecorder

    rec = EventRecorder(c.client("kubelet"), c.clock, "kubelet", host="n1")
    rec.event(p, "Normal", "Pulled", "Container image already present")
    c.run(until=1)
    rec.event(p, "Normal", "Pulled", "Container image already present")
    c.run(until=2)
    evs = events(c)
    assert len(evs) == 1
    ev = evs[0]
    assert ev["count"] == 2 and ev["reason"] == "Pulled"
    assert ev["involvedObject"]["name"] == "a" and ev["source"] == {
        "component": "kubelet",
        "host": "n1",
    }
    assert ev["firstTimestamp"] == "2025-01-01T00:00:00Z"
    assert ev["lastTimestamp"] == "2025-01-01T00:00:01Z"


def test_more_than_ten_similar_messages_are_combined() -> None:
    c = bare_cluster(seed=1)
    p = c.api.create("pods", pod("a"))
    from sim.client.events import EventRecorder

    rec = EventRecorder(c.client("x"), c.clock, "x")
    for i in range(12):
        rec.event(p, "Warning", "Failed", f"failure {i}")
        c.run(until=i + 1)
    evs = events(c)
    combined = [e for e in evs if e["message"].startswith("(combined from similar events): ")]
    assert len(evs) == 10 and len(combined) == 1 and combined[0]["count"] == 3


def test_storms_are_dropped_after_a_burst_of_25() -> None:
    c = bare_cluster(seed=1)
    p = c.api.create("pods", pod("a"))
    from sim.client.events import EventRecorder

    rec = EventRecorder(c.client("x"), c.clock, "x")
    for i in range(40):
        rec.event(p, "Normal", f"R{i}", "m")
    c.run(until=1)
    assert rec.dropped == 15 and len(events(c)) == 25
