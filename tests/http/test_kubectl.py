"""The real kubectl (v1.32) against a served cluster: the judge of the HTTP front."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import pod
from tests.http.conftest import (
    KUBECTL,
    SERVICE_YAML,
    Served,
    deployment_yaml,
    needs_kubectl,
    start_served,
    stop_served,
)

pytestmark = needs_kubectl


def header(text: str) -> list[str]:
    return text.splitlines()[0].split()


def test_get_nodes_prints_the_upstream_columns(served: Served) -> None:
    out = served.kubectl("get", "nodes").stdout
    assert header(out) == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["node-1", "node-2", "node-3"]


def test_get_pods_wide_adds_the_wide_columns(served: Served) -> None:
    served.sim(lambda: served.cluster.api.create("pods", pod("p1", node="node-2")))
    out = served.kubectl("get", "pods", "-o", "wide").stdout
    assert header(out) == [
        "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
        "READINESS", "GATES",
    ]  # fmt: skip
    assert out.splitlines()[1].split()[:3] == ["p1", "0/1", "Pending"]
    assert "node-2" in out.splitlines()[1].split()
    assert header(served.kubectl("get", "pods").stdout) == [
        "NAME", "READY", "STATUS", "RESTARTS", "AGE"
    ]  # fmt: skip


def test_apply_creates_then_configures_and_get_o_yaml_shows_the_stored_object(
    served: Served, tmp_path: Path
) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text(deployment_yaml() + "---\n" + SERVICE_YAML)
    out = served.kubectl("apply", "-f", str(manifest))
    assert out.stdout.splitlines() == ["deployment.apps/web created", "service/web created"]
    manifest.write_text(deployment_yaml(replicas=4, image="nginx:1.28") + "---\n" + SERVICE_YAML)
    out = served.kubectl("apply", "-f", str(manifest))
    assert out.stdout.splitlines() == ["deployment.apps/web configured", "service/web unchanged"]
    assert "warning" not in out.stderr.lower()
    doc = yaml.safe_load(served.kubectl("get", "deploy", "web", "-o", "yaml").stdout)
    assert doc["spec"]["replicas"] == 4
    assert doc["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    assert doc["metadata"]["generation"] == 2
    assert "kubectl.kubernetes.io/last-applied-configuration" in doc["metadata"]["annotations"]
    out = served.kubectl("get", "deploy,svc").stdout
    assert "deployment.apps/web" in out and "service/web" in out
    assert "READY   UP-TO-DATE   AVAILABLE   AGE" in out


def test_create_label_annotate_patch_scale_delete(served: Served, tmp_path: Path) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text(deployment_yaml())
    assert (
        served.kubectl("create", "-f", str(manifest)).stdout.strip()
        == "deployment.apps/web created"
    )
    assert (
        served.kubectl("label", "deploy", "web", "tier=front").stdout.strip()
        == "deployment.apps/web labeled"
    )
    assert (
        served.kubectl("annotate", "deploy", "web", "note=hi").stdout.strip()
        == "deployment.apps/web annotated"
    )
    served.kubectl("patch", "deploy", "web", "-p", '{"spec":{"minReadySeconds":5}}')
    served.kubectl("patch", "deploy", "web", "--type=merge", "-p", '{"spec":{"paused":true}}')
    served.kubectl(
        "patch",
        "deploy",
        "web",
        "--type=json",
        "-p",
        '[{"op":"replace","path":"/spec/revisionHistoryLimit","value":3}]',
    )
    assert (
        served.kubectl("scale", "deploy/web", "--replicas=5").stdout.strip()
        == "deployment.apps/web scaled"
    )
    d = served.cluster.api.get("deployments", "web", namespace="default")
    assert d["metadata"]["labels"] == {"app": "web", "tier": "front"}
    assert d["metadata"]["annotations"]["note"] == "hi"
    assert (
        d["spec"]["minReadySeconds"],
        d["spec"]["paused"],
        d["spec"]["revisionHistoryLimit"],
    ) == (5, True, 3)
    assert d["spec"]["replicas"] == 5
    out = served.kubectl("get", "deploy", "-l", "tier=front", "-o", "name").stdout
    assert out.strip() == "deployment.apps/web"
    assert (
        served.kubectl("delete", "deploy", "web").stdout.strip() == 'deployment.apps "web" deleted'
    )
    out = served.kubectl("get", "deploy", "web", check=False)
    assert out.returncode == 1
    assert out.stderr.strip() == 'Error from server (NotFound): deployments.apps "web" not found'


def test_an_invalid_manifest_prints_the_upstream_error(served: Served, tmp_path: Path) -> None:
    manifest = tmp_path / "bad.yaml"
    manifest.write_text(deployment_yaml(replicas=-1))
    out = served.kubectl("apply", "-f", str(manifest), check=False)
    assert out.returncode == 1
    assert out.stderr.strip() == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than '
        "or equal to 0"
    )


def test_an_unknown_field_is_a_strict_decoding_error(served: Served, tmp_path: Path) -> None:
    manifest = tmp_path / "unknown.yaml"
    manifest.write_text(deployment_yaml().replace("  replicas: 3", "  replicas: 3\n  replicass: 3"))
    out = served.kubectl("create", "-f", str(manifest), check=False)
    assert out.returncode == 1
    assert 'strict decoding error: unknown field "spec.replicass"' in out.stderr
    out = served.kubectl("create", "--validate=false", "-f", str(manifest))
    assert "deployment.apps/web created" in out.stdout
    assert (
        "replicass" not in served.cluster.api.get("deployments", "web", namespace="default")["spec"]
    )


def test_dry_run_server_changes_nothing(served: Served, tmp_path: Path) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text(deployment_yaml())
    out = served.kubectl("apply", "--dry-run=server", "-f", str(manifest))
    assert out.stdout.strip() == "deployment.apps/web created (server dry run)"
    assert served.cluster.api.list("deployments")["items"] == []


def test_describe_pod_shows_conditions_and_events(served: Served) -> None:
    api = served.cluster.api

    def setup() -> None:
        p = api.create("pods", pod("p1"))
        api.bind("p1", {"target": {"kind": "Node", "name": "node-1"}}, namespace="default")
        api.create(
            "events",
            {
                "metadata": {"name": "p1.1", "namespace": "default"},
                "involvedObject": {
                    "kind": "Pod",
                    "name": "p1",
                    "namespace": "default",
                    "uid": p["metadata"]["uid"],
                    "apiVersion": "v1",
                },
                "reason": "Scheduled",
                "message": "Successfully assigned default/p1 to node-1",
                "type": "Normal",
                "source": {"component": "default-scheduler"},
                "firstTimestamp": served.cluster.clock.timestamp(),
                "lastTimestamp": served.cluster.clock.timestamp(),
                "count": 1,
            },
        )

    served.sim(setup)
    out = served.kubectl("describe", "pod", "p1").stdout
    assert "Node:         node-1/" in out
    assert "PodScheduled" in out.split("Conditions:")[1]
    events = out.split("Events:")[1]
    assert "Scheduled" in events and "Successfully assigned default/p1 to node-1" in events


def test_get_watch_streams_changes(served: Served) -> None:
    assert KUBECTL is not None
    proc = subprocess.Popen(
        [
            KUBECTL,
            "--kubeconfig",
            str(served.kubeconfig),
            "get",
            "pods",
            "-w",
            "--output-watch-events",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)  # kubectl lists (nothing) and opens its watch
        for name in ("a", "b"):
            served.sim(lambda name=name: served.cluster.api.create("pods", pod(name)))
        served.sim(lambda: served.cluster.api.delete("pods", "a", namespace="default"))
        lines = []
        assert proc.stdout is not None
        deadline = time.monotonic() + 10
        while len(lines) < 4 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line:
                lines.append(line.split())
    finally:
        proc.kill()
        proc.wait()
    assert lines[0][:2] == ["EVENT", "NAME"]
    assert [(row[0], row[1]) for row in lines[1:]] == [
        ("ADDED", "a"),
        ("ADDED", "b"),
        ("DELETED", "a"),
    ]


def test_api_resources_shows_short_names_and_get_all_uses_categories(served: Served) -> None:
    out = served.kubectl("api-resources").stdout
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert rows["deployments"][1] == "deploy" and rows["deployments"][2] == "apps/v1"
    assert rows["pods"][1] == "po"
    served.sim(lambda: served.cluster.api.create("pods", pod("p1")))
    assert "pod/p1" in served.kubectl("get", "all").stdout
    assert served.kubectl("get", "po", "-o", "name").stdout.strip() == "pod/p1"


def test_cordon_and_drain_evict_pods(served: Served) -> None:
    served.sim(
        lambda: served.cluster.api.create(
            "pods", pod("p1", node="node-1", terminationGracePeriodSeconds=0)
        )
    )
    assert served.kubectl("cordon", "node-1").stdout.strip() == "node/node-1 cordoned"
    out = served.kubectl("drain", "node-1", "--ignore-daemonsets", "--force", "--timeout=20s")
    assert "pod/p1 evicted" in out.stdout
    assert served.cluster.api.list("pods")["items"] == []
    assert served.cluster.api.get("nodes", "node-1")["spec"]["unschedulable"] is True


def test_token_auth_401_and_403(tmp_path: Path) -> None:
    s = start_served(tmp_path, token="s3cret", viewer="look")
    try:
        assert s.kubectl("get", "nodes").stdout.startswith("NAME")
        out = s.kubectl("get", "nodes", "--token=wrong", check=False)
        assert (
            out.returncode == 1
            and "You must be logged in to the server (Unauthorized)" in out.stderr
        )
        assert s.kubectl("get", "nodes", "--token=look").returncode == 0
        out = s.kubectl("create", "namespace", "x", "--token=look", check=False)
        assert out.stderr.strip() == (
            'Error from server (Forbidden): namespaces is forbidden: User "viewer" cannot create '
            'resource "namespaces" in API group "" at the cluster scope'
        )
    finally:
        stop_served(s)


@pytest.mark.parametrize(
    "args, expected",
    [
        (("get", "pods", "nope"), 'Error from server (NotFound): pods "nope" not found'),
        (("get", "widgets"), 'error: the server doesn\'t have a resource type "widgets"'),
        (
            ("get", "pods", "-l", "a in (b"),
            'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match '
            'label selector "a in (b"',
        ),
    ],
    ids=["missing-object", "unknown-resource", "bad-selector"],
)
def test_errors_print_as_upstream(served: Served, args: tuple[str, ...], expected: str) -> None:
    out = served.kubectl(*args, check=False)
    assert out.returncode == 1
    assert out.stderr.strip().startswith(expected)
