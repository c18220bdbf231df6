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
- Pod IPs come from the CIDR the kubelet sets with UpdateRuntimeConfig (see `sandboxes`); until
  a CIDR is set the network is not ready and RunPodSandbox fails (NetworkPluginNotReady).
- `power_off()` loses every sandbox, container and in-flight call (calls in flight never
  answer, as on a dead machine); images stay on disk. `power_on()` boots an empty runtime.
- Identifiers and jitter come from the named random streams passed in, so a run is a pure
  function of the seed. Upstream models: containerd's CRI plugin (pkg/cri/server) for the
  semantics of each call and the host-local IPAM plugin for addresses.

`SimulatedHost` composes one service per concern over one shared `state.HostState`, as
containerd's criService serves every CRI call from one set of stores: sandboxes and the runtime
status (`sandboxes.SandboxService`), containers (`containers.ContainerRuntime`), images
(`images.ImageStore`), and stats, logs and probes (`stats.HostStats`). Their public calls are
bound onto the host when it is built, so a call costs what a method call costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from runtime_adapters.simulated.behavior import ImageCatalog
from runtime_adapters.simulated.containers import ContainerRuntime
from runtime_adapters.simulated.images import ImageStore
from runtime_adapters.simulated.sandboxes import RUNTIME_NAME, RUNTIME_VERSION, SandboxService
from runtime_adapters.simulated.state import SIGKILL_EXIT_CODE, HostState
from runtime_adapters.simulated.stats import HostStats
from sim.core import Clock
from sim.core.rand import RandomStream

if TYPE_CHECKING:
    from runtime_adapters.cri import ImageService, NodeHost, ProbeTransport, RuntimeService

__all__ = ["RUNTIME_NAME", "RUNTIME_VERSION", "SIGKILL_EXIT_CODE", "SimulatedHost"]


class SimulatedHost:
    """One simulated machine: RuntimeService, ImageService and ProbeTransport at once.

    Takes `state.HostState`'s arguments: the clock, the node's name, the image catalog, the
    random streams for identifiers and jitter, and the modelled delays."""

    def __init__(
        self,
        clock: Clock,
        node_name: str,
        catalog: ImageCatalog,
        *,
        ids: RandomStream,
        jitter: RandomStream,
        node_ip: str = "",
        default_behavior: Mapping[str, Any] | None = None,
        pull_bandwidth_bps: float = 100 * 1024 * 1024,
        pull_check_s: float = 0.1,
        sandbox_delay_s: float = 0.2,
        create_delay_s: float = 0.05,
    ):
        self.node_name = node_name
        self.node_ip = node_ip
        self.state = state = HostState(
            clock,
            node_name,
            catalog,
            ids=ids,
            jitter=jitter,
            node_ip=node_ip,
            default_behavior=default_behavior,
            pull_bandwidth_bps=pull_bandwidth_bps,
            pull_check_s=pull_check_s,
            sandbox_delay_s=sandbox_delay_s,
            create_delay_s=create_delay_s,
        )
        self.sandboxes = sandboxes = SandboxService(state, ContainerRuntime(state))
        self.containers = containers = sandboxes.containers
        self.images = images = ImageStore(state)
        self.stats = stats = HostStats(state)
        # RuntimeService
        self.version = sandboxes.version
        self.status = sandboxes.status
        self.update_runtime_config = sandboxes.update_runtime_config
        self.run_pod_sandbox = sandboxes.run_pod_sandbox
        self.stop_pod_sandbox = sandboxes.stop_pod_sandbox
        self.remove_pod_sandbox = sandboxes.remove_pod_sandbox
        self.pod_sandbox_status = sandboxes.pod_sandbox_status
        self.list_pod_sandboxes = sandboxes.list_pod_sandboxes
        self.create_container = containers.create_container
        self.start_container = containers.start_container
        self.stop_container = containers.stop_container
        self.remove_container = containers.remove_container
        self.container_status = containers.container_status
        self.list_containers = containers.list_containers
        self.exec_sync = containers.exec_sync
        self.get_container_events = containers.get_container_events
        self.list_container_stats = stats.list_container_stats
        self.container_log = stats.container_log
        # ImageService
        self.pull_image = images.pull_image
        self.list_images = images.list_images
        self.image_status = images.image_status
        self.remove_image = images.remove_image
        self.image_fs_info = images.image_fs_info
        # ProbeTransport, and the simulated host's extras
        self.probe = stats.probe
        self.pre_stop_delay_s = stats.pre_stop_delay_s
        self.running_containers = stats.running_containers

    # -- power -----------------------------------------------------------------------------------
    @property
    def powered(self) -> bool:
        return self.state.powered

    @powered.setter
    def powered(self, value: bool) -> None:
        self.state.powered = value

    def power_off(self) -> None:
        """Cut power: every sandbox, container and call in flight is lost; images stay."""
        st = self.state
        st.powered = False
        st.epoch += 1
        for c in st.containers.values():
            c.token += 1
        st.sandboxes.clear()
        st.containers.clear()
        st.pulls.clear()
        st.used_ips.clear()
        st.retired.clear()

    def power_on(self) -> None:
        self.state.powered = True


def _conforms(
    host: SimulatedHost,
) -> tuple[RuntimeService, ImageService, ProbeTransport, NodeHost]:
    """What mypy checks: the simulated host implements every protocol of the CRI module."""
    return host, host, host, host
