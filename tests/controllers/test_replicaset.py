"""The ReplicaSet controller: counts, batches, expectations, ranking, ownership, status."""

from __future__ import annotations

from typing import Any

import pytest

from sim import Cluster
from sim.controllers.replicaset import ReplicaSetController
from sim.controllers.util import controller_of, rank_pods_for_deletion
from tests.conftest import pod
from tests.controllers.conftest import make_cluster

USER = "system:serviceaccount:kube-system:replicaset-controller"


def rs(name: str, replicas: int, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec},
            },
        },
    }


def pod_creates(c: Cluster) -> list[float]:
    return [
        r.time
        for r in c.trace.records
        if r.component == USER and r.verb == "create" and r.ref.startswith("pods/")
    ]


def test_creates_in_slow_start_batches_and_reports_status() -> None:
    c, _cm, _k = make_cluster()
    c.apply(rs("web", 10))
    c.run(30)
    times = pod_creates(c)
    groups: dict[float, int] = {}
    for t in times:
        groups[round(t, 6)] = groups.get(round(t, 6), 0) + 1
    assert list(groups.values()) == [1, 2, 4, 3]
    st = c.get("replicasets", "web")["status"]
    assert st == {
        "replicas": 10,
        "fullyLabeledReplicas": 10,
        "readyReplicas": 10,
        "availableReplicas": 10,
        "observedGeneration": 1,
    }
    events = [e for e in c.list("events") if e["reason"] == "SuccessfulCreate"]
    assert len(events) == 10 and events[0]["message"].startswith("Created pod: web-")
    for p in c.list("pods"):
        ref = controller_of(p)
        assert ref and ref["name"] == "web" and ref["blockOwnerDeletion"] is True


def test_burst_replicas_caps_one_sync_and_expectations_hold_the_next() -> None:
    c = Cluster(seed=3, controller_manager=False)
    ctl = ReplicaSetController(c.runtime, burst_replicas=5)
    ctl.start()
    c.apply(rs("web", 12))
    c.run(5)
    assert len(c.list("pods")) == 12
    decisions = [r for r in c.trace.records if r.component == ctl.name and r.verb == "scale-up"]
    assert [r.detail.split(" (")[0] for r in decisions] == ["create 5", "create 5", "create 2"]
    # a new sync starts only once the informer observed every create of the previous one
    creates = pod_creates(c)
    assert decisions[1].time > creates[4] and decisions[2].time > creates[9]
    assert ctl.expectations.satisfied("default/web")


def test_scale_down_deletes_unready_and_unassigned_pods_first() -> None:
    c, _cm, k = make_cluster(bind=False)
    c.apply(rs("web", 4))
    c.run(5)
    names = sorted(p["metadata"]["name"] for p in c.list("pods"))
    # bind two, make one of them ready
    for n in names[:2]:
        c.api.bind(n, {"target": {"kind": "Node", "name": "z0-1"}})
    c.run(10)  # the fake kubelet starts bound pods
    c.scale("replicasets", "web", 2)
    c.run(20)
    left = sorted(p["metadata"]["name"] for p in c.list("pods"))
    assert left == names[:2]
    assert sum(1 for e in c.list("events") if e["reason"] == "SuccessfulDelete") == 2


def test_adopts_matching_orphans_and_releases_pods_that_stop_matching() -> None:
    c, _cm, _k = make_cluster()
    c.api.create("pods", pod("orphan", labels={"app": "web"}))
    c.apply(rs("web", 3))
    c.run(10)
    pods = c.list("pods")
    assert len(pods) == 3
    assert controller_of(c.get("pods", "orphan"))["name"] == "web"
    c.api.patch("pods", "orphan", {"metadata": {"labels": {"app": "other"}}})
    c.run(20)
    assert controller_of(c.get("pods", "orphan")) is None
    assert len(c.list("pods", label_selector="app=web")) == 3


