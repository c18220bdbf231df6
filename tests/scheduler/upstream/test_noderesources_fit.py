"""NodeResourcesFit, with the cases of upstream's
pkg/scheduler/framework/plugins/noderesources/fit_test.go (TestEnoughRequests,
TestNotEnoughRequests, TestStorageRequests, TestRestartableInitContainers, TestFitScore) as
facts: filter code and reasons per case, normalized scores.

Read from the stored copy at commit 24fbb13e (1.30/1.31: internal/cache, the
InPlacePodVerticalScaling queueing hints), the newest stored before 1.32; no 1.32 copy is
stored. Not carried: TestPreFilterDisabled (a missing cycle-state entry), the
queueing-hint and EventsToRegister tests, TestIsFit (an internal helper), and
TestRestartableInitContainers' cases with SidecarContainers off (on by default in 1.32).

Every rejection here is Unschedulable, as 1.32's fitsRequest returns; later releases return
UnschedulableAndUnresolvable when a request exceeds the node's whole allocatable
(kubernetes/kubernetes#131345), which 1.32 does not do.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.scheduler.upstream.st import config, filters, fit_config, make_node, make_pod, scores

PLUGIN = "NodeResourcesFit"
EXT_A = "example.com/aaa"
EXT_B = "example.com/bbb"
K8S_IO_A = "kubernetes.io/something"
K8S_IO_B = "subdomain.kubernetes.io/something"
HUGE_A = "hugepages-2Mi"
OK = ("Success", ())


def insufficient(*names: str) -> tuple[str, tuple[str, ...]]:
    return ("Unschedulable", tuple(f"Insufficient {n}" for n in names))


def rp(
    *usage: dict[str, str],
    init: list[dict[str, str]] | None = None,
    overhead: dict[str, str] | None = None,
) -> dict[str, Any]:
    """newResourcePod / newResourceInitPod / newResourceOverheadPod."""
    p = make_pod("p", *usage, init=init)
    if overhead:
        p["spec"]["overhead"] = overhead
    return p


def r(
    cpu: int = 0, mem: int = 0, storage: int = 0, scalars: dict[str, int] | None = None
) -> dict[str, str]:
    out = {"cpu": f"{cpu}m", "memory": str(mem)}
    if storage:
        out["ephemeral-storage"] = str(storage)
    out.update({k: str(v) for k, v in (scalars or {}).items()})
    return out


def node_10_20_32() -> dict[str, Any]:
    """makeResources(10, 20, 32, 5, 20, 5): cpu 10m, memory 20, 32 pods, 5 example.com/aaa,
    ephemeral-storage 20, 5 hugepages-2Mi."""
    return make_node(
        "node",
        {
            "cpu": "10m",
            "memory": "20",
            "pods": "32",
            EXT_A: "5",
            "ephemeral-storage": "20",
            HUGE_A: "5",
        },
    )


ENOUGH = [
    ("no resources requested always fits", rp(), r(10, 20), None, OK),
    ("too many resources fails", rp(r(1, 1)), r(10, 20), None, insufficient("cpu", "memory")),
    (
        "too many resources fails due to init container cpu",
        rp(r(1, 1), init=[r(3, 1)]),
        r(8, 19),
        None,
        insufficient("cpu"),
    ),
    (
        "too many resources fails due to highest init container cpu",
        rp(r(1, 1), init=[r(3, 1), r(2, 1)]),
        r(8, 19),
        None,
        insufficient("cpu"),
    ),
    (
        "too many resources fails due to init container memory",
        rp(r(1, 1), init=[r(1, 3)]),
        r(9, 19),
        None,
        insufficient("memory"),
    ),
    (
        "too many resources fails due to highest init container memory",
        rp(r(1, 1), init=[r(1, 3), r(1, 2)]),
        r(9, 19),
        None,
        insufficient("memory"),
    ),
    (
        "init container fits because it's the max, not sum, of containers and init containers",
        rp(r(1, 1), init=[r(1, 1)]),
        r(9, 19),
        None,
        OK,
    ),
    (
        "multiple init containers fit because it's the max, not sum, of containers and init "
        "containers",
        rp(r(1, 1), init=[r(1, 1), r(1, 1)]),
        r(9, 19),
        None,
        OK,
    ),
    ("both resources fit", rp(r(1, 1)), r(5, 5), None, OK),
    ("one resource memory fits", rp(r(2, 1)), r(9, 5), None, insufficient("cpu")),
    ("one resource cpu fits", rp(r(1, 2)), r(5, 19), None, insufficient("memory")),
    ("equal edge case", rp(r(5, 1)), r(5, 19), None, OK),
    ("equal edge case for init container", rp(r(4, 1), init=[r(5, 1)]), r(5, 19), None, OK),
    ("extended resource fits", rp(r(scalars={EXT_A: 1})), r(), None, OK),
    (
        "extended resource fits for init container",
        rp(r(), init=[r(scalars={EXT_A: 1})]),
        r(),
        None,
        OK,
    ),
    (
        "extended resource capacity enforced",
        rp(r(1, 1, scalars={EXT_A: 10})),
        r(scalars={EXT_A: 0}),
        None,
        insufficient(EXT_A),
    ),
    (
        "extended resource capacity enforced for init container",
        rp(r(), init=[r(1, 1, scalars={EXT_A: 10})]),
        r(scalars={EXT_A: 0}),
        None,
        insufficient(EXT_A),
    ),
    (
        "extended resource allocatable enforced",
        rp(r(1, 1, scalars={EXT_A: 1})),
        r(scalars={EXT_A: 5}),
        None,
        insufficient(EXT_A),
    ),
    (
        "extended resource allocatable enforced for init container",
        rp(r(), init=[r(1, 1, scalars={EXT_A: 1})]),
        r(scalars={EXT_A: 5}),
        None,
        insufficient(EXT_A),
    ),
    (
        "extended resource allocatable enforced for multiple containers",
        rp(r(1, 1, scalars={EXT_A: 3}), r(1, 1, scalars={EXT_A: 3})),
        r(scalars={EXT_A: 2}),
        None,
        insufficient(EXT_A),
    ),
    (
        "extended resource allocatable admits multiple init containers",
        rp(r(), init=[r(1, 1, scalars={EXT_A: 3}), r(1, 1, scalars={EXT_A: 3})]),
        r(scalars={EXT_A: 2}),
        None,
        OK,
    ),
    (
        "extended resource allocatable enforced for multiple init containers",
        rp(r(), init=[r(1, 1, scalars={EXT_A: 6}), r(1, 1, scalars={EXT_A: 3})]),
        r(scalars={EXT_A: 2}),
        None,
        insufficient(EXT_A),
    ),
    (
        "extended resource allocatable enforced for unknown resource",
        rp(r(1, 1, scalars={EXT_B: 1})),
        r(),
        None,
        insufficient(EXT_B),
    ),
    (
        "extended resource allocatable enforced for unknown resource for init container",
        rp(r(), init=[r(1, 1, scalars={EXT_B: 1})]),
        r(),
        None,
        insufficient(EXT_B),
    ),
    (
        "kubernetes.io resource capacity enforced",
        rp(r(1, 1, scalars={K8S_IO_A: 10})),
        r(),
        None,
        insufficient(K8S_IO_A),
    ),
    (
        "kubernetes.io resource capacity enforced for init container",
        rp(r(), init=[r(1, 1, scalars={K8S_IO_B: 10})]),
        r(),
        None,
        insufficient(K8S_IO_B),
    ),
    (
        "hugepages resource capacity enforced",
        rp(r(1, 1, scalars={HUGE_A: 10})),
        r(scalars={HUGE_A: 0}),
        None,
        insufficient(HUGE_A),
    ),
    (
        "hugepages resource capacity enforced for init container",
        rp(r(), init=[r(1, 1, scalars={HUGE_A: 10})]),
        r(scalars={HUGE_A: 0}),
        None,
        insufficient(HUGE_A),
    ),
    (
        "hugepages resource allocatable enforced for multiple containers",
        rp(r(1, 1, scalars={HUGE_A: 3}), r(1, 1, scalars={HUGE_A: 3})),
        r(scalars={HUGE_A: 2}),
        None,
        insufficient(HUGE_A),
    ),
    (
        "skip checking ignored extended resource",
        rp(r(1, 1, scalars={EXT_B: 1})),
        r(),
        {"ignoredResources": [EXT_B]},
        OK,
    ),
    (
        "resources + pod overhead fits",
        rp(r(1, 1), overhead={"cpu": "3m", "memory": "13"}),
        r(5, 5),
        None,
        OK,
    ),
    (
        "requests + overhead does not fit for memory",
        rp(r(1, 1), overhead={"cpu": "1m", "memory": "15"}),
        r(5, 5),
        None,
        insufficient("memory"),
    ),
    (
        "skip checking ignored extended resource via resource groups",
        rp(r(1, 1, scalars={EXT_B: 1, K8S_IO_A: 1})),
        r(),
        {"ignoredResourceGroups": ["example.com"]},
        insufficient(K8S_IO_A),
    ),
    (
        "skip checking extended resource request with quantity zero via resource groups",
        rp(r(1, 1, scalars={EXT_A: 0})),
        r(scalars={EXT_A: 6}),
        None,
        OK,
    ),
    (
        "skip checking resource request with quantity zero",
        rp(r(scalars={EXT_A: 1})),
        r(20, 30, scalars={EXT_A: 1}),
        None,
        OK,
    ),
]


@pytest.mark.parametrize(
    ("case", "pod", "existing", "args", "want"), ENOUGH, ids=[c[0] for c in ENOUGH]
)
def test_enough_requests(
    case: str, pod: Any, existing: dict[str, str], args: Any, want: Any
) -> None:
    on_node = make_pod("existing", existing, node="node")
    cfg = config(PLUGIN, args, points=("filter",))
    assert filters(PLUGIN, pod, [node_10_20_32()], [on_node], cfg) == {"node": want}


TOO_MANY_PODS = ("Unschedulable", ("Too many pods",))


@pytest.mark.parametrize(
    ("case", "pod", "existing"),
    [
        (
            "even without specified resources predicate fails when there's no space for "
            "additional pod",
            rp(),
            r(10, 20),
        ),
        (
            "even if both resources fit predicate fails when there's no space for additional pod",
            rp(r(1, 1)),
            r(5, 5),
        ),
        (
            "even for equal edge case predicate fails when there's no space for additional pod",
            rp(r(5, 1)),
            r(5, 19),
        ),
        (
            "even for equal edge case predicate fails when there's no space for additional pod "
            "due to init container",
            rp(r(5, 1), init=[r(5, 1)]),
            r(5, 19),
        ),
    ],
)
def test_not_enough_requests(case: str, pod: Any, existing: dict[str, str]) -> None:
    """makeAllocatableResources(10, 20, 1, 0, 0, 0): one pod slot, already taken."""
    node = make_node(
        "node",
        {
            "cpu": "10m",
            "memory": "20",
            "pods": "1",
            EXT_A: "0",
            "ephemeral-storage": "0",
            HUGE_A: "0",
        },
    )
    node["status"]["capacity"] = {}
    on_node = make_pod("existing", existing, node="node")
    cfg = config(PLUGIN, points=("filter",))
    assert filters(PLUGIN, pod, [node], [on_node], cfg) == {"node": TOO_MANY_PODS}


@pytest.mark.parametrize(
    ("case", "pod", "existing", "want"),
    [
        # 1.17's first case, dropped from later copies; still true
        ("due to container scratch disk", rp(r(1, 1)), r(10, 10), insufficient("cpu")),
        ("empty storage requested, and pod fits", rp(r(1, 1)), r(2, 10), OK),
        (
            "storage ephemeral local storage request exceeds allocatable",
            rp(r(storage=25)),
            r(2, 2),
            insufficient("ephemeral-storage"),
        ),
        ("ephemeral local storage is sufficient", rp(r(storage=5)), r(2, 2, storage=10), OK),
        ("pod fits", rp(r(storage=10)), r(2, 2), OK),
    ],
)
def test_storage_requests(case: str, pod: Any, existing: dict[str, str], want: Any) -> None:
    on_node = make_pod("existing", existing, node="node")
    cfg = config(PLUGIN, points=("filter",))
    assert filters(PLUGIN, pod, [node_10_20_32()], [on_node], cfg) == {"node": want}


@pytest.mark.parametrize("name", ["without restartable init containers", "with restartable init"])
def test_restartable_init_containers(name: str) -> None:
    """TestRestartableInitContainers with SidecarContainers on (its 1.32 default): both pods
    pass on a node with one free pod slot and no cpu or memory."""
    pod = make_pod("p")
    pod["spec"]["containers"] = [{"name": "regular", "image": "img"}]
    if name.startswith("with "):
        pod["spec"]["initContainers"] = [
            {"name": "restartable-init", "image": "img", "restartPolicy": "Always"}
        ]
    node = make_node("node", {"cpu": "0", "memory": "0", "pods": "1"})
    node["status"]["capacity"] = {}
    assert filters(PLUGIN, pod, [node], [], config(PLUGIN, points=("filter",))) == {"node": OK}


def _u(util: int, score: int) -> dict[str, int]:
    return {"utilization": util, "score": score}


@pytest.mark.parametrize(
    ("case", "req", "cfg", "want"),
    [
        (
            "test case for ScoringStrategy RequestedToCapacityRatio case1",
            {"cpu": "3000", "memory": "5000"},
            fit_config("RequestedToCapacityRatio", shape=[_u(0, 10), _u(100, 0)]),
            {"node1": 10, "node2": 32},
        ),
        (
            "test case for ScoringStrategy RequestedToCapacityRatio case2",
            {"cpu": "3000", "memory": "5000"},
            fit_config("RequestedToCapacityRatio", shape=[_u(0, 0), _u(100, 10)]),
            {"node1": 95, "node2": 68},
        ),
        (
            "test case for ScoringStrategy MostAllocated",
            {"cpu": "1000", "memory": "2000"},
            fit_config("MostAllocated"),
            {"node1": 67, "node2": 36},
        ),
        (
            "test case for ScoringStrategy LeastAllocated",
            {"cpu": "1000", "memory": "2000"},
            fit_config("LeastAllocated"),
            {"node1": 32, "node2": 63},
        ),
    ],
)
def test_fit_score(case: str, req: dict[str, str], cfg: Any, want: Any) -> None:
    """TestFitScore (the runPreScore cases; the "if PreScore is not called" ones expect the
    same scores and differ only in a path explain always takes)."""
    nodes = [
        make_node("node1", {"cpu": "4000", "memory": "10000"}),
        make_node("node2", {"cpu": "6000", "memory": "10000"}),
    ]
    existing = [
        make_pod("e1", {"cpu": "2000", "memory": "4000"}, node="node1"),
        make_pod("e2", {"cpu": "1000", "memory": "2000"}, node="node2"),
    ]
    pod = make_pod("p", req)
    assert scores(PLUGIN, pod, nodes, existing, cfg) == want
