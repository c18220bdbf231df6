"""The built-in kinds, registered in sim.api.kinds.REGISTRY on import.

Each module holds one group's kinds with their defaulting, strategy and validation hooks.
A new kind is one `Kind(...)` in a module here and one line below.
"""

from sim.api.builtin.apps import DEPLOYMENT, REPLICASET, apply_scale, get_scale
from sim.api.builtin.discovery import ENDPOINTS, ENDPOINTSLICE
from sim.api.builtin.misc import CONFIGMAP, EVENT, LEASE, PRIORITYCLASS
from sim.api.builtin.namespace import NAMESPACE
from sim.api.builtin.node import NODE
from sim.api.builtin.pod import POD
from sim.api.builtin.service import SERVICE
from sim.api.kinds import REGISTRY

BUILTIN_KINDS = (
    NAMESPACE,
    NODE,
    POD,
    REPLICASET,
    DEPLOYMENT,
    SERVICE,
    ENDPOINTS,
    ENDPOINTSLICE,
    LEASE,
    EVENT,
    CONFIGMAP,
    PRIORITYCLASS,
)

for _kind in (DEPLOYMENT, REPLICASET):
    _kind.extra["scale"] = (get_scale, apply_scale)
# pkg/registry/apps/deployment/strategy.go deploymentStatusStrategy.PrepareForUpdate keeps the
# request's metadata but for labels; replicaSetStatusStrategy keeps all of it.
DEPLOYMENT.extra["status_update_metadata"] = ("annotations",)
REPLICASET.extra["status_update_metadata"] = ("labels", "annotations")

for _kind in BUILTIN_KINDS:
    REGISTRY.register(_kind)

__all__ = ["BUILTIN_KINDS"]
