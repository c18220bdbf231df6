"""Node lifecycle, taint eviction and node IPAM, with upstream timings."""

from __future__ import annotations

from typing import Any

import pytest

from sim.controllers import ControllerManagerConfig
from sim.scenario.loader import ScenarioError
from tests.conftest import deployment
from tests.controllers.conftest import make_cluster
from tests.controllers.fakes import LEASE_RENEW_S


def no_execute(c: Any, node: str) -> list[str]:
    return [
        t["key"]
        for t in c.get("nodes", node, namespace="")["spec"].get("taints") or ()
        if t["effect"] == "NoExecute"
    ]


def first(c: Any, component: str, verb: str, ref_part: str = "") -> float:
    for r in c.trace.records:
        if r.component == component and r.verb == verb and ref_part in r.ref:
            return r.time
    raise AssertionError(f"no {component} {verb} {ref_part}")


def test_silent_node_goes_unknown_is_tainted_and_its_pods_evicted_after_300s() -> None:
    c, _cm, k = make_cluster(nodes=3)
    c.apply(deployment("web", 6))
    c.run(60)
    victims = sorted(
        p["metadata"]["name"] for p in c.list("pods") if p["spec"]["nodeName"] == "z0-1"
    )
    assert victims
    c.run(100.5)
    k.stop_node("z0-1")
    last_renew = 100.0  # leases renew every 10 s from t=0
    c.run(600)
    unknown = first(c, "node-lifecycle-controller", "status-unknown", "z0-1")
    # the renewal is observed at the next 5 s monitor pass; Unknown at the first pass after 50 s
    assert 50 < unknown - last_renew <= 50 + 2 * 5 + 0.1
    tainted = first(c, "node-lifecycle-controller", "taint", "z0-1")
    no_exec_at = min(
        r.time
        for r in c.trace.records
        if r.component == "node-lifecycle-controller"
        and r.verb == "taint"
        and "NoExecute" in r.detail
    )
    assert tainted <= no_exec_at  # the NoSchedule taint lands with the status change
    assert (
        5.0 <= no_exec_at - unknown <= 5.1
    )  # one monitor pass later (from the observed condition)
    assert no_execute(c, "z0-1") == ["node.kubernetes.io/unreachable"]
    evicted = [
        r.time
        for r in c.trace.records
        if r.component == "taint-eviction-controller" and r.verb == "evict"
    ]
    assert len(evicted) == len(victims)
    for t in evicted:
        assert 300.0 <= t - no_exec_at <= 300.1
    events = {e["reason"] for e in c.list("events")}
    assert {"NodeNotReady", "TaintManagerEviction"} <= events
    live = [p for p in c.list("pods") if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 6 and all(p["spec"]["nodeName"] != "z0-1" for p in live)
    assert all(p["status"].get("phase") == "Running" for p in live)


def test_not_ready_pods_marked_and_node_recovers_taints_removed() -> None:
    c, _cm, k = make_cluster(nodes=3)
    c.apply(deployment("web", 3))
    c.run(30)
    k.stop_node("z0-2")
    c.run(100)
    on_node = [p for p in c.list("pods") if p["spec"]["nodeName"] == "z0-2"]
    assert on_node and all(
        x["status"] == "False"
        for p in on_node
        for x in p["status"]["conditions"]
        if x["type"] == "Ready"
    )
    k.silent.discard("z0-2")
    k._ready_node("z0-2")
    c.run(130)
    assert no_execute(c, "z0-2") == []
    assert not c.get("nodes", "z0-2", namespace="")["spec"].get("taints")


@pytest.mark.parametrize(
    ("zones", "nodes", "silent", "state"),
    [(1, 4, 4, "full-disruption"), (2, 4, 3, "PartialDisruption")],
    ids=["all-zones-fully-disrupted", "small-zone-partial-disruption"],
)
def test_disrupted_zones_stop_evictions(zones: int, nodes: int, silent: int, state: str) -> None:
    c, _cm, k = make_cluster(nodes=nodes, zones=zones)
    for i in range(silent):
        k.stop_node(f"z0-{i + 1}")
    c.run(200)
    assert all(no_execute(c, f"z0-{i + 1}") == [] for i in range(nodes))
    assert any(
        state in r.verb or state in r.detail
        for r in c.trace.records
        if r.component == "node-lifecycle-controller"
    )


def test_normal_zone_taints_at_node_eviction_rate() -> None:
    c, _cm, k = make_cluster(nodes=10)
    for n in ("z0-1", "z0-2", "z0-3"):
        k.stop_node(n)
    c.run(150)
    times = sorted(
        r.time
        for r in c.trace.records
        if r.component == "node-lifecycle-controller"
        and r.verb == "taint"
        and "NoExecute" in r.detail
    )
    assert len(times) == 3
    assert [round(b - a) for a, b in zip(times, times[1:], strict=False)] == [
        10,
        10,
    ]  # nodeEvictionRate 0.1/s


def test_node_ipam_allocates_distinct_pod_cidrs_and_reports_exhaustion() -> None:
    c, _cm, _k = make_cluster(
        nodes=3, config={"clusterCIDR": "10.10.0.0/23", "nodeCIDRMaskSize": 24}
    )
    c.run(5)
    cidrs = [c.get("nodes", f"z0-{i}", namespace="")["spec"].get("podCIDR") for i in (1, 2, 3)]
    assert sorted(x for x in cidrs if x) == ["10.10.0.0/24", "10.10.1.0/24"]
    assert any(e["reason"] == "CIDRNotAvailable" for e in c.list("events"))


def test_config_uses_upstream_names_and_defaults() -> None:
    cfg = ControllerManagerConfig.from_dict(
        {"nodeMonitorGracePeriod": "40s", "concurrentReplicaSetSyncs": 2}
    )
    assert cfg.nodeMonitorGracePeriod == 40.0 and cfg.concurrentReplicaSetSyncs == 2
    assert ControllerManagerConfig().nodeMonitorGracePeriod == 50.0
    assert ControllerManagerConfig().nodeMonitorPeriod == 5.0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"nodeMonitorGracePeriodd": "1s"}, "unknown field"),
        ({"concurrentGCSyncs": "many"}, "concurrentGCSyncs: expected an integer"),
        ({"nodeMonitorPeriod": "soon"}, "nodeMonitorPeriod"),
        ({"controllers": ["*", "-nope"]}, "unknown controller"),
        ({"unhealthyZoneThreshold": 2}, "fraction"),
    ],
    ids=["typo", "not-an-integer", "bad-duration", "unknown-controller", "threshold-above-one"],
)
def test_bad_config_is_a_scenario_error(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        ControllerManagerConfig.from_dict(raw)


def test_disabled_controllers_are_not_started() -> None:
    c, cm, _k = make_cluster(
        config={"controllers": ["*", "-deployment-controller"], "allocateNodeCIDRs": False}
    )
    assert (
        "deployment-controller" not in cm.controllers
        and "node-ipam-controller" not in cm.controllers
    )
    assert "replicaset-controller" in cm.controllers


assert LEASE_RENEW_S == 10.0
