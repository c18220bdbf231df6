"""Shared informers: list-watch into a shared cache, handlers in order, relist on 410."""

from __future__ import annotations

from typing import Any

from sim import Cluster
from sim.api.errors import gone
from sim.client.informer import index_by_node_name
from tests.conftest import bare_cluster, pod


def handlers(log: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "on_add": lambda o: log.append(("add", o["metadata"]["name"])),
        "on_update": lambda old, new: log.append(("update", new["metadata"]["name"])),
        "on_delete": lambda o: log.append(("delete", o["metadata"]["name"])),
    }


def test_informer_syncs_then_follows_changes_in_order(cluster: Cluster) -> None:
    cluster.api.create("pods", pod("a"))
    inf = cluster.informers.informer_for("pods")
    log: list[tuple[str, str]] = []
    inf.add_event_handler(**handlers(log))
    inf.start()
    cluster.run(until=1)
    assert inf.has_synced and log == [("add", "a")]
    cluster.api.create("pods", pod("b"))
    cluster.api.patch("pods", "a", {"metadata": {"labels": {"v": "2"}}})
    cluster.api.delete("pods", "b")
    cluster.run(until=2)
    assert log == [("add", "a"), ("add", "b"), ("update", "a"), ("delete", "b")]
    assert inf.indexer.keys() == ["default/a"]


def test_cache_shares_the_stored_objects(cluster: Cluster) -> None:
    inf = cluster.informers.informer_for("pods")
    inf.start()
    cluster.api.create("pods", pod("a"))
    cluster.run(until=1)
    assert inf.indexer.get("default/a") is cluster.api.get("pods", "a")


def test_delivery_waits_for_the_modelled_watch_delay(cluster: Cluster) -> None:
    inf = cluster.informers.informer_for("pods")
    inf.start()
    cluster.run(until=1)
    cluster.api.create("pods", pod("a"))
    cluster.run(until=1 + cluster.latency.watch_delay_s / 2)
    assert "default/a" not in inf.indexer
    cluster.run(until=1 + cluster.latency.watch_delay_s * 2)
    assert "default/a" in inf.indexer


def test_relist_after_410_reconciles_what_was_missed(cluster: Cluster) -> None:
    cluster.api.create("pods", pod("a"))
    cluster.api.create("pods", pod("b"))
    inf = cluster.informers.informer_for("pods")
    log: list[tuple[str, str]] = []
    inf.add_event_handler(**handlers(log))
    inf.start()
    cluster.run(until=1)
    stream = inf._stream
    stream.close_with(gone("too old resource version"))  # the server ends the watch
    # While the informer backs off, the world changes behind its back.
    cluster.api.delete("pods", "a")
    cluster.api.create("pods", pod("c"))
    cluster.run(until=5)
    assert inf.relists == 2
    assert sorted(inf.indexer.keys()) == ["default/b", "default/c"]
    assert ("delete", "a") in log and ("add", "c") in log


def test_indexers_by_node_and_namespace(cluster: Cluster) -> None:
    inf = cluster.informers.informer_for("pods", indexers={"nodeName": index_by_node_name})
    inf.start()
    cluster.api.create("pods", pod("a", node="n1"))
    cluster.api.create("pods", pod("b", node="n2"))
    cluster.api.create("pods", pod("c", node="n1"))
    cluster.run(until=1)
    assert [o["metadata"]["name"] for o in inf.indexer.by_index("nodeName", "n1")] == ["a", "c"]
    assert len(inf.indexer.by_index("namespace", "default")) == 3
    cluster.api.delete("pods", "a", grace_period_seconds=0)
    cluster.run(until=2)
    assert [o["metadata"]["name"] for o in inf.indexer.by_index("nodeName", "n1")] == ["c"]


def test_factory_shares_one_informer_per_kind(cluster: Cluster) -> None:
    a = cluster.informers.informer_for("pods")
    b = cluster.informers.informer_for("po")
    assert a is cluster.informers.informer_for("pods") and b is not None


def test_resync_redelivers_cached_objects_as_updates() -> None:
    c = bare_cluster(seed=1)
    from sim.client.informer import SharedInformer

    inf = SharedInformer(c.client("t"), c.clock, "pods", resync_period_s=30)
    log: list[tuple[str, str]] = []
    inf.add_event_handler(**handlers(log))
    inf.start()
    c.api.create("pods", pod("a"))
    c.run(until=65)
    assert log.count(("update", "a")) == 2
