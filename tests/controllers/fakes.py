"""Test doubles for the components the controllers need but that are built elsewhere.

`FakeKubelet` plays scheduler and kubelets through the API server core, as the real ones will:
it binds pending pods round-robin to schedulable nodes (`cluster.api.bind`), marks bound pods
Running and Ready after `start_delay_s` (via the pods/status subresource, with a pod IP and a
Ready lastTransitionTime), deletes terminating pods with grace 0 after `stop_delay_s`, and renews
every live node's Lease in kube-node-lease every 10 s (the kubelet's renewInterval). Pods whose
image contains "never-starts" stay Pending. `stop_node(name)` silences a node (no more leases,
no more pod work there); `kill_pod` marks a pod Failed.
"""

from __future__ import annotations

from typing import Any

from sim import Cluster
from sim.api.errors import ApiError
from sim.api.frozen import thaw
from sim.apiserver.watch import ApiWatchEvent

LEASE_RENEW_S = 10.0
LEASE_DURATION_S = 40


class FakeKubelet:
    def __init__(
        self,
        cluster: Cluster,
        *,
        bind: bool = True,
        bind_delay_s: float = 0.5,
        start_delay_s: float = 2.0,
        stop_delay_s: float = 1.0,
        heartbeat: bool = True,
    ):
        self.c = cluster
        self.bind_enabled = bind
        self.bind_delay_s = bind_delay_s
        self.start_delay_s = start_delay_s
        self.stop_delay_s = stop_delay_s
        self.silent: set[str] = set()
        self._rr = 0
        self._ips = 0
        self._pending: set[tuple[str, str, str]] = set()
        cluster.api.watch("pods", self._on_pod)
        if heartbeat:
            for node in cluster.list("nodes"):
                self._ready_node(node["metadata"]["name"])
            cluster.clock.process(self._heartbeats())

    # -- nodes -------------------------------------------------------------------------------
    def nodes(self) -> list[str]:
        return sorted(
            n["metadata"]["name"]
            for n in self.c.api.list("nodes")["items"]
            if n["metadata"]["name"] not in self.silent
            and not any(
                t.get("effect") in ("NoSchedule", "NoExecute")
                for t in n["spec"].get("taints") or ()
            )
        )

    def _ready_node(self, name: str) -> None:
        node = thaw(self.c.api.get("nodes", name))
        now = self.c.clock.timestamp()
        node["status"]["conditions"] = [
            {
                "type": "Ready",
                "status": "True",
                "reason": "KubeletReady",
                "message": "kubelet is posting ready status",
                "lastHeartbeatTime": now,
                "lastTransitionTime": now,
            }
        ]
        self.c.api.update("nodes", node, subresource="status", user="kubelet")

    def _heartbeats(self) -> Any:
        while True:
            for n in self.c.api.list("nodes")["items"]:
                name = n["metadata"]["name"]
                if name not in self.silent:
                    self.renew_lease(name)
            yield self.c.clock.timeout(LEASE_RENEW_S)

    def renew_lease(self, name: str) -> None:
        now = self.c.clock.micro_timestamp()
        try:
            lease = thaw(self.c.api.get("leases", name, namespace="kube-node-lease"))
        except ApiError:
            self.c.api.create(
                "leases",
                {
                    "apiVersion": "coordination.k8s.io/v1",
                    "kind": "Lease",
                    "metadata": {"name": name, "namespace": "kube-node-lease"},
                    "spec": {
                        "holderIdentity": name,
                        "leaseDurationSeconds": LEASE_DURATION_S,
                        "renewTime": now,
                    },
                },
                user="kubelet",
            )
            return
        lease["spec"]["renewTime"] = now
        self.c.api.update("leases", lease, user="kubelet")

    def stop_node(self, name: str) -> None:
        self.silent.add(name)

    # -- pods --------------------------------------------------------------------------------
    def _on_pod(self, ev: ApiWatchEvent) -> None:
        if ev.type == "DELETED":
            return
        pod = ev.object
        meta, spec = pod["metadata"], pod["spec"]
        node = spec.get("nodeName")
        key = (meta["namespace"], meta["name"], meta["uid"])
        if meta.get("deletionTimestamp"):
            if node not in self.silent:
                self._later(self.stop_delay_s, "stop", key)
        elif not node:
            if self.bind_enabled:
                self._later(self.bind_delay_s, "bind", key)
        elif (pod.get("status") or {}).get("phase") == "Pending" and node not in self.silent:
            if not any("never-starts" in c.get("image", "") for c in spec["containers"]):
                self._later(self.start_delay_s, "start", key)

    def _later(self, delay: float, what: str, key: tuple[str, str, str]) -> None:
        if (what, *key) in self._pending:  # type: ignore[comparison-overlap]
            return
        self._pending.add((what, *key))  # type: ignore[arg-type]

        def run() -> None:
            self._pending.discard((what, *key))  # type: ignore[arg-type]
            try:
                getattr(self, f"_{what}")(*key)
            except ApiError:
                pass

        self.c.clock.call_later(delay, run)

    def _get(self, ns: str, name: str, uid: str) -> Any:
        pod = self.c.api.get("pods", name, namespace=ns)
        if pod["metadata"]["uid"] != uid:
            raise ApiError({"code": 404, "reason": "NotFound", "message": "gone"})
        return pod

    def _bind(self, ns: str, name: str, uid: str) -> None:
        pod = self._get(ns, name, uid)
        nodes = self.nodes()
        if pod["spec"].get("nodeName") or pod["metadata"].get("deletionTimestamp") or not nodes:
            return
        target = nodes[self._rr % len(nodes)]
        self._rr += 1
        self.c.api.bind(name, {"target": {"kind": "Node", "name": target}}, namespace=ns)

    def _start(self, ns: str, name: str, uid: str) -> None:
        pod = thaw(self._get(ns, name, uid))
        if pod["metadata"].get("deletionTimestamp") or pod["spec"].get("nodeName") in self.silent:
            return
        now = self.c.clock.timestamp()
        self._ips += 1
        ip = f"10.{(self._ips >> 16) & 255}.{(self._ips >> 8) & 255}.{self._ips & 255}"
        status = pod.setdefault("status", {})
        status.update({"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "startTime": now})
        conds = [
            c
            for c in status.get("conditions") or []
            if c["type"] not in ("Ready", "ContainersReady")
        ]
        for t in ("Ready", "ContainersReady"):
            conds.append(
                {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": now}
            )
        status["conditions"] = conds
        self.c.api.update("pods", pod, subresource="status", user="kubelet")

    def _stop(self, ns: str, name: str, uid: str) -> None:
        pod = self._get(ns, name, uid)
        if pod["spec"].get("nodeName") in self.silent:
            return
        self.c.api.delete("pods", name, namespace=ns, grace_period_seconds=0, user="kubelet")

    def kill_pod(self, ns: str, name: str) -> None:
        """The container died for good: phase Failed, not ready."""
        pod = thaw(self.c.api.get("pods", name, namespace=ns))
        pod["status"]["phase"] = "Failed"
        for c in pod["status"].get("conditions") or []:
            if c["type"] in ("Ready", "ContainersReady"):
                c["status"] = "False"
                c["lastTransitionTime"] = self.c.clock.timestamp()
        self.c.api.update("pods", pod, subresource="status", user="kubelet")
