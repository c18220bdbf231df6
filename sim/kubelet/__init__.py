"""The kubelet: node registration, leases, node status, pod workers, probes and restarts.

Public API: `install(runtime, config, backend) -> KubeletFleet`, `KubeletFleet` (node actions),
`Kubelet` (one node: read-only views `pods()`, `healthz()`, `stats_summary()`),
`KubeletConfig`/`parse_config`, `Backoff`, `admit`.
"""

from sim.kubelet.admission import AdmitResult, admit
from sim.kubelet.backoff import Backoff, go_duration
from sim.kubelet.config import KubeletConfig, parse_config
from sim.kubelet.fleet import KubeletFleet, install
from sim.kubelet.kubelet import Kubelet, fallback_pod_cidr, node_ip_for

__all__ = [
    "AdmitResult",
    "Backoff",
    "Kubelet",
    "KubeletConfig",
    "KubeletFleet",
    "admit",
    "fallback_pod_cidr",
    "go_duration",
    "install",
    "node_ip_for",
    "parse_config",
]
