"""After a node comes back, its pods are Ready again in the API.

While a node is silent the node lifecycle controller marks its pods Ready=False. A restarted
kubelet adopts the running containers (a container without a readiness probe is ready again at
once) and writes their status; a kubelet that was only cut off re-writes the status it holds at
its next status-manager pass (syncBatch, every 10 s), as upstream's does.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim import Cluster
from sim.scenario import NodePool


def _cluster() -> Cluster:
    c = Cluster(seed=4, node_pools=[NodePool("n", 2, {"cpu": "4", "memory": "8Gi"})])
    c.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 4,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                },
            },
        }
    )
    c.run(until=60)
    assert c.get("deploy", "web")["status"]["availableReplicas"] == 4
    return c


def _ready(c: Cluster, node: str) -> list[str]:
    out = []
    for p in c.list("pods", field_selector=f"spec.nodeName={node}"):
        cond: Any = {x["type"]: x["status"] for x in p["status"].get("conditions", [])}
        out.append(cond.get("Ready"))
    return out


@pytest.mark.parametrize("fault", ["kubelet-restart", "partition"])
def test_pods_are_ready_again_once_the_node_is_back(fault: str) -> None:
    c = _cluster()
    assert _ready(c, "n-2") and set(_ready(c, "n-2")) == {"True"}
    if fault == "kubelet-restart":
        c.kubelets.stop_kubelet("n-2")
    else:
        c.network.isolate("n-2")
    c.run(until=200)  # past nodeMonitorGracePeriod: the controller marks the pods not ready
    assert set(_ready(c, "n-2")) == {"False"}
    if fault == "kubelet-restart":
        c.kubelets.start_kubelet("n-2")
    else:
        c.network.heal(None)
    c.run(until=230)
    assert set(_ready(c, "n-2")) == {"True"}
    assert c.get("deploy", "web")["status"]["availableReplicas"] == 4
