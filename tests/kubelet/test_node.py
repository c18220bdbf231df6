"""Node registration, status, leases and the node actions."""

from __future__ import annotations

from typing import Any

import pytest

from sim import ApiError, Cluster
from sim.api.quantity import memory_bytes
from sim.kubelet import fallback_pod_cidr
from sim.scenario.loader import ScenarioError
from sim.scenario.model import NodePool
from tests.kubelet.conftest import POOL, bound_pod, kubelet_cluster


def test_registration_reports_upstream_node_fields() -> None:
    c, _ = kubelet_cluster()
    node = c.get("nodes", "n-1")
    labels = node["metadata"]["labels"]
    assert labels["kubernetes.io/hostname"] == "n-1" and labels["kubernetes.io/os"] == "linux"
    st = node["status"]
    assert st["capacity"]["pods"] == "110" and st["capacity"]["memory"] == "8Gi"
    assert memory_bytes(st["allocatable"]["memory"]) == (8 * 1024 - 100) * 1024 * 1024
    assert [a["type"] for a in st["addresses"]] == ["InternalIP", "Hostname"]
    assert [x["type"] for x in st["conditions"]] == [
        "MemoryPressure",
        "DiskPressure",
        "PIDPressure",
        "Ready",
    ]
    ready = st["conditions"][-1]
    assert (ready["status"], ready["reason"]) == ("True", "KubeletReady")
    assert st["nodeInfo"]["kubeletVersion"] == "v1.32.0" and st["nodeInfo"]["bootID"]
    assert st["daemonEndpoints"]["kubeletEndpoint"]["Port"] == 10250


def test_registration_adopts_a_node_that_already_exists() -> None:
    c = Cluster(seed=1, node_pools=[POOL])
    fleet = c.install_kubelets({"events": False})
    fleet.add_pool(POOL)
    c.run(2)
    node = c.get("nodes", "n-2")
    assert node["status"]["conditions"][-1]["reason"] == "KubeletReady"
    assert node["status"]["addresses"][0]["type"] == "InternalIP"


def test_lease_renewed_every_10s_and_stops_with_the_kubelet() -> None:
    c, fleet = kubelet_cluster()
    ages = []
    for t in range(5, 120, 7):
        c.run(t)
        lease = c.get("leases", "n-1", namespace="kube-node-lease")
        ages.append(c.now - c.clock.seconds_of(lease["spec"]["renewTime"][:19] + "Z"))
        assert (
            lease["spec"]["holderIdentity"] == "n-1" and lease["spec"]["leaseDurationSeconds"] == 40
        )
        assert lease["metadata"]["ownerReferences"][0]["kind"] == "Node"
    assert max(ages) <= 10.001
    fleet.stop_kubelet("n-1")
    frozen = c.get("leases", "n-1", namespace="kube-node-lease")["spec"]["renewTime"]
    c.run(200)
    assert c.get("leases", "n-1", namespace="kube-node-lease")["spec"]["renewTime"] == frozen
    assert c.get("leases", "n-2", namespace="kube-node-lease")["spec"]["renewTime"] != frozen


def _heartbeats(node: Any) -> set[str]:
    return {c["lastHeartbeatTime"] for c in node["status"]["conditions"]}


def test_status_heartbeat_every_report_period_as_a_reader_sees_it() -> None:
    """Quiet: no post goes through the kubelet's client, yet every GET shows a heartbeat at
    most one report period (5 min, rounded up to the 10 s status tick) old."""
    c, _ = kubelet_cluster()
    c.run(2)
    first = _heartbeats(c.get("nodes", "n-2"))
    assert len(first) == 1
    seen = []
    for t in range(60, 1000, 50):
        c.run(t)
        (hb,) = _heartbeats(c.get("nodes", "n-2"))
        age = c.now - c.clock.seconds_of(hb)
        assert 0 <= age <= 300.001
        seen.append(c.clock.seconds_of(hb))
    steps = sorted({b - a for a, b in zip(seen, seen[1:], strict=False) if b != a})
    assert steps and all(s == pytest.approx(300, abs=10) for s in steps)


def test_status_heartbeat_watchers_see_one_event_per_report() -> None:
    c, _ = kubelet_cluster()
    c.run(2)
    events: list[tuple[float, str]] = []
    c.api.watch(
        "nodes",
        lambda ev: events.append((c.now, ev.type)),
        field_selector="metadata.name=n-2",
        resource_version=c.get("nodes", "n-2")["metadata"]["resourceVersion"],
    )
    c.run(1000)
    times = [t for t, kind in events if kind == "MODIFIED"]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) == 3 and all(g == pytest.approx(300, abs=1e-6) for g in gaps)


def test_status_posted_on_change() -> None:
    c, _ = kubelet_cluster()

    def posts() -> list[float]:
        return [
            r.time for r in c.trace.records if r.verb == "patch/status" and r.ref == "nodes/n-2"
        ]

    c.run(700)
    before = posts()
    c.apply(bound_pod("p", "n-2"))
    c.run(720)
    assert posts()[-1] > 700 and len(posts()) > len(before)  # the pulled image changed the list
    images = c.get("nodes", "n-2")["status"]["images"]
    assert any("nginx:1.27" in i["names"] for i in images)


def test_pod_ips_come_from_pod_cidr_or_the_fallback_block() -> None:
    c, _ = kubelet_cluster()
    c.apply(bound_pod("a", "n-1"))
    c.apply(bound_pod("b", "n-2"))
    c.run(10)
    assert c.get("pods", "a")["status"]["podIP"] == "10.244.0.2"
    assert c.get("pods", "b")["status"]["podIP"] == "10.244.1.2"


