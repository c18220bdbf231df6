"""The official `kubernetes` Python client against a served cluster."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import deployment, pod
from tests.http.conftest import Served

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client, config, watch  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402


@pytest.fixture
def api_client(served: Served) -> Iterator[Any]:
    c = config.new_client_from_config(config_file=str(served.kubeconfig))
    try:
        yield c
    finally:
        c.close()


def test_create_list_with_selectors_patch_delete(served: Served, api_client: Any) -> None:
    core = client.CoreV1Api(api_client)
    for name, tier in (("a", "front"), ("b", "back"), ("c", "front")):
        created = core.create_namespaced_pod(
            "default", pod(name, labels={"app": "web", "tier": tier})
        )
        assert created.metadata.name == name and created.metadata.uid
    fronts = core.list_namespaced_pod("default", label_selector="tier=front")
    assert [p.metadata.name for p in fronts.items] == ["a", "c"]
    named = core.list_namespaced_pod("default", field_selector="metadata.name=b")
    assert [p.metadata.name for p in named.items] == ["b"]
    page = core.list_namespaced_pod("default", limit=2)
    assert len(page.items) == 2 and page.metadata._continue
    rest = core.list_namespaced_pod("default", limit=2, _continue=page.metadata._continue)
    assert [p.metadata.name for p in rest.items] == ["c"]
    patched = core.patch_namespaced_pod("a", "default", {"metadata": {"labels": {"tier": "edge"}}})
    assert patched.metadata.labels == {"app": "web", "tier": "edge"}
    core.delete_namespaced_pod("b", "default")
    names = [p.metadata.name for p in core.list_namespaced_pod("default").items]
    assert names == ["a", "c"]
    with pytest.raises(ApiException) as e:
        core.read_namespaced_pod("b", "default")
    assert e.value.status == 404


def test_deployments_scale_and_status_errors(served: Served, api_client: Any) -> None:
    apps = client.AppsV1Api(api_client)
    apps.create_namespaced_deployment("default", deployment("web", replicas=2))
    scale = apps.read_namespaced_deployment_scale("web", "default")
    assert scale.spec.replicas == 2 and scale.status.selector == "app=web"
    apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 4}})
    assert apps.read_namespaced_deployment("web", "default").spec.replicas == 4
    status = apps.delete_namespaced_deployment("web", "default")
    body = status if isinstance(status, dict) else status.to_dict()
    assert body["status"] == "Success" and body["details"]["name"] == "web"
    with pytest.raises(ApiException) as e:
        apps.create_namespaced_deployment("default", deployment("bad", replicas=-1))
    assert e.value.status == 422
    assert '"reason":"Invalid"' in e.value.body
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in e.value.body


def test_watch_streams_events(served: Served, api_client: Any) -> None:
    core = client.CoreV1Api(api_client)
    rv = core.list_namespaced_pod("default").metadata.resource_version
    served.sim(lambda: served.cluster.api.create("pods", pod("w1")))
    served.sim(lambda: served.cluster.api.delete("pods", "w1", namespace="default"))
    w = watch.Watch()
    events = [
        (ev["type"], ev["object"].metadata.name)
        for ev in w.stream(
            core.list_namespaced_pod, "default", resource_version=rv, timeout_seconds=1
        )
    ]
    assert events == [("ADDED", "w1"), ("DELETED", "w1")]


def test_a_watch_resumed_from_an_old_resource_version_gets_the_missed_events_or_410(
    served: Served, api_client: Any
) -> None:
    core = client.CoreV1Api(api_client)
    core.create_namespaced_pod("default", pod("old"))
    rv = core.list_namespaced_pod("default").metadata.resource_version
    core.create_namespaced_pod("default", pod("missed-1"))
    core.patch_namespaced_pod("old", "default", {"metadata": {"labels": {"x": "y"}}})
    core.create_namespaced_pod("default", pod("missed-2"))
    events = [
        (ev["type"], ev["object"].metadata.name)
        for ev in watch.Watch().stream(
            core.list_namespaced_pod, "default", resource_version=rv, timeout_seconds=1
        )
    ]
    assert events == [("ADDED", "missed-1"), ("MODIFIED", "old"), ("ADDED", "missed-2")]
    store = served.cluster.store
    served.sim(lambda: store.compact(store.revision))
    with pytest.raises(ApiException) as e:
        list(
            watch.Watch().stream(
                core.list_namespaced_pod, "default", resource_version=rv, timeout_seconds=1
            )
        )
    assert e.value.status == 410
