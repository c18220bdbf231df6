"""sim.apiserver: the API server (no transport: one storage, one handler per verb), admission,
watch fan-out, patches, standing renewals, and the in-process front with modelled latency."""

from sim.apiserver.admission import AdmissionPlugin, Attributes, default_chain
from sim.apiserver.front import InProcessClient, InProcessWatchStream, Latency
from sim.apiserver.patch import PatchError, apply_patch
from sim.apiserver.renewer import InProcessRenewer
from sim.apiserver.server import ApiServer
from sim.apiserver.watch import ApiWatch, ApiWatchEvent
from sim.apiserver.watchstream import BufferedWatchStream

__all__ = [
    "AdmissionPlugin",
    "ApiServer",
    "ApiWatch",
    "ApiWatchEvent",
    "Attributes",
    "BufferedWatchStream",
    "InProcessClient",
    "InProcessRenewer",
    "InProcessWatchStream",
    "Latency",
    "PatchError",
    "apply_patch",
    "default_chain",
]
