"""Fixtures for controller tests: a small cluster with the controller manager and a fake kubelet."""

from __future__ import annotations

from typing import Any

import pytest

from sim import Cluster
from sim.scenario.model import NodePool
from tests.controllers.fakes import FakeKubelet

CAPACITY = {"cpu": "8", "memory": "32Gi", "pods": "110"}


def make_cluster(
    nodes: int = 3,
    config: dict[str, Any] | None = None,
    seed: int = 7,
    zones: int = 1,
    **kubelet: Any,
) -> tuple[Cluster, Any, FakeKubelet]:
    pools = [
        NodePool(f"z{z}", nodes, CAPACITY, labels={"topology.kubernetes.io/zone": f"zone-{z}"})
        for z in range(zones)
    ]
    c = Cluster(
        seed=seed,
        node_pools=pools,
        controller_manager=config or True,
        scheduler=False,
        kubelet=False,
        network=False,
    )
    cm = c.controllers
    k = FakeKubelet(c, **kubelet)
    return c, cm, k


@pytest.fixture
def env() -> tuple[Cluster, Any, FakeKubelet]:
    return make_cluster()
