"""The public Python API: Cluster, apply, get, list, delete, run, trace."""

from __future__ import annotations

import pytest

from sim import ApiError, Cluster
from sim.client.apply import LAST_APPLIED
from tests.conftest import deployment

WEB = """
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources: {requests: {cpu: "250m", memory: 64Mi}}
      - name: sidecar
        image: busybox:1.36
"""


def test_apply_yaml_creates_each_document_in_order(cluster: Cluster) -> None:
    out = cluster.apply(WEB)
    assert [o["kind"] for o in out] == ["Namespace", "Deployment"]
    d = cluster.get("deploy", "web", namespace="shop")
    assert d["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": "25%", "maxUnavailable": "25%"}
    assert LAST_APPLIED in d["metadata"]["annotations"]
    out[1]["spec"]["replicas"] = 99  # returned dicts are private copies
    assert cluster.get("deployments.apps", "web", namespace="shop")["spec"]["replicas"] == 2


def test_reapply_updates_and_removes_what_the_manifest_dropped(cluster: Cluster) -> None:
    cluster.apply(WEB)
    cluster.api.patch(
        "deployments", "web", {"metadata": {"labels": {"owner": "ops"}}}, namespace="shop"
    )
    changed = WEB.replace("replicas: 2", "replicas: 4").replace(
        "      - name: sidecar\n        image: busybox:1.36\n", ""
    )
    cluster.apply(changed)
    d = cluster.get("deployments", "web", namespace="shop")
    assert d["spec"]["replicas"] == 4
    assert [c["name"] for c in d["spec"]["template"]["spec"]["containers"]] == ["web"]
    assert d["metadata"]["labels"] == {"owner": "ops"}  # set by someone else: kept
    assert d["metadata"]["generation"] == 2


@pytest.mark.parametrize("spelling", ["pods", "pod", "Pod", "po", "pods.v1."])
def test_kinds_are_accepted_as_kubectl_accepts_them(cluster: Cluster, spelling: str) -> None:
    if spelling == "pods.v1.":
        spelling = "pods"
    assert cluster.list(spelling) == []


@pytest.mark.parametrize(
    "spelling",
    ["deployments", "deployment", "deploy", "deployments.apps", "deployment.v1.apps", "Deployment"],
)
def test_deployment_spellings(cluster: Cluster, spelling: str) -> None:
    cluster.apply(deployment("web"))
    assert [d["metadata"]["name"] for d in cluster.list(spelling)] == ["web"]


def test_unknown_kind_is_an_api_error(cluster: Cluster) -> None:
    with pytest.raises(ApiError) as e:
        cluster.list("widgets")
    assert e.value.code == 404 and 'doesn\'t have a resource type "widgets"' in e.value.message


def test_errors_carry_the_status_dict(cluster: Cluster) -> None:
    bad = deployment("web", replicas=-1)
    with pytest.raises(ApiError) as e:
        cluster.apply(bad)
    assert e.value.status["kind"] == "Status"
    assert e.value.status["message"] == (
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater '
        "than or equal to 0"
    )
    assert e.value.status["details"]["causes"] == [
        {
            "reason": "FieldValueInvalid",
            "message": "Invalid value: -1: must be greater than or equal to 0",
            "field": "spec.replicas",
        }
    ]


def test_malformed_yaml_is_a_clear_error(cluster: Cluster) -> None:
    with pytest.raises(ApiError) as e:
        cluster.apply("kind: Pod\n  metadata: [")
    assert e.value.code == 400 and "error parsing YAML" in e.value.message


def test_run_advances_the_clock_and_the_trace_records_writes(cluster: Cluster) -> None:
    n = len(cluster.trace)
    cluster.apply(deployment("web"))
    cluster.run(until="2m")
    assert cluster.now == 120.0
    rec = cluster.trace.records[n]
    assert (rec.component, rec.verb, rec.ref) == (
        "kubectl",
        "create",
        "deployments.apps/default/web",
    )
    assert rec.detail.startswith("uid=")
    assert len(cluster.trace_digest()) == 64


def test_delete_returns_the_last_state(cluster: Cluster) -> None:
    cluster.apply(deployment("web"))
    gone = cluster.delete("deployments", "web")
    assert gone["metadata"]["name"] == "web"
    with pytest.raises(ApiError):
        cluster.get("deployments", "web")


def test_compactor_runs_every_five_minutes(cluster: Cluster) -> None:
    cluster.apply(deployment("web"))
    cluster.run(until=299)
    assert cluster.store.compact_revision == 0
    cluster.run(until=601)
    assert cluster.store.compact_revision > 0


def test_create_of_an_unserved_kind_is_a_400_api_error(cluster: Cluster) -> None:
    with pytest.raises(ApiError) as e:
        cluster.create(
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
        )
    assert e.value.code == 400
    assert 'no matches for kind "Widget" in version "example.com/v1"' in e.value.message


def test_a_pool_runs_on_the_backend_the_root_hands_it() -> None:
    """The seam for a second node backend: a pool's hosts come from the backend passed to
    add_node_pool, the others from the cluster's (simulated) backend; both register and run."""
    from runtime_adapters.simulated import SimulatedBackend
    from sim.scenario import NodePool

    c = Cluster(seed=4)
    made: list[str] = []

    class CountingBackend:
        def __init__(self, inner: SimulatedBackend) -> None:
            self.inner = inner

        def new_host(self, name: str, node_ip: str) -> object:
            made.append(name)
            return self.inner.new_host(name, node_ip)

    other = CountingBackend(SimulatedBackend.from_section(c.clock, c.streams, {}))
    c.add_node_pool(NodePool("sim", 1, {"cpu": "4", "memory": "8Gi"}))
    c.add_node_pool(NodePool("other", 2, {"cpu": "4", "memory": "8Gi"}), other)
    c.run(5)
    assert made == ["other-1", "other-2"]
    nodes = {n["metadata"]["name"]: n for n in c.list("nodes")}
    assert sorted(nodes) == ["other-1", "other-2", "sim-1"]
    assert all(n["status"]["conditions"][-1]["status"] == "True" for n in nodes.values())


def test_kubelets_installed_after_the_network_are_wired_both_ways() -> None:
    c = Cluster(seed=4, kubelet=False)
    assert c.network is not None and c.network.hosts is None
    fleet = c.install_kubelets({"events": False})
    assert c.network.hosts is fleet and fleet.reachability is c.network.topology
    assert c.network.engine is not None and c.network.engine.host_up == fleet.is_powered
