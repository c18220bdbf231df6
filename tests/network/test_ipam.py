"""ClusterIP and NodePort allocation through the API server, and DNS names."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from sim import ApiError, Cluster
from sim.network.ipam import candidate_names, parse_service_fqdn, service_fqdn


def svc(name: str, **spec: Any) -> dict[str, Any]:
    spec.setdefault("ports", [{"port": 80}])
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


@pytest.fixture
def c() -> Cluster:
    c = Cluster(seed=3, controller_manager=False, scheduler=False, kubelet=False, network=False)
    c.install_network({})
    return c


def test_kubernetes_service_gets_the_first_ip(c: Cluster) -> None:
    s = c.get("services", "kubernetes")
    assert s["spec"]["clusterIP"] == "10.96.0.1"
    assert s["spec"]["clusterIPs"] == ["10.96.0.1"]


def test_dynamic_ips_come_from_the_upper_band_and_are_distinct(c: Cluster) -> None:
    ips = [c.create(svc(f"s{i}"))["spec"]["clusterIP"] for i in range(40)]
    assert len(set(ips)) == 40
    net = ipaddress.ip_network("10.96.0.0/12")
    for ip in ips:
        addr = ipaddress.ip_address(ip)
        assert addr in net
        assert int(addr) - int(net.network_address) - 1 >= 256  # above the static band


@pytest.mark.parametrize(
    ("ip", "message"),
    [
        (
            "10.96.0.1",
            'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: '
            "failed to allocate IP 10.96.0.1: provided IP is already allocated",
        ),
        (
            "10.0.0.1",
            'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: '
            "failed to allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid "
            "range. The range of valid IPs is 10.96.0.0/12",
        ),
    ],
    ids=["in-use", "out-of-range"],
)
def test_a_requested_ip_must_be_free_and_in_range(c: Cluster, ip: str, message: str) -> None:
    with pytest.raises(ApiError) as e:
        c.create(svc("b", clusterIP=ip))
    assert e.value.code == 422
    assert e.value.status["message"] == message


def test_delete_releases_the_ip(c: Cluster) -> None:
    c.create(svc("a", clusterIP="10.96.0.10"))
    with pytest.raises(ApiError):
        c.create(svc("b", clusterIP="10.96.0.10"))
    c.delete("services", "a")
    assert c.create(svc("b", clusterIP="10.96.0.10"))["spec"]["clusterIP"] == "10.96.0.10"


def test_a_create_refused_by_validation_leaks_nothing(c: Cluster) -> None:
    with pytest.raises(ApiError) as e:
        c.create(svc("a", clusterIP="10.96.0.20", ports=[{"port": 0}]))
    assert e.value.code == 422 and "spec.ports[0].port" in e.value.status["message"]
    assert c.create(svc("b", clusterIP="10.96.0.20"))["spec"]["clusterIP"] == "10.96.0.20"


def test_headless_and_external_name_get_no_ip(c: Cluster) -> None:
    assert c.create(svc("h", clusterIP="None"))["spec"]["clusterIP"] == "None"
    ext = c.create(svc("e", type="ExternalName", externalName="example.com"))
    assert "clusterIP" not in ext["spec"]


def test_node_ports_allocated_shared_and_released(c: Cluster) -> None:
    s = c.create(
        svc(
            "np",
            type="NodePort",
            ports=[
                {"name": "tcp", "port": 53, "protocol": "TCP"},
                {"name": "udp", "port": 53, "protocol": "UDP"},
                {"name": "web", "port": 80},
            ],
        )
    )
    ports = [p["nodePort"] for p in s["spec"]["ports"]]
    assert ports[0] == ports[1] != ports[2]
    assert all(30000 <= p <= 32767 for p in ports)
    with pytest.raises(ApiError) as e:
        c.create(svc("b", type="NodePort", ports=[{"port": 80, "nodePort": ports[2]}]))
    assert e.value.status["message"] == (
        f'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: {ports[2]}: '
        "provided port is already allocated"
    )
    live = c.get("services", "np")
    live["spec"]["type"] = "ClusterIP"
    for p in live["spec"]["ports"]:
        p.pop("nodePort")
    c.api.update("services", live)
    ok = c.create(svc("b", type="NodePort", ports=[{"port": 80, "nodePort": ports[2]}]))
    assert ok["spec"]["ports"][0]["nodePort"] == ports[2]


def test_type_change_to_external_name_releases_the_ip(c: Cluster) -> None:
    c.create(svc("a", clusterIP="10.96.0.30"))
    live = c.get("services", "a")
    live["spec"] = {"type": "ExternalName", "externalName": "example.com", "ports": [{"port": 80}]}
    c.api.update("services", live)
    assert c.create(svc("b", clusterIP="10.96.0.30"))["spec"]["clusterIP"] == "10.96.0.30"


def test_a_full_range_is_an_internal_error() -> None:
    c = Cluster(seed=1, controller_manager=False, scheduler=False, kubelet=False, network=False)
    c.install_network({"serviceCIDR": "10.0.0.0/29"})  # 6 usable, one for kubernetes
    for i in range(5):
        c.create(svc(f"s{i}"))
    with pytest.raises(ApiError) as e:
        c.create(svc("full"))
    assert e.value.code == 500
    assert e.value.status["message"] == (
        "Internal error occurred: failed to allocate a serviceIP: range is full"
    )


def test_restart_restores_allocations_from_the_store(c: Cluster) -> None:
    c.create(svc("a", clusterIP="10.96.0.40"))
    c.api.admission = [p for p in c.api.admission if p.name != "ServiceIPAllocator"]
    c.install_network(
        {}
    )  # a second allocator, as after an apiserver restart: repairs from the store
    with pytest.raises(ApiError):
        c.create(svc("b", clusterIP="10.96.0.40"))


# -- DNS ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "namespace", "first"),
    [
        ("web", "prod", "web.prod.svc.cluster.local"),
        ("web.other", "prod", "web.other.prod.svc.cluster.local"),
        ("web.other.svc.cluster.local.", "prod", "web.other.svc.cluster.local"),
        ("a.b.c.d.e.f", "prod", "a.b.c.d.e.f"),
    ],
    ids=["short-name", "name-dot-namespace", "absolute", "ndots-5-tries-as-is-first"],
)
def test_search_path(query: str, namespace: str, first: str) -> None:
    assert candidate_names(query, namespace)[0] == first


def test_fqdn_round_trip() -> None:
    assert service_fqdn("web", "prod") == "web.prod.svc.cluster.local"
    assert parse_service_fqdn("web.prod.svc.cluster.local") == ("prod", "web")
    assert parse_service_fqdn("web.prod.pod.cluster.local") is None


def test_resolve_through_the_cluster(c: Cluster) -> None:
    from sim.network import Network

    other = Cluster(seed=2, controller_manager=False, scheduler=False, kubelet=False, network=False)
    net: Network = other.install_network({})
    ip = other.create(svc("web"))["spec"]["clusterIP"]
    assert net.resolve("web") == [ip]
    assert net.resolve("web.default") == [ip]
    assert net.resolve("web.default.svc.cluster.local") == [ip]
    assert net.resolve("web", namespace="prod") == []
    assert net.resolve("kubernetes.default") == ["10.96.0.1"]
