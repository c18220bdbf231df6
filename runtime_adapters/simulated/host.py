"""A simulated host: a container runtime and image store that implement the CRI-like protocols.

Guarantees:
- Every call that takes time answers after a modelled delay on the simulation clock: sandboxes
  after `sandbox_delay_s`, containers start after their behaviour's `startDelay`, images pull in
  size / `pull_bandwidth_bps` (a present image re-pulled under `Always` costs only
  `pull_check_s`; concurrent pulls of one image share one download), stops after the process's
  `stopDelay` or the caller's timeout, whichever is first (then SIGKILL: exit code 137).
- A running container exits on its own when its behaviour says so (runFor, a crash drawn from
  `crashRate`, or memory above its limit: OOMKilled, 137). Every lifecycle change is streamed to
  GetContainerEvents subscribers, synchronously, at the instant it happens.
- Pod IPs come from the CIDR the kubelet sets with UpdateRuntimeConfig, allocated round-robin
  from the network address + 2 as the host-local IPAM plugin does, released when the sandbox
  stops; host-network sandboxes get the node IP. Until a CIDR is set the network is not ready
  and RunPodSandbox fails (NetworkPluginNotReady).
- `power_off()` loses every sandbox, container and in-flight call (calls in flight never
  answer, as on a dead machine); images stay on disk. `power_on()` boots an empty runtime.
- Identifiers and jitter come from the named random streams passed in, so a run is a pure
  function of the seed. Upstream models: containerd's CRI plugin (pkg/cri/server) for the
  semantics of each call and the host-local IPAM plugin for addresses.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import replace

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
from runtime_adapters.simulated.images import ImageService
from runtime_adapters.simulated.state import SIGKILL_EXIT_CODE, HostSandbox
from runtime_adapters.simulated.stats import HostStats

__all__ = ["RUNTIME_NAME", "RUNTIME_VERSION", "SIGKILL_EXIT_CODE", "SimulatedHost"]

RUNTIME_NAME = "kubesim"
RUNTIME_VERSION = "0.1.0"


class SimulatedHost(ContainerRuntime, ImageService, HostStats):
    """One simulated machine: RuntimeService, ImageService and ProbeTransport at once.

    The state and its constructor are `state.HostState`'s; the container calls are
    `containers.ContainerRuntime`'s, the image calls `images.ImageService`'s, stats, logs and
    probes `stats.HostStats`'s. Power, the runtime status and sandboxes are here."""

    # -- power -----------------------------------------------------------------------------------
    def power_off(self) -> None:
        """Cut power: every sandbox, container and call in flight is lost; images stay."""
        self.powered = False
        self._epoch += 1
        for c in self._containers.values():
            c.token += 1
        self._sandboxes.clear()
        self._containers.clear()
        self._pulls.clear()
        self._used_ips.clear()
        self._retired.clear()

    def power_on(self) -> None:
        self.powered = True

    # -- RuntimeService: runtime ---------------------------------------------------------------
    def version(self) -> Mapping[str, str]:
        return {
            "version": "0.1.0",
            "runtimeName": RUNTIME_NAME,
            "runtimeVersion": RUNTIME_VERSION,
            "runtimeApiVersion": "v1",
        }

    def status(self) -> RuntimeStatus:
        if self._cidr is None:
            return RuntimeStatus(
                True,
                False,
                "NetworkPluginNotReady",
                "Network plugin returns error: cni plugin not initialized",
            )
        return RuntimeStatus(True, True)

    def update_runtime_config(self, pod_cidr: str) -> None:
        net = ipaddress.ip_network(pod_cidr, strict=False)
        if self._cidr != net:
            self._cidr = net
            self._next_ip = 0

    def _allocate_ip(self, sandbox_id: str) -> str:
        net = self._cidr
        size = net.num_addresses - 3  # network, gateway (.1) and broadcast are reserved
        for step in range(max(size, 0)):
            offset = (self._next_ip + step) % size
            ip = str(net.network_address + 2 + offset)
            if ip not in self._used_ips:
                self._next_ip = offset + 1
                self._used_ips[ip] = sandbox_id
                return ip
        raise CriError(
            "Unknown",
            f"failed to allocate for range 0: no IP addresses available in range set: {net}",
        )

    # -- RuntimeService: sandboxes -------------------------------------------------------------
    def run_pod_sandbox(self, config: PodSandboxConfig) -> simpy.Event:
        def run() -> str:
            for sb in self._sandboxes.values():
                c = sb.config
                if (c.uid, c.attempt) == (config.uid, config.attempt) and sb.state == SANDBOX_READY:
                    return sb.id
            if not config.host_network and self._cidr is None:
                raise CriError(
                    "Unknown", "failed to setup network for sandbox: cni plugin not initialized"
                )
            sid = self._new_id()
            ip = self.node_ip if config.host_network else self._allocate_ip(sid)
            self._sandboxes[sid] = HostSandbox(sid, config, self.clock.now, SANDBOX_READY, ip)
            return sid

        return self._later(self.sandbox_delay_s, run)

    def stop_pod_sandbox(self, sandbox_id: str) -> simpy.Event:
        def stop() -> None:
            sb = self._sandboxes.get(sandbox_id)
            if sb is None:
                return
            for c in self._in_sandbox(sandbox_id):
                if c.state == CONTAINER_RUNNING:
                    self._exit(c, SIGKILL_EXIT_CODE, "Error")
            sb.state = SANDBOX_NOTREADY
            if self._used_ips.get(sb.ip) == sandbox_id:
                del self._used_ips[sb.ip]

        return self._later(0.0, stop)

    def remove_pod_sandbox(self, sandbox_id: str) -> simpy.Event:
        def remove() -> None:
            sb = self._sandboxes.pop(sandbox_id, None)
            if sb is None:
                return
            for c in self._in_sandbox(sandbox_id):
                self._remove(c)
            for key in [k for k in self._retired if k[0] == sandbox_id]:
                del self._retired[key]
            if self._used_ips.get(sb.ip) == sandbox_id:
                del self._used_ips[sb.ip]

        return self._later(0.0, remove)

    def pod_sandbox_status(self, sandbox_id: str) -> PodSandboxStatus:
        return self._sandbox_status(self._sandbox(sandbox_id))

    @staticmethod
    def _sandbox_status(sb: HostSandbox) -> PodSandboxStatus:
        return PodSandboxStatus(sb.id, sb.config, sb.state, sb.created_at, sb.ip)

    def list_pod_sandboxes(
        self, label_selector: Mapping[str, str] | None = None
    ) -> list[PodSandboxStatus]:
        sel = dict(label_selector or {})
        return [
            self._sandbox_status(sb)
            for sb in self._sandboxes.values()
            if all(sb.config.labels.get(k) == v for k, v in sel.items())
        ]


def with_annotations(config: PodSandboxConfig, annotations: Mapping[str, str]) -> PodSandboxConfig:
    return replace(config, annotations={**config.annotations, **annotations})
