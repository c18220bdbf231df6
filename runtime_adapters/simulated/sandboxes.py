"""The simulated host's sandboxes and runtime status: the RuntimeService's pod-level calls.

Guarantees: a sandbox is ready `sandbox_delay_s` after RunPodSandbox, which is idempotent per
(pod uid, attempt) while the sandbox is ready. Pod IPs come from the CIDR the kubelet sets with
UpdateRuntimeConfig, allocated round-robin from the network address + 2 as the host-local IPAM
plugin does, released when the sandbox stops; host-network sandboxes get the node IP. Until a
CIDR is set the network is not ready and RunPodSandbox fails (NetworkPluginNotReady). Stopping
a sandbox kills its containers; removing it removes them. Upstream model: containerd's CRI
plugin (pkg/cri/server sandbox_run.go, sandbox_stop.go, sandbox_remove.go, sandbox_status.go,
sandbox_list.go, status.go, update_runtime_config.go) and the host-local IPAM plugin.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

import simpy

from runtime_adapters.cri import (
    CONTAINER_RUNNING,
    SANDBOX_NOTREADY,
    SANDBOX_READY,
    CriError,
    PodSandboxConfig,
    PodSandboxStatus,
    RuntimeStatus,
)
from runtime_adapters.simulated.containers import ContainerRuntime
from runtime_adapters.simulated.state import SIGKILL_EXIT_CODE, HostSandbox, HostState

__all__ = ["RUNTIME_NAME", "RUNTIME_VERSION", "SandboxService"]

RUNTIME_NAME = "kubesim"
RUNTIME_VERSION = "0.1.0"


class SandboxService:
    """RuntimeService: version, status, runtime config and sandboxes, over the host's shared
    `state`; the containers of a sandbox it stops or removes go through `containers`."""

    def __init__(self, state: HostState, containers: ContainerRuntime):
        self.state = state
        self.containers = containers

    # -- runtime -------------------------------------------------------------------------------
    def version(self) -> Mapping[str, str]:
        return {
            "version": "0.1.0",
            "runtimeName": RUNTIME_NAME,
            "runtimeVersion": RUNTIME_VERSION,
            "runtimeApiVersion": "v1",
        }

    def status(self) -> RuntimeStatus:
        if self.state.cidr is None:
            return RuntimeStatus(
                True,
                False,
                "NetworkPluginNotReady",
                "Network plugin returns error: cni plugin not initialized",
            )
        return RuntimeStatus(True, True)

    def update_runtime_config(self, pod_cidr: str) -> None:
        net = ipaddress.ip_network(pod_cidr, strict=False)
        st = self.state
        if st.cidr != net:
            st.cidr = net
            st.next_ip = 0

    def _allocate_ip(self, sandbox_id: str) -> str:
        st = self.state
        net = st.cidr
        size = net.num_addresses - 3  # network, gateway (.1) and broadcast are reserved
        for step in range(max(size, 0)):
            offset = (st.next_ip + step) % size
            ip = str(net.network_address + 2 + offset)
            if ip not in st.used_ips:
                st.next_ip = offset + 1
                st.used_ips[ip] = sandbox_id
                return ip
        raise CriError(
            "Unknown",
            f"failed to allocate for range 0: no IP addresses available in range set: {net}",
        )

    # -- sandboxes -----------------------------------------------------------------------------
    def run_pod_sandbox(self, config: PodSandboxConfig) -> simpy.Event:
        st = self.state

        def run() -> str:
            for sb in st.sandboxes.values():
                c = sb.config
                if (c.uid, c.attempt) == (config.uid, config.attempt) and sb.state == SANDBOX_READY:
                    return sb.id
            if not config.host_network and st.cidr is None:
                raise CriError(
                    "Unknown", "failed to setup network for sandbox: cni plugin not initialized"
                )
            sid = st.new_id()
            ip = st.node_ip if config.host_network else self._allocate_ip(sid)
            st.sandboxes[sid] = HostSandbox(sid, config, st.clock.now, SANDBOX_READY, ip)
            return sid

        return st.later(st.sandbox_delay_s, run)

    def stop_pod_sandbox(self, sandbox_id: str) -> simpy.Event:
        st = self.state

        def stop() -> None:
            sb = st.sandboxes.get(sandbox_id)
            if sb is None:
                return
            for c in st.in_sandbox(sandbox_id):
                if c.state == CONTAINER_RUNNING:
                    self.containers.exit_container(c, SIGKILL_EXIT_CODE, "Error")
            sb.state = SANDBOX_NOTREADY
            if st.used_ips.get(sb.ip) == sandbox_id:
                del st.used_ips[sb.ip]

        return st.later(0.0, stop)

    def remove_pod_sandbox(self, sandbox_id: str) -> simpy.Event:
        st = self.state

        def remove() -> None:
            sb = st.sandboxes.pop(sandbox_id, None)
            if sb is None:
                return
            for c in st.in_sandbox(sandbox_id):
                self.containers.remove_now(c)
            for key in [k for k in st.retired if k[0] == sandbox_id]:
                del st.retired[key]
            if st.used_ips.get(sb.ip) == sandbox_id:
                del st.used_ips[sb.ip]

        return st.later(0.0, remove)

    def pod_sandbox_status(self, sandbox_id: str) -> PodSandboxStatus:
        return _sandbox_status(self.state.sandbox(sandbox_id))

    def list_pod_sandboxes(
        self, label_selector: Mapping[str, str] | None = None
    ) -> list[PodSandboxStatus]:
        sel = dict(label_selector or {})
        return [
            _sandbox_status(sb)
            for sb in self.state.sandboxes.values()
            if all(sb.config.labels.get(k) == v for k, v in sel.items())
        ]


def _sandbox_status(sb: HostSandbox) -> PodSandboxStatus:
    return PodSandboxStatus(sb.id, sb.config, sb.state, sb.created_at, sb.ip)
