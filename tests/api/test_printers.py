"""Tests for sim.api.printers, carried over from upstream's tables of cases.

Cases come from pkg/printers/internalversion/printers_test.go (TestPrintPod, TestPrintPodwide,
TestPrintPodWithRestartableInitContainer, TestPrintNodeStatus, TestPrintNodeRole,
TestPrintService, TestPrintDeployment, TestPrintEvent, ...) and
staging/src/k8s.io/apimachinery/pkg/util/duration/duration_test.go. Upstream measures ages
against time.Now(); here "now" is the fixed simulated instant NOW_S and `ago(s)` writes the
RFC 3339 timestamp of NOW_S - s, so every expected AGE is exact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sim.api.frozen import freeze
from sim.api.printers import (
    COLUMNS,
    Column,
    _tabwrite,
    human_duration,
    print_row,
    render,
    short_human_duration,
    table,
)

EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
NOW_S = 3600.0
DAY = 86400.0
YEAR = 365 * DAY


def seconds_of(timestamp: str) -> float:
    return (dt.datetime.fromisoformat(timestamp) - EPOCH).total_seconds()


def ago(seconds: float) -> str:
    instant = EPOCH + dt.timedelta(seconds=NOW_S - seconds)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row(kind: str, obj: dict[str, Any]) -> list[Any]:
    return print_row(kind, freeze(obj), NOW_S, seconds_of)


# ---------------------------------------------------------------------------------------------
# duration_test.go
# ---------------------------------------------------------------------------------------------

MS = 0.001
NS = 1e-9
MINUTE, HOUR = 60.0, 3600.0


@pytest.mark.parametrize(
    ("seconds", "want"),
    [
        pytest.param(1, "1s", id="1s"),
        pytest.param(70, "70s", id="70s-stays-seconds-below-2m"),
        pytest.param(190, "3m10s", id="3m10s"),
        pytest.param(70 * MINUTE, "70m", id="70m"),
        pytest.param(47 * HOUR, "47h", id="47h"),
        pytest.param(49 * HOUR, "2d1h", id="2d1h"),
        pytest.param((8 * 24 + 2) * HOUR, "8d", id="8d-drops-hours"),
        pytest.param(367 * DAY, "367d", id="367d"),
        pytest.param((365 * 2 * 24 + 25) * HOUR, "2y1d", id="2y1d"),
        pytest.param((365 * 8 * 24 + 2) * HOUR, "8y", id="8y"),
        pytest.param(-2, "<invalid>", id="2s-in-future-is-invalid"),
        pytest.param(-2 + NS, "0s", id="just-under-2s-in-future-is-now"),
        pytest.param(0, "0s", id="zero"),
        pytest.param(1 - MS, "0s", id="999ms"),
        pytest.param(2 * MINUTE - MS, "119s", id="119s"),
        pytest.param(2 * MINUTE, "2m", id="2m"),
        pytest.param(2 * MINUTE + 1, "2m1s", id="2m1s"),
        pytest.param(10 * MINUTE - MS, "9m59s", id="9m59s"),
        pytest.param(10 * MINUTE, "10m", id="10m"),
        pytest.param(10 * MINUTE + 1, "10m", id="10m-drops-seconds"),
        pytest.param(3 * HOUR - MS, "179m", id="179m"),
        pytest.param(3 * HOUR, "3h", id="3h"),
        pytest.param(3 * HOUR + MINUTE, "3h1m", id="3h1m"),
        pytest.param(8 * HOUR - MS, "7h59m", id="7h59m"),
        pytest.param(8 * HOUR, "8h", id="8h"),
        pytest.param(8 * HOUR + 59 * MINUTE, "8h", id="8h-drops-minutes"),
        pytest.param(2 * DAY - MS, "47h", id="47h-boundary"),
        pytest.param(2 * DAY, "2d", id="2d"),
        pytest.param(2 * DAY + HOUR, "2d1h", id="2d1h-boundary"),
        pytest.param(8 * DAY - MS, "7d23h", id="7d23h"),
        pytest.param(8 * DAY, "8d", id="8d"),
        pytest.param(8 * DAY + 23 * HOUR, "8d", id="8d-drops-23h"),
        pytest.param(2 * YEAR - MS, "729d", id="729d"),
        pytest.param(2 * YEAR, "2y", id="2y"),
        pytest.param(2 * YEAR + 23 * HOUR + 59 * MINUTE, "2y", id="2y-drops-hours"),
        pytest.param(2 * YEAR + DAY, "2y1d", id="2y1d-boundary"),
        pytest.param(8 * YEAR - MS, "7y364d", id="7y364d"),
        pytest.param(8 * YEAR, "8y", id="8y-boundary"),
        pytest.param(8 * YEAR + 364 * DAY, "8y", id="8y-drops-days"),
        pytest.param(9 * YEAR, "9y", id="9y"),
    ],
)
def test_human_duration(seconds: float, want: str) -> None:
    assert human_duration(seconds) == want


@pytest.mark.parametrize(
    ("seconds", "want"),
    [
        pytest.param(-2, "<invalid>", id="2s-in-future-is-invalid"),
        pytest.param(-2 + NS, "0s", id="just-under-2s-in-future-is-now"),
        pytest.param(0, "0s", id="zero"),
        pytest.param(1 - MS, "0s", id="999ms"),
        pytest.param(1, "1s", id="1s"),
        pytest.param(2 - MS, "1s", id="1.999s"),
        pytest.param(MINUTE - MS, "59s", id="59s"),
        pytest.param(MINUTE, "1m", id="1m"),
        pytest.param(2 * MINUTE - MS, "1m", id="1m-boundary"),
        pytest.param(HOUR - MS, "59m", id="59m"),
        pytest.param(HOUR, "1h", id="1h"),
        pytest.param(2 * HOUR - MS, "1h", id="1h-boundary"),
        pytest.param(DAY - MS, "23h", id="23h"),
        pytest.param(DAY, "1d", id="1d"),
        pytest.param(2 * DAY - MS, "1d", id="1d-boundary"),
        pytest.param(YEAR - MS, "364d", id="364d"),
        pytest.param(YEAR, "1y", id="1y"),
        pytest.param(2 * YEAR - MS, "1y", id="1y-boundary"),
        pytest.param(2 * YEAR, "2y", id="2y"),
    ],
)
def test_short_human_duration(seconds: float, want: str) -> None:
    assert short_human_duration(seconds) == want


@pytest.mark.parametrize(
    ("created", "want"),
    [
        pytest.param(ago(-2.1), "<invalid>", id="a-while-from-now"),
        pytest.param(ago(-1.9), "0s", id="almost-now"),
        pytest.param(ago(0), "0s", id="now"),
        pytest.param(None, "<unknown>", id="unset-is-unknown"),
        pytest.param(ago(30), "30s", id="30-seconds-ago"),
        pytest.param(ago(300), "5m", id="5-minutes-ago"),
        pytest.param(ago(6000), "100m", id="an-hour-ago"),
        pytest.param(ago(2 * DAY), "2d", id="2-days-ago"),
        pytest.param(ago(90 * DAY), "90d", id="months-ago"),
        pytest.param(ago(10 * YEAR), "10y", id="10-years-ago"),
    ],
)
def test_age_is_translate_timestamp_since(created: str | None, want: str) -> None:
    meta: dict[str, Any] = {"name": "ns1"}
    if created is not None:
        meta["creationTimestamp"] = created
    assert row("Namespace", {"metadata": meta})[2] == want


# ---------------------------------------------------------------------------------------------
# Column definitions
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "shown", "wide_only"),
    [
        ("Pod", "NAME READY STATUS RESTARTS AGE", "IP NODE NOMINATED_NODE READINESS_GATES"),
        ("Deployment", "NAME READY UP-TO-DATE AVAILABLE AGE", "CONTAINERS IMAGES SELECTOR"),
        ("ReplicaSet", "NAME DESIRED CURRENT READY AGE", "CONTAINERS IMAGES SELECTOR"),
        ("Service", "NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE", "SELECTOR"),
        (
            "Node",
            "NAME STATUS ROLES AGE VERSION",
            "INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME",
        ),
        ("Namespace", "NAME STATUS AGE", ""),
        ("Endpoints", "NAME ENDPOINTS AGE", ""),
        ("EndpointSlice", "NAME ADDRESSTYPE PORTS ENDPOINTS AGE", ""),
        ("ConfigMap", "NAME DATA AGE", ""),
        ("Event", "LAST_SEEN TYPE REASON OBJECT MESSAGE", "SUBOBJECT SOURCE FIRST_SEEN COUNT NAME"),
        ("PriorityClass", "NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY", ""),
        ("Lease", "NAME HOLDER AGE", ""),
    ],
)
def test_columns_match_kubectl_headers(kind: str, shown: str, wide_only: str) -> None:
    def names(priority: int) -> str:
        cols = [c.name.upper().replace(" ", "_") for c in COLUMNS[kind] if c.priority == priority]
        return " ".join(cols)

    assert (names(0), names(1)) == (shown, wide_only)


@pytest.mark.parametrize(
    ("kind", "column", "want_type", "want_format", "doc_start"),
    [
        ("Pod", "Name", "string", "name", "Name must be unique within a namespace."),
        ("Pod", "Restarts", "string", "", "The number of times the containers in this pod"),
        ("Pod", "Age", "string", "", "CreationTimestamp is a timestamp representing"),
        ("Pod", "IP", "string", "", "podIP address allocated to the pod."),
        ("ReplicaSet", "Desired", "integer", "", "Replicas is the number of desired replicas."),
        (
            "ReplicaSet",
            "Ready",
            "integer",
            "",
            "The number of ready replicas for this replica set.",
        ),
        ("Deployment", "Up-to-date", "string", "", "Total number of non-terminated pods"),
        ("Node", "Version", "string", "", "Kubelet Version reported by the node."),
        ("PriorityClass", "Value", "integer", "", "value represents the integer value"),
        ("PriorityClass", "Global-Default", "boolean", "", "globalDefault specifies whether"),
        ("Event", "Name", "string", "name", "Name must be unique within a namespace."),
        ("Lease", "Holder", "string", "", "holderIdentity contains the identity of the holder"),
    ],
)
def test_column_types_formats_and_descriptions(
    kind: str, column: str, want_type: str, want_format: str, doc_start: str
) -> None:
    (col,) = [c for c in COLUMNS[kind] if c.name == column]
    assert (col.type, col.format) == (want_type, want_format)
    assert col.description.startswith(doc_start)


def test_column_to_json_has_every_field() -> None:
    col = Column("Node", "string", "", "where it runs", 1)
    want = {"name": "Node", "type": "string", "format": "", "description": "where it runs"}
    assert col.to_json() == {**want, "priority": 1}


# ---------------------------------------------------------------------------------------------
# Pods (TestPrintPod, TestPrintPodWithRestartableInitContainer, TestPrintPodwide)
# ---------------------------------------------------------------------------------------------

RUNNING: dict[str, Any] = {"running": {}}


def waiting(reason: str = "") -> dict[str, Any]:
    return {"waiting": {"reason": reason} if reason else {}}


def terminated(reason: str = "", exit_code: int = 0) -> dict[str, Any]:
    body: dict[str, Any] = {"exitCode": exit_code}
    if reason:
        body["reason"] = reason
    return {"terminated": body}


def cs(
    ready: bool = False,
    restarts: int = 0,
    state: dict[str, Any] | None = None,
    last_finished_ago: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    status: dict[str, Any] = {"ready": ready, "restartCount": restarts, "state": state or {}}
    if last_finished_ago is not None:
        status["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": ago(last_finished_ago)}}
    return {**status, **extra}


def pod(
    name: str,
    *,
    containers: int = 1,
    init: list[dict[str, Any]] | None = None,
    phase: str = "",
    statuses: list[dict[str, Any]] | None = None,
    init_statuses: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    deleted: bool = False,
    reason: str = "",
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if deleted:
        meta["deletionTimestamp"] = ago(10)
    status: dict[str, Any] = {"phase": phase, "containerStatuses": statuses or []}
    if reason:
        status["reason"] = reason
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    if conditions is not None:
        status["conditions"] = conditions
    spec = {"containers": [{"name": f"c{i}"} for i in range(containers)]}
    if init is not None:
        spec["initContainers"] = init
    return {"metadata": meta, "spec": spec, "status": status}


def sidecar(name: str) -> dict[str, Any]:
    return {"name": name, "restartPolicy": "Always"}


INITIALIZED_FALSE = [{"type": "Initialized", "status": "False"}]
INITIALIZED_TRUE = [{"type": "Initialized", "status": "True"}]

POD_CASES = [
    pytest.param(
        pod("test1", containers=2, phase="podPhase", statuses=[cs(True, 3, RUNNING), cs(False, 3)]),
        ["test1", "1/2", "podPhase", "6", "<unknown>"],
        id="ready-count-and-restarts-summed",
    ),
    pytest.param(
        pod(
            "test2",
            containers=2,
            phase="podPhase",
            statuses=[cs(True, 3, RUNNING), cs(False, 3, waiting("ContainerWaitingReason"))],
        ),
        ["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"],
        id="container-waiting-reason-overrides-phase",
    ),
    pytest.param(
        pod(
            "test3",
            containers=2,
            phase="podPhase",
            statuses=[
                cs(False, 3, waiting("ContainerWaitingReason")),
                cs(False, 3, terminated("ContainerTerminatedReason")),
            ],
        ),
        ["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"],
        id="first-container-reason-wins",
    ),
    pytest.param(
        pod("test4", containers=2, phase="podPhase", statuses=[cs(True, 3, RUNNING), cs(True, 3)]),
        ["test4", "1/2", "podPhase", "6", "<unknown>"],
        id="ready-without-running-is-not-counted",
    ),
    pytest.param(
        pod(
            "test5",
            containers=2,
            phase="podPhase",
            reason="podReason",
            statuses=[cs(True, 3, RUNNING), cs(True, 3)],
        ),
        ["test5", "1/2", "podReason", "6", "<unknown>"],
        id="pod-reason-overrides-phase",
    ),
    pytest.param(
        pod(
            "test6",
            containers=2,
            phase="Running",
            statuses=[cs(True, 3, terminated("Completed")), cs(True, 3, RUNNING)],
        ),
        ["test6", "1/2", "NotReady", "6", "<unknown>"],
        id="completed-and-running-without-ready-condition-is-NotReady",
    ),
    pytest.param(
        pod(
            "test6",
            containers=2,
            phase="Running",
            statuses=[cs(True, 3, terminated("Completed")), cs(True, 3, RUNNING)],
            conditions=[{"type": "Ready", "status": "True"}],
        ),
        ["test6", "1/2", "Running", "6", "<unknown>"],
        id="completed-and-running-with-ready-condition-is-Running",
    ),
    pytest.param(
        pod(
            "test7",
            init=[{"name": "init"}],
            phase="podPhase",
            init_statuses=[cs(False, 3, RUNNING, 10, name="init")],
            statuses=[cs(False, 0, waiting())],
        ),
        ["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"],
        id="init-container-restarting",
    ),
    pytest.param(
        pod(
            "test8",
            init=[{"name": "a"}, {"name": "b"}],
            phase="podPhase",
            init_statuses=[cs(False, 3, RUNNING, 10), cs(False, 0, waiting())],
            statuses=[cs(False, 0, waiting())],
        ),
        ["test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"],
        id="first-of-two-init-containers-restarting",
    ),
    pytest.param(
        pod(
            "test9",
            init=[{"name": "a"}, {"name": "b"}],
            phase="podPhase",
            init_statuses=[cs(False, 0, terminated()), cs(False, 3, RUNNING, 10)],
            statuses=[cs(False, 0, waiting())],
        ),
        ["test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"],
        id="second-init-container-restarting",
    ),
    pytest.param(
        pod(
            "test10",
            init=[{"name": "a"}, {"name": "b"}],
            phase="podPhase",
            init_statuses=[cs(False, 2, terminated(), 120), cs(False, 3, RUNNING, 10)],
            statuses=[cs(False, 0, waiting())],
        ),
        ["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"],
        id="init-restarts-summed-latest-restart-shown",
    ),
    pytest.param(
        pod(
            "test11",
            init=[{"name": "a"}],
            phase="Running",
            init_statuses=[cs(False, 2, terminated(), 120)],
            statuses=[cs(False, 4, RUNNING, 20)],
        ),
        ["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"],
        id="after-init-only-app-restarts-count",
    ),
    pytest.param(
        pod("test12", phase="Running", statuses=[cs(True, 3, RUNNING, 5 * DAY)]),
        ["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"],
        id="restarted-5d-ago",
    ),
    pytest.param(
        pod(
            "test13",
            containers=2,
            phase="Running",
            statuses=[cs(True, 0, RUNNING), cs(True, 3, RUNNING, 10 * DAY)],
        ),
        ["test13", "2/2", "Running", "3 (10d ago)", "<unknown>"],
        id="one-container-restarted-10d-ago",
    ),
    pytest.param(
        pod(
            "test14",
            containers=2,
            phase="Running",
            statuses=[cs(True, 6, RUNNING, 5 * DAY), cs(True, 3, RUNNING, 20 * DAY)],
        ),
        ["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"],
        id="most-recent-restart-of-two",
    ),
    pytest.param(
        pod(
            "test15",
            containers=2,
            phase="podPhase",
            conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}],
        ),
        ["test15", "0/2", "SchedulingGated", "0", "<unknown>"],
        id="scheduling-gated",
    ),
    pytest.param(
        pod("test16", phase="Succeeded", statuses=[cs(False, 0, terminated("Completed"))]),
        ["test16", "0/1", "Completed", "0", "<unknown>"],
        id="succeeded-is-Completed",
    ),
    pytest.param(
        pod("test17", phase="Failed", statuses=[cs(False, 0, terminated("Error", 1))]),
        ["test17", "0/1", "Error", "0", "<unknown>"],
        id="failed-shows-container-reason",
    ),
    pytest.param(
        pod(
            "test18",
            phase="Succeeded",
            deleted=True,
            statuses=[cs(False, 0, terminated("Completed"))],
        ),
        ["test18", "0/1", "Completed", "0", "<unknown>"],
        id="deleted-terminal-pod-is-not-Terminating",
    ),
    pytest.param(
        pod("test19", phase="Running", deleted=True, statuses=[cs(False, 0, RUNNING)]),
        ["test19", "0/1", "Terminating", "0", "<unknown>"],
        id="deleted-running-pod-is-Terminating",
    ),
    pytest.param(
        pod("test20", phase="Pending", deleted=True),
        ["test20", "0/1", "Terminating", "0", "<unknown>"],
        id="deleted-pending-pod-is-Terminating",
    ),
    pytest.param(
        pod(
            "lost",
            phase="Running",
            reason="NodeLost",
            deleted=True,
            statuses=[cs(True, 0, RUNNING)],
        ),
        ["lost", "1/1", "Unknown", "0", "<unknown>"],
        id="deleted-on-lost-node-is-Unknown",
    ),
    pytest.param(
        pod("new", phase="Pending", statuses=[cs(False, 0, waiting("ContainerCreating"))]),
        ["new", "0/1", "ContainerCreating", "0", "<unknown>"],
        id="container-creating",
    ),
    pytest.param(
        pod("unscheduled", containers=2, phase="Pending"),
        ["unscheduled", "0/2", "Pending", "0", "<unknown>"],
        id="pending-without-statuses",
    ),
    pytest.param(
        pod("crash", phase="Running", statuses=[cs(False, 5, waiting("CrashLoopBackOff"), 30)]),
        ["crash", "0/1", "CrashLoopBackOff", "5 (30s ago)", "<unknown>"],
        id="crash-loop-back-off",
    ),
    pytest.param(
        pod("oom", phase="Running", statuses=[cs(False, 1, terminated(exit_code=137), 5)]),
        ["oom", "0/1", "ExitCode:137", "1 (5s ago)", "<unknown>"],
        id="terminated-without-reason-shows-exit-code",
    ),
    pytest.param(
        pod(
            "badinit",
            init=[{"name": "a"}],
            phase="Pending",
            init_statuses=[cs(False, 0, {"terminated": {"exitCode": 2, "signal": 9}})],
        ),
        ["badinit", "0/1", "Init:Signal:9", "0", "<unknown>"],
        id="failed-init-container-without-reason-shows-signal",
    ),
    pytest.param(
        pod(
            "pullerr",
            init=[{"name": "a"}],
            phase="Pending",
            init_statuses=[cs(False, 0, waiting("ImagePullBackOff"))],
        ),
        ["pullerr", "0/1", "Init:ImagePullBackOff", "0", "<unknown>"],
        id="waiting-init-container-reason",
    ),
]

SIDECAR_CASES = [
    pytest.param(
        pod(
            "test1",
            init=[sidecar("restartable-init-1"), sidecar("restartable-init-2")],
            phase="Pending",
            init_statuses=[
                cs(False, 3, RUNNING, 10, name="restartable-init-1", started=False),
                cs(False, 0, waiting(), name="restartable-init-2", started=False),
            ],
            statuses=[cs(False, 0, waiting())],
            conditions=INITIALIZED_FALSE,
        ),
        ["test1", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"],
        id="first-sidecar-running-not-started",
    ),
    pytest.param(
        pod(
            "test1",
            init=[sidecar("restartable-init-1"), sidecar("restartable-init-2")],
            phase="Pending",
            init_statuses=[
                cs(False, 3, RUNNING, 10, name="restartable-init-1", started=True),
                cs(False, 0, RUNNING, name="restartable-init-2", started=False),
            ],
            statuses=[cs(False, 0, waiting())],
            conditions=INITIALIZED_FALSE,
        ),
        ["test1", "0/3", "Init:1/2", "3 (10s ago)", "<unknown>"],
        id="second-sidecar-running-not-started",
    ),
    pytest.param(
        pod(
            "test2",
            init=[sidecar("restartable-init-1"), sidecar("restartable-init-2")],
            phase="Running",
            init_statuses=[
                cs(False, 3, RUNNING, 10, name="restartable-init-1", started=True),
                cs(False, 0, RUNNING, name="restartable-init-2", started=True),
            ],
            statuses=[cs(True, 4, RUNNING, 20)],
            conditions=INITIALIZED_TRUE,
        ),
        ["test2", "1/3", "Running", "7 (10s ago)", "<unknown>"],
        id="sidecars-started-and-app-running",
    ),
    pytest.param(
        pod(
            "test3",
            init=[sidecar("restartable-init-1"), sidecar("restartable-init-2")],
            phase="Succeeded",
            init_statuses=[
                cs(
                    False, 3, terminated("Error", 137), 10, name="restartable-init-1", started=False
                ),
                cs(False, 0, terminated("Error", 137), name="restartable-init-2", started=False),
            ],
            statuses=[cs(False, 4, terminated("Completed"), 20)],
            conditions=INITIALIZED_TRUE,
        ),
        ["test3", "0/3", "Completed", "7 (10s ago)", "<unknown>"],
        id="sidecars-killed-after-app-completed",
    ),
    pytest.param(
        pod(
            "test4",
            init=[{"name": "init1"}, sidecar("sidecar1")],
            phase="Running",
            init_statuses=[
                {"name": "initinvalid"},
                {"name": "init1"},
                {"name": "sidecar1"},
            ],
            statuses=[{"name": "containerinvalid"}, {"name": "c0"}],
        ),
        ["test4", "0/2", "Init:0/2", "0", "<unknown>"],
        id="statuses-for-unknown-containers",
    ),
    pytest.param(
        pod(
            "ready-sidecar",
            init=[sidecar("proxy")],
            phase="Running",
            init_statuses=[cs(True, 0, RUNNING, name="proxy", started=True)],
            statuses=[cs(True, 0, RUNNING)],
            conditions=INITIALIZED_TRUE,
        ),
        ["ready-sidecar", "2/2", "Running", "0", "<unknown>"],
        id="ready-sidecar-counts-toward-ready",
    ),
]


@pytest.mark.parametrize(("obj", "want"), POD_CASES + SIDECAR_CASES)
def test_print_pod(obj: dict[str, Any], want: list[Any]) -> None:
    assert row("Pod", obj)[:5] == want


def _wide_pod(name: str, **status: Any) -> dict[str, Any]:
    gates = [{"conditionType": c} for c in ("condition1", "condition2", "condition3")]
    return {
        "metadata": {"name": name},
        "spec": {"containers": [{}, {}], "nodeName": "test1", "readinessGates": gates},
        "status": {
            "phase": "podPhase",
            "conditions": [
                {"type": "condition1", "status": "False"},
                {"type": "condition2", "status": "True"},
            ],
            "containerStatuses": [cs(True, 3, RUNNING), cs(False, 3)],
            "nominatedNodeName": "node1",
            **status,
        },
    }


@pytest.mark.parametrize(
    ("obj", "want"),
    [
        pytest.param(
            _wide_pod("test1", podIPs=[{"ip": "1.1.1.1"}]),
            ["test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"],
            id="ip-node-nominated-and-readiness-gates",
        ),
        pytest.param(
            _wide_pod("test1", podIPs=[{"ip": "1.1.1.1"}, {"ip": "2001:db8::"}]),
            ["test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"],
            id="dual-stack-shows-first-ip",
        ),
        pytest.param(
            _wide_pod("test1", podIP="10.0.0.9"),
            ["test1", "1/2", "podPhase", "6", "<unknown>", "10.0.0.9", "test1", "node1", "1/3"],
            id="v1-podIP-field",
        ),
        pytest.param(
            {
                "metadata": {"name": "gated"},
                "spec": {"containers": [{}], "readinessGates": [{"conditionType": "lb"}]},
                "status": {
                    "phase": "Pending",
                    "conditions": [
                        {"type": "lb", "status": "True"},
                        {"type": "lb", "status": "False"},
                    ],
                },
            },
            ["gated", "0/1", "Pending", "0", "<unknown>", *["<none>"] * 3, "1/1"],
            id="readiness-gate-reads-first-matching-condition",
        ),
        pytest.param(
            {
                "metadata": {"name": "test2"},
                "spec": {"containers": [{}, {}]},
                "status": {
                    "phase": "podPhase",
                    "containerStatuses": [
                        cs(True, 3, RUNNING),
                        cs(False, 3, waiting("ContainerWaitingReason")),
                    ],
                },
            },
            [
                "test2",
                "1/2",
                "ContainerWaitingReason",
                "6",
                "<unknown>",
                *["<none>"] * 4,
            ],
            id="unscheduled-pod-shows-none",
        ),
    ],
)
def test_print_pod_wide(obj: dict[str, Any], want: list[Any]) -> None:
    assert row("Pod", obj) == want


@pytest.mark.parametrize(
    ("phase", "want"),
    [
        pytest.param("Running", None, id="running-has-no-row-condition"),
        pytest.param(
            "Succeeded",
            [
                {
                    "type": "Completed",
                    "status": "True",
                    "reason": "Succeeded",
                    "message": "The pod has completed successfully.",
                }
            ],
            id="succeeded-row-is-completed",
        ),
        pytest.param(
            "Failed",
            [
                {
                    "type": "Completed",
                    "status": "True",
                    "reason": "Failed",
                    "message": "The pod failed.",
                }
            ],
            id="failed-row-is-completed",
        ),
    ],
)
def test_pod_row_conditions(phase: str, want: list[dict[str, str]] | None) -> None:
    obj = pod("test1", containers=2, phase=phase, statuses=[cs(True, 3, RUNNING), cs(False, 3)])
    (table_row,) = table("Pod", [freeze(obj)], NOW_S, seconds_of)["rows"]
    assert table_row["cells"][2] == phase
    assert table_row.get("conditions") == want


# ---------------------------------------------------------------------------------------------
# Nodes (TestPrintNodeStatus, TestPrintNodeRole, TestPrintNode{OSImage,...,InternalIP})
# ---------------------------------------------------------------------------------------------


def node(name: str, conditions: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    labels = extra.pop("labels", None)
    obj: dict[str, Any] = {"metadata": {"name": name}, "status": {"conditions": conditions or []}}
    if labels is not None:
        obj["metadata"]["labels"] = labels
    if extra.pop("unschedulable", False):
        obj["spec"] = {"unschedulable": True}
    obj["status"].update(extra)
    return obj


READY = {"type": "Ready", "status": "True"}
NOT_READY = {"type": "Ready", "status": "False"}


@pytest.mark.parametrize(
    ("obj", "want"),
    [
        pytest.param(node("foo1", [READY]), ["foo1", "Ready"], id="ready"),
        pytest.param(
            node("foo2", [READY], unschedulable=True),
            ["foo2", "Ready,SchedulingDisabled"],
            id="ready-cordoned",
        ),
        pytest.param(node("foo3", [READY, READY]), ["foo3", "Ready"], id="duplicate-ready"),
        pytest.param(node("foo4", [NOT_READY]), ["foo4", "NotReady"], id="not-ready"),
        pytest.param(
            node("foo5", [NOT_READY], unschedulable=True),
            ["foo5", "NotReady,SchedulingDisabled"],
            id="not-ready-cordoned",
        ),
        pytest.param(
            node("foo6", [{"type": "InvalidValue", "status": "True"}]),
            ["foo6", "Unknown"],
            id="no-ready-condition-is-unknown",
        ),
        pytest.param(node("foo7", [{}]), ["foo7", "Unknown"], id="empty-condition-is-unknown"),
        pytest.param(
            node("foo8", [{"type": "InvalidValue", "status": "True"}], unschedulable=True),
            ["foo8", "Unknown,SchedulingDisabled"],
            id="unknown-cordoned",
        ),
        pytest.param(
            node("foo9", [{}], unschedulable=True),
            ["foo9", "Unknown,SchedulingDisabled"],
            id="empty-condition-cordoned",
        ),
    ],
)
def test_print_node_status(obj: dict[str, Any], want: list[str]) -> None:
    assert row("Node", obj)[:5] == [*want, "<none>", "<unknown>", ""]


@pytest.mark.parametrize(
    ("labels", "want"),
    [
        pytest.param(None, "<none>", id="no-labels"),
        pytest.param(
            {
                "node-role.kubernetes.io/master": "",
                "node-role.kubernetes.io/control-plane": "",
                "node-role.kubernetes.io/proxy": "",
                "kubernetes.io/role": "node",
            },
            "control-plane,master,node,proxy",
            id="role-labels-sorted",
        ),
        pytest.param({"kubernetes.io/role": "node"}, "node", id="legacy-role-label"),
        pytest.param(
            {"node-role.kubernetes.io/": "", "kubernetes.io/role": ""},
            "<none>",
            id="empty-role-names-ignored",
        ),
    ],
)
def test_print_node_roles(labels: dict[str, str] | None, want: str) -> None:
    assert row("Node", node("foo10", labels=labels))[2] == want


@pytest.mark.parametrize(
    ("status", "want_wide"),
    [
        pytest.param(
            {
                "nodeInfo": {"osImage": "fake-os-image"},
                "addresses": [{"type": "ExternalIP", "address": "1.1.1.1"}],
            },
            ["<none>", "1.1.1.1", "fake-os-image", "<unknown>", "<unknown>"],
            id="os-image",
        ),
        pytest.param(
            {
                "nodeInfo": {"kernelVersion": "fake-kernel-version"},
                "addresses": [{"type": "ExternalIP", "address": "1.1.1.1"}],
            },
            ["<none>", "1.1.1.1", "<unknown>", "fake-kernel-version", "<unknown>"],
            id="kernel-version",
        ),
        pytest.param(
            {"nodeInfo": {"containerRuntimeVersion": "foo://1.2.3"}},
            ["<none>", "<none>", "<unknown>", "<unknown>", "foo://1.2.3"],
            id="container-runtime",
        ),
        pytest.param(
            {"addresses": [{"type": "InternalIP", "address": "1.1.1.1"}]},
            ["1.1.1.1", "<none>", "<unknown>", "<unknown>", "<unknown>"],
            id="internal-ip",
        ),
        pytest.param(
            {
                "addresses": [
                    {"type": "ExternalIP", "address": "2.2.2.2"},
                    {"type": "InternalIP", "address": "3.3.3.3"},
                    {"type": "ExternalIP", "address": "4.4.4.4"},
                ]
            },
            ["3.3.3.3", "2.2.2.2", "<unknown>", "<unknown>", "<unknown>"],
            id="first-address-of-each-type",
        ),
    ],
)
def test_print_node_wide(status: dict[str, Any], want_wide: list[str]) -> None:
    assert row("Node", node("foo1", **status)) == [
        "foo1",
        "Unknown",
        "<none>",
        "<unknown>",
        "",
        *want_wide,
    ]


def test_print_node_version_and_age() -> None:
    obj = node("n1", [READY], nodeInfo={"kubeletVersion": "v1.32.0"})
    obj["metadata"]["creationTimestamp"] = ago(3 * DAY)
    assert row("Node", obj)[:5] == ["n1", "Ready", "<none>", "3d", "v1.32.0"]


# ---------------------------------------------------------------------------------------------
# Services (TestPrintService, TestPrintServiceLoadBalancer)
# ---------------------------------------------------------------------------------------------


def service(name: str, type_: str, ports: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    status = spec.pop("status", {})
    return {
        "metadata": {"name": name},
        "spec": {"type": type_, "ports": ports, **spec},
        "status": status,
    }


def lb(*ips: str) -> dict[str, Any]:
    return {"loadBalancer": {"ingress": [{"ip": ip} for ip in ips]}}


TCP_2233 = [{"protocol": "tcp", "port": 2233}]
TCP_8888 = [{"protocol": "tcp", "port": 8888}]
THREE_PORTS = [
    {"port": 80, "protocol": "TCP"},
    {"port": 8090, "protocol": "UDP"},
    {"port": 8000, "protocol": "TCP"},
]


@pytest.mark.parametrize(
    ("obj", "want"),
    [
        pytest.param(
            service(
                "test1", "ClusterIP", TCP_2233, clusterIPs=["10.9.8.7"], selector={"foo": "bar"}
            ),
            ["test1", "ClusterIP", "10.9.8.7", "<none>", "2233/tcp", "<unknown>", "foo=bar"],
            id="cluster-ip-with-selector",
        ),
        pytest.param(
            service(
                "test2",
                "NodePort",
                [{"protocol": "tcp", "port": 8888, "nodePort": 9999}],
                clusterIPs=["10.9.8.7"],
            ),
            ["test2", "NodePort", "10.9.8.7", "<none>", "8888:9999/tcp", "<unknown>", "<none>"],
            id="node-port",
        ),
        pytest.param(
            service("test3", "LoadBalancer", TCP_8888, clusterIPs=["10.9.8.7"]),
            ["test3", "LoadBalancer", "10.9.8.7", "<pending>", "8888/tcp", "<unknown>", "<none>"],
            id="load-balancer-pending",
        ),
        pytest.param(
            service(
                "test4",
                "LoadBalancer",
                TCP_8888,
                clusterIPs=["10.9.8.7"],
                externalIPs=["80.11.12.10"],
            ),
            ["test4", "LoadBalancer", "10.9.8.7", "80.11.12.10", "8888/tcp", "<unknown>", "<none>"],
            id="load-balancer-external-ip-without-status",
        ),
        pytest.param(
            service(
                "test5",
                "LoadBalancer",
                TCP_8888,
                clusterIPs=["10.9.8.7"],
                externalIPs=["80.11.12.10"],
                status={
                    "loadBalancer": {"ingress": [{"ip": "3.4.5.6", "hostname": "test.cluster.com"}]}
                },
            ),
            [
                "test5",
                "LoadBalancer",
                "10.9.8.7",
                "3.4.5.6,80.11.12.10",
                "8888/tcp",
                "<unknown>",
                "<none>",
            ],
            id="load-balancer-ingress-then-external-ips",
        ),
        pytest.param(
            service(
                "test6",
                "LoadBalancer",
                TCP_8888,
                clusterIPs=["10.9.8.7"],
                externalIPs=["80.11.12.10", "80.11.12.11"],
                status=lb("3.4.5.6", "2.3.4.5"),
            ),
            [
                "test6",
                "LoadBalancer",
                "10.9.8.7",
                "2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11",
                "8888/tcp",
                "<unknown>",
                "<none>",
            ],
            id="load-balancer-ingress-sorted",
        ),
        pytest.param(
            service("test7", "ExternalName", [], externalName="my.database.example.com"),
            [
                "test7",
                "ExternalName",
                "<none>",
                "my.database.example.com",
                "<none>",
                "<unknown>",
                "<none>",
            ],
            id="external-name",
        ),
        pytest.param(
            service(
                "service4",
                "LoadBalancer",
                THREE_PORTS,
                clusterIPs=["1.5.6.7"],
                selector={"foo": "bar"},
                status={
                    "loadBalancer": {
                        "ingress": [
                            {"ip": "2.3.4.5"},
                            {"ip": "3.4.5.6"},
                            {"ip": "5.6.7.8", "hostname": "host5678"},
                        ]
                    }
                },
            ),
            [
                "service4",
                "LoadBalancer",
                "1.5.6.7",
                "2.3.4.5,3.4.5.6,5.6.7.8",
                "80/TCP,8090/UDP,8000/TCP",
                "<unknown>",
                "foo=bar",
            ],
            id="apiserver-prints-wide-so-ingress-list-is-not-clipped",
        ),
        pytest.param(
            service("headless", "ClusterIP", TCP_2233, clusterIP="None"),
            ["headless", "ClusterIP", "None", "<none>", "2233/tcp", "<unknown>", "<none>"],
            id="cluster-ip-field-when-cluster-ips-absent",
        ),
    ],
)
def test_print_service(obj: dict[str, Any], want: list[Any]) -> None:
    assert row("Service", obj) == want


@pytest.mark.parametrize(
    ("ips", "want"),
    [
        pytest.param(("2.3.4.5", "3.4.5.6"), "2.3.4.5,3.4.5.6", id="15-chars-fit"),
        pytest.param(("2.3.4.5", "3.4.5.6", "5.6.7.8"), "2.3.4.5,3.4.5...", id="long-list-elided"),
    ],
)
def test_load_balancer_ips_clipped_when_not_wide(ips: tuple[str, ...], want: str) -> None:
    obj = service("service1", "LoadBalancer", THREE_PORTS, clusterIPs=["1.2.3.4"], status=lb(*ips))
    (table_row,) = table("Service", [obj], NOW_S, seconds_of, wide=False)["rows"]
    assert table_row["cells"][3] == want
    assert len(table_row["cells"]) == 6


# ---------------------------------------------------------------------------------------------
# Workloads (TestPrintDeployment, TestPrintReplicaSet) and label selectors
# ---------------------------------------------------------------------------------------------

TEMPLATE = {
    "spec": {
        "containers": [
            {"name": "fake-container1", "image": "fake-image1"},
            {"name": "fake-container2", "image": "fake-image2"},
        ]
    }
}


def test_print_deployment() -> None:
    obj = {
        "metadata": {"name": "test1", "creationTimestamp": ago(-1.9)},
        "spec": {"replicas": 5, "template": TEMPLATE, "selector": {"matchLabels": {"foo": "bar"}}},
        "status": {"replicas": 10, "updatedReplicas": 2, "availableReplicas": 1},
    }
    assert row("Deployment", obj) == [
        "test1",
        "0/5",
        2,
        1,
        "0s",
        "fake-container1,fake-container2",
        "fake-image1,fake-image2",
        "foo=bar",
    ]


def test_print_replica_set() -> None:
    obj = {
        "metadata": {"name": "web-5d8f", "creationTimestamp": ago(330)},
        "spec": {"replicas": 5, "template": TEMPLATE, "selector": {"matchLabels": {"foo": "bar"}}},
        "status": {"replicas": 5, "readyReplicas": 2},
    }
    assert row("ReplicaSet", obj) == [
        "web-5d8f",
        5,
        5,
        2,
        "5m30s",
        "fake-container1,fake-container2",
        "fake-image1,fake-image2",
        "foo=bar",
    ]


@pytest.mark.parametrize(
    ("selector", "deployment_cell", "replica_set_cell"),
    [
        pytest.param(
            {
                "matchLabels": {"tier": "fe", "app": "web"},
                "matchExpressions": [
                    {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                    {"key": "canary", "operator": "DoesNotExist"},
                    {"key": "zone", "operator": "NotIn", "values": ["a"]},
                    {"key": "gpu", "operator": "Exists"},
                ],
            },
            "app=web,!canary,env in (dev,prod),gpu,tier=fe,zone notin (a)",
            "app=web,!canary,env in (dev,prod),gpu,tier=fe,zone notin (a)",
            id="requirements-sorted-by-key-values-sorted",
        ),
        pytest.param({}, "", "<none>", id="empty-selector-matches-everything"),
        pytest.param(None, "", "<none>", id="nil-selector"),
        pytest.param(
            {"matchExpressions": [{"key": "a", "operator": "Near", "values": ["b"]}]},
            "<invalid>",
            "<error>",
            id="unknown-operator",
        ),
        pytest.param(
            {"matchExpressions": [{"key": "a", "operator": "In", "values": []}]},
            "<invalid>",
            "<error>",
            id="in-without-values",
        ),
    ],
)
def test_selector_cells(
    selector: dict[str, Any] | None, deployment_cell: str, replica_set_cell: str
) -> None:
    spec = {"replicas": 1, "template": TEMPLATE, "selector": selector}
    obj = {"metadata": {"name": "x"}, "spec": spec}
    assert row("Deployment", obj)[-1] == deployment_cell
    assert row("ReplicaSet", obj)[-1] == replica_set_cell


# ---------------------------------------------------------------------------------------------
# Endpoints and EndpointSlices (TestPrintEndpoint, TestPrintEndpointSlice)
# ---------------------------------------------------------------------------------------------


def addresses(*ips: str) -> list[dict[str, str]]:
    return [{"ip": ip} for ip in ips]


@pytest.mark.parametrize(
    ("subsets", "want"),
    [
        pytest.param(None, "<none>", id="no-subsets"),
        pytest.param(
            [{"addresses": addresses("1.2.3.4", "5.6.7.8")}],
            "1.2.3.4,5.6.7.8",
            id="headless-without-ports",
        ),
        pytest.param(
            [
                {
                    "addresses": addresses("1.2.3.4", "5.6.7.8"),
                    "ports": [{"port": 8001, "protocol": "tcp"}],
                }
            ],
            "1.2.3.4:8001,5.6.7.8:8001",
            id="two-ips-one-port",
        ),
        pytest.param(
            [
                {
                    "addresses": addresses("1.2.3.4", "5.6.7.8", "9.8.7.6", "6.6.6.6"),
                    "ports": [{"port": 8001, "protocol": "tcp"}],
                }
            ],
            "1.2.3.4:8001,5.6.7.8:8001,9.8.7.6:8001 + 1 more...",
            id="more-than-three",
        ),
        pytest.param(
            [{"addresses": addresses("fd00::1"), "ports": [{"port": 80}, {"port": 443}]}],
            "[fd00::1]:80,[fd00::1]:443",
            id="ipv6-bracketed-per-port",
        ),
    ],
)
def test_print_endpoints(subsets: list[dict[str, Any]] | None, want: str) -> None:
    obj: dict[str, Any] = {"metadata": {"name": "ep", "creationTimestamp": ago(300)}}
    if subsets is not None:
        obj["subsets"] = subsets
    assert row("Endpoints", obj) == ["ep", want, "5m"]


def slice_port(name: str, port: int) -> dict[str, Any]:
    return {"name": name, "port": port, "protocol": "TCP"}


@pytest.mark.parametrize(
    ("obj", "want"),
    [
        pytest.param(
            {
                "metadata": {"name": "abcslice.123", "creationTimestamp": ago(-1.9)},
                "addressType": "IPv4",
                "ports": [slice_port("http", 80)],
                "endpoints": [{"addresses": ["10.1.2.3", "2001:db8::1234:5678"]}],
            },
            ["abcslice.123", "IPv4", "80", "10.1.2.3,2001:db8::1234:5678", "0s"],
            id="one-port-two-addresses",
        ),
        pytest.param(
            {
                "metadata": {"name": "longerslicename.123", "creationTimestamp": ago(300)},
                "addressType": "IPv6",
                "ports": [slice_port("http", 80), slice_port("https", 443)],
                "endpoints": [
                    {"addresses": ["10.1.2.3", "2001:db8::1234:5678"]},
                    {"addresses": ["10.2.3.4", "2001:db8::2345:6789"]},
                ],
            },
            [
                "longerslicename.123",
                "IPv6",
                "80,443",
                "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...",
                "5m",
            ],
            id="more-addresses",
        ),
        pytest.param(
            {
                "metadata": {"name": "multiportslice.123", "creationTimestamp": ago(300)},
                "addressType": "IPv4",
                "ports": [
                    slice_port("http", 80),
                    slice_port("https", 443),
                    slice_port("extra1", 3000),
                    slice_port("extra2", 3001),
                ],
                "endpoints": [
                    {"addresses": ["10.1.2.3", "2001:db8::1234:5678"]},
                    {"addresses": ["10.2.3.4", "2001:db8::2345:6789"]},
                ],
            },
            [
                "multiportslice.123",
                "IPv4",
                "80,443,3000 + 1 more...",
                "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...",
                "5m",
            ],
            id="more-ports",
        ),
        pytest.param(
            {
                "metadata": {"name": "empty"},
                "addressType": "IPv4",
                "ports": [{"name": "all"}, {}],
            },
            ["empty", "IPv4", "all,*", "<unset>", "<unknown>"],
            id="named-and-any-port-no-endpoints",
        ),
    ],
)
def test_print_endpoint_slice(obj: dict[str, Any], want: list[Any]) -> None:
    assert row("EndpointSlice", obj) == want


# ---------------------------------------------------------------------------------------------
# ConfigMap, Namespace, Lease, PriorityClass
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "obj", "want"),
    [
        pytest.param(
            "ConfigMap",
            {"metadata": {"name": "configmap1", "creationTimestamp": ago(-1.9)}},
            ["configmap1", 0, "0s"],
            id="configmap-without-data",
        ),
        pytest.param(
            "ConfigMap",
            {"metadata": {"name": "configmap2"}, "data": {"foo": "bar"}},
            ["configmap2", 1, "<unknown>"],
            id="configmap-one-key",
        ),
        pytest.param(
            "ConfigMap",
            {
                "metadata": {"name": "configmap3"},
                "data": {"foo": "bar"},
                "binaryData": {"b": "AA=="},
            },
            ["configmap3", 2, "<unknown>"],
            id="configmap-counts-binary-data",
        ),
        pytest.param(
            "Namespace",
            {
                "metadata": {"name": "namespace1", "creationTimestamp": ago(-1.9)},
                "status": {"phase": "FooStatus"},
            },
            ["namespace1", "FooStatus", "0s"],
            id="namespace-with-status",
        ),
        pytest.param(
            "Namespace",
            {"metadata": {"name": "namespace2"}},
            ["namespace2", "", "<unknown>"],
            id="namespace-without-status-or-age",
        ),
        pytest.param(
            "Lease",
            {
                "metadata": {"name": "lease1", "creationTimestamp": ago(-1.9)},
                "spec": {"holderIdentity": "holder1"},
            },
            ["lease1", "holder1", "0s"],
            id="lease-holder",
        ),
        pytest.param(
            "Lease",
            {"metadata": {"name": "lease2", "creationTimestamp": ago(300)}, "spec": {}},
            ["lease2", "", "5m"],
            id="lease-without-holder",
        ),
        pytest.param(
            "PriorityClass",
            {
                "metadata": {"name": "pc1", "creationTimestamp": ago(-1.9)},
                "value": 1,
                "preemptionPolicy": "Never",
            },
            ["pc1", 1, False, "0s", "Never"],
            id="priority-class-preempt-never",
        ),
        pytest.param(
            "PriorityClass",
            {
                "metadata": {"name": "pc2", "creationTimestamp": ago(300)},
                "value": 1000000000,
                "globalDefault": True,
                "preemptionPolicy": "PreemptLowerPriority",
            },
            ["pc2", 1000000000, True, "5m", "PreemptLowerPriority"],
            id="priority-class-global-default",
        ),
        pytest.param(
            "PriorityClass",
            {"metadata": {"name": "pc2", "creationTimestamp": ago(300)}, "value": 1000000000},
            ["pc2", 1000000000, False, "5m", ""],
            id="priority-class-without-policy",
        ),
    ],
)
def test_print_simple_kinds(kind: str, obj: dict[str, Any], want: list[Any]) -> None:
    assert row(kind, obj) == want


# ---------------------------------------------------------------------------------------------
# Events (TestPrintEvent)
# ---------------------------------------------------------------------------------------------


def event(name: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "metadata": {"name": name},
        "source": {"component": "kubelet", "host": "Node1"},
        "involvedObject": {
            "kind": "Deployment",
            "name": "Deployment Name",
            "fieldPath": "spec.containers{foo}",
        },
        "reason": "Event Reason",
        "message": "Message Data",
        "type": "Warning",
    }
    return {**base, **fields}


def wide_event(
    last: str, first: str, count: int, name: str, source: str = "kubelet, Node1"
) -> list[Any]:
    return [
        last,
        "Warning",
        "Event Reason",
        "deployment/Deployment Name",
        "spec.containers{foo}",
        source,
        "Message Data",
        first,
        count,
        name,
    ]


@pytest.mark.parametrize(
    ("obj", "want"),
    [
        pytest.param(
            event(
                "event2",
                firstTimestamp=ago(3 * DAY),
                lastTimestamp=ago(2 * DAY),
                count=6,
            ),
            wide_event("2d", "3d", 6, "event2"),
            id="first-and-last-timestamps",
        ),
        pytest.param(
            event("event3", eventTime=ago(3 * DAY), lastTimestamp=ago(3 * DAY), count=1),
            wide_event("3d", "3d", 1, "event3"),
            id="event-time-stands-in-for-first-timestamp",
        ),
        pytest.param(
            event("event4", eventTime=ago(3 * DAY), firstTimestamp=ago(3 * DAY), count=1),
            wide_event("3d", "3d", 1, "event4"),
            id="first-timestamp-stands-in-for-last",
        ),
        pytest.param(
            event("event5", eventTime=ago(3 * DAY), count=1),
            wide_event("3d", "3d", 1, "event5"),
            id="only-event-time",
        ),
        pytest.param(
            event(
                "event6",
                eventTime=ago(3 * DAY),
                series={"count": 2, "lastObservedTime": ago(2 * DAY)},
            ),
            wide_event("2d", "3d", 2, "event6"),
            id="series-gives-last-seen-and-count",
        ),
        pytest.param(
            event("event7", eventTime=ago(3 * DAY)),
            wide_event("3d", "3d", 1, "event7"),
            id="singleton-counts-one",
        ),
        pytest.param(
            event(
                "event2",
                source={},
                reportingComponent="kubelet",
                reportingInstance="test",
                firstTimestamp=ago(3 * DAY),
                lastTimestamp=ago(2 * DAY),
                count=6,
            ),
            wide_event("2d", "3d", 6, "event2", source="kubelet, test"),
            id="reporting-controller-when-source-empty",
        ),
        pytest.param(
            event("event8", source={"component": "default-scheduler"}, count=1),
            wide_event("<unknown>", "<unknown>", 1, "event8", source="default-scheduler"),
            id="no-host-and-no-times",
        ),
    ],
)
def test_print_event(obj: dict[str, Any], want: list[Any]) -> None:
    assert row("Event", obj) == want


def test_event_table_without_wide_shows_kubectl_get_events_columns() -> None:
    obj = event(
        "event1",
        source={"component": "kubelet"},
        involvedObject={"kind": "Pod", "name": "Pod Name", "fieldPath": "spec.containers{foo}"},
        firstTimestamp=ago(3 * DAY),
        lastTimestamp=ago(2 * DAY),
        count=6,
        type="Normal",
        message="  Message Data\n",
    )
    served = table("Event", [obj], NOW_S, seconds_of, wide=False)
    assert [c["name"] for c in served["columnDefinitions"]] == [
        "Last Seen",
        "Type",
        "Reason",
        "Object",
        "Message",
    ]
    assert served["rows"][0]["cells"] == [
        "2d",
        "Normal",
        "Event Reason",
        "pod/Pod Name",
        "Message Data",
    ]


# ---------------------------------------------------------------------------------------------
# table(): the meta.k8s.io/v1 Table
# ---------------------------------------------------------------------------------------------


COLUMNS_POD_SHOWN = ["Name", "Ready", "Status", "Restarts", "Age"]


def _frozen_pods() -> list[Any]:
    return [
        freeze(
            {
                "metadata": {
                    "name": "web-1",
                    "namespace": "default",
                    "uid": "u1",
                    "labels": {"app": "web"},
                    "creationTimestamp": ago(300),
                },
                "spec": {"containers": [{"name": "c"}]},
                "status": {"phase": "Succeeded"},
            }
        )
    ]


def test_table_is_the_apiserver_table_when_wide() -> None:
    objs = _frozen_pods()
    served = table("Pod", objs, NOW_S, seconds_of, wide=True, list_meta={"resourceVersion": "42"})
    assert (served["kind"], served["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert served["metadata"] == {"resourceVersion": "42"}
    assert served["columnDefinitions"] == [c.to_json() for c in COLUMNS["Pod"]]
    (table_row,) = served["rows"]
    assert list(table_row) == ["cells", "conditions", "object"]
    assert table_row["cells"] == ["web-1", "0/1", "Succeeded", "0", "5m", *["<none>"] * 4]
    assert table_row["object"] == {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": objs[0]["metadata"],
    }


def test_table_without_wide_drops_priority_one_columns_and_cells() -> None:
    served = table("Pod", _frozen_pods(), NOW_S, seconds_of)
    assert [c["name"] for c in served["columnDefinitions"]] == COLUMNS_POD_SHOWN
    assert served["rows"][0]["cells"] == ["web-1", "0/1", "Succeeded", "0", "5m"]
    assert served["metadata"] == {}


def test_table_namespace_column_comes_first() -> None:
    served = table("Pod", _frozen_pods(), NOW_S, seconds_of, namespace_column=True)
    assert served["columnDefinitions"][0] == {
        "name": "Namespace",
        "type": "string",
        "format": "",
        "description": "",
        "priority": 0,
    }
    assert served["rows"][0]["cells"][:2] == ["default", "web-1"]


def test_table_returns_plain_json_and_leaves_inputs_alone() -> None:
    objs = _frozen_pods()
    served = table("Pod", objs, NOW_S, seconds_of)
    metadata = served["rows"][0]["object"]["metadata"]
    metadata["labels"]["app"] = "changed"  # the caller owns the result
    served["rows"][0]["cells"].append("x")
    assert objs[0]["metadata"]["labels"] == {"app": "web"}
    assert type(metadata) is dict and type(metadata["labels"]) is dict


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(KeyError, match="no table printer for kind 'Secret'"):
        print_row("Secret", {}, NOW_S, seconds_of)


# ---------------------------------------------------------------------------------------------
# render(): what kubectl get prints
# ---------------------------------------------------------------------------------------------


def _render_pods() -> list[dict[str, Any]]:
    web = pod("web-1", phase="Running", statuses=[cs(True, 3, RUNNING, 120)])
    web["metadata"].update(namespace="default", creationTimestamp=ago(300))
    web["spec"]["nodeName"] = "node-1"
    web["status"]["podIP"] = "10.244.1.5"
    batch = pod("batch-xyz", phase="Pending", statuses=[cs(False, 0, waiting("ContainerCreating"))])
    batch["metadata"].update(namespace="jobs", creationTimestamp=ago(200))
    return [web, batch]


def test_render_pods_like_kubectl_get_pods() -> None:
    text = render("Pod", _render_pods(), NOW_S, seconds_of)
    assert text == (
        "NAME        READY   STATUS              RESTARTS     AGE\n"
        "web-1       1/1     Running             3 (2m ago)   5m\n"
        "batch-xyz   0/1     ContainerCreating   0            3m20s\n"
    )


def test_render_pods_wide_all_namespaces_with_kind() -> None:
    text = render(
        "Pod", _render_pods(), NOW_S, seconds_of, wide=True, namespace_column=True, show_kind=True
    )
    assert text == (
        "NAMESPACE   NAME            READY   STATUS              RESTARTS     AGE     "
        "IP           NODE     NOMINATED NODE   READINESS GATES\n"
        "default     pod/web-1       1/1     Running             3 (2m ago)   5m      "
        "10.244.1.5   node-1   <none>           <none>\n"
        "jobs        pod/batch-xyz   0/1     ContainerCreating   0            3m20s   "
        "<none>       <none>   <none>           <none>\n"
    )


def test_render_deployments_show_group_in_kind() -> None:
    obj = {
        "metadata": {"name": "web", "creationTimestamp": ago(90)},
        "spec": {"replicas": 3, "template": TEMPLATE, "selector": {"matchLabels": {"app": "web"}}},
        "status": {"readyReplicas": 3, "updatedReplicas": 3, "availableReplicas": 3},
    }
    assert render("Deployment", [obj], NOW_S, seconds_of, show_kind=True) == (
        "NAME" + " " * 18 + "READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/web   3/3     3            3           90s\n"
    )


def test_render_events_cuts_multiline_messages_and_escapes() -> None:
    obj = event(
        "e1",
        involvedObject={"kind": "Pod", "name": "web-1"},
        lastTimestamp=ago(45),
        firstTimestamp=ago(45),
        count=1,
        type="Normal",
        reason="Pulled",
        message="line \x1b[31mone\rtwo\nthree",
    )
    assert render("Event", [obj], NOW_S, seconds_of) == (
        "LAST SEEN   TYPE     REASON   OBJECT      MESSAGE\n"
        "45s         Normal   Pulled   pod/web-1   line ^[[31mone...\n"
    )


def test_render_pads_before_an_empty_last_cell() -> None:
    obj = {"metadata": {"name": "pc1", "creationTimestamp": ago(300)}, "value": 7}
    assert render("PriorityClass", [obj], NOW_S, seconds_of) == (
        "NAME   VALUE   GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY\n"
        "pc1    7       false            5m    \n"
    )


def test_render_nothing_prints_nothing() -> None:
    assert render("Pod", [], NOW_S, seconds_of, wide=True) == ""


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        pytest.param(["a\tb", "cc\td"], "a     b\ncc    d\n", id="minimum-width-six"),
        pytest.param(
            ["name\tx", "longer-name\ty"], "name          x\nlonger-name   y\n", id="pad-3"
        ),
        pytest.param(["a\tb\tc", "d"], "a     b     c\nd\n", id="short-line-ends-column-block"),
        pytest.param(["\tx", "abc\ty"], "      x\nabc   y\n", id="empty-cell-padded"),
    ],
)
def test_tabwriter(lines: list[str], want: str) -> None:
    assert _tabwrite(lines) == want
