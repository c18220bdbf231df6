"""The API status a kubelet writes for a pod, from what it knows of the pod's containers.

Follows pkg/kubelet/kubelet_pods.go (generateAPIPodStatus, getPhase,
convertToAPIContainerStatuses) and pkg/kubelet/status/generate.go (GeneratePodReadyCondition,
GenerateContainersReadyCondition, GeneratePodInitializedCondition,
GeneratePodReadyToStartContainersCondition):

- phase: Pending until every regular init container succeeded and no app container is waiting
  for its first start; Running once a container runs; when all have stopped: Running for
  restartPolicy Always (unless the pod is terminal), Succeeded if all exited 0, Failed otherwise
  (OnFailure: Running while failed containers restart). A terminal phase never goes back.
- conditions in upstream's order: PodReadyToStartContainers, Initialized, Ready,
  ContainersReady, PodScheduled; a transition time moves only when a status changes.
- containerStatuses sorted by name, initContainerStatuses in spec order; a container that has
  not started yet waits with reason PodInitializing when the pod has init containers, else
  ContainerCreating.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ContainerRecord",
    "container_status",
    "generate_api_pod_status",
    "get_phase",
    "pod_conditions",
]

CONTAINER_ID_PREFIX = "kubesim://"


@dataclass(eq=False)
class ContainerRecord:
    """The kubelet's view of one container of a pod (its current or last instance)."""

    name: str
    spec: Mapping[str, Any]
    kind: str  # "init" | "sidecar" | "app"
    container_id: str = ""
    instances: int = 0  # how many times it was created; restartCount = instances - 1
    state: str = "waiting"  # waiting | running | terminated
    waiting_reason: str = ""
    waiting_message: str = ""
    started_at: float = 0.0
    finished_at: float = 0.0
    exit_code: int = 0
    term_reason: str = ""
    term_message: str = ""
    last_term: dict[str, Any] | None = None
    started: bool = False  # the startup probe passed (or there is none) while running
    ready: bool = False  # the readiness probe passed (or there is none) while running
    image_id: str = ""
    kill_reason: str = ""  # set by the prober: the container must be killed and restarted
    restart_base: int = 0  # restarts seen before this kubelet (re)started
    force_restart: bool = False  # killed by a probe: restart unless restartPolicy is Never

    @property
    def restart_count(self) -> int:
        return self.restart_base + max(0, self.instances - 1)

    @property
    def has_run(self) -> bool:
        return self.state in ("running", "terminated") or self.last_term is not None

    def terminated_dict(self, ts: Callable[[float], str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "exitCode": self.exit_code,
            "reason": self.term_reason,
            "startedAt": ts(self.started_at) if self.started_at else None,
            "finishedAt": ts(self.finished_at),
            "containerID": CONTAINER_ID_PREFIX + self.container_id,
        }
        if self.term_message:
            out["message"] = self.term_message
        return out


def container_status(
    r: ContainerRecord, ts: Callable[[float], str], default_waiting: str
) -> dict[str, Any]:
    """One v1.ContainerStatus."""
    if r.state == "running":
        state: dict[str, Any] = {"running": {"startedAt": ts(r.started_at)}}
    elif r.state == "terminated":
        state = {"terminated": r.terminated_dict(ts)}
    else:
        waiting = {"reason": r.waiting_reason or default_waiting}
        if r.waiting_message:
            waiting["message"] = r.waiting_message
        state = {"waiting": waiting}
    out: dict[str, Any] = {
        "name": r.name,
        "state": state,
        "lastState": {"terminated": r.last_term} if r.last_term else {},
        "ready": r.state == "running" and r.started and r.ready,
        "restartCount": r.restart_count,
        "image": r.spec.get("image", ""),
        "imageID": r.image_id,
        "started": r.state == "running" and r.started,
    }
    if r.container_id:
        out["containerID"] = CONTAINER_ID_PREFIX + r.container_id
    return out


def get_phase(restart_policy: str, records: Iterable[ContainerRecord], terminal: bool) -> str:
    """kubelet_pods.go getPhase."""
    pending_init = failed_init = 0
    any_app_started = False
    apps = []
    for r in records:
        if r.kind == "app":
            apps.append(r)
            any_app_started = any_app_started or r.has_run
            continue
        if r.kind == "sidecar":
            if not (r.state == "running" and r.started):
                pending_init += 1
            continue
        if r.state == "running":
            pending_init += 1
        elif r.state == "terminated":
            failed_init += r.exit_code != 0
        elif r.last_term is not None:
            failed_init += r.last_term.get("exitCode", 0) != 0
        else:
            pending_init += 1
    running = waiting = stopped = succeeded = 0
    for r in apps:
        if r.state == "running":
            running += 1
        elif r.state == "terminated":
            stopped += 1
            succeeded += r.exit_code == 0
        elif r.last_term is not None:
            stopped += 1
        else:
            waiting += 1
    if failed_init and restart_policy == "Never":
        return "Failed"
    if (pending_init and not any_app_started) or waiting:
        return "Pending"
    if running:
        return "Running"
    if stopped:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if restart_policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if restart_policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def _condition(ctype: str, ok: bool, reason: str = "", message: str = "") -> dict[str, Any]:
    c: dict[str, Any] = {"type": ctype, "status": "True" if ok else "False"}
    if not ok or reason:
        if reason:
            c["reason"] = reason
        if message:
            c["message"] = message
    return c


def pod_conditions(
    *,
    phase: str,
    sandbox_ready: bool,
    records: list[ContainerRecord],
    readiness_gates: Iterable[Mapping[str, Any]],
    existing: Iterable[Mapping[str, Any]],
    now_ts: str,
) -> list[dict[str, Any]]:
    """The kubelet-owned conditions, merged with the existing ones (transition times kept)."""
    init = [r for r in records if r.kind != "app"]
    incomplete = [
        r.name
        for r in init
        if not (
            (r.kind == "init" and r.state == "terminated" and r.exit_code == 0)
            or (r.kind == "sidecar" and r.state == "running" and r.started)
        )
    ]
    if phase == "Succeeded" or phase == "Failed" and not incomplete:
        incomplete = []
    initialized = _condition(
        "Initialized",
        not incomplete,
        "" if not incomplete else "ContainersNotInitialized",
        f"containers with incomplete status: [{' '.join(incomplete)}]" if incomplete else "",
    )
    readiness_scope = [r for r in records if r.kind in ("app", "sidecar")]
    unready = [
        r.name for r in readiness_scope if not (r.state == "running" and r.started and r.ready)
    ]
    if phase == "Succeeded":
        containers_ready = _condition("ContainersReady", False, "PodCompleted")
        ready = _condition("Ready", False, "PodCompleted")
    else:
        msg = f"containers with unready status: [{' '.join(unready)}]" if unready else ""
        containers_ready = _condition(
            "ContainersReady", not unready, "" if not unready else "ContainersNotReady", msg
        )
        existing_by_type = {c.get("type"): c for c in existing}
        gate_msgs = []
        for gate in readiness_gates:
            ctype = gate.get("conditionType", "")
            c = existing_by_type.get(ctype)
            if c is None:
                gate_msgs.append(
                    f'corresponding condition of pod readiness gate "{ctype}" does not exist.'
                )
            elif c.get("status") != "True":
                gate_msgs.append(
                    f'the status of pod readiness gate "{ctype}" is not "True", but {c.get("status")}'
                )
        if unready:
            ready = _condition("Ready", False, "ContainersNotReady", msg)
        elif gate_msgs:
            ready = _condition("Ready", False, "ReadinessGatesNotReady", ", ".join(gate_msgs))
        else:
            ready = _condition("Ready", True)
    owned = [
        _condition("PodReadyToStartContainers", sandbox_ready),
        initialized,
        ready,
        containers_ready,
        _condition("PodScheduled", True),
    ]
    previous = {c.get("type"): c for c in existing}
    out = []
    owned_types = {c["type"] for c in owned}
    for c in owned:
        old = previous.get(c["type"])
        same = old is not None and old.get("status") == c["status"]
        c["lastProbeTime"] = None
        c["lastTransitionTime"] = (
            old.get("lastTransitionTime") if same and old else None
        ) or now_ts
        out.append(c)
    out += [dict(c) for c in existing if c.get("type") not in owned_types]
    return out


def generate_api_pod_status(
    pod: Any,
    records: list[ContainerRecord],
    *,
    rejected: tuple[str, str] | None,
    terminal_phase: str,
    start_time: str,
    sandbox_ready: bool,
    sandbox_ip: str,
    node_ip: str,
    ts: Callable[..., str],
) -> dict[str, Any]:
    """kubelet_pods.go generateAPIPodStatus: the status to write for `pod`, whose container
    records are `records`; `ts()` is the current timestamp, `ts(t)` the one of instant t."""
    old = pod.get("status") or {}
    if rejected is not None:
        reason, message = rejected
        out = {k: old[k] for k in ("qosClass", "conditions") if k in old}
        out.update({"phase": "Failed", "reason": reason, "message": f"Pod was rejected: {message}"})
        if start_time:
            out["startTime"] = start_time
        return out
    policy = pod["spec"].get("restartPolicy", "Always")
    phase = terminal_phase or get_phase(policy, records, terminal=False)
    if old.get("phase") in ("Succeeded", "Failed"):
        phase = old["phase"]
    default_waiting = (
        "PodInitializing" if any(r.kind != "app" for r in records) else "ContainerCreating"
    )
    now_ts = ts()
    status: dict[str, Any] = {
        "phase": phase,
        "conditions": pod_conditions(
            phase=phase,
            sandbox_ready=sandbox_ready,
            records=records,
            readiness_gates=pod["spec"].get("readinessGates") or (),
            existing=old.get("conditions") or (),
            now_ts=now_ts,
        ),
        "hostIP": node_ip,
        "hostIPs": [{"ip": node_ip}],
    }
    if sandbox_ip:
        status["podIP"] = sandbox_ip
        status["podIPs"] = [{"ip": sandbox_ip}]
    if start_time:
        status["startTime"] = start_time
    inits = [container_status(r, ts, default_waiting) for r in records if r.kind != "app"]
    if inits:
        status["initContainerStatuses"] = inits
    apps = [container_status(r, ts, default_waiting) for r in records if r.kind == "app"]
    status["containerStatuses"] = sorted(apps, key=lambda s: s["name"])
    if "qosClass" in old:
        status["qosClass"] = old["qosClass"]
    return status
