"""URL parsing, negotiation, discovery, OpenAPI, raw HTTP answers and the protobuf envelope."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import requests

from sim.api.errors import ApiError
from sim.api.kinds import REGISTRY
from sim.http import protobuf
from sim.http.negotiate import Target, negotiate
from sim.http.openapi import OpenApi
from sim.http.requestinfo import RequestInfo, parse_resource_path
from tests.conftest import deployment, pod
from tests.http.conftest import Served

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/api/v1/pods", RequestInfo("", "v1", "pods")),
        ("/api/v1/namespaces/ns/pods/p/status", RequestInfo("", "v1", "pods", "ns", "p", "status")),
        ("/apis/apps/v1/namespaces/ns/deployments/d/scale", RequestInfo("apps", "v1", "deployments", "ns", "d", "scale")),
        ("/api/v1/namespaces/ns", RequestInfo("", "v1", "namespaces", None, "ns")),
        ("/api/v1/namespaces/ns/finalize", RequestInfo("", "v1", "namespaces", None, "ns", "finalize")),
        ("/api/v1/watch/namespaces/ns/pods", RequestInfo("", "v1", "pods", "ns", legacy_watch=True)),
        ("/api/v1", None),
        ("/version", None),
    ],
    ids=["list-all", "status", "scale", "namespace-object", "namespace-finalize", "legacy-watch", "group-version", "non-resource"],
)  # fmt: skip
def test_resource_paths_parse_as_upstream_requestinfo(
    path: str, expected: RequestInfo | None
) -> None:
    assert parse_resource_path(path) == expected


@pytest.mark.parametrize(
    "accept, expected",
    [
        (None, Target()),
        ("application/vnd.kubernetes.protobuf,application/json", Target()),
        (TABLE, Target("application/json", "Table")),
        ("application/yaml", Target("application/yaml")),
        ("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1", Target("application/json", "PartialObjectMetadataList")),
    ],
    ids=["none", "protobuf-then-json", "table", "yaml", "partial-metadata"],
)  # fmt: skip
def test_negotiation_picks_the_first_acceptable_type(accept: str | None, expected: Target) -> None:
    assert negotiate(accept) == expected


def test_negotiation_refuses_what_it_cannot_give() -> None:
    with pytest.raises(ApiError) as e:
        negotiate("application/vnd.kubernetes.protobuf")
    assert e.value.code == 406


def get(
    served: Served, path: str, accept: str = "application/json", **params: Any
) -> requests.Response:
    return requests.get(served.url + path, headers={"Accept": accept}, params=params, timeout=10)


def test_aggregated_discovery_lists_short_names_categories_verbs_and_subresources(
    served: Served,
) -> None:
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
    r = get(served, "/apis", accept)
    assert r.headers["Content-Type"].startswith("application/json;g=apidiscovery.k8s.io;v=v2")
    apps = next(i for i in r.json()["items"] if i["metadata"]["name"] == "apps")
    deploy = next(x for x in apps["versions"][0]["resources"] if x["resource"] == "deployments")
    assert deploy["shortNames"] == ["deploy"] and deploy["categories"] == ["all"]
    assert "watch" in deploy["verbs"]
    scale = next(s for s in deploy["subresources"] if s["subresource"] == "scale")
    assert scale["responseKind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    legacy = get(served, "/api/v1").json()
    names = [r["name"] for r in legacy["resources"]]
    assert {"pods", "pods/status", "pods/binding", "pods/eviction", "pods/log"} <= set(names)
    assert get(served, "/version").json()["gitVersion"] == "v1.32.0"


def test_openapi_v3_documents_carry_the_merge_keys_and_field_validation(served: Served) -> None:
    root = get(served, "/openapi/v3").json()
    url = root["paths"]["apis/apps/v1"]["serverRelativeURL"]
    doc = get(served, url.split("?")[0]).json()
    spec = doc["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"]["properties"]
    assert spec["containers"]["x-kubernetes-patch-merge-key"] == "name"
    assert spec["containers"]["x-kubernetes-patch-strategy"] == "merge"
    container = doc["components"]["schemas"]["io.k8s.api.core.v1.Container"]["properties"]
    assert container["ports"]["x-kubernetes-patch-merge-key"] == "containerPort"
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert "application/strategic-merge-patch+json" in patch["requestBody"]["content"]
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]


def test_prune_unknown_reports_paths_as_the_strict_decoder_does() -> None:
    obj = deployment("web")
    obj["spec"]["template"]["spec"]["containers"][0]["imagee"] = "x"
    obj["spec"]["bogus"] = 1
    unknown = OpenApi(REGISTRY).prune_unknown(REGISTRY.resolve("deployments"), obj)
    assert unknown == ["spec.template.spec.containers[0].imagee", "spec.bogus"]  # document order
    assert "bogus" not in obj["spec"]


def test_table_answers_have_every_column_and_watch_streams_are_ndjson(served: Served) -> None:
    served.sim(lambda: served.cluster.api.create("pods", pod("p1")))
    table = get(served, "/api/v1/namespaces/default/pods", TABLE).json()
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]][:5] == [
        "Name",
        "Ready",
        "Status",
        "Restarts",
        "Age",
    ]
    assert "IP" in [c["name"] for c in table["columnDefinitions"]]  # wide columns too
    assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
    r = get(served, "/api/v1/namespaces/default/pods", watch="true", timeoutSeconds="1")
    assert r.headers["Transfer-Encoding"] == "chunked"
    events = [orjson.loads(line) for line in r.content.splitlines()]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "p1")]


@pytest.mark.parametrize(
    "method, path, body, code, reason",
    [
        ("GET", "/api/v1/namespaces/default/pods/nope", None, 404, "NotFound"),
        ("POST", "/api/v1/namespaces/default/pods", {"metadata": {"name": "x"}}, 422, "Invalid"),
        ("GET", "/api/v1/widgets", None, 404, "NotFound"),
        ("GET", "/api/v1/namespaces/default/pods?resourceVersion=99999&resourceVersionMatch=NotOlderThan", None, 504, "Timeout"),
        ("PUT", "/api/v1/namespaces/default/pods/x/binding", {}, 405, "MethodNotAllowed"),
    ],
    ids=["not-found", "invalid", "unknown-resource", "future-resource-version", "wrong-method"],
)  # fmt: skip
def test_failures_are_status_bodies_with_their_http_codes(
    served: Served, method: str, path: str, body: Any, code: int, reason: str
) -> None:
    r = requests.request(method, served.url + path, json=body, timeout=10)
    assert r.status_code == code
    assert (
        r.json()["kind"] == "Status" and r.json()["reason"] == reason and r.json()["code"] == code
    )


def test_dry_run_and_delete_options(served: Served) -> None:
    url = served.url + "/api/v1/namespaces/default/pods"
    assert (
        requests.post(url, params={"dryRun": "All"}, json=pod("d"), timeout=10).status_code == 201
    )
    assert served.cluster.api.list("pods")["items"] == []
    served.sim(lambda: served.cluster.api.create("pods", pod("p", node="node-1")))
    r = requests.delete(
        url + "/p",
        json={"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 7},
        timeout=10,
    )
    assert r.status_code == 200 and r.json()["metadata"]["deletionGracePeriodSeconds"] == 7
    r = requests.delete(url + "/p", json={"preconditions": {"uid": "wrong"}}, timeout=10)
    assert r.status_code == 409


def _field(num: int, payload: bytes) -> bytes:
    return bytes([num << 3 | 2, len(payload)]) + payload


def test_protobuf_eviction_bodies_decode_to_json() -> None:
    meta = _field(1, b"p1") + _field(3, b"ns")
    opts = bytes([1 << 3 | 0, 5])  # gracePeriodSeconds = 5
    eviction = _field(1, meta) + _field(2, opts)
    type_meta = _field(1, b"policy/v1") + _field(2, b"Eviction")
    body = protobuf.MAGIC + _field(1, type_meta) + _field(2, eviction)
    assert protobuf.decode(body) == {
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": "p1", "namespace": "ns"},
        "deleteOptions": {"gracePeriodSeconds": 5},
    }
    with pytest.raises(protobuf.ProtobufError):
        protobuf.decode(b"{}")


def _post_cm(url: str, validation: str | None) -> Any:
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"fv-{(validation or 'default').lower()}"},
        "data": {"a": "1"},
        "dataa": {"typo": "x"},
    }
    q = f"?fieldValidation={validation}" if validation else ""
    return requests.post(f"{url}/api/v1/namespaces/default/configmaps{q}", json=body, timeout=10)


def test_field_validation_strict_warn_and_ignore(served: Any) -> None:
    strict = _post_cm(served.url, "Strict")
    assert strict.status_code == 400
    assert 'unknown field "dataa"' in strict.json()["message"]
    warn = _post_cm(served.url, "Warn")
    assert warn.status_code == 201
    assert "dataa" in warn.headers["Warning"]
    ignore = _post_cm(served.url, "Ignore")
    assert ignore.status_code == 201 and "Warning" not in ignore.headers
    assert "dataa" not in ignore.json()
    default = _post_cm(served.url, None)  # the apiserver's default is Warn
    assert default.status_code == 201 and "dataa" in default.headers["Warning"]
