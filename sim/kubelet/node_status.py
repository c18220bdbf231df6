"""The Node a kubelet registers and the status it reports.

Follows pkg/kubelet/kubelet_node_status.go (initialNode, registerWithAPIServer,
tryRegisterWithAPIServer, updateDefaultLabels) and pkg/kubelet/nodestatus/setters.go (NodeAddress,
MachineInfo, VersionInfo, DaemonEndpoints, Images, ReadyCondition, MemoryPressureCondition,
DiskPressureCondition, PIDPressureCondition): labels kubernetes.io/{hostname,os,arch} and their
beta twins, the annotations the kubelet sets, capacity from the machine (the pool) with
`pods` = maxPods, allocatable = capacity minus the default evictionHard thresholds (memory 100Mi,
ephemeral-storage 10 %) unless the pool gives it, addresses InternalIP and Hostname, nodeInfo,
daemonEndpoints (10250), at most 50 images (nodeStatusMaxImages) largest first, and the four
conditions in upstream's order with upstream's reasons and messages.

`status_changed` is nodeStatusHasChanged: heartbeat times do not count as a change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sim.api.quantity import memory_bytes

if TYPE_CHECKING:
    from sim.kubelet.kubelet import Kubelet

__all__ = [
    "KUBELET_VERSION",
    "NODE_STATUS_MAX_IMAGES",
    "allocatable_for",
    "capacity_for",
    "conditions",
    "initial_node",
    "memory_pressure",
    "node_status_of",
    "status_changed",
    "status_patch",
]

KUBELET_VERSION = "v1.32.0"
NODE_STATUS_MAX_IMAGES = 50  # pkg/kubelet/apis/config/v1beta1/defaults.go nodeStatusMaxImages
KUBELET_PORT = 10250
EVICTION_HARD_MEMORY_BYTES = 100 * 1024 * 1024  # evictionHard memory.available 100Mi
DEFAULT_EPHEMERAL_STORAGE = "100Gi"

_COND = {
    "MemoryPressure": (
        ("KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("KubeletHasInsufficientMemory", "kubelet has insufficient memory available"),
    ),
    "DiskPressure": (
        ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("KubeletHasDiskPressure", "kubelet has disk pressure"),
    ),
    "PIDPressure": (
        ("KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("KubeletHasInsufficientPID", "kubelet has insufficient PID available"),
    ),
}


def capacity_for(pool_capacity: Mapping[str, Any], max_pods: int) -> dict[str, str]:
    cap = {k: str(v) for k, v in pool_capacity.items()}
    cap.setdefault("pods", str(max_pods))
    cap.setdefault("ephemeral-storage", DEFAULT_EPHEMERAL_STORAGE)
    cap.setdefault("hugepages-1Gi", "0")
    cap.setdefault("hugepages-2Mi", "0")
    return dict(sorted(cap.items()))


def allocatable_for(
    capacity: Mapping[str, str], pool_allocatable: Mapping[str, Any] | None
) -> dict[str, str]:
    """Capacity minus kube/system reserved (none) and the evictionHard thresholds."""
    if pool_allocatable:
        out = dict(capacity)
        out.update({k: str(v) for k, v in pool_allocatable.items()})
        return dict(sorted(out.items()))
    out = dict(capacity)
    if "memory" in out:
        mem = max(0, memory_bytes(out["memory"]) - EVICTION_HARD_MEMORY_BYTES)
        out["memory"] = f"{mem // 1024}Ki" if mem % 1024 == 0 else str(mem)
    if "ephemeral-storage" in out:
        eph = memory_bytes(out["ephemeral-storage"])
        out["ephemeral-storage"] = str(eph - eph // 10)
    return dict(sorted(out.items()))


def initial_node(
    name: str,
    *,
    pool_name: str,
    pool_labels: Mapping[str, str],
    taints: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """initialNode: metadata and spec (status is set by the setters right after)."""
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubesim.io/pool": pool_name,
        **pool_labels,
    }
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = [dict(t) for t in taints]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
    }


def conditions(
    previous: list[Mapping[str, Any]],
    now_ts: str,
    *,
    ready: bool,
    not_ready_message: str = "",
    memory_pressure: bool = False,
) -> list[dict[str, Any]]:
    """The four kubelet conditions; a transition time moves only when a status changes."""
    prev = {c.get("type"): c for c in previous}
    wanted = []
    for ctype in ("MemoryPressure", "DiskPressure", "PIDPressure"):
        bad = ctype == "MemoryPressure" and memory_pressure
        reason, message = _COND[ctype][1 if bad else 0]
        wanted.append((ctype, "True" if bad else "False", reason, message))
    if ready:
        wanted.append(("Ready", "True", "KubeletReady", "kubelet is posting ready status"))
    else:
        wanted.append(("Ready", "False", "KubeletNotReady", not_ready_message))
    out = []
    for ctype, status, reason, message in wanted:
        old = prev.get(ctype)
        transition = (
            old.get("lastTransitionTime") if old and old.get("status") == status else now_ts
        )
        out.append(
            {
                "type": ctype,
                "status": status,
                "lastHeartbeatTime": now_ts,
                "lastTransitionTime": transition or now_ts,
                "reason": reason,
                "message": message,
            }
        )
    return out


def _without_heartbeats(status: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(status)
    out["conditions"] = [
        {k: v for k, v in c.items() if k != "lastHeartbeatTime"}
        for c in status.get("conditions") or ()
    ]
    return out


def status_changed(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    """nodeStatusHasChanged: anything but the conditions' heartbeat times."""
    if old is None:
        return True
    return _without_heartbeats(old) != _without_heartbeats(new)


