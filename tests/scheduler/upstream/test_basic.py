"""NodeUnschedulable, NodeName and SchedulingGates, with the cases of upstream's
pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable_test.go
(TestNodeUnschedulable), nodename/node_name_test.go (TestNodeName) and
schedulinggates/scheduling_gates_test.go (TestPreEnqueue) as facts.

Filters run through explain with the plugin alone; PreEnqueue, which explain does not run,
is called on the registered plugin. Not carried: the queueing-hint tests
(TestIsSchedulableAfterNodeChange), which explain does not expose.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.scheduler.interface import REGISTRY
from sim.scheduler.podinfo import PodInfo
from tests.scheduler.upstream.st import config, filters, make_node, make_pod

OK = ("Success", ())


def _filter(plugin: str, pod: dict[str, Any], node: dict[str, Any]) -> Any:
    name = node["metadata"]["name"]
    return filters(plugin, pod, [node], [], config(plugin, points=("filter",)))[name]


UNSCHEDULABLE_TOLERATION = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


@pytest.mark.parametrize(
    ("case", "pod", "unschedulable", "want"),
    [
        (
            "Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)",
            make_pod("p"),
            True,
            ("UnschedulableAndUnresolvable", ("node(s) were unschedulable",)),
        ),
        ("Schedule pod to normal node", make_pod("p"), False, OK),
        (
            "Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
            make_pod("p", tolerations=[UNSCHEDULABLE_TOLERATION]),
            True,
            OK,
        ),
    ],
)
def test_node_unschedulable(case: str, pod: Any, unschedulable: bool, want: Any) -> None:
    node = make_node("node", unschedulable=unschedulable)
    assert _filter("NodeUnschedulable", pod, node) == want


@pytest.mark.parametrize(
    ("case", "pod_node", "want"),
    [
        ("no host specified", None, OK),
        ("host matches", "foo", OK),
        (
            "host doesn't match",
            "bar",
            ("UnschedulableAndUnresolvable", ("node(s) didn't match the requested node name",)),
        ),
    ],
)
def test_node_name(case: str, pod_node: str | None, want: Any) -> None:
    assert _filter("NodeName", make_pod("p", node=pod_node), make_node("foo")) == want


@pytest.mark.parametrize(
    ("case", "gates", "want"),
    [
        ("pod does not carry scheduling gates", [], None),
        (
            "pod carries scheduling gates",
            ["foo", "bar"],
            ("UnschedulableAndUnresolvable", ("waiting for scheduling gates: [foo bar]",)),
        ),
    ],
)
def test_pre_enqueue(case: str, gates: list[str], want: Any) -> None:
    pod = make_pod("p")
    if gates:
        pod["spec"]["schedulingGates"] = [{"name": g} for g in gates]
    st = REGISTRY["SchedulingGates"]().pre_enqueue(PodInfo(pod))
    assert (None if st is None else (st.code, tuple(st.reasons))) == want
