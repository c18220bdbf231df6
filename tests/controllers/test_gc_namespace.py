"""Garbage collection with each propagation policy, namespace deletion, and pod GC."""

from __future__ import annotations

from typing import Any

import pytest

from sim.controllers.util import controller_of
from tests.conftest import deployment, pod
from tests.controllers.conftest import make_cluster


def counts(c: Any, ns: str = "default") -> tuple[int, int]:
    return len(c.list("replicasets", namespace=ns)), len(c.list("pods", namespace=ns))


@pytest.mark.parametrize(
    ("policy", "left"),
    [(None, (0, 0)), ("Background", (0, 0)), ("Foreground", (0, 0)), ("Orphan", (1, 3))],
    ids=["default", "background", "foreground", "orphan"],
)
def test_deleting_a_deployment_with_each_propagation_policy(
    policy: str | None, left: tuple[int, int]
) -> None:
    c, _cm, _k = make_cluster()
    c.apply(deployment("web", 3))
    c.run(20)
    assert counts(c) == (1, 3)
    seen_deployment_while_pods: list[bool] = []

    def watch(verb: str, kind: Any, obj: Any) -> None:
        if kind.kind == "Pod" and verb == "delete":
            seen_deployment_while_pods.append(bool(c.api.list("deployments")["items"]))

    c.api.observe(watch)
    c.api.delete("deployments", "web", propagation_policy=policy)
    c.run(60)
    assert counts(c) == left
    assert c.list("deployments") == []
    if policy == "Foreground":
        # the Deployment outlives its pods: it is held by foregroundDeletion until they are gone
        assert seen_deployment_while_pods and all(seen_deployment_while_pods)
    if policy == "Orphan":
        rs = c.list("replicasets")[0]
        assert "ownerReferences" not in rs["metadata"] or not rs["metadata"]["ownerReferences"]
        assert all(controller_of(p)["kind"] == "ReplicaSet" for p in c.list("pods"))


def test_foreground_deletion_waits_for_blocking_dependents() -> None:
    c, _cm, k = make_cluster(stop_delay_s=30.0)
    c.apply(deployment("web", 2))
    c.run(20)
    c.api.delete("deployments", "web", propagation_policy="Foreground")
    c.run(25)
    d = c.get("deployments", "web")
    assert (
        "foregroundDeletion" in d["metadata"]["finalizers"] and d["metadata"]["deletionTimestamp"]
    )
    c.run(120)
    assert c.list("deployments") == [] and counts(c) == (0, 0)


def test_deleting_a_namespace_removes_everything_then_the_namespace() -> None:
    c, _cm, _k = make_cluster()
    c.api.create("namespaces", {"metadata": {"name": "team"}})
    d = deployment("web", 3)
    d["metadata"]["namespace"] = "team"
    c.apply(d)
    c.api.create(
        "configmaps", {"metadata": {"name": "cfg", "namespace": "team"}, "data": {"a": "b"}}
    )
    c.api.create("pods", pod("loose", namespace="team"))
    c.run(20)
    assert counts(c, "team") == (1, 4)
    c.api.delete("namespaces", "team")
    conditions: list[tuple[str, str]] = []

    def watch(verb: str, kind: Any, obj: Any) -> None:
        if kind.kind == "Namespace":
            for cond in (obj.get("status") or {}).get("conditions") or ():
                conditions.append((cond["type"], cond["reason"]))

    c.api.observe(watch)
    c.run(20.5)
    assert c.get("namespaces", "team", namespace="")["status"]["phase"] == "Terminating"
    c.run(200)
    assert c.list("namespaces") and "team" not in {
        n["metadata"]["name"] for n in c.list("namespaces")
    }
    for kind in ("pods", "replicasets", "deployments", "configmaps"):
        assert c.list(kind, namespace="team") == [], kind
    assert ("NamespaceContentRemaining", "SomeResourcesRemain") in conditions
    assert ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered") in conditions


def test_pod_gc_removes_pods_of_deleted_nodes_and_terminated_beyond_threshold() -> None:
    c, _cm, k = make_cluster(config={"terminatedPodGCThreshold": 2})
    for i in range(4):
        c.api.create("pods", pod(f"p{i}", node="z0-1"))
    c.api.create("pods", pod("ghost", node="gone-node"))
    c.run(10)
    for i in range(4):
        k.kill_pod("default", f"p{i}")
    c.run(100)
    names = sorted(p["metadata"]["name"] for p in c.list("pods"))
    assert names == ["p2", "p3"]  # the two oldest (ties by name) went first
    assert "ghost" not in names
