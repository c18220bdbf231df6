"""The Deployment controller: rollouts keep their surge and availability bounds, and more."""

from __future__ import annotations

from typing import Any

import pytest

from sim import Cluster
from sim.controllers import deployment_util as du
from sim.controllers.util import is_pod_active, is_pod_ready
from tests.conftest import deployment
from tests.controllers.conftest import make_cluster


def dep(name: str, replicas: int, image: str = "nginx:1.27", **spec: Any) -> dict[str, Any]:
    d = deployment(name, replicas, image)
    d["spec"].update(spec)
    return d


def owned_pods(c: Cluster, app: str) -> list[dict[str, Any]]:
    return [p for p in c.api.list("pods", label_selector=f"app={app}")["items"]]


@pytest.mark.parametrize(
    ("surge", "unavailable"),
    [
        ("25%", "25%"),
        (1, 0),
        (0, 1),
        ("0%", "30%"),
        ("50%", 0),
        (3, 2),
        (0, "10%"),
    ],
    ids=lambda v: str(v),
)
def test_rolling_update_keeps_surge_and_availability_bounds_at_every_step(
    surge: Any, unavailable: Any
) -> None:
    c, _cm, _k = make_cluster()
    strategy = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
    }
    c.apply(dep("web", 10, strategy=strategy, revisionHistoryLimit=1))
    c.run(60)
    d = c.get("deployments", "web")
    max_surge, max_unavailable = du.resolve_fenceposts(d)
    max_unavailable = min(max_unavailable, 10)
    violations: list[str] = []
    steps = [0]

    def check(verb: str, kind: Any, obj: Any) -> None:
        if kind.kind not in ("Pod", "ReplicaSet"):
            return
        steps[0] += 1
        pods = [p for p in owned_pods(c, "web") if is_pod_active(p)]
        available = sum(1 for p in pods if is_pod_ready(p))
        if len(pods) > 10 + max_surge:
            violations.append(f"t={c.now:.3f} {len(pods)} pods > {10 + max_surge}")
        if available < 10 - max_unavailable:
            violations.append(f"t={c.now:.3f} {available} available < {10 - max_unavailable}")

    c.api.observe(check)
    for image in ("nginx:1.28", "nginx:1.29", "nginx:1.30"):
        c.apply(dep("web", 10, image=image, strategy=strategy, revisionHistoryLimit=1))
        c.run(c.now + 120)
    assert not violations, violations[:5]
    assert steps[0] > 50
    rss = c.list("replicasets")
    live = [rs for rs in rss if rs["spec"]["replicas"] > 0]
    assert (
        len(live) == 1
        and live[0]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.30"
    )
    assert len(rss) == 2  # the new one plus revisionHistoryLimit=1 old one
    st = c.get("deployments", "web")["status"]
    assert (st["replicas"], st["updatedReplicas"], st["availableReplicas"]) == (10, 10, 10)
    assert c.get("deployments", "web")["metadata"]["annotations"][du.REVISION] == "4"


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "want"),
    [
        (10, "25%", "25%", (3, 2)),
        (10, "0%", "0%", (0, 1)),
        (3, "50%", "50%", (2, 1)),
        (1, "25%", "25%", (1, 0)),
        (10, 0, 0, (0, 1)),
        (7, "10%", "10%", (1, 0)),
    ],
)
def test_fenceposts_round_surge_up_and_unavailable_down(
    replicas: int, surge: Any, unavailable: Any, want: tuple[int, int]
) -> None:
    d = dep(
        "x",
        replicas,
        strategy={
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
        },
    )
    assert du.resolve_fenceposts(d) == want


def test_recreate_scales_old_to_zero_before_creating_new() -> None:
    c, _cm, _k = make_cluster()
    c.apply(dep("web", 4, strategy={"type": "Recreate"}))
    c.run(30)
    overlap: list[float] = []

    def check(verb: str, kind: Any, obj: Any) -> None:
        images = {p["spec"]["containers"][0]["image"] for p in owned_pods(c, "web")}
        if len(images) > 1:
            overlap.append(c.now)

    c.api.observe(check)
    c.apply(dep("web", 4, image="nginx:1.28", strategy={"type": "Recreate"}))
    c.run(90)
    assert not overlap
    pods = owned_pods(c, "web")
    assert len(pods) == 4 and all(p["spec"]["containers"][0]["image"] == "nginx:1.28" for p in pods)


