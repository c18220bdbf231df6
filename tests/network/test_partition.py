"""Partitions cut heartbeats and traffic alike; network actions name what exists."""

from __future__ import annotations

import math
from typing import Any

import pytest

from sim import ApiError
from sim.network import CONTROL_PLANE, Topology
from sim.network.topology import TopologyError
from tests.network.conftest import CidrKubelet, make_env, web


class PartitionAwareKubelet(CidrKubelet):
    """Renews its node's Lease only while the topology lets the node reach the API server: the
    hook the real kubelet consults (`network.topology.can_connect(node, CONTROL_PLANE)`)."""

    topology: Any = None

    def renew_lease(self, name: str) -> None:
        if self.topology is None or self.topology.can_connect(name, CONTROL_PLANE):
            super().renew_lease(name)

    def _stop(self, ns: str, name: str, uid: str) -> None:
        node = self._get(ns, name, uid)["spec"].get("nodeName", "")
        if self.topology is None or self.topology.can_connect(node, CONTROL_PLANE):
            super()._stop(ns, name, uid)


def test_a_node_cut_from_the_control_plane() -> None:
    PartitionAwareKubelet.topology = None
    from sim import Cluster
    from sim.scenario.model import NodePool

    c = Cluster(
        seed=5,
        node_pools=[NodePool("z0", 3, {"cpu": "8", "memory": "32Gi", "pods": "110"})],
        scheduler=False,
        kubelet=False,
        network=False,
    )
    net = c.install_network(
        {"clients": [{"name": "probe", "service": "web", "rate": 20, "from": {"node": "z0-2"}}]}
    )
    PartitionAwareKubelet.topology = net.topology
    k = PartitionAwareKubelet(c)
    c.apply(web(replicas=3))
    c.run(60)
    victim = next(p for p in c.list("pods") if p["spec"]["nodeName"] == "z0-1")
    frozen_at = net.proxy.node_version("z0-1")
    net.isolate("z0-1")
    cut_at = c.now
    c.run(cut_at + 420)

    reqs = [r for r in net.traffic.requests if r.t >= cut_at]
    to_victim = [r for r in reqs if r.endpoint_node == "z0-1"]
    assert to_victim and all(r.ok for r in to_victim)  # the data plane still works
    assert to_victim[0].t < cut_at + 10
    last = max(r.t for r in to_victim)
    assert cut_at + 30 < last < cut_at + 120  # until the endpoints are removed
    after = [r for r in reqs if r.t > last]
    assert after and all(r.endpoint_node in ("z0-2", "z0-3") for r in after)
    assert all(r.ok for r in reqs)  # then the requests go elsewhere, none lost
    assert net.proxy.node_version("z0-1") == frozen_at  # its own kube-proxy saw nothing since
    assert k is not None

    pods = [p for p in c.list("pods") if p["metadata"]["labels"].get("app") == "web"]
    old = next(p for p in pods if p["metadata"]["name"] == victim["metadata"]["name"])
    assert old["metadata"].get("deletionTimestamp")  # evicted after tolerationSeconds 300
    live = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 3 and all(p["spec"]["nodeName"] != "z0-1" for p in live)


# -- the topology itself -------------------------------------------------------------------------
def topo() -> Topology:
    t = Topology()
    t.add_zone("za", 0.001)
    t.add_zone("zb", 0.002)
    t.add_rack("r1", "za", 0.0002)
    t.add_node("n1", {"kubesim.io/rack": "r1"})
    t.add_node("n2", {"topology.kubernetes.io/zone": "za"})
    t.add_node("n3", {"topology.kubernetes.io/zone": "zb"})
    return t


def test_latency_follows_the_fastest_path() -> None:
    t = topo()
    assert t.latency_s("n1", "n2") == pytest.approx(0.0001 + 0.0002 + 0.0001)
    assert t.latency_s("n1", "n3") == pytest.approx(0.0001 + 0.0002 + 0.001 + 0.002 + 0.0001)
    t.add_link("za", "zb", 0.0005)
    assert t.latency_s("n2", "n3") == pytest.approx(0.0001 + 0.0005 + 0.0001)


def test_cut_and_heal_a_link_and_an_asymmetric_cut() -> None:
    t = topo()
    t.cut_link("n1", "r1")
    assert not t.can_reach("n1", "n2") and not t.can_reach("n2", "n1")
    assert t.latency_s("n1", "n2") == math.inf
    t.heal_link("n1", "r1")
    assert t.can_connect("n1", "n2")
    t.cut_link("n3", "zb", one_way=True)
    assert not t.can_reach("n3", CONTROL_PLANE) and t.can_reach(CONTROL_PLANE, "n3")
    assert not t.can_connect(CONTROL_PLANE, "n3")


def test_partitions_by_zone_and_one_way() -> None:
    t = topo()
    t.partition("split", [["za"], ["*"]])
    assert not t.can_reach("n1", "n3") and not t.can_reach("n3", "n2")
    assert t.can_reach("n1", "n2")  # same side
    assert not t.can_reach("n1", CONTROL_PLANE)  # control plane falls in "*"
    t.heal("split")
    t.partition("oneway", [["n1"], ["n2"]], one_way=True)
    assert not t.can_reach("n1", "n2") and t.can_reach("n2", "n1")
    assert t.connected_to(CONTROL_PLANE) == {"n1", "n2", "n3"}
    t.isolate("n3")
    assert t.connected_to(CONTROL_PLANE) == {"n1", "n2"}
    assert t.can_connect("n3", "n1")  # only the control plane is cut off


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda n: n.cut_link("z0-1", "nope"), 'node "nope" not found in the network topology'),
        (
            lambda n: n.cut_link("z0-1", "z0-2"),
            'link "z0-1<->z0-2" not found in the network topology',
        ),
        (lambda n: n.heal_link("ghost", "core"), 'node "ghost" not found in the network topology'),
        (lambda n: n.isolate("ghost"), 'node "ghost" not found in the network topology'),
        (
            lambda n: n.partition("p", [["z0-1"], ["zone-9"]]),
            'node "zone-9" not found in the network topology',
        ),
        (
            lambda n: n.heal("never-made"),
            'partition "never-made" not found in the network topology',
        ),
        (lambda n: n.partition("p", [["z0-1"]]), "a partition needs at least two non-empty groups"),
    ],
    ids=[
        "unknown-node",
        "no-such-link",
        "heal-unknown-node",
        "isolate-unknown",
        "partition-unknown-zone",
        "heal-unknown-partition",
        "one-group",
    ],
)
def test_network_actions_name_what_does_not_exist(action: Any, message: str) -> None:
    _, net, _ = make_env(nodes=2)
    with pytest.raises(ApiError) as e:
        action(net)
    assert isinstance(e.value, TopologyError)
    assert e.value.status["message"] == message


def test_nodes_join_and_leave_the_topology() -> None:
    c, net, _ = make_env(nodes=2, zones=2)
    assert net.topology.nodes() == ["z0-1", "z0-2", "z1-1", "z1-2"]
    assert net.topology.zone_of["z1-1"] == "zone-1"
    c.delete("nodes", "z1-2")
    assert not net.topology.has("z1-2")
