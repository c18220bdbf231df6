"""kube-proxy: the shared versioned tables, per-node staleness, and iptables-mode routing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import Clock, RandomStreams
from sim.network.proxy import (
    NO_ENDPOINT,
    NO_LOCAL_ENDPOINT,
    Endpoint,
    ProxyTables,
    ServicePort,
    ServiceState,
)
from sim.network.topology import Topology
from tests.network.conftest import make_env, web


def ep(
    ip: str, node: str, ready: bool = True, terminating: bool = False, serving: bool | None = None
) -> Endpoint:
    return Endpoint(
        ip,
        node,
        "",
        ready,
        ready if serving is None else serving,
        terminating,
        f"default/{ip}",
        ip,
        (("", 8080),),
    )


def state(
    *eps: Endpoint, affinity: bool = False, itp_local: bool = False, etp_local: bool = False
) -> ServiceState:
    return ServiceState(
        "default/web",
        "NodePort",
        "10.96.5.5",
        (ServicePort("", 80, "TCP", 30080),),
        affinity,
        10800.0,
        itp_local,
        etp_local,
        tuple(eps),
    )


def tables(
    delay: float = 1.0, jitter: float = 0.0, nodes: int = 3
) -> tuple[Clock, Topology, ProxyTables]:
    clock = Clock()
    topo = Topology()
    for i in range(nodes):
        topo.add_node(f"n{i}")
    t = ProxyTables(
        clock, topo, RandomStreams(1).stream("p"), sync_delay_s=delay, sync_jitter=jitter
    )
    return clock, topo, t


def advance(clock: Clock, s: float) -> None:
    clock.run(until=clock.now + s)


def test_a_change_reaches_a_node_after_its_delay() -> None:
    clock, _, t = tables(delay=1.0)
    t.commit({"default/web": state(ep("10.0.0.1", "n0"))})
    assert t.route("n1", cluster_ip="10.96.5.5", port=80).reason  # not programmed yet
    advance(clock, 1.0)
    assert t.route("n1", cluster_ip="10.96.5.5", port=80).endpoint.ip == "10.0.0.1"
    t.commit({"default/web": state(ep("10.0.0.1", "n0", ready=False))})
    advance(clock, 0.5)
    assert t.route("n1", cluster_ip="10.96.5.5", port=80).endpoint is not None  # stale view
    advance(clock, 0.5)
    assert t.route("n1", cluster_ip="10.96.5.5", port=80).reason == NO_ENDPOINT


def test_random_choice_is_uniform_over_ready_endpoints() -> None:
    clock, _, t = tables(delay=0.0)
    t.commit(
        {
            "default/web": state(
                ep("a", "n0"), ep("b", "n1"), ep("c", "n2"), ep("d", "n2", ready=False)
            )
        }
    )
    advance(clock, 0.1)
    picks = Counter(t.route("n0", cluster_ip="10.96.5.5", port=80).endpoint.ip for _ in range(3000))
    assert set(picks) == {"a", "b", "c"}
    assert all(900 < n < 1100 for n in picks.values())


def test_terminating_serving_endpoints_are_the_fallback() -> None:
    clock, _, t = tables(delay=0.0)
    t.commit(
        {
            "default/web": state(
                ep("a", "n0", ready=False, terminating=True, serving=True),
                ep("b", "n1", ready=False),
            )
        }
    )
    advance(clock, 0.1)
    assert {t.route("n0", cluster_ip="10.96.5.5", port=80).endpoint.ip for _ in range(50)} == {"a"}


def test_session_affinity_client_ip_sticks_until_the_endpoint_goes() -> None:
    clock, _, t = tables(delay=0.0)
    t.commit({"default/web": state(ep("a", "n0"), ep("b", "n1"), ep("c", "n2"), affinity=True)})
    advance(clock, 0.1)
    first = t.route("n0", cluster_ip="10.96.5.5", port=80, client_ip="1.1.1.1").endpoint.ip
    assert {
        t.route("n0", cluster_ip="10.96.5.5", port=80, client_ip="1.1.1.1").endpoint.ip
        for _ in range(50)
    } == {first}
    others = {
        t.route("n0", cluster_ip="10.96.5.5", port=80, client_ip=f"2.2.2.{i}").endpoint.ip
        for i in range(50)
    }
    assert len(others) == 3
    rest = [e for e in (ep("a", "n0"), ep("b", "n1"), ep("c", "n2")) if e.ip != first]
    t.commit({"default/web": state(*rest, affinity=True)})
    advance(clock, 0.1)
    assert t.route("n0", cluster_ip="10.96.5.5", port=80, client_ip="1.1.1.1").endpoint.ip != first


def test_traffic_policy_local() -> None:
    clock, _, t = tables(delay=0.0)
    t.commit({"default/web": state(ep("a", "n0"), ep("b", "n1"), itp_local=True, etp_local=True)})
    advance(clock, 0.1)
    assert {t.route("n1", cluster_ip="10.96.5.5", port=80).endpoint.ip for _ in range(30)} == {"b"}
    assert t.route("n2", cluster_ip="10.96.5.5", port=80).reason == NO_LOCAL_ENDPOINT
    assert {t.route("n0", node_port=30080).endpoint.ip for _ in range(30)} == {"a"}
    assert t.route("n2", node_port=30080).reason == NO_LOCAL_ENDPOINT


def test_external_policy_cluster_spreads_node_port_traffic() -> None:
    clock, _, t = tables(delay=0.0)
    t.commit({"default/web": state(ep("a", "n0"), ep("b", "n1"))})
    advance(clock, 0.1)
    assert {t.route("n2", node_port=30080).endpoint.ip for _ in range(40)} == {"a", "b"}


def test_a_node_cut_from_the_control_plane_keeps_its_view_then_catches_up() -> None:
    clock, topo, t = tables(delay=1.0)
    t.commit({"default/web": state(ep("a", "n0"))})
    advance(clock, 2)
    topo.isolate("n1")
    t.commit({"default/web": state(ep("a", "n0", ready=False), ep("b", "n2"))})
    advance(clock, 10)
    assert t.route("n1", cluster_ip="10.96.5.5", port=80).endpoint.ip == "a"  # frozen
    assert t.route("n0", cluster_ip="10.96.5.5", port=80).endpoint.ip == "b"
    topo.heal()
    advance(clock, 0.5)
    assert t.route("n1", cluster_ip="10.96.5.5", port=80).endpoint.ip == "a"
    advance(clock, 0.6)
    assert t.route("n1", cluster_ip="10.96.5.5", port=80).endpoint.ip == "b"


def test_compaction_bounds_the_log_and_keeps_views_right() -> None:
    clock, topo, t = tables(delay=1.0, nodes=50)
    for i in range(2000):
        t.commit({f"default/s{i % 10}": state(ep(f"10.0.{i % 200}.1", "n0"))})
        advance(clock, 0.05)
    s = t.stats()
    assert s["retained_versions"] < 100 and s["service_entries"] < 200
    advance(clock, 2)
    for node in ("n0", "n17", "n49"):
        assert t.view(node)["default/s9"].endpoints[0].ip == f"10.0.{1999 % 200}.1"


# -- the whole pipeline: API -> EndpointSlice controller -> informers -> tables -> routing ------
def _ready_pods(c: Any) -> set[str]:
    return {
        p["status"]["podIP"]
        for p in c.api.list("pods")["items"]
        if not p["metadata"].get("deletionTimestamp")
        and any(
            x["type"] == "Ready" and x["status"] == "True"
            for x in p["status"].get("conditions") or ()
        )
        and p["status"].get("podIP")
    }


OPS = st.lists(
    st.tuples(
        st.sampled_from(["unready", "ready", "delete", "scale", "wait"]),
        st.integers(0, 20),
        st.floats(0.0, 3.0),
    ),
    min_size=3,
    max_size=12,
)


@settings(max_examples=12, deadline=None)
@given(ops=OPS)
def test_never_routes_to_an_endpoint_its_view_calls_not_ready_and_converges(ops: list[Any]) -> None:
    c, net, k = make_env(nodes=3, network={"proxy": {"syncDelay": "500ms"}}, start_delay_s=1.0)
    c.apply(web(replicas=3))
    c.run(15)
    for op, n, dt in ops:
        pods = sorted(
            p["metadata"]["name"]
            for p in c.api.list("pods")["items"]
            if not p["metadata"].get("deletionTimestamp")
        )
        if op in ("unready", "ready", "delete") and pods:
            name = pods[n % len(pods)]
            try:
                if op == "delete":
                    c.api.delete("pods", name, namespace="default")
                else:
                    k.set_ready("default", name, op == "ready")
            except Exception:  # noqa: BLE001  (a pod without status yet)
                pass
        elif op == "scale":
            c.scale("deployments", "web", 1 + n % 5)
        c.run(c.now + dt + 0.01)
        for node in ("z0-1", "z0-2", "z0-3"):
            view = net.proxy.service(node, "default/web")
            r = net.proxy.route(
                node, cluster_ip=c.get("services", "web")["spec"]["clusterIP"], port=80
            )
            if r.endpoint is not None:
                assert view is not None
                chosen = next(e for e in view.endpoints if e.ip == r.endpoint.ip)
                has_ready = any(e.ready for e in view.endpoints)
                assert chosen.ready or (not has_ready and chosen.serving and chosen.terminating)
    c.run(c.now + 10)  # quiet: every view converges to the ready pods
    ready = _ready_pods(c)
    for node in ("z0-1", "z0-2", "z0-3"):
        view = net.proxy.service(node, "default/web")
        assert {e.ip for e in view.endpoints if e.ready} == ready