def status_patch(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """The strategic merge patch of a Node's status from `old` to `new`, as the kubelet's
    PatchNodeStatus sends it (k8s.io/component-helpers/node/util/status.go
    preparePatchBytesforNodeStatus: strategicpatch.CreateTwoWayMergePatch): changed fields only,
    maps diffed key by key (null deletes), lists merged by `type` (conditions, addresses) with
    their `$setElementOrder`, other lists (images) replaced whole."""
    if old is None:
        return dict(new)
    patch: dict[str, Any] = {}
    for key, value in new.items():
        before = old.get(key)
        if before == value:
            continue
        if key in ("conditions", "addresses"):
            changed = _list_by_type_patch(before or (), value)
            if changed:
                patch[f"$setElementOrder/{key}"] = [{"type": e["type"]} for e in value]
                patch[key] = changed
        elif isinstance(value, Mapping) and isinstance(before, Mapping):
            patch[key] = _map_patch(before, value)
        else:
            patch[key] = value
    for key in old:
        if key not in new:
            patch[key] = None
    return patch


def _map_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in new.items():
        if old.get(k) != v:
            out[k] = (
                _map_patch(old[k], v)
                if isinstance(v, Mapping) and isinstance(old.get(k), Mapping)
                else v
            )
    for k in old:
        if k not in new:
            out[k] = None
    return out


def _list_by_type_patch(old: Sequence[Any], new: Sequence[Any]) -> list[dict[str, Any]]:
    before = {e["type"]: e for e in old}
    out: list[dict[str, Any]] = []
    for e in new:
        prev = before.get(e["type"])
        if prev is None:
            out.append(dict(e))
        elif prev != e:
            diff = _map_patch(prev, e)
            out.append({"type": e["type"], **diff})
    names = {e["type"] for e in new}
    out.extend({"type": t, "$patch": "delete"} for t in before if t not in names)
    return out


def node_status_of(kl: Kubelet, previous: Any) -> dict[str, Any]:
    """The status setters (nodestatus.NodeAddress, MachineInfo, VersionInfo, ...)."""
    rt = kl.host.status()
    version = kl.host.version()
    not_ready = ""
    if not rt.network_ready:
        not_ready = (
            "container runtime network not ready: NetworkReady=false "
            f"reason:{rt.network_reason} message:{rt.network_message}"
        )
    images = sorted(kl.host.list_images(), key=lambda i: (-i.size_bytes, i.id))[
        :NODE_STATUS_MAX_IMAGES
    ]
    prev_conditions = (previous or {}).get("conditions") or []
    status: dict[str, Any] = {
        "capacity": dict(kl.capacity),
        "allocatable": dict(kl.allocatable),
        "conditions": conditions(
            prev_conditions,
            kl.clock.timestamp(),
            ready=rt.network_ready and rt.runtime_ready,
            not_ready_message=not_ready,
            memory_pressure=memory_pressure(kl),
        ),
        "addresses": [
            {"type": "InternalIP", "address": kl.node_ip},
            {"type": "Hostname", "address": kl.name},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": KUBELET_PORT}},
        "nodeInfo": {
            "machineID": kl.machine_id,
            "systemUUID": kl.system_uuid,
            "bootID": kl.boot_id,
            "kernelVersion": "simulated",
            "osImage": "kubesim simulated host",
            "containerRuntimeVersion": f"{version['runtimeName']}://{version['runtimeVersion']}",
            "kubeletVersion": KUBELET_VERSION,
            "kubeProxyVersion": "",  # DisableNodeKubeProxyVersion is on in 1.32
            "operatingSystem": "linux",
            "architecture": "amd64",
        },
        "images": [
            {"names": [*i.repo_digests, *i.repo_tags], "sizeBytes": i.size_bytes} for i in images
        ],
    }
    return status


def memory_pressure(kl: Kubelet) -> bool:
    """evictionHard memory.available<100Mi against the containers' working sets."""
    cap = memory_bytes(kl.capacity.get("memory", "0"))
    if cap <= 0:
        return False
    used = sum(s.memory_working_set_bytes for s in kl.host.list_container_stats())
    return cap - used < EVICTION_HARD_MEMORY_BYTES
