"""Pod admission on the node: what the kubelet checks before it runs a pod bound to it.

Follows pkg/kubelet/lifecycle/predicate.go (predicateAdmitHandler.Admit, generalFilter) and the
scheduler's AdmissionCheck (pkg/scheduler/schedule_one.go) it calls: the `kubernetes.io/os`
selector, then resources (noderesources.Fits: pod count first, then cpu, memory,
ephemeral-storage and extended resources the node has, against allocatable minus what admitted
pods request), required node affinity and nodeSelector, node name and host ports; then
untolerated NoExecute taints (the kubelet ignores NoSchedule ones). Only the first failure is
reported: `OutOfcpu`, `OutOfmemory`, `OutOfpods`, `OutOfephemeral-storage`, `OutOf<name>`, or the
predicate's name (`NodeAffinity`, `NodeName`, `NodePorts`, `TaintToleration`) with upstream's
messages. A rejected pod is failed with message "Pod was rejected: <message>".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from sim.api.builtin.pod import pod_requests
from sim.api.quantity import cpu_milli, memory_bytes

__all__ = ["AdmitResult", "admit", "node_affinity_matches", "tolerates"]

NODE_AFFINITY_REASON = "node(s) didn't match Pod's node affinity/selector"
NODE_NAME_REASON = "node(s) didn't match the requested node name"
NODE_PORTS_REASON = "node(s) didn't have free ports for the requested pod ports"
TAINT_REASON = "node(s) had untolerated taint"
OS_LABEL = "kubernetes.io/os"


class AdmitResult(NamedTuple):
    admit: bool
    reason: str = ""
    message: str = ""


def _requirement_matches(req: Mapping[str, Any], value: str | None) -> bool:
    op = req.get("operator")
    values = list(req.get("values") or ())
    if op == "In":
        return value is not None and value in values
    if op == "NotIn":
        return value is None or value not in values
    if op == "Exists":
        return value is not None
    if op == "DoesNotExist":
        return value is None
    if op in ("Gt", "Lt"):
        try:
            have, want = int(value or ""), int(values[0])
        except (ValueError, IndexError):
            return False
        return have > want if op == "Gt" else have < want
    return False


def _term_matches(term: Mapping[str, Any], labels: Mapping[str, str], name: str) -> bool:
    exprs = term.get("matchExpressions") or ()
    fields = term.get("matchFields") or ()
    if not exprs and not fields:
        return False  # an empty term matches nothing
    for req in exprs:
        if not _requirement_matches(req, labels.get(req.get("key", ""))):
            return False
    for req in fields:
        value = name if req.get("key") == "metadata.name" else None
        if not _requirement_matches(req, value):
            return False
    return True


def node_affinity_matches(pod: Mapping[str, Any], node: Mapping[str, Any]) -> bool:
    """component-helpers nodeaffinity GetRequiredNodeAffinity(pod).Match(node)."""
    labels = node["metadata"].get("labels") or {}
    spec = pod.get("spec") or {}
    for k, v in (spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    required = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or None
    if required is None:
        return True
    name = node["metadata"]["name"]
    return any(_term_matches(t, labels, name) for t in required.get("nodeSelectorTerms") or ())


def tolerates(tolerations: Iterable[Mapping[str, Any]], taint: Mapping[str, Any]) -> bool:
    """v1 Toleration.ToleratesTaint."""
    for t in tolerations:
        if t.get("effect") and t.get("effect") != taint.get("effect"):
            continue
        if t.get("key") and t.get("key") != taint.get("key"):
            continue
        op = t.get("operator") or "Equal"
        if op == "Exists" or (
            op == "Equal" and (t.get("value") or "") == (taint.get("value") or "")
        ):
            return True
    return False


def _host_ports(pod: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """The pod's host ports as 1.32's NodePorts predicate sees them (plugins/nodeports:
    getContainerPorts reads spec.containers only), which the kubelet's admission reuses."""
    out = []
    spec = pod.get("spec") or {}
    for c in spec.get("containers") or ():
        for p in c.get("ports") or ():
            if p.get("hostPort"):
                out.append(
                    (p.get("protocol") or "TCP", p.get("hostIP") or "0.0.0.0", int(p["hostPort"]))
                )
    return out


