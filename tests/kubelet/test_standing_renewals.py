"""Standing renewals (sim/apiserver/renewals.py): quiet nodes write nothing, yet every reader
and every watcher sees what a cluster renewing through the kubelets' clients shows."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import ApiError, Cluster
from sim.scenario.model import NodePool

POOL = NodePool("n", 3, {"cpu": "4", "memory": "8Gi"})
LEASES = "kube-node-lease"


def cluster(*, standing: bool = True, control_plane: bool = False) -> tuple[Cluster, Any]:
    c = Cluster(seed=5, controller_manager=control_plane, scheduler=control_plane)
    c.api.renewals.enabled = standing
    fleet = c.install_kubelets({"events": False})
    fleet.add_pool(POOL)
    c.run(1)
    return c, fleet


def renew_time(c: Cluster, node: str) -> str:
    return str(c.get("leases", node, namespace=LEASES)["spec"]["renewTime"])


def heartbeat(c: Cluster, node: str) -> str:
    (hb,) = {x["lastHeartbeatTime"] for x in c.get("nodes", node)["status"]["conditions"]}
    return str(hb)


def test_a_quiet_cluster_writes_nothing_until_someone_looks() -> None:
    c, _ = cluster(control_plane=True)
    c.run(30)
    revision = c.store.revision
    c.run(1000)
    assert c.store.revision == revision  # 3 nodes x 97 lease renewals, 3 heartbeats: unwritten
    assert c.api.renewals.written == 0 and len(c.api.renewals.by_key) == 6
    assert renew_time(c, "n-1") == c.clock.micro_timestamp(1000.0)
    assert c.store.revision == revision + 1  # the GET wrote n-1's latest renewal, once
    assert renew_time(c, "n-1") == c.clock.micro_timestamp(1000.0)
    assert c.store.revision == revision + 1
    assert c.get("nodes", "n-1")["status"]["conditions"][-1]["status"] == "True"


def test_reads_see_a_renewal_at_most_one_period_old() -> None:
    c, _ = cluster()
    for t in (5.5, 10.0, 19.99, 20.0, 333.3, 1000.0):
        c.run(t)
        lease = c.get("leases", "n-2", namespace=LEASES)
        age = c.now - c.clock.seconds_of(lease["spec"]["renewTime"][:19] + "Z")
        assert 0 <= age < 10.0 + 1e-6
        assert lease["spec"]["holderIdentity"] == "n-2"
    listed = c.api.list("leases", namespace=LEASES)["items"]
    assert [x["spec"]["renewTime"] for x in listed] == [c.clock.micro_timestamp(1000.0)] * 3


def test_a_writer_with_a_stale_resource_version_gets_a_conflict() -> None:
    c, _ = cluster()
    c.run(12)
    lease = c.get("leases", "n-1", namespace=LEASES)
    c.run(25)  # the kubelet renewed at 20 s: the lease this writer holds is stale
    stale = {**lease, "spec": {**lease["spec"], "holderIdentity": "intruder"}}
    with pytest.raises(ApiError) as e:
        c.api.update("leases", stale, namespace=LEASES, user="someone")
    assert e.value.code == 409
    assert c.get("leases", "n-1", namespace=LEASES)["spec"]["holderIdentity"] == "n-1"


def test_a_deleted_lease_is_created_again_within_a_period() -> None:
    c, _ = cluster()
    c.run(15)
    c.api.delete("leases", "n-3", namespace=LEASES, user="someone")
    c.run(25.5)  # created again by the 20 s renewal: a GET (1 ms), then a create
    assert c.clock.seconds_of(renew_time(c, "n-3")[:19] + "Z") == 20
    c.run(100)
    assert renew_time(c, "n-3") == c.clock.micro_timestamp(100.0)


def test_stopping_freezes_the_last_renewal_and_restarting_renews_again() -> None:
    c, fleet = cluster()
    c.run(47)
    fleet.stop_kubelet("n-1")
    c.run(400)
    assert renew_time(c, "n-1") == c.clock.micro_timestamp(40.0)
    assert heartbeat(c, "n-1") == c.clock.timestamp(0.0)  # reported at 0 s, next due at 310 s
    assert heartbeat(c, "n-2") == c.clock.timestamp(310.0)  # the first 10 s tick >= 300 s on
    fleet.start_kubelet("n-1")
    c.run(425)
    assert renew_time(c, "n-1") == c.clock.micro_timestamp(420.0)
    assert c.clock.seconds_of(heartbeat(c, "n-1")) == pytest.approx(400, abs=1)


def test_a_watcher_sees_one_event_per_renewal_in_order() -> None:
    c, _ = cluster()
    c.run(3)
    seen: list[tuple[str, str, int]] = []
    c.api.watch(
        "leases",
        lambda ev: seen.append(
            (
                ev.object["metadata"]["name"],
                ev.object["spec"]["renewTime"],
                int(ev.object["metadata"]["resourceVersion"]),
            )
        ),
        namespace=LEASES,
    )
    c.run(61)
    by_node = {n: [t for name, t, _rv in seen if name == n] for n in ("n-1", "n-2", "n-3")}
    want = [c.clock.micro_timestamp(float(t)) for t in range(10, 61, 10)]
    for renewals in by_node.values():
        assert renewals[1:] == want  # after the initial ADDED state
    changes = [rv for _name, _t, rv in seen[3:]]  # the renewals, in delivery order
    assert changes == sorted(changes) and len(set(changes)) == len(changes)


# -- the same reads and watches with and without standing renewals (hypothesis) ----------------
ACTIONS = st.sampled_from(["get", "list", "watch", "unwatch", "stop", "start", "heartbeat"])


def _play(plan: list[tuple[int, float, str, int]], standing: bool) -> list[Any]:
    """Run `plan` and return everything a client observed."""
    c, fleet = cluster(standing=standing)
    seen: list[Any] = []
    watches: list[Any] = []
    for tick, frac, action, node_i in plan:
        at = tick * 10 + frac  # never within 0.5 s of a renewal instant
        if at > c.now:
            c.run(at)
        node = f"n-{node_i}"
        if action == "get":
            seen.append(("get", node, renew_time(c, node)))
        elif action == "heartbeat":
            seen.append(("hb", node, heartbeat(c, node)))
        elif action == "list":
            items = c.api.list("leases", namespace=LEASES)["items"]
            seen.append(("list", [x["spec"]["renewTime"] for x in items]))
        elif action == "watch":
            name = f"w{len(watches)}"
            watches.append(
                c.api.watch(
                    "leases",
                    lambda ev, name=name: seen.append(
                        (
                            name,
                            ev.type,
                            ev.object["metadata"]["name"],
                            ev.object["spec"]["renewTime"],
                        )
                    ),
                    namespace=LEASES,
                )
            )
        elif action == "unwatch" and watches:
            watches.pop(0).cancel()
        elif action == "stop":
            fleet.stop_kubelet(node)
        elif action == "start":
            try:
                fleet.start_kubelet(node)
            except ApiError:
                pass
    c.run(c.now + 35)
    seen.append(("end", [renew_time(c, f"n-{i}") for i in (1, 2, 3)]))
    return seen


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.floats(0.5, 9.5),
            ACTIONS,
            st.integers(1, 3),
        ),
        max_size=14,
    ).map(sorted)
)
def test_readers_and_watchers_see_the_same_with_or_without_standing_renewals(
    plan: list[tuple[int, float, str, int]],
) -> None:
    assert _play(plan, standing=True) == _play(plan, standing=False)


@pytest.mark.parametrize("standing", [True, False])
def test_a_deleted_node_is_registered_again_at_its_next_report(standing: bool) -> None:
    """The kubelet finds out at its next due report (404) and registers again, whether its
    heartbeats are standing renewals or its own posts."""
    c, _ = cluster(standing=standing)
    c.run(100)
    c.api.delete("nodes", "n-2", user="someone")
    c.run(305)
    assert not [n for n in c.list("nodes") if n["metadata"]["name"] == "n-2"]
    c.run(320)
    node = c.get("nodes", "n-2")
    assert c.clock.seconds_of(node["metadata"]["creationTimestamp"]) == pytest.approx(310, abs=1)
