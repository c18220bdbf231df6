"""`nodes/proxy`: the kubelet's read-only view (`/pods`, `/healthz`, `/stats/summary`) over HTTP.

Raw HTTP and `kubectl get --raw` against an in-process served cluster on a virtual clock
(tests/http/conftest.py): answers pass the kubelet's body through, and failed dials are upstream's
503 `error trying to reach service: dial tcp ...` (apimachinery/pkg/util/proxy/transport.go).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from sim import Cluster
from sim.http.nodeproxy import cluster_kubelet_source
from sim.http.requestinfo import RequestInfo, parse_resource_path
from tests.conftest import pod
from tests.http.conftest import POOL, Served, needs_kubectl, start_served, stop_served

PROXY = "/api/v1/nodes/{}/proxy/{}"


def get(served: Served, node: str, path: str, **kw: Any) -> requests.Response:
    return requests.get(served.url + PROXY.format(node, path), timeout=10, **kw)


@pytest.fixture
def running(served: Served) -> Served:
    """A pod running on node-1."""
    served.sim(lambda: served.cluster.api.create("pods", pod("p1", node="node-1")))
    served.advance(10)
    return served


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/api/v1/nodes/n/proxy", RequestInfo("", "v1", "nodes", None, "n", "proxy")),
        ("/api/v1/nodes/n/proxy/pods", RequestInfo("", "v1", "nodes", None, "n", "proxy", path="pods")),
        ("/api/v1/nodes/n/proxy/stats/summary", RequestInfo("", "v1", "nodes", None, "n", "proxy", path="stats/summary")),
        ("/api/v1/nodes/n/status/x", None),
    ],
    ids=["no-path", "one-segment", "two-segments", "deeper-non-proxy-is-not-a-resource"],
)  # fmt: skip
def test_proxy_paths_keep_the_rest_of_the_url(path: str, expected: RequestInfo | None) -> None:
    assert parse_resource_path(path) == expected


def test_pods_is_the_kubelets_pod_list_as_json(running: Served) -> None:
    r = get(running, "node-1", "pods")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert body["kind"] == "PodList"
    [item] = body["items"]
    assert item["metadata"]["name"] == "p1" and item["status"]["phase"] == "Running"
    assert running.sim(lambda: running.cluster.kubelets.kubelet("node-1").pods()) == body
    assert get(running, "node-2", "pods").json()["items"] == []


def test_stats_summary_names_the_node_and_its_pods(running: Served) -> None:
    r = get(running, "node-1", "stats/summary")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert body["node"]["nodeName"] == "node-1"
    assert [p["podRef"]["name"] for p in body["pods"]] == ["p1"]


@pytest.mark.parametrize(
    "path, params, code, text",
    [
        ("healthz", None, 200, "ok"),
        ("healthz", {"verbose": ""}, 200, "[+]ping ok\n[+]log ok\n[+]syncloop ok\nhealthz check passed\n"),
        ("healthz/syncloop", None, 200, "ok"),
        ("healthz/nope", None, 404, "404 page not found\n"),
        ("metricz", None, 404, "404 page not found\n"),
        ("", None, 404, "404 page not found\n"),
    ],
    ids=["healthz", "verbose", "one-check", "unknown-check", "unknown-path", "root"],
)  # fmt: skip
def test_text_answers_and_unknown_paths_are_the_kubelets(
    served: Served, path: str, params: dict[str, str] | None, code: int, text: str
) -> None:
    r = get(served, "node-1", path, params=params)
    assert (r.status_code, r.text) == (code, text)
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


def _status(r: requests.Response) -> tuple[int, str, str]:
    body = r.json()
    assert body["kind"] == "Status" and body["code"] == r.status_code
    return r.status_code, body["reason"], body["message"]


def test_an_unknown_node_is_not_found(served: Served) -> None:
    assert _status(get(served, "nope", "healthz")) == (404, "NotFound", 'nodes "nope" not found')
    assert _status(get(served, "a:b:c:d", "healthz"))[:2] == (400, "BadRequest")


def refused(ip: str, cause: str, port: int = 10250) -> tuple[int, str, str]:
    msg = f"error trying to reach service: dial tcp {ip}:{port}: {cause}"
    return 503, "ServiceUnavailable", msg


@pytest.mark.parametrize(
    "action, cause",
    [
        (lambda c: c.kubelets.stop_kubelet("node-2"), "connect: connection refused"),
        (lambda c: c.kubelets.power_off("node-2"), "connect: no route to host"),
        (lambda c: c.network.isolate("node-2"), "i/o timeout"),
    ],
    ids=["kubelet-stopped", "powered-off", "partitioned"],
)
def test_a_node_that_cannot_be_dialled_is_service_unavailable(
    served: Served, action: Any, cause: str
) -> None:
    served.sim(lambda: action(served.cluster))
    for path in ("healthz", "pods", "stats/summary"):
        assert _status(get(served, "node-2", path)) == refused("172.18.0.3", cause)
    assert get(served, "node-1", "healthz").text == "ok"


def test_ports_other_than_the_kubelets_refuse(served: Served) -> None:
    assert get(served, "node-1:10250", "healthz").text == "ok"
    assert get(served, "https:node-1:10255", "healthz").text == "ok"
    assert _status(get(served, "node-1:9999", "healthz")) == refused(
        "172.18.0.2", "connect: connection refused", 9999
    )


def test_a_node_without_an_in_process_kubelet_says_so(tmp_path: Path) -> None:
    s = start_served(tmp_path, kubelet_source=None)
    try:
        code, reason, msg = _status(get(s, "node-1", "healthz"))
        assert (code, reason) == (503, "ServiceUnavailable")
        assert 'node "node-1" has no kubelet in this process' in msg
    finally:
        stop_served(s)


def test_a_cluster_without_kubelets_has_no_source_to_dial() -> None:
    c = Cluster(seed=1, node_pools=[POOL], kubelet=False)
    assert cluster_kubelet_source(c)("node-1") is None


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_only_get_is_proxied(served: Served, method: str) -> None:
    r = requests.request(method, served.url + PROXY.format("node-1", "pods"), timeout=10)
    assert _status(r)[:2] == (405, "MethodNotAllowed")


def test_discovery_lists_nodes_proxy_only(served: Served) -> None:
    legacy = requests.get(served.url + "/api/v1", timeout=10).json()["resources"]
    proxy = [r for r in legacy if r["name"].endswith("/proxy")]
    assert proxy == [
        {
            "name": "nodes/proxy",
            "singularName": "",
            "namespaced": False,
            "kind": "NodeProxyOptions",
            "verbs": ["create", "delete", "get", "patch", "update"],
        }
    ]
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    core = requests.get(served.url + "/api", headers={"Accept": accept}, timeout=10).json()
    resources = core["items"][0]["versions"][0]["resources"]
    nodes = next(r for r in resources if r["resource"] == "nodes")
    assert {"subresource": "proxy", "verbs": ["create", "delete", "get", "patch", "update"],
            "responseKind": {"group": "", "version": "v1", "kind": "NodeProxyOptions"}} in nodes["subresources"]  # fmt: skip
    services = next(r for r in resources if r["resource"] == "services")
    assert "proxy" not in [s["subresource"] for s in services.get("subresources", [])]


@needs_kubectl
def test_kubectl_get_raw_through_the_proxy(running: Served) -> None:
    out = running.kubectl("get", "--raw", PROXY.format("node-1", "healthz")).stdout
    assert out == "ok"
    out = running.kubectl("get", "--raw", PROXY.format("node-1", "pods")).stdout
    assert '"name":"p1"' in out
    running.sim(lambda: running.cluster.kubelets.stop_kubelet("node-1"))
    err = running.kubectl("get", "--raw", PROXY.format("node-1", "pods"), check=False).stderr
    assert err.strip() == (
        "Error from server (ServiceUnavailable): error trying to reach service: "
        "dial tcp 172.18.0.2:10250: connect: connection refused"
    )


@needs_kubectl
def test_a_viewer_may_get_nodes_proxy_but_not_post_to_it(tmp_path: Path) -> None:
    s = start_served(tmp_path, token="s3cret", viewer="look")
    try:
        path = PROXY.format("node-1", "healthz")
        assert s.kubectl("get", "--raw", path, "--token=look").stdout == "ok"
        out = s.kubectl("create", "--raw", path, "-f", "-", "--token=look", stdin="{}", check=False)
        assert out.stderr.strip() == (
            'Error from server (Forbidden): nodes "node-1" is forbidden: User "viewer" cannot '
            'create resource "nodes/proxy" in API group "" at the cluster scope'
        )
    finally:
        stop_served(s)
