"""EndpointSlices and Endpoints follow the pods behind a Service."""

from __future__ import annotations

from typing import Any

from tests.conftest import deployment
from tests.controllers.conftest import make_cluster


def service(name: str = "web", publish: bool = False) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "selector": {"app": name},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080}],
            "publishNotReadyAddresses": publish,
        },
    }


def slices(c: Any) -> list[dict[str, Any]]:
    return sorted(c.list("endpointslices"), key=lambda s: s["metadata"]["name"])


def test_slices_hold_at_most_100_endpoints_with_conditions_zone_and_target() -> None:
    c, _cm, _k = make_cluster(zones=2)
    c.apply(service())
    c.apply(deployment("web", 150))
    c.run(60)
    ss = slices(c)
    assert sorted(len(s["endpoints"]) for s in ss) == [50, 100]
    for s in ss:
        assert s["metadata"]["labels"]["kubernetes.io/service-name"] == "web"
        assert (
            s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"]
            == "endpointslice-controller.k8s.io"
        )
        assert s["metadata"]["ownerReferences"][0]["kind"] == "Service"
        assert s["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]
    ep = ss[0]["endpoints"][0]
    assert ep["conditions"] == {"ready": True, "serving": True, "terminating": False}
    assert (
        ep["zone"] in ("zone-0", "zone-1") and ep["nodeName"] and ep["targetRef"]["kind"] == "Pod"
    )
    endpoints = c.get("endpoints", "web")
    assert len(endpoints["subsets"][0]["addresses"]) == 150


def test_terminating_pods_are_serving_not_ready_and_leave_legacy_endpoints() -> None:
    c, _cm, _k = make_cluster(stop_delay_s=20.0)
    c.apply(service())
    c.apply(deployment("web", 2))
    c.run(20)
    victim = c.list("pods")[0]["metadata"]["name"]
    c.api.delete("pods", victim)
    c.run(25)
    eps = {e["targetRef"]["name"]: e for s in slices(c) for e in s["endpoints"]}
    assert eps[victim]["conditions"] == {"ready": False, "serving": True, "terminating": True}
    addrs = [a["targetRef"]["name"] for a in c.get("endpoints", "web")["subsets"][0]["addresses"]]
    assert victim not in addrs and len(addrs) == 2  # the replacement is in, the victim out
    c.run(60)
    names = {e["targetRef"]["name"] for s in slices(c) for e in s["endpoints"]}
    assert victim not in names and len(names) == 2


def test_not_ready_pods_and_publish_not_ready_addresses() -> None:
    c, _cm, _k = make_cluster()
    c.apply(service("web"))
    pub = service("pub", publish=True)
    pub["spec"]["selector"] = {"app": "web"}
    c.apply(pub)
    d = deployment("web", 2)
    d["spec"]["template"]["metadata"]["labels"]["also"] = "x"
    c.apply(d)
    c.run(20)
    pods = c.list("pods")
    for p in pods:
        p["status"]["conditions"] = [
            x | {"status": "False"} if x["type"] == "Ready" else x
            for x in p["status"]["conditions"]
        ]
        c.api.update("pods", p, subresource="status")
    c.run(25)
    subset = c.get("endpoints", "web")["subsets"][0]
    assert "addresses" not in subset and len(subset["notReadyAddresses"]) == 2
    eps = [
        e
        for s in slices(c)
        if s["metadata"]["labels"]["kubernetes.io/service-name"] == "web"
        for e in s["endpoints"]
    ]
    assert all(e["conditions"]["ready"] is False for e in eps)
    assert len(c.get("endpoints", "pub")["subsets"][0]["addresses"]) == 2
    pub_eps = [
        e
        for s in slices(c)
        if s["metadata"]["labels"]["kubernetes.io/service-name"] == "pub"
        for e in s["endpoints"]
    ]
    assert [e["conditions"] for e in pub_eps] == [
        {"ready": True, "serving": False, "terminating": False}
    ] * 2


def test_deleting_the_service_removes_slices_and_endpoints() -> None:
    c, _cm, _k = make_cluster()
    c.apply(service())
    c.apply(deployment("web", 2))
    c.run(20)
    assert slices(c) and c.get("endpoints", "web")
    c.api.delete("services", "web")
    c.run(40)
    assert slices(c) == [] and c.list("endpoints") == []