def test_replica_failure_condition_when_creates_fail_then_cleared() -> None:
    c, _cm, _k = make_cluster()
    c.apply(rs("web", 2, priorityClassName="missing"))
    c.run(10)
    st = c.get("replicasets", "web")["status"]
    cond = [x for x in st.get("conditions", []) if x["type"] == "ReplicaFailure"]
    assert cond and cond[0]["reason"] == "FailedCreate" and cond[0]["status"] == "True"
    assert any(e["reason"] == "FailedCreate" for e in c.list("events"))
    c.api.create(
        "priorityclasses",
        {
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": "missing"},
            "value": 10,
        },
    )
    c.run(60)
    st = c.get("replicasets", "web")["status"]
    assert st["replicas"] == 2 and "conditions" not in st


def test_replaces_failed_and_deleted_pods() -> None:
    c, _cm, k = make_cluster()
    c.apply(rs("web", 3))
    c.run(10)
    victim = c.list("pods")[0]["metadata"]["name"]
    k.kill_pod("default", victim)
    c.api.delete("pods", c.list("pods")[1]["metadata"]["name"])
    c.run(30)
    active = [p for p in c.list("pods") if p["status"].get("phase") == "Running"]
    assert len(active) == 3


def _p(
    name: str,
    node: str = "",
    phase: str = "Pending",
    ready_at: str | None = None,
    created: str = "2025-01-01T00:00:00Z",
    cost: str | None = None,
    restarts: int = 0,
) -> dict[str, Any]:
    conds = (
        []
        if ready_at is None
        else [{"type": "Ready", "status": "True", "lastTransitionTime": ready_at}]
    )
    meta: dict[str, Any] = {"name": name, "uid": name, "creationTimestamp": created}
    if cost is not None:
        meta["annotations"] = {"controller.kubernetes.io/pod-deletion-cost": cost}
    return {
        "metadata": meta,
        "spec": {"nodeName": node},
        "status": {
            "phase": phase,
            "conditions": conds,
            "containerStatuses": [{"restartCount": restarts}],
        },
    }


@pytest.mark.parametrize(
    ("a", "b", "ranks"),
    [
        (_p("unassigned"), _p("assigned", node="n1"), (0, 0)),
        (_p("pending", node="n"), _p("running", node="n", phase="Running"), (0, 0)),
        (
            _p("notready", node="n", phase="Running"),
            _p("ready", node="n", phase="Running", ready_at="2025-01-01T00:00:00Z"),
            (0, 0),
        ),
        (
            _p("cheap", node="n", phase="Running", cost="-5"),
            _p("dear", node="n", phase="Running", cost="5"),
            (0, 0),
        ),
        (_p("crowded", node="n", phase="Running"), _p("alone", node="m", phase="Running"), (3, 1)),
        (
            _p("recently-ready", node="n", phase="Running", ready_at="2025-01-01T01:59:00Z"),
            _p("long-ready", node="n", phase="Running", ready_at="2025-01-01T00:00:00Z"),
            (0, 0),
        ),
        (
            _p("restarts", node="n", phase="Running", restarts=3),
            _p("steady", node="n", phase="Running"),
            (0, 0),
        ),
        (
            _p("young", node="n", phase="Running", created="2025-01-01T01:59:00Z"),
            _p("old", node="n", phase="Running", created="2025-01-01T00:00:00Z"),
            (0, 0),
        ),
    ],
    ids=lambda v: v["metadata"]["name"] if isinstance(v, dict) else str(v),
)
def test_deletion_rank_prefers_the_first_pod(
    a: dict[str, Any], b: dict[str, Any], ranks: tuple[int, int]
) -> None:
    c = Cluster(seed=1)
    c.run(7200)
    assert rank_pods_for_deletion([b, a], [ranks[1], ranks[0]], c.clock)[0] is a
    assert rank_pods_for_deletion([a, b], list(ranks), c.clock)[0] is a
