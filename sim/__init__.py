"""kubesim: a deterministic, discrete-event simulator of a whole Kubernetes cluster.

from sim import Cluster, ApiError
c = Cluster(seed=1)
c.apply(open("web.yaml").read())
c.run(until=60)
"""

from typing import Any

from sim.api.errors import ApiError

__all__ = ["ApiError", "Cluster"]


def __getattr__(name: str) -> Any:
    # Cluster pulls in every component; import it on first use so `import sim.core` stays light.
    if name == "Cluster":
        from sim.cluster import Cluster

        return Cluster
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
