"""The Pod row of `kubectl get pods`: READY, STATUS, RESTARTS, AGE and the wide cells.

Models printPod of pkg/printers/internalversion/printers.go (Kubernetes 1.32), including the
init-container, sidecar, scheduling-gated, terminating and NodeLost statuses and the
"Completed" row condition of finished pods. Pure: inputs are never mutated, output depends only
on the pod and the print context's clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.api.printers.cells import _Ctx, _has, _i, _l, _m, _name, _Row, _s
from sim.api.printers.durations import human_duration


def _later(current: float | None, status: Mapping[str, Any], ctx: _Ctx) -> float | None:
    """Keep the latest lastState.terminated.finishedAt seen (lastRestartDate.Before(...))."""
    finished = ctx.instant(_m(_m(status, "lastState"), "terminated").get("finishedAt"))
    if finished is None or (current is not None and finished <= current):
        return current
    return finished


def _is_restartable(container: Mapping[str, Any] | None) -> bool:
    """A sidecar: an init container with restartPolicy Always."""
    return container is not None and container.get("restartPolicy") == "Always"


def _condition_true(status: Mapping[str, Any], type_: str, first_only: bool) -> bool:
    for cond in _l(status, "conditions"):
        if _s(cond, "type") == type_:
            if _s(cond, "status") == "True":
                return True
            if first_only:
                return False
    return False


def _terminated_reason(terminated: Mapping[str, Any], prefix: str) -> str:
    if reason := _s(terminated, "reason"):
        return prefix + reason
    if signal := _i(terminated, "signal"):
        return f"{prefix}Signal:{signal}"
    return f"{prefix}ExitCode:{_i(terminated, 'exitCode')}"


@dataclass(slots=True)
class _PodTally:
    reason: str
    ready: int = 0
    restarts: int = 0
    last_restart: float | None = None
    sidecar_restarts: int = 0
    sidecar_last_restart: float | None = None


def _pod_init_status(pod: Mapping[str, Any], tally: _PodTally, ctx: _Ctx) -> bool:
    """The init-container loop of printPod; True while the pod is still initializing."""
    init_specs = _l(_m(pod, "spec"), "initContainers")
    by_name = {_s(c, "name"): c for c in init_specs}
    for i, cs in enumerate(_l(_m(pod, "status"), "initContainerStatuses")):
        sidecar = _is_restartable(by_name.get(_s(cs, "name")))
        tally.restarts += _i(cs, "restartCount")
        tally.last_restart = _later(tally.last_restart, cs, ctx)
        if sidecar:
            tally.sidecar_restarts += _i(cs, "restartCount")
            tally.sidecar_last_restart = _later(tally.sidecar_last_restart, cs, ctx)
        state = _m(cs, "state")
        terminated, waiting = state.get("terminated"), _m(state, "waiting")
        if isinstance(terminated, Mapping) and _i(terminated, "exitCode") == 0:
            continue
        if sidecar and cs.get("started") is True:
            tally.ready += 1 if cs.get("ready") is True else 0
            continue
        if isinstance(terminated, Mapping):
            tally.reason = _terminated_reason(terminated, "Init:")
        elif _s(waiting, "reason") not in ("", "PodInitializing"):
            tally.reason = "Init:" + _s(waiting, "reason")
        else:
            tally.reason = f"Init:{i}/{len(init_specs)}"
        return True
    return False


def _pod_main_status(pod: Mapping[str, Any], tally: _PodTally, ctx: _Ctx) -> None:
    """The app-container loop of printPod; it walks backwards, so the first reason wins."""
    tally.restarts, tally.last_restart = tally.sidecar_restarts, tally.sidecar_last_restart
    status = _m(pod, "status")
    has_running = False
    for cs in reversed(_l(status, "containerStatuses")):
        tally.restarts += _i(cs, "restartCount")
        tally.last_restart = _later(tally.last_restart, cs, ctx)
        state = _m(cs, "state")
        terminated = state.get("terminated")
        if _s(_m(state, "waiting"), "reason"):
            tally.reason = _s(_m(state, "waiting"), "reason")
        elif isinstance(terminated, Mapping):
            tally.reason = _terminated_reason(terminated, "")
        elif cs.get("ready") is True and _has(state, "running"):
            has_running = True
            tally.ready += 1
    if tally.reason == "Completed" and has_running:
        tally.reason = "Running" if _condition_true(status, "Ready", False) else "NotReady"


def _pod_wide_cells(pod: Mapping[str, Any]) -> list[Any]:
    spec, status = _m(pod, "spec"), _m(pod, "status")
    # v1 -> internal conversion makes status.podIP authoritative over podIPs[0].
    pod_ips = _l(status, "podIPs")
    ip = _s(status, "podIP") or (_s(pod_ips[0], "ip") if pod_ips else "")
    gates = "<none>"
    if readiness_gates := _l(spec, "readinessGates"):
        first: dict[str, str] = {}
        for cond in _l(status, "conditions"):
            first.setdefault(_s(cond, "type"), _s(cond, "status"))
        true = sum(1 for g in readiness_gates if first.get(_s(g, "conditionType")) == "True")
        gates = f"{true}/{len(readiness_gates)}"
    return [
        ip or "<none>",
        _s(spec, "nodeName") or "<none>",
        _s(status, "nominatedNodeName") or "<none>",
        gates,
    ]


_POD_DONE = {
    "Succeeded": {
        "type": "Completed",
        "status": "True",
        "reason": "Succeeded",
        "message": "The pod has completed successfully.",
    },
    "Failed": {
        "type": "Completed",
        "status": "True",
        "reason": "Failed",
        "message": "The pod failed.",
    },
}


def _print_pod(pod: Mapping[str, Any], ctx: _Ctx) -> _Row:
    spec, status, meta = _m(pod, "spec"), _m(pod, "status"), _m(pod, "metadata")
    phase = _s(status, "phase")
    tally = _PodTally(reason=_s(status, "reason") or phase)
    for cond in _l(status, "conditions"):
        if _s(cond, "type") == "PodScheduled" and _s(cond, "reason") == "SchedulingGated":
            tally.reason = "SchedulingGated"
    total = len(_l(spec, "containers"))
    total += sum(1 for c in _l(spec, "initContainers") if _is_restartable(c))
    initializing = _pod_init_status(pod, tally, ctx)
    if not initializing or _condition_true(status, "Initialized", True):
        _pod_main_status(pod, tally, ctx)
    if _has(meta, "deletionTimestamp"):
        if _s(status, "reason") == "NodeLost":
            tally.reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            tally.reason = "Terminating"
    restarts = str(tally.restarts)
    if tally.restarts != 0 and tally.last_restart is not None:
        restarts += f" ({human_duration(ctx.now_s - tally.last_restart)} ago)"
    cells = [_name(pod), f"{tally.ready}/{total}", tally.reason, restarts, ctx.age(pod)]
    done = _POD_DONE.get(phase)
    return _Row(cells + _pod_wide_cells(pod), [dict(done)] if done else None)
