"""The running scheduler: binding, the queue, profiles, custom plugins, preemption, the trace."""

from __future__ import annotations

from typing import Any

import pytest

from sim import Cluster
from sim.scenario.loader import ScenarioError
from sim.scenario.model import NodePool
from sim.scheduler import REGISTRY, Plugin, Status, install, register_plugin, scoped_registry, why
from sim.scheduler.queue import SchedulingQueue
from tests.scheduler.helpers import pod


def cluster(n: int = 3, cpu: str = "4", **pool: Any) -> Cluster:
    return Cluster(
        seed=3,
        controller_manager=False,
        scheduler=False,
        kubelet=False,
        node_pools=[NodePool("n", n, {"cpu": cpu, "memory": "16Gi", "pods": "110"}, **pool)],
    )


def nodes_of(c: Cluster) -> dict[str, str | None]:
    return {p["metadata"]["name"]: p["spec"].get("nodeName") for p in c.list("pods")}


def test_pods_are_bound_through_the_binding_subresource_and_explained_in_the_trace() -> None:
    c = cluster()
    install(c.runtime, None)
    for i in range(6):
        c.api.create("pods", pod(f"p{i}", "1"))
    c.run(5)
    placed = nodes_of(c)
    assert all(placed.values())
    assert sorted(placed.values()) == [
        "n-1",
        "n-1",
        "n-2",
        "n-2",
        "n-3",
        "n-3",
    ]  # LeastAllocated spreads
    binds = [r for r in c.trace if r.verb == "bind"]
    assert len(binds) == 6 and all(r.component == "system:kube-scheduler" for r in binds)
    lines = why(c, "default/p0")
    assert lines and "schedule node=" in lines[0] and "NodeResourcesFit=" in lines[0]
    events = [e for e in c.list("events") if e["reason"] == "Scheduled"]
    assert len(events) == 6 and events[0]["message"].startswith("Successfully assigned default/")


def test_unschedulable_pod_gets_condition_and_event_then_moves_on_node_add() -> None:
    c = cluster(1, cpu="1")
    install(c.runtime, None)
    c.api.create("pods", pod("big", "2"))
    c.run(5)
    p = c.get("pods", "big")
    cond = next(x for x in p["status"]["conditions"] if x["type"] == "PodScheduled")
    assert (cond["status"], cond["reason"]) == ("False", "Unschedulable")
    assert cond["message"].startswith("0/1 nodes are available: 1 Insufficient cpu.")
    assert any(e["reason"] == "FailedScheduling" for e in c.list("events"))
    c.add_node_pool(NodePool("big", 1, {"cpu": "4", "memory": "16Gi", "pods": "110"}))
    c.run(20)
    assert c.get("pods", "big")["spec"]["nodeName"] == "big-1"


def test_backoff_doubles_per_attempt_and_is_capped() -> None:
    c = cluster(1)
    q = SchedulingQueue(c.clock, lambda a, b: False, lambda p: Status(), lambda p: frozenset())
    from sim.scheduler.podinfo import PodInfo
    from sim.scheduler.queue import QueuedPodInfo

    qp = QueuedPodInfo(PodInfo(pod()), 0.0, q.less)
    got = []
    for attempts in range(1, 7):
        qp.attempts = attempts
        got.append(q.backoff_duration(qp))
    assert got == [1, 2, 4, 8, 10, 10]


def test_higher_priority_pods_are_popped_first() -> None:
    c = cluster(1, cpu="1")
    c.apply(
        {
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": "high"},
            "value": 100,
        }
    )
    install(c.runtime, None)
    c.api.create("pods", pod("low", "1"))
    c.api.create("pods", pod("high", "1", priorityClassName="high", preemptionPolicy="Never"))
    c.run(5)
    assert nodes_of(c) == {"high": "n-1", "low": None}


def test_gated_pods_wait_for_their_gates() -> None:
    c = cluster(1)
    install(c.runtime, None)
    c.api.create("pods", pod("g", schedulingGates=[{"name": "wait"}]))
    c.run(3)
    assert nodes_of(c)["g"] is None
    live = c.get("pods", "g")
    live["spec"]["schedulingGates"] = []
    c.api.update("pods", live)
    c.run(6)
    assert nodes_of(c)["g"] == "n-1"


class GPUOnly(Plugin):
    """Keep GPU nodes for pods that request GPUs (the docs' worked example)."""

    def filter(self, state: Any, pod: Any, node_info: Any) -> Status | None:
        wants = pod.shape.requests.get("nvidia.com/gpu", 0) > 0
        has = node_info.allocatable.get("nvidia.com/gpu", 0) > 0
        if has and not wants:
            return Status("UnschedulableAndUnresolvable", ("node(s) are reserved for GPU pods",))
        return None


def test_second_profile_with_a_custom_plugin_is_selected_by_scheduler_name() -> None:
    c = Cluster(
        seed=1,
        controller_manager=False,
        scheduler=False,
        kubelet=False,
        node_pools=[
            NodePool("cpu", 1, {"cpu": "2", "memory": "8Gi", "pods": "110"}),
            NodePool(
                "gpu", 1, {"cpu": "64", "memory": "256Gi", "pods": "110", "nvidia.com/gpu": "4"}
            ),
        ],
    )
    cfg = {
        "profiles": [
            {"schedulerName": "default-scheduler"},
            {
                "schedulerName": "gpu-aware",
                "plugins": {"filter": {"enabled": [{"name": "GPUOnly"}]}},
            },
        ]
    }
    install(c.runtime, cfg, registry={"GPUOnly": GPUOnly})
    c.api.create("pods", pod("plain", "100m"))
    c.api.create("pods", pod("aware", "100m", schedulerName="gpu-aware"))
    c.api.create("pods", pod("other", "100m", schedulerName="nobody"))
    c.run(5)
    placed = nodes_of(c)
    assert placed["plain"] == "gpu-1"  # LeastAllocated prefers the big node
    assert placed["aware"] == "cpu-1"
    assert placed["other"] is None  # no profile is responsible for it