def _ports_conflict(want: list[tuple[str, str, int]], used: list[tuple[str, str, int]]) -> bool:
    for proto, ip, port in want:
        for uproto, uip, uport in used:
            if proto == uproto and port == uport and (ip == uip or "0.0.0.0" in (ip, uip)):
                return True
    return False


def _allocatable(node: Mapping[str, Any]) -> dict[str, int]:
    alloc = (node.get("status") or {}).get("allocatable") or {}
    return {k: (cpu_milli(v) if k == "cpu" else memory_bytes(v)) for k, v in alloc.items()}


def admit(
    pod: Mapping[str, Any], node: Mapping[str, Any], admitted: list[Mapping[str, Any]]
) -> AdmitResult:
    """predicateAdmitHandler.Admit for `pod` on `node` with the already `admitted` pods."""
    node_labels = node["metadata"].get("labels") or {}
    pod_os = (pod["metadata"].get("labels") or {}).get(OS_LABEL)
    if pod_os is not None and pod_os != node_labels.get(OS_LABEL, "linux"):
        return AdmitResult(
            False,
            "PodOSSelectorNodeLabelDoesNotMatch",
            "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label",
        )
    os_field = ((pod.get("spec") or {}).get("os") or {}).get("name")
    if os_field is not None and os_field != "linux":
        return AdmitResult(
            False, "PodOSNotSupported", "Failed to admit pod as the OS field doesn't match node OS"
        )
    alloc = _allocatable(node)
    allowed_pods = alloc.get("pods", 0)
    if len(admitted) + 1 > allowed_pods:
        return _insufficient("pods", 1, len(admitted), allowed_pods)
    want = pod_requests(pod)
    if any(want.values()):
        used: dict[str, int] = {}
        for p in admitted:
            for k, v in pod_requests(p).items():
                used[k] = used.get(k, 0) + v
        order = ["cpu", "memory", "ephemeral-storage"]
        order += sorted(k for k in want if k not in order and k != "pods")
        for name in order:
            req = want.get(name, 0)
            if req <= 0:
                continue
            if name not in ("cpu", "memory", "ephemeral-storage") and name not in alloc:
                continue  # removeMissingExtendedResources
            cap = alloc.get(name, 0)
            if req > cap - used.get(name, 0):
                return _insufficient(name, req, used.get(name, 0), cap)
    if not node_affinity_matches(pod, node):
        return _predicate("NodeAffinity", NODE_AFFINITY_REASON)
    wanted_node = (pod.get("spec") or {}).get("nodeName")
    if wanted_node and wanted_node != node["metadata"]["name"]:
        return _predicate("NodeName", NODE_NAME_REASON)
    ports = _host_ports(pod)
    if ports and _ports_conflict(ports, [hp for p in admitted for hp in _host_ports(p)]):
        return _predicate("NodePorts", NODE_PORTS_REASON)
    tolerations = (pod.get("spec") or {}).get("tolerations") or ()
    for taint in (node.get("spec") or {}).get("taints") or ():
        if taint.get("effect") == "NoExecute" and not tolerates(tolerations, taint):
            return _predicate("TaintToleration", TAINT_REASON)
    return AdmitResult(True)


def _insufficient(name: str, requested: int, used: int, capacity: int) -> AdmitResult:
    message = (
        f"Node didn't have enough resource: {name}, requested: {requested}, used: {used}, "
        f"capacity: {capacity}"
    )
    return AdmitResult(False, f"OutOf{name}", message)


def _predicate(name: str, reason: str) -> AdmitResult:
    return AdmitResult(False, name, f"Predicate {name} failed: {reason}")
