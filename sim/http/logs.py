"""`pods/log` from the simulated containers: the kubelet's containerLogs view and the options.

Upstream, the API server proxies `GET pods/{name}/log` to the kubelet of the pod's node
(`/containerLogs/{namespace}/{pod}/{container}`, pkg/kubelet/server/server.go), which picks the
container instance from its own pod status (pkg/kubelet/kubelet_pods.go
validateContainerLogStatus: the running or last terminated instance, or with `previous` the one
before), reads that container's CRI log file and applies the PodLogOptions
(pkg/kubelet/kuberuntime/logs/logs.go ReadLogs): sinceSeconds/sinceTime, timestamps, tailLines,
limitBytes. Here the "proxy" is a direct call on the simulation thread: the route finds the
node's in-process kubelet through its `kubelet_source` (sim/http/nodeproxy.py),
`container_logs` is its containerLogs view over `SimulatedHost.container_log` (the CRI log
lines), and `render` applies the options. A pod whose
node has no in-process kubelet (a kubelet in another process) answers as a pod without
simulated output (sim/http/subresources.py).

`container_logs` belongs on `sim.kubelet.Kubelet` beside `pods()` and `stats_summary()`; it is
written against the kubelet's public surface only (`pods()`, `host`, `node_ip`) so it can move
there unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from runtime_adapters.cri import CriError
from sim.api.errors import ApiError, bad_request, status_dict

__all__ = ["container_logs", "render"]


def _status_of(kubelet: Any, uid: str, container: str) -> tuple[str, Mapping[str, Any]] | None:
    for pod in kubelet.pods()["items"]:
        if pod["metadata"]["uid"] != uid:
            continue
        status = pod.get("status") or {}
        for key in ("containerStatuses", "initContainerStatuses"):
            for cs in status.get(key) or []:
                if cs.get("name") == container:
                    return pod["metadata"]["name"], cs
    return None


def _container_id(cs: Mapping[str, Any], container: str, pod: str, previous: bool) -> str:
    """validateContainerLogStatus: which instance's log to read, or the upstream error."""
    state = cs.get("state") or {}
    last = (cs.get("lastState") or {}).get("terminated")
    terminated, waiting = state.get("terminated"), state.get("waiting")
    if previous:
        if not last or not last.get("containerID"):
            raise bad_request(
                f'previous terminated container "{container}" in pod "{pod}" not found'
            )
        return str(last["containerID"])
    if "running" in state:
        return str(cs.get("containerID") or "")
    if terminated is not None:
        if terminated.get("containerID"):
            return str(terminated["containerID"])
        if last and last.get("containerID"):
            return str(last["containerID"])
        raise bad_request(f'container "{container}" in pod "{pod}" is terminated')
    if last is not None:
        if not last.get("containerID"):
            raise bad_request(f'container "{container}" in pod "{pod}" is terminated')
        return str(last["containerID"])
    reason = (waiting or {}).get("reason") or ""
    if reason == "ErrImagePull":
        detail = "image can't be pulled"
    elif reason == "ImagePullBackOff":
        detail = "trying and failing to pull image"
    elif reason:
        detail = reason
    else:
        raise bad_request(
            f'container "{container}" in pod "{pod}" is waiting to start - no logs yet'
        )
    raise bad_request(f'container "{container}" in pod "{pod}" is waiting to start: {detail}')


def container_logs(
    kubelet: Any, namespace: str, uid: str, container: str, *, previous: bool = False
) -> list[str] | None:
    """The kubelet's `/containerLogs/{namespace}/{pod}/{container}`: the CRI log lines
    (`<RFC3339Nano> <stream> F <text>`) of the chosen instance; None when the kubelet does not
    run the pod (yet). Raises ApiError 400 with upstream's text when there is no such instance,
    500 when the kubelet is down (the API server's dial fails)."""
    try:
        found = _status_of(kubelet, uid, container)
    except ConnectionError as e:
        raise ApiError(
            status_dict(
                500,
                "InternalError",
                f'Get "https://{kubelet.node_ip}:10250/containerLogs/{namespace}/.../{container}"'
                f": {e}",
            )
        ) from None
    if found is None:
        return None
    pod, cs = found
    cid = _container_id(cs, container, pod, previous).split("://", 1)[-1]
    if not cid:
        return None
    try:
        return list(kubelet.host.container_log(cid))
    except CriError as e:
        if e.code != "NotFound":
            raise ApiError(status_dict(500, "InternalError", str(e))) from None
        # upstream: the log file of a garbage-collected instance is gone
        raise bad_request(
            f'failed to try resolving symlinks in path "/var/log/pods/{namespace}_{pod}_{uid}/'
            f'{container}/{cs.get("restartCount", 0)}.log": lstat: no such file or directory'
        ) from None


def render(
    cri_lines: list[str], query: Mapping[str, Any], now_s: float, seconds_of: Callable[[str], float]
) -> list[str]:
    """ReadLogs' PodLogOptions over CRI log lines: sinceSeconds or sinceTime, then timestamps
    (the RFC3339Nano timestamp and a space before each line); tailLines and limitBytes are
    applied by the route over the result."""
    since: float | None = None
    raw_since = query.get("sinceSeconds")
    if raw_since:
        try:
            since = now_s - int(raw_since)
        except ValueError:
            raise bad_request(f'invalid value for sinceSeconds: "{raw_since}"') from None
    elif query.get("sinceTime"):
        try:
            since = seconds_of(str(query["sinceTime"]))
        except ValueError:
            raise bad_request(f'invalid value for sinceTime: "{query["sinceTime"]}"') from None
    timestamps = str(query.get("timestamps", "")).lower() in ("true", "1")
    out = []
    for line in cri_lines:
        ts, _stream, _tag, text = line.split(" ", 3)
        if since is not None and seconds_of(ts) < since - 1e-6:  # parsing loses ~1e-7 s
            continue
        out.append(f"{ts} {text}" if timestamps else text)
    return out