@pytest.mark.parametrize(
    ("ordinal", "cidr"),
    [
        (0, "10.244.0.0/24"),
        (255, "10.244.255.0/24"),
        (256, "10.245.0.0/24"),
        (3071, "10.255.255.0/24"),
        (3072, "10.112.0.0/24"),
    ],
)
def test_fallback_pod_cidr(ordinal: int, cidr: str) -> None:
    assert fallback_pod_cidr(ordinal) == cidr


def test_node_pod_cidr_wins_when_set() -> None:
    c = Cluster(seed=1, controller_manager=False, scheduler=False)
    fleet = c.install_kubelets({"events": False})
    fleet.add_pool(POOL)
    c.run(1)
    c.api.patch("nodes", "n-1", {"spec": {"podCIDR": "10.50.7.0/24"}}, user="nodeipam")
    c.run(3)
    c.apply(bound_pod("a", "n-1"))
    c.run(10)
    assert c.get("pods", "a")["status"]["podIP"] == "10.50.7.2"


def test_kubelet_restart_adopts_running_containers() -> None:
    c, fleet = kubelet_cluster()
    c.apply(bound_pod("a"))
    c.run(20)
    before = c.get("pods", "a")["status"]["containerStatuses"][0]
    fleet.stop_kubelet("n-1")
    c.run(40)
    assert len(fleet.host("n-1").running_containers()) == 1
    fleet.start_kubelet("n-1")
    c.run(60)
    after = c.get("pods", "a")["status"]["containerStatuses"][0]
    assert after["containerID"] == before["containerID"] and after["restartCount"] == 0
    assert after["state"]["running"]


def test_power_cycle_restarts_the_pods_containers() -> None:
    c, fleet = kubelet_cluster()
    c.apply(bound_pod("a"))
    c.run(20)
    before = c.get("pods", "a")["status"]["containerStatuses"][0]
    boot = c.get("nodes", "n-1")["status"]["nodeInfo"]["bootID"]
    fleet.power_off("n-1")
    assert fleet.host("n-1").running_containers() == []
    c.run(100)
    fleet.power_on("n-1")
    c.run(130)
    after = c.get("pods", "a")["status"]["containerStatuses"][0]
    assert after["containerID"] != before["containerID"] and after["restartCount"] == 1
    assert after["state"]["running"]
    assert c.get("nodes", "n-1")["status"]["nodeInfo"]["bootID"] != boot


def test_add_and_remove_nodes() -> None:
    c, fleet = kubelet_cluster()
    name = fleet.add_node("n")
    c.run(5)
    assert name == "n-3" and c.get("nodes", "n-3")["status"]["conditions"][-1]["status"] == "True"
    c.remove_node("n-3")
    assert "n-3" not in fleet.node_names()
    c.run(10)
    assert "n-3" not in [n["metadata"]["name"] for n in c.list("nodes")]


@pytest.mark.parametrize(
    "action",
    ["stop_kubelet", "start_kubelet", "restart_kubelet", "power_off", "power_on", "remove_node"],
)
def test_node_actions_name_a_missing_node_clearly(action: str) -> None:
    _c, fleet = kubelet_cluster()
    with pytest.raises(ApiError) as e:
        getattr(fleet, action)("nope-9")
    assert e.value.code == 404 and 'nodes "nope-9" not found' in e.value.message


def test_adding_to_an_unknown_pool_fails() -> None:
    _c, fleet = kubelet_cluster()
    with pytest.raises(ApiError, match="node pool"):
        fleet.add_node("ghost")


@pytest.mark.parametrize(
    ("config", "images", "field"),
    [
        pytest.param({"maxPods": 0}, None, "spec.cluster.kubelet.maxPods", id="max-pods"),
        pytest.param(
            {"imagePullBandwidth": "fast"},
            None,
            "spec.cluster.kubelet.imagePullBandwidth",
            id="bandwidth",
        ),
        pytest.param({"bogus": 1}, None, "spec.cluster.kubelet.bogus", id="unknown"),
        pytest.param(
            {"defaultBehavior": {"runFor": "x"}},
            None,
            "spec.cluster.kubelet.defaultBehavior.runFor",
            id="behavior",
        ),
        pytest.param(
            {}, [{"name": "a", "size": "big"}], "spec.cluster.images[0].size", id="image-size"
        ),
        pytest.param({}, {"a": 1}, "spec.cluster.images", id="images-not-list"),
    ],
)
def test_bad_config_is_a_scenario_error(config: dict, images: object, field: str) -> None:
    with pytest.raises(ScenarioError, match=field.replace("[", r"\[").replace("]", r"\]")):
        Cluster(seed=0).install_kubelets(config, images)


def test_read_only_views() -> None:
    c, fleet = kubelet_cluster()
    c.apply(bound_pod("a"))
    c.run(20)
    kl = fleet.kubelet("n-1")
    assert kl.healthz() == "ok"
    assert [p["metadata"]["name"] for p in kl.pods()["items"]] == ["a"]
    summary = kl.stats_summary()
    assert summary["node"]["nodeName"] == "n-1"
    assert summary["pods"][0]["memory"]["workingSetBytes"] == 20 * 1024 * 1024
    fleet.stop_kubelet("n-1")
    with pytest.raises(ConnectionError):
        kl.healthz()


def test_pool_without_pods_capacity_gets_max_pods() -> None:
    c, _ = kubelet_cluster(
        {"maxPods": 30}, pools=(NodePool("m", 1, {"cpu": "1", "memory": "1Gi"}),)
    )
    assert c.get("nodes", "m-1")["status"]["capacity"]["pods"] == "30"
