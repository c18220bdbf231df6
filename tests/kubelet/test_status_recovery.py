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
from tests.kubelet.conftest import bound_pod


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


def test_a_partitioned_kubelet_writes_nothing_and_catches_up_after_healing() -> None:
    """A container that exits while its node is cut off: the API keeps the old status (no
    request crosses the partition, not even the lease or node status), then the kubelet's
    next status-manager pass after the heal writes what happened meanwhile."""
    c = _cluster()
    pod = bound_pod("crasher", "n-2", behavior={"runFor": "100s", "exitCode": 3})
    c.apply(pod)
    c.run(until=70)
    assert c.get("pods", "crasher")["status"]["phase"] == "Running"
    c.network.isolate("n-2")
    cut_at = c.now
    c.run(until=cut_at + 120)  # the container exits at ~170 s and restarts 10 s later
    during = [r for r in c.trace.records if r.time > cut_at and r.component == "system:node:n-2"]
    assert during == []  # no lease renewal, node status or pod status arrived
    assert c.get("pods", "crasher")["status"]["containerStatuses"][0]["restartCount"] == 0
    assert c.kubelets.kubelet("n-2").client.refused > 0
    c.network.heal(None)
    c.run(until=c.now + 12)
    status = c.get("pods", "crasher")["status"]["containerStatuses"][0]
    assert status["restartCount"] >= 1
    assert status["lastState"]["terminated"]["exitCode"] == 3


def test_a_pod_deleted_during_a_partition_stops_once_its_kubelet_hears_of_it() -> None:
    """The partition ends the kubelet's pod watch; the deletion waits (the pod stays
    Terminating, its container runs) until the kubelet relists after the heal."""
    c = _cluster()
    c.apply(bound_pod("doomed", "n-2"))
    c.run(until=70)
    kl = c.kubelets.kubelet("n-2")
    relists = kl.pod_informer.relists
    c.network.isolate("n-2")
    c.api.delete("pods", "doomed", namespace="default", user="someone")
    c.run(until=c.now + 60)
    pod = c.get("pods", "doomed")
    assert pod["metadata"].get("deletionTimestamp")  # Terminating, nobody to confirm it
    host = c.kubelets.host("n-2")
    running = [x for x in host.list_containers() if x.state == "CONTAINER_RUNNING"]
    assert any(x.labels.get("io.kubernetes.pod.name") == "doomed" for x in running)
    c.network.heal(None)
    c.run(until=c.now + 45)
    assert kl.pod_informer.relists > relists
    assert not [p for p in c.list("pods") if p["metadata"]["name"] == "doomed"]