def test_progress_deadline_exceeded_600s_after_progress_stopped_then_rollback() -> None:
    c, _cm, _k = make_cluster()
    c.apply(dep("web", 3))
    c.run(30)
    c.apply(dep("web", 3, image="registry/never-starts:1"))
    progress_times: list[float] = []
    exceeded: list[float] = []

    def check(verb: str, kind: Any, obj: Any) -> None:
        if kind.kind != "Deployment":
            return
        cond = du.get_condition(obj.get("status") or {}, "Progressing")
        if cond and cond["reason"] == du.RS_UPDATED:
            progress_times.append(c.clock.seconds_of(cond["lastUpdateTime"]))
        if cond and cond["reason"] == du.TIMED_OUT and not exceeded:
            exceeded.append(c.now)

    c.api.observe(check)
    c.run(1000)
    assert exceeded, "never timed out"
    last_progress = max(progress_times)
    assert 600 <= exceeded[0] - last_progress <= 602
    d = c.get("deployments", "web")
    assert du.get_condition(d["status"], "Progressing")["status"] == "False"
    assert any(e["reason"] == "ScalingReplicaSet" for e in c.list("events"))
    # kubectl rollout undo
    patch = du.rollback_patch(c.api.get("deployments", "web"), c.api.list("replicasets")["items"])
    c.api.patch("deployments", "web", patch)
    c.run(c.now + 60)
    d = c.get("deployments", "web")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    rs1 = [rs for rs in c.list("replicasets") if rs["spec"]["replicas"] == 3]
    assert len(rs1) == 1
    ann = rs1[0]["metadata"]["annotations"]
    assert ann[du.REVISION] == "3" and ann[du.REVISION_HISTORY] == "1"
    assert d["metadata"]["annotations"][du.REVISION] == "3"
    assert du.get_condition(d["status"], "Progressing")["reason"] == du.NEW_RS_AVAILABLE
    assert len([p for p in owned_pods(c, "web") if is_pod_active(p)]) == 3


def test_paused_deployment_scales_but_does_not_roll_out() -> None:
    c, _cm, _k = make_cluster()
    c.apply(dep("web", 4))
    c.run(20)
    c.apply(dep("web", 6, image="nginx:1.28", paused=True))
    c.run(60)
    d = c.get("deployments", "web")
    assert du.get_condition(d["status"], "Progressing")["reason"] == du.PAUSED
    rss = c.list("replicasets")
    assert len(rss) == 1 and rss[0]["spec"]["replicas"] == 6
    c.apply(dep("web", 6, image="nginx:1.28", paused=False))
    c.run(120)
    images = {p["spec"]["containers"][0]["image"] for p in owned_pods(c, "web") if is_pod_active(p)}
    assert images == {"nginx:1.28"}


def test_scaling_mid_rollout_is_proportional() -> None:
    c, _cm, _k = make_cluster()
    c.apply(dep("web", 10))
    c.run(30)
    c.apply(dep("web", 10, image="registry/never-starts:2"))
    c.run(c.now + 30)
    before = {rs["metadata"]["name"]: rs["spec"]["replicas"] for rs in c.list("replicasets")}
    # 25% unavailable off the old (10 -> 8), then the new fills the surge: 13 = 8 + 5
    assert sorted(before.values()) == [5, 8]
    c.scale("deployments", "web", 20)
    c.run(c.now + 30)
    after = {rs["metadata"]["name"]: rs["spec"]["replicas"] for rs in c.list("replicasets")}
    # allowed 20 + 5 = 25, to add 12: old 8 * 25/13 = 15.4 -> 15, new 5 * 25/13 = 9.6 -> 10
    assert sorted(after.values()) == [10, 15]
    events = [e["message"] for e in c.list("events") if e["reason"] == "ScalingReplicaSet"]
    assert any(m.endswith("from 8 to 15") for m in events)


def test_minreadyseconds_delays_availability() -> None:
    c, _cm, _k = make_cluster()
    c.apply(dep("web", 2, minReadySeconds=30))
    c.run(20)
    assert c.get("deployments", "web")["status"].get("availableReplicas", 0) == 0
    c.run(45)
    assert c.get("deployments", "web")["status"].get("availableReplicas", 0) == 2
