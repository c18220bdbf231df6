"""NodeResourcesFit filter, with the cases of upstream's
pkg/scheduler/framework/plugins/noderesources/fit_test.go (TestEnoughRequests,
TestNotEnoughRequests, TestStorageRequests) as facts: code and reasons per case.

Every rejection here is Unschedulable, as 1.32's fitsRequest returns; later releases return
UnschedulableAndUnresolvable when a request exceeds the node's whole allocatable
(kubernetes/kubernetes#131345), which 1.32 does not do.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.scheduler.upstream.st import config, filters, make_node, make_pod

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
        ("due to container scratch disk", rp(r(1, 1)), r(10, 10), insufficient("cpu")),
        ("pod fit", rp(r(1, 1)), r(2, 10), OK),
        (
            "storage ephemeral local storage request exceeds allocatable",
            rp(r(storage=25)),
            r(2, 2),
            insufficient("ephemeral-storage"),
        ),
        ("pod fits", rp(r(storage=10)), r(2, 2), OK),
    ],
)
def test_storage_requests(case: str, pod: Any, existing: dict[str, str], want: Any) -> None:
    on_node = make_pod("existing", existing, node="node")
    cfg = config(PLUGIN, points=("filter",))
    assert filters(PLUGIN, pod, [node_10_20_32()], [on_node], cfg) == {"node": want}
