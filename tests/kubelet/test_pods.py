"""Pod workers: admission, image pulls, restarts and back-off, probes, phases and termination."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import Cluster
from sim.scenario.model import NodePool
from tests.kubelet.conftest import bound_pod, kubelet_cluster, kubelet_records


def cstatus(c: Cluster, name: str, index: int = 0, key: str = "containerStatuses") -> dict:
    return c.get("pods", name)["status"][key][index]


def conditions(c: Cluster, name: str) -> dict:
    return {x["type"]: x for x in c.get("pods", name)["status"]["conditions"]}


def test_running_pod_status_as_upstream() -> None:
    c, _ = kubelet_cluster()
    c.apply(bound_pod("p"))
    c.run(10)
    st = c.get("pods", "p")["status"]
    assert st["phase"] == "Running" and st["podIP"] and st["hostIP"] == "172.18.0.2"
    assert [x["type"] for x in st["conditions"]] == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    assert all(x["status"] == "True" for x in st["conditions"])
    cs = st["containerStatuses"][0]
    assert cs["ready"] and cs["started"] and cs["restartCount"] == 0 and cs["lastState"] == {}
    assert cs["containerID"].startswith("kubesim://") and cs["imageID"].startswith("sha256:")


def test_crash_loop_backoff_doubles_to_five_minutes() -> None:
    c, _ = kubelet_cluster({"defaultBehavior": {"runFor": "1s", "exitCode": 1, "startDelay": 0}})
    c.apply(bound_pod("p"))
    c.run(1600)
    starts = [r.time for r in kubelet_records(c, "container-running", "p")]
    exits = [r.time for r in kubelet_records(c, "container-terminated", "p")]
    delays = [
        round(s - e - 0.05, 3) for s, e in zip(starts[1:], exits, strict=False)
    ]  # 0.05 s: CreateContainer
    assert delays[:8] == [0, 10, 20, 40, 80, 160, 300, 300]
    cs = cstatus(c, "p")
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert cs["state"]["waiting"]["message"].startswith(
        "back-off 5m0s restarting failed container=c pod=p_default("
    )
    assert cs["lastState"]["terminated"]["exitCode"] == 1 and cs["restartCount"] == len(starts) - 1
    assert c.get("pods", "p")["status"]["phase"] == "Running"


def test_backoff_resets_after_ten_minutes_of_running() -> None:
    c, _ = kubelet_cluster({"defaultBehavior": {"runFor": "11m", "exitCode": 1, "startDelay": 0}})
    c.apply(bound_pod("p"))
    c.run(3 * 670)
    starts = [r.time for r in kubelet_records(c, "container-running", "p")]
    exits = [r.time for r in kubelet_records(c, "container-terminated", "p")]
    delays = [round(s - e - 0.05, 3) for s, e in zip(starts[1:], exits, strict=False)]
    assert len(delays) == 3 and all(d == 0 for d in delays)


@pytest.mark.parametrize(
    ("policy", "exit_code", "phase", "restarted"),
    [
        pytest.param("Never", 0, "Succeeded", False, id="never-exit-0-succeeds"),
        pytest.param("Never", 2, "Failed", False, id="never-exit-2-fails"),
        pytest.param("OnFailure", 0, "Succeeded", False, id="onfailure-exit-0-succeeds"),
        pytest.param("OnFailure", 2, "Running", True, id="onfailure-exit-2-restarts"),
        pytest.param("Always", 0, "Running", True, id="always-exit-0-restarts"),
    ],
)
def test_restart_policy(policy: str, exit_code: int, phase: str, restarted: bool) -> None:
    c, _ = kubelet_cluster()
    c.apply(bound_pod("p", behavior={"runFor": "3s", "exitCode": exit_code}, restartPolicy=policy))
    c.run(30)
    st = c.get("pods", "p")["status"]
    assert st["phase"] == phase
    assert (st["containerStatuses"][0]["restartCount"] > 0) == restarted
    if phase in ("Succeeded", "Failed"):
        assert st["containerStatuses"][0]["state"]["terminated"]["exitCode"] == exit_code
        assert conditions(c, "p")["PodReadyToStartContainers"]["status"] == "False"


def test_unknown_image_err_image_pull_then_backoff() -> None:
    c, _ = kubelet_cluster(images=[{"name": "nginx:*", "size": "10Mi"}])
    c.apply(bound_pod("p", containers=[{"name": "c", "image": "redis:7"}]))
    c.run(3)
    w = cstatus(c, "p")["state"]["waiting"]
    assert w["reason"] == "ErrImagePull" and "not found" in w["message"]
    c.run(25)  # 2nd failure at ~11 s (backoff 20 s), resync at ~21 s finds the back-off
    assert cstatus(c, "p")["state"]["waiting"] == {
        "reason": "ImagePullBackOff",
        "message": 'Back-off pulling image "redis:7"',
    }
    assert c.get("pods", "p")["status"]["phase"] == "Pending"


def test_pull_policy_never_without_image() -> None:
    c, _ = kubelet_cluster()
    c.apply(
        bound_pod(
            "p", containers=[{"name": "c", "image": "nginx:1.27", "imagePullPolicy": "Never"}]
        )
    )
    c.run(5)
    assert cstatus(c, "p")["state"]["waiting"]["reason"] == "ErrImageNeverPull"


def test_pull_takes_size_over_bandwidth() -> None:
    c, _ = kubelet_cluster({"imagePullBandwidth": "10Mi"}, images=[{"name": "*", "size": "100Mi"}])
    c.apply(bound_pod("p"))
    c.run(8)
    assert cstatus(c, "p")["state"]["waiting"]["reason"] == "ContainerCreating"
    c.run(15)
    assert cstatus(c, "p")["state"].get("running")


@pytest.mark.parametrize(
    ("spec", "reason", "message"),
    [
        pytest.param(
            {"containers": [{"name": "c", "image": "nginx:1.27", "resources": {"requests": {"cpu": "5"}}}]},
            "OutOfcpu", "Node didn't have enough resource: cpu, requested: 5000, used: 0, capacity: 4000", id="out-of-cpu",
        ),
        pytest.param({"nodeSelector": {"disk": "ssd"}}, "NodeAffinity", "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector", id="node-selector"),
    ],
)  # fmt: skip
def test_admission_rejects_as_upstream(spec: dict, reason: str, message: str) -> None:
    c, _ = kubelet_cluster()
    c.apply(bound_pod("p", **spec))
    c.run(5)
    st = c.get("pods", "p")["status"]
    assert (st["phase"], st["reason"], st["message"]) == (
        "Failed",
        reason,
        f"Pod was rejected: {message}",
    )


def test_admission_rejects_untolerated_no_execute_taint_only() -> None:
    taints = [{"key": "a", "effect": "NoSchedule"}, {"key": "b", "effect": "NoExecute"}]
    c, _ = kubelet_cluster(pools=(NodePool("t", 1, {"cpu": "2", "memory": "2Gi"}, taints=taints),))
    c.apply(bound_pod("bad", "t-1"))
    c.apply(
        bound_pod(
            "ok", "t-1", tolerations=[{"key": "b", "operator": "Exists", "effect": "NoExecute"}]
        )
    )
    c.run(5)
    assert c.get("pods", "bad")["status"]["reason"] == "TaintToleration"
    assert c.get("pods", "ok")["status"]["phase"] == "Running"


def test_out_of_pods() -> None:
    c, _ = kubelet_cluster({"maxPods": 2}, pools=(NodePool("m", 1, {"cpu": "4", "memory": "4Gi"}),))
    for i in range(3):
        c.apply(bound_pod(f"p{i}", "m-1"))
        c.run(c.now + 1)
    assert [c.get("pods", f"p{i}")["status"].get("reason") for i in range(3)] == [
        None,
        None,
        "OutOfpods",
    ]


def test_init_containers_run_in_order_before_app_containers() -> None:
    c, _ = kubelet_cluster()
    inits = [{"name": "i1", "image": "nginx:1.27"}, {"name": "i2", "image": "nginx:1.27"}]
    c.apply(
        bound_pod(
            "p",
            behavior={"runFor": "2s"},
            initContainers=inits,
            containers=[{"name": "app", "image": "nginx:1.27"}],
        )
    )
    c.run(3)
    st = c.get("pods", "p")["status"]
    assert (
        st["phase"] == "Pending"
        and conditions(c, "p")["Initialized"]["message"]
        == "containers with incomplete status: [i1 i2]"
    )
    assert st["containerStatuses"][0]["state"]["waiting"]["reason"] == "PodInitializing"
    c.run(20)
    order = [r.detail.split()[0] for r in kubelet_records(c, "start", "p")]
    assert order[:3] == ["i1", "i2", "app"]
    init_states = [
        s["state"]["terminated"]["reason"]
        for s in c.get("pods", "p")["status"]["initContainerStatuses"]
    ]
    assert init_states == ["Completed", "Completed"]


def test_readiness_probe_gates_ready() -> None:
    c, _ = kubelet_cluster()
    probe = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 2}
    c.apply(
        bound_pod(
            "p",
            behavior={"readyAfter": "7s"},
            containers=[{"name": "c", "image": "nginx:1.27", "readinessProbe": probe}],
        )
    )
    c.run(6)
    assert c.get("pods", "p")["status"]["phase"] == "Running"
    assert conditions(c, "p")["Ready"]["reason"] == "ContainersNotReady"
    c.run(12)
    assert conditions(c, "p")["Ready"]["status"] == "True" and cstatus(c, "p")["ready"]


def test_liveness_failure_restarts_the_container() -> None:
    c, _ = kubelet_cluster()
    probe = {"exec": {"command": ["true"]}, "periodSeconds": 1, "failureThreshold": 2}
    c.apply(
        bound_pod(
            "p",
            behavior={"livenessFailsAfter": "5s", "stopDelay": "1s"},
            containers=[{"name": "c", "image": "nginx:1.27", "livenessProbe": probe}],
        )
    )
    c.run(15)
    cs = cstatus(c, "p")
    assert cs["restartCount"] >= 1 and cs["lastState"]["terminated"]
    assert [r.detail for r in kubelet_records(c, "probe-kill", "p")][0] == "c liveness"


def test_startup_probe_holds_started_and_ready() -> None:
    c, _ = kubelet_cluster()
    probe = {"tcpSocket": {"port": 80}, "periodSeconds": 1, "failureThreshold": 30}
    c.apply(
        bound_pod(
            "p",
            behavior={"startedAfter": "6s"},
            containers=[{"name": "c", "image": "nginx:1.27", "startupProbe": probe}],
        )
    )
    c.run(5)
    assert cstatus(c, "p")["started"] is False and cstatus(c, "p")["ready"] is False
    c.run(12)
    assert cstatus(c, "p")["started"] is True and cstatus(c, "p")["ready"] is True


def test_oom_killed() -> None:
    c, _ = kubelet_cluster()
    res = {"limits": {"memory": "64Mi"}}
    c.apply(
        bound_pod(
            "p",
            behavior={"memory": "100Mi"},
            restartPolicy="Never",
            containers=[{"name": "c", "image": "nginx:1.27", "resources": res}],
        )
    )
    c.run(10)
    term = cstatus(c, "p")["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (137, "OOMKilled")
    assert c.get("pods", "p")["status"]["phase"] == "Failed"


@pytest.mark.parametrize(
    ("behavior", "lifecycle", "grace", "exit_code", "removed_at"),
    [
        pytest.param({"stopDelay": "2s"}, None, 30, 0, 2, id="exits-on-sigterm"),
        pytest.param({"stopDelay": "never"}, None, 5, 137, 5, id="killed-after-grace"),
        pytest.param(
            {"stopDelay": "1s"},
            {"preStop": {"sleep": {"seconds": 3}}},
            30,
            0,
            4,
            id="prestop-then-sigterm",
        ),
        pytest.param(
            {"stopDelay": "never", "preStopDelay": "10s"},
            {"preStop": {"exec": {"command": ["drain"]}}},
            4,
            137,
            6,
            id="prestop-eats-grace-min-2s",
        ),
    ],
)
def test_graceful_termination(
    behavior: dict, lifecycle: dict | None, grace: int, exit_code: int, removed_at: float
) -> None:
    c, fleet = kubelet_cluster()
    container = {
        "name": "c",
        "image": "nginx:1.27",
        **({"lifecycle": lifecycle} if lifecycle else {}),
    }
    c.apply(
        bound_pod(
            "p", behavior=behavior, containers=[container], terminationGracePeriodSeconds=grace
        )
    )
    c.run(10)
    seen = []
    c.api.observe(
        lambda verb, kind, obj: seen.append((c.now, verb, obj)) if kind.kind == "Pod" else None
    )
    c.delete("pods", "p")
    c.run(60)
    assert c.list("pods") == []
    final = [obj for _t, verb, obj in seen if verb == "patch"][-1]["status"]
    assert final["containerStatuses"][0]["state"]["terminated"]["exitCode"] == exit_code
    assert final["phase"] == ("Succeeded" if exit_code == 0 else "Failed")
    removed = [t for t, verb, _ in seen if verb == "delete"][-1]
    assert removed - 10 == pytest.approx(removed_at, abs=0.1)
    assert fleet.host("n-1").list_containers() == []


def test_full_cluster_deployment_runs_and_becomes_ready() -> None:
    c = Cluster(seed=5)
    fleet = c.install_kubelets({"events": True})
    fleet.add_pool(NodePool("w", 3, {"cpu": "4", "memory": "8Gi"}))
    c.run(2)
    from tests.conftest import deployment

    c.apply(deployment("web", replicas=6))
    c.run(40)
    pods = c.list("pods")
    assert len(pods) == 6 and all(p["status"]["phase"] == "Running" for p in pods)
    assert all(
        any(x["type"] == "Ready" and x["status"] == "True" for x in p["status"]["conditions"])
        for p in pods
    )
    assert c.get("deployments", "web")["status"].get("readyReplicas") == 6
    nodes = {n["metadata"]["name"]: n for n in c.list("nodes")}
    assert all(n["spec"].get("taints") in (None, []) for n in nodes.values())


# -- the property: never Running before a container started, never Ready before readiness --
behaviours = st.fixed_dictionaries(
    {
        "startDelay": st.sampled_from([0, 0.5, 3]),
        "runFor": st.sampled_from(["never", "2s", "9s"]),
        "exitCode": st.sampled_from([0, 1]),
        "readyAfter": st.sampled_from([0, 4, 12]),
        "crashRate": st.sampled_from([0, 60]),
    }
)


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 1000),
    behavior=behaviours,
    policy=st.sampled_from(["Always", "OnFailure", "Never"]),
    with_probe=st.booleans(),
)
def test_never_running_before_started_never_ready_before_probe(
    seed: int, behavior: dict, policy: str, with_probe: bool
) -> None:
    c, _ = kubelet_cluster(seed=seed)
    writes: list[tuple[float, dict]] = []
    c.api.observe(
        lambda verb, kind, obj: (
            writes.append((c.now, obj["status"]))
            if kind.kind == "Pod" and verb == "patch"
            else None
        )
    )
    probe = {"readinessProbe": {"httpGet": {"port": 80}, "periodSeconds": 2}} if with_probe else {}
    c.apply(
        bound_pod(
            "p",
            behavior=behavior,
            restartPolicy=policy,
            containers=[{"name": "c", "image": "nginx:1.27", **probe}],
        )
    )
    c.run(60)
    started = [r.time for r in kubelet_records(c, "container-running", "p")]
    ready_marks = [r.time for r in kubelet_records(c, "ready", "p")]
    terminal = False
    for t, status in writes:
        if status["phase"] == "Running":
            assert started and started[0] <= t
            assert any(
                s["state"].get("running") or s["state"].get("terminated") or s["lastState"]
                for s in status["containerStatuses"]
            )
        ready = {x["type"]: x["status"] for x in status.get("conditions", [])}.get("Ready")
        if ready == "True":
            assert status["containerStatuses"][0]["state"].get("running")
            if with_probe:
                assert ready_marks and ready_marks[0] <= t
        if terminal:
            assert status["phase"] in ("Succeeded", "Failed")
        terminal = status["phase"] in ("Succeeded", "Failed")
