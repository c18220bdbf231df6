"""NodePorts, with the cases of upstream's
pkg/scheduler/framework/plugins/nodeports/node_ports_test.go (TestNodePorts, TestFits) as facts.

In 1.32 getContainerPorts reads spec.containers only, so an init container's hostPort (sidecar
or not) neither blocks the pod nor is checked: the PreFilter skips such a pod. Not carried:
"TCP hostPort conflict from sidecar initContainer", which expects restartable init containers'
ports to count, a change made after 1.32.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.scheduler.upstream.st import config, filters, make_node, make_pod

PLUGIN = "NodePorts"
CONFLICT = ("Unschedulable", ("node(s) didn't have free ports for the requested pod ports",))
OK = ("Success", ())


def port_pod(name: str, node: str | None, *infos: str) -> dict[str, Any]:
    """newPod(host, "PROTO/hostIP/hostPort", ...): one container with those host ports."""
    ports = []
    for info in infos:
        proto, ip, port = info.split("/")
        ports.append(
            {"hostIP": ip, "hostPort": int(port), "protocol": proto, "containerPort": int(port)}
        )
    p = make_pod(name, node=node)
    p["spec"]["containers"] = [{"name": "c", "image": "img", "ports": ports}]
    return p


def init_port_pod(sidecar: bool) -> dict[str, Any]:
    """st.MakePod().InitContainerPort(sidecar, [{ContainerPort: 8001, HostPort: 8001, TCP}])."""
    c: dict[str, Any] = {
        "name": "init",
        "image": "img",
        "ports": [{"containerPort": 8001, "hostPort": 8001, "protocol": "TCP"}],
    }
    if sidecar:
        c["restartPolicy"] = "Always"
    p = make_pod("p")
    p["spec"]["initContainers"] = [c]
    return p


CASES = [
    ("skip filter", make_pod("p"), [], OK),
    ("other port", port_pod("p", None, "UDP/127.0.0.1/8080"), ["UDP/127.0.0.1/9090"], OK),
    ("same udp port", port_pod("p", None, "UDP/127.0.0.1/8080"), ["UDP/127.0.0.1/8080"], CONFLICT),
    ("same tcp port", port_pod("p", None, "TCP/127.0.0.1/8080"), ["TCP/127.0.0.1/8080"], CONFLICT),
    ("different host ip", port_pod("p", None, "TCP/127.0.0.1/8080"), ["TCP/127.0.0.2/8080"], OK),
    ("different protocol", port_pod("p", None, "UDP/127.0.0.1/8080"), ["TCP/127.0.0.1/8080"], OK),
    (
        "second udp port conflict",
        port_pod("p", None, "UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"),
        ["UDP/127.0.0.1/8080"],
        CONFLICT,
    ),
    (
        "first tcp port conflict",
        port_pod("p", None, "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"),
        ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"],
        CONFLICT,
    ),
    (
        "first tcp port conflict due to 0.0.0.0 hostIP",
        port_pod("p", None, "TCP/0.0.0.0/8001"),
        ["TCP/127.0.0.1/8001"],
        CONFLICT,
    ),
    (
        "TCP hostPort conflict due to 0.0.0.0 hostIP",
        port_pod("p", None, "TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"),
        ["TCP/127.0.0.1/8001"],
        CONFLICT,
    ),
    (
        "second tcp port conflict to 0.0.0.0 hostIP",
        port_pod("p", None, "TCP/127.0.0.1/8001"),
        ["TCP/0.0.0.0/8001"],
        CONFLICT,
    ),
    (
        "second different protocol",
        port_pod("p", None, "UDP/127.0.0.1/8001"),
        ["TCP/0.0.0.0/8001"],
        OK,
    ),
    (
        "UDP hostPort conflict due to 0.0.0.0 hostIP",
        port_pod("p", None, "UDP/127.0.0.1/8001"),
        ["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"],
        CONFLICT,
    ),
    ("non-sidecar initContainer using hostPort", init_port_pod(False), ["TCP/0.0.0.0/8001"], OK),
]


@pytest.mark.parametrize(
    ("case", "pod", "existing_ports", "want"), CASES, ids=[c[0] for c in CASES]
)
def test_node_ports(case: str, pod: dict[str, Any], existing_ports: list[str], want: Any) -> None:
    existing = [port_pod("existing", "m1", *existing_ports)] if existing_ports else []
    cfg = config(PLUGIN, points=("filter",))
    assert filters(PLUGIN, pod, [make_node("m1")], existing, cfg) == {"m1": want}


@pytest.mark.parametrize(
    ("case", "want_ports", "existing_ports", "fits"),
    [
        ("non-conflicting ports", ["TCP/127.0.0.1/80"], ["TCP/127.0.0.1/9090"], True),
        (
            "multiple non-conflicting ports",
            ["TCP/127.0.0.1/80", "TCP/127.0.1.1/80", "TCP/127.0.1.1/90", "TCP/127.0.1.1/100"],
            ["TCP/127.0.0.1/9090", "TCP/127.0.0.1/9191", "TCP/127.0.1.1/8080"],
            True,
        ),
        ("same ports on different protocols", ["TCP/127.0.0.1/80"], ["UDP/127.0.0.1/80"], True),
        ("conflicting ports", ["TCP/127.0.0.1/80"], ["TCP/127.0.0.1/80"], False),
        (
            "multiple ports, some conflicting",
            ["TCP/127.0.0.1/80", "TCP/127.0.1.1/80", "TCP/127.0.1.1/90", "TCP/127.0.1.1/100"],
            ["TCP/127.0.0.1/9090", "TCP/127.0.1.1/90", "TCP/127.0.1.1/8080"],
            False,
        ),
    ],
)
def test_fits(case: str, want_ports: list[str], existing_ports: list[str], fits: bool) -> None:
    pod = port_pod("p", None, *want_ports)
    existing = [port_pod("existing", "m1", *existing_ports)]
    cfg = config(PLUGIN, points=("filter",))
    assert filters(PLUGIN, pod, [make_node("m1")], existing, cfg) == {
        "m1": OK if fits else CONFLICT
    }