def test_an_out_of_tree_registry_is_the_schedulers_own() -> None:
    c = cluster(1)
    cfg = {"profiles": [{"plugins": {"filter": {"enabled": [{"name": "GPUOnly"}]}}}]}
    install(c.runtime, cfg, registry={"GPUOnly": GPUOnly})
    assert "GPUOnly" not in REGISTRY
    with pytest.raises(ScenarioError, match="unknown plugin 'GPUOnly'"):
        install(cluster(1).runtime, cfg)


def test_register_plugin_in_a_scoped_registry_is_undone_on_exit() -> None:
    before = dict(REGISTRY)
    with scoped_registry():
        register_plugin("GPUOnly")(GPUOnly)
        install(
            cluster(1).runtime,
            {"profiles": [{"plugins": {"filter": {"enabled": [{"name": "GPUOnly"}]}}}]},
        )
    assert REGISTRY == before


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"profiles": [{"plugins": {"score": {"enabled": [{"name": "NoSuch"}]}}}]},
            "spec.cluster.scheduler.profiles[0].plugins.score.enabled[0].name: unknown plugin 'NoSuch'",
        ),
        (
            {"percentageOfNodesToScore": 120},
            "spec.cluster.scheduler.percentageOfNodesToScore: must be an integer in 0..100",
        ),
        (
            {"profiles": [{"schedulerName": "a"}, {"schedulerName": "a"}]},
            "spec.cluster.scheduler.profiles[1].schedulerName: duplicate value 'a'",
        ),
        (
            {
                "profiles": [
                    {
                        "pluginConfig": [
                            {"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "X"}}}
                        ]
                    }
                ]
            },
            "spec.cluster.scheduler.profiles[0].pluginConfig[NodeResourcesFit].args.scoringStrategy.type",
        ),
    ],
    ids=[
        "unknown plugin",
        "percentage out of range",
        "duplicate scheduler name",
        "bad plugin args",
    ],
)
def test_bad_configuration_is_a_scenario_error(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as e:
        install(cluster(1), config)
    assert str(e.value).startswith(message)


def prio(c: Cluster, name: str, value: int) -> None:
    c.apply(
        {
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": name},
            "value": value,
        }
    )


def victim(name: str, cpu: str, pc: str | None, **spec: Any) -> dict[str, Any]:
    extra = {"priorityClassName": pc} if pc else {}
    return pod(name, cpu, terminationGracePeriodSeconds=0, **extra, **spec)


def test_preemption_evicts_the_lowest_victims_and_lands_on_the_nominated_node() -> None:
    c = cluster(2, cpu="2")
    prio(c, "high", 1000)
    prio(c, "low", 10)
    install(c.runtime, None)
    c.api.create("pods", victim("a", "1500m", "low"))  # alone on one node
    c.api.create("pods", victim("b", "1", None))  # priority 0 ...
    c.api.create("pods", victim("b2", "500m", "low"))  # ... with b on the other
    c.run(5)
    where_a = nodes_of(c)["a"]
    c.api.create("pods", victim("hi", "2", "high"))
    c.run(30)
    placed = nodes_of(c)
    # both nodes need evictions; upstream picks the node whose highest victim priority is
    # lowest (a: 10 vs b2: 10, tie) then the lowest priority sum: {a} beats {b, b2}
    assert "a" not in placed and placed["hi"] == where_a
    assert set(placed) == {"b", "b2", "hi"}
    lines = why(c, "default/hi")
    assert any(f"preempt node={where_a} victims=default/a" in ln for ln in lines)
    assert c.get("pods", "hi")["status"]["nominatedNodeName"] == where_a
    assert any(e["reason"] == "Preempted" for e in c.list("events"))


def test_preemption_waits_for_terminating_victims() -> None:
    """Without kubelets a victim with a grace period stays Terminating; the preemptor waits,
    then lands once the test (playing the kubelet) removes the victim."""
    c = cluster(1, cpu="2")
    prio(c, "high", 1000)
    install(c.runtime, None)
    c.api.create("pods", pod("v", "2", terminationGracePeriodSeconds=30))
    c.run(3)
    c.api.create("pods", victim("hi", "2", "high"))
    c.run(20)
    v = c.get("pods", "v")
    assert v["metadata"].get("deletionTimestamp")
    assert any(
        x["type"] == "DisruptionTarget" and x["reason"] == "PreemptionByScheduler"
        for x in v["status"]["conditions"]
    )
    assert nodes_of(c)["hi"] is None
    c.api.delete("pods", "v", namespace="default", grace_period_seconds=0)
    c.run(60)
    assert nodes_of(c) == {"hi": "n-1"}


def test_preemption_policy_never_does_not_preempt() -> None:
    c = cluster(1, cpu="1")
    prio(c, "high", 1000)
    install(c.runtime, None)
    c.api.create("pods", victim("v", "1", None))
    c.run(2)
    c.api.create("pods", victim("hi", "1", "high", preemptionPolicy="Never"))
    c.run(10)
    assert nodes_of(c) == {"v": "n-1", "hi": None}
    assert (
        "not eligible due to preemptionPolicy=Never."
        in c.get("pods", "hi")["status"]["conditions"][0]["message"]
    )
