"""ImageLocality, with the cases of upstream's
pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go (TestImageLocalityPriority)
as facts: thresholds scale with the number of containers (1.32's image_locality.go)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scheduler.upstream.st import config, make_node, make_pod, scores

PLUGIN = "ImageLocality"
MB = 1024 * 1024


def image_node(name: str, images: list[tuple[list[str], int]]) -> dict[str, Any]:
    return make_node(name, images=[(names, size * MB) for names, size in images])


NODE_40_300_2000 = [
    (["gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"], 40),
    (["gcr.io/300:latest", "gcr.io/300:v1"], 300),
    (["gcr.io/2000:latest"], 2000),
]
NODE_250_10 = [(["gcr.io/250:latest"], 250), (["gcr.io/10:latest", "gcr.io/10:v1"], 10)]
NODE_600_40_900 = [
    (["gcr.io/600:latest"], 600),
    (["gcr.io/40:latest"], 40),
    (["gcr.io/900:latest"], 900),
]
NODE_300_600_900 = [
    (["gcr.io/300:latest"], 300),
    (["gcr.io/600:latest"], 600),
    (["gcr.io/900:latest"], 900),
]
NODE_4000_30 = [(["gcr.io/4000:latest"], 4000), (["gcr.io/30:latest"], 30)]
NODE_20_30_40 = [(["gcr.io/20:latest"], 20), (["gcr.io/30:latest"], 30), (["gcr.io/40:latest"], 40)]


@pytest.mark.parametrize(
    ("case", "images", "init", "nodes", "want"),
    [
        (
            "two images spread on two nodes, prefer the larger image one",
            ["gcr.io/40", "gcr.io/250"],
            [],
            {"node1": NODE_40_300_2000, "node2": NODE_250_10},
            {"node1": 0, "node2": 5},
        ),
        (
            "two images on one node, prefer this node",
            ["gcr.io/40", "gcr.io/300"],
            [],
            {"node1": NODE_40_300_2000, "node2": NODE_250_10},
            {"node1": 7, "node2": 0},
        ),
        (
            "if exceed limit, use limit",
            ["gcr.io/10", "gcr.io/4000"],
            [],
            {"node1": NODE_4000_30, "node2": NODE_250_10},
            {"node1": 100, "node2": 0},
        ),
        (
            "if exceed limit, use limit (with node which has no images present)",
            ["gcr.io/10", "gcr.io/4000"],
            [],
            {"node1": NODE_4000_30, "node2": NODE_250_10, "node3": []},
            {"node1": 66, "node2": 0, "node3": 0},
        ),
        (
            "pod with multiple large images, node2 is preferred",
            ["gcr.io/300", "gcr.io/600", "gcr.io/900"],
            [],
            {"node1": NODE_600_40_900, "node2": NODE_300_600_900, "node3": []},
            {"node1": 32, "node2": 36, "node3": 0},
        ),
        (
            "pod with multiple small images",
            ["gcr.io/30", "gcr.io/40"],
            [],
            {"node1": NODE_20_30_40, "node2": NODE_4000_30},
            {"node1": 1, "node2": 0},
        ),
        (
            "include InitContainers: two images spread on two nodes, prefer the larger image one",
            ["gcr.io/30"],
            ["gcr.io/300"],
            {"node1": NODE_40_300_2000, "node2": NODE_20_30_40},
            {"node1": 6, "node2": 0},
        ),
    ],
)
def test_image_locality_priority(
    case: str, images: list[str], init: list[str], nodes: dict[str, Any], want: dict[str, int]
) -> None:
    pod = make_pod("p", images=images)
    if init:
        pod["spec"]["initContainers"] = [
            {"name": f"init{i}", "image": im} for i, im in enumerate(init)
        ]
    node_objs = [image_node(n, imgs) for n, imgs in nodes.items()]
    assert scores(PLUGIN, pod, node_objs, cfg=config(PLUGIN, points=("score",))) == want
