"""Shared fixtures: a fresh cluster, and small manifest builders."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings

from sim import Cluster

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def bare_cluster(seed: int = 7, **kwargs: Any) -> Cluster:
    """The API machinery alone: no controllers, scheduler, kubelets or network (for tests of
    the API server and the client machinery)."""
    return Cluster(
        seed=seed,
        controller_manager=False,
        scheduler=False,
        kubelet=False,
        network=False,
        **kwargs,
    )


@pytest.fixture
def cluster() -> Cluster:
    return bare_cluster()


def pod(
    name: str,
    *,
    namespace: str = "default",
    labels: dict[str, str] | None = None,
    node: str | None = None,
    **spec: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec},
    }
    if node:
        body["spec"]["nodeName"] = node
    return body


def deployment(name: str, replicas: int = 3, image: str = "nginx:1.27") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": image}]},
            },
        },
    }
