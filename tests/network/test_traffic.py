"""Traffic: request outcomes and reasons, statistics, the plot, and rolling updates under load."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from sim.api.frozen import thaw
from sim.core import ConfigError
from sim.network.traffic import Request, TrafficRecorder
from tests.network.conftest import CidrKubelet, make_env, web

APP_START_S = 5.0


class SlowAppKubelet(CidrKubelet):
    """Apps listen APP_START_S after their container starts. A pod with a readinessProbe turns
    Ready only then (as the kubelet's prober would); one without is Ready at once. Terminating
    pods stop after their preStop sleep."""

    def _start(self, ns: str, name: str, uid: str) -> None:
        super()._start(ns, name, uid)
        pod = self.c.api.get("pods", name, namespace=ns)
        if pod["spec"]["containers"][0].get("readinessProbe"):
            self.set_ready(ns, name, False)
            self.c.clock.call_later(APP_START_S, lambda: self._probe_passed(ns, name, uid))

    def _probe_passed(self, ns: str, name: str, uid: str) -> None:
        try:
            pod = self._get(ns, name, uid)
        except Exception:  # noqa: BLE001
            return
        if not pod["metadata"].get("deletionTimestamp"):
            self.set_ready(ns, name, True)

    def _stop(self, ns: str, name: str, uid: str) -> None:
        pod = self._get(ns, name, uid)
        meta = pod["metadata"]
        started = self.c.clock.seconds_of(meta["deletionTimestamp"]) - meta.get(
            "deletionGracePeriodSeconds", 0
        )
        sleep = 5.0 if pod["spec"]["containers"][0].get("lifecycle") else 0.0
        if self.c.now < started + sleep:
            self._later(started + sleep - self.c.now, "stop", (ns, name, uid))  # type: ignore[arg-type]
            return
        super()._stop(ns, name, uid)


def listening(clock: Any) -> Any:
    def fn(pod: Any) -> bool:
        return clock.now - clock.seconds_of(pod["status"]["startTime"]) >= APP_START_S

    return fn


def deploy(name: str, probes: bool) -> list[dict[str, Any]]:
    docs = web(replicas=4, name=name)
    container = docs[0]["spec"]["template"]["spec"]["containers"][0]
    if probes:
        container["readinessProbe"] = {"tcpSocket": {"port": 8080}, "periodSeconds": 1}
        container["lifecycle"] = {"preStop": {"sleep": {"seconds": 5}}}
    return docs


def test_rolling_update_with_probes_keeps_availability_and_without_loses_requests(
    tmp_path: Path,
) -> None:
    clients = [
        {"name": f"to-{n}", "service": n, "rate": 50, "from": {"node": "z0-1"}, "start": "30s"}
        for n in ("probes", "noprobes")
    ]
    c, net, k = make_env(nodes=3, network={"clients": clients})
    k.__class__ = SlowAppKubelet
    net.engine.listening = listening(c.clock)
    c.apply(deploy("probes", True) + deploy("noprobes", False))
    c.run(60)
    for n in ("probes", "noprobes"):
        d = thaw(c.api.get("deployments", n, namespace="default"))
        d["spec"]["template"]["metadata"]["annotations"] = {"rollout": "2"}
        c.api.update("deployments", d)
    c.run(180)
    with_probes = net.traffic.summary("default/probes")
    without = net.traffic.summary("default/noprobes")
    assert with_probes["requests"] > 5000 and with_probes["availability"] == 1.0
    assert without["availability"] < 0.99
    assert without["failures"].get("connection refused", 0) > 0
    png = tmp_path / "rollout.png"
    net.traffic.plot(str(png), window_s=5)
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("no-pods", "no ready endpoint"),
        ("no-service", "no such service"),
        ("all-unready", "no ready endpoint"),
    ],
    ids=["service-without-pods", "missing-service", "all-endpoints-not-ready"],
)
def test_failure_reasons(setup: str, reason: str) -> None:
    c, net, k = make_env(nodes=2)
    if setup != "no-service":
        c.apply(web(replicas=0 if setup == "no-pods" else 2))
    c.run(20)
    if setup == "all-unready":
        for p in c.list("pods"):
            k.set_ready("default", p["metadata"]["name"], False)
        c.run(30)
    net.add_client({"name": "x", "service": "web", "rate": 10, "from": {"node": "z0-1"}})
    c.run(40)
    s = net.traffic.summary()
    assert s["requests"] > 50 and s["ok"] == 0
    assert set(s["failures"]) == {reason}


@pytest.mark.parametrize(
    ("prestop", "refused"),
    [(False, True), (True, False)],
    ids=["no-prestop-refuses", "prestop-sleep-keeps-serving"],
)
def test_terminating_pods_refuse_unless_pre_stop_sleeps(prestop: bool, refused: bool) -> None:
    c, net, k = make_env(nodes=1, stop_delay_s=20.0, network={"proxy": {"syncDelay": "3s"}})
    docs = web(replicas=1)
    if prestop:
        docs[0]["spec"]["template"]["spec"]["containers"][0]["lifecycle"] = {
            "preStop": {"exec": {"command": ["sh", "-c", "sleep 10"]}}
        }
    c.apply(docs)
    c.run(20)
    net.add_client({"name": "x", "service": "web", "rate": 20, "from": {"node": "z0-1"}})
    c.run(25)
    c.delete("pods", c.list("pods")[0]["metadata"]["name"])
    c.run(29)
    fails = net.traffic.summary()["failures"]
    assert ("connection refused while terminating" in fails) is refused


def test_external_clients_enter_through_node_ports_and_lose_an_unreachable_entry() -> None:
    c, net, k = make_env(nodes=2)
    c.apply(web(replicas=2, type="NodePort"))
    c.run(20)
    net.add_client(
        {"name": "ext", "service": "web", "rate": 20, "from": {"external": ["z0-1", "z0-2"]}}
    )
    c.run(40)
    net.cut_link("z0-2", "zone-0")
    c.run(60)
    reqs = net.traffic.requests
    assert all(r.ok for r in reqs if r.t < 40)
    late = [r for r in reqs if r.t > 40]
    assert {r.reason for r in late if r.entry == "z0-2"} == {"node unreachable"}
    assert all(r.ok or r.endpoint_node == "z0-2" for r in late if r.entry == "z0-1")


def test_pod_clients_and_latency_from_the_topology() -> None:
    net_cfg = {"topology": {"nodeLatency": "1ms"}}
    c, net, k = make_env(nodes=2, zones=2, network=net_cfg)
    c.apply(web(replicas=4))
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "client", "labels": {"app": "client"}},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]},
        }
    )
    c.run(20)
    net.add_client(
        {"name": "p", "service": "web", "rate": 50, "from": {"pod": "client"}, "serviceTime": "0s"}
    )
    c.run(60)
    reqs = net.traffic.requests
    src = c.get("pods", "client")["spec"]["nodeName"]
    for r in reqs[:200]:
        assert r.ok and r.source == src
        expected = (
            2 * net.topology.latency_s(src, r.endpoint_node) if r.endpoint_node != src else 0.0
        )
        assert r.latency_s == pytest.approx(expected)
    assert {net.topology.zone_of[r.endpoint_node] for r in reqs} == {"zone-0", "zone-1"}


def rec(*rows: tuple[float, str, float]) -> TrafficRecorder:
    r = TrafficRecorder()
    for t, reason, lat in rows:
        r.add(Request(t, "c", "default/web", "n", "n", "default/p", "n", reason, lat))
    return r


def test_summary_and_series() -> None:
    r = rec(
        *[(float(i), "ok", 0.001 * (i + 1)) for i in range(10)],
        (10.5, "endpoint gone", 0.0),
        (11.0, "ok", 0.5),
        (25.0, "no ready endpoint", 0.0),
    )
    s = r.summary("default/web")
    assert (s["requests"], s["ok"]) == (13, 11)
    assert s["availability"] == pytest.approx(11 / 13)
    assert s["latency_p50_s"] == pytest.approx(0.006)
    assert s["failures"] == {"endpoint gone": 1, "no ready endpoint": 1}
    ser = r.series("default/web", window_s=10)
    assert list(ser["t"]) == [0, 10, 20]
    assert list(ser["requests"]) == [10, 2, 1]
    assert ser["availability"][1] == 0.5 and ser["availability"][2] == 0.0
    assert math.isnan(ser["p50_s"][2])


@pytest.mark.parametrize(
    ("cfg", "field"),
    [
        (
            {"clients": [{"name": "a", "service": "s", "rate": 0, "from": {"node": "n"}}]},
            "clients[0].rate",
        ),
        (
            {
                "clients": [
                    {"name": "a", "service": "s", "rate": 1, "from": {"node": "n", "pod": "p"}}
                ]
            },
            "clients[0].from",
        ),
        ({"clients": [{"name": "a", "service": "s", "rate": 1}]}, "clients[0].from"),
        ({"proxy": {"syncDelay": "soon"}}, "proxy.syncDelay"),
        ({"serviceCIDR": "10.0.0.0/8"}, "serviceCIDR"),
        ({"topology": {"links": [{"between": ["core", "mars"]}]}}, "topology.links[0].between"),
        ({"bogus": 1}, "bogus"),
    ],
    ids=[
        "rate-zero",
        "two-sources",
        "no-source",
        "bad-duration",
        "cidr-too-large",
        "link-to-nowhere",
        "unknown-field",
    ],
)
def test_config_errors_name_the_field(cfg: dict[str, Any], field: str) -> None:
    from sim import Cluster

    with pytest.raises(ConfigError) as e:
        Cluster(
            seed=1, controller_manager=False, scheduler=False, kubelet=False, network=False
        ).install_network(cfg)
    assert str(e.value).startswith(f"spec.cluster.network.{field}:")
