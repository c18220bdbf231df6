"""Scenario files: loading, errors that name the file and field, timelines, the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import Cluster
from sim.cli import main
from sim.scenario.loader import ScenarioError, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "default.yaml"

GOOD = """
apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  seed: 5
  duration: 3m
  cluster:
    nodePools:
    - {name: a, count: 2, capacity: {cpu: "2", memory: 4Gi}, taints: [{key: k, effect: NoSchedule}]}
  manifests:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: cfg}
    data: {a: "1"}
  timeline:
  - {at: 30s, delete: {kind: ConfigMap, name: cfg}}
  - {at: 1m, apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: cfg2}, data: {b: "2"}}}
"""


def test_scenario_builds_nodes_manifests_and_timeline() -> None:
    c = Cluster.from_scenario(parse_scenario(GOOD))
    c.run(until=1)  # each pool node is a kubelet, which registers its Node
    nodes = c.list("nodes")
    assert [n["metadata"]["name"] for n in nodes] == ["a-1", "a-2"]
    alloc = nodes[0]["status"]["allocatable"]
    assert (alloc["cpu"], alloc["pods"]) == ("2", "110")
    assert nodes[0]["spec"]["taints"] == [{"key": "k", "effect": "NoSchedule"}]
    assert [m["metadata"]["name"] for m in c.list("cm")] == ["cfg"]
    c.run(until=45)
    assert [m["metadata"]["name"] for m in c.list("cm")] == []
    c.run()
    assert c.now == 180 and [m["metadata"]["name"] for m in c.list("cm")] == ["cfg2"]


@pytest.mark.parametrize(
    "mutation,field,expected",
    [
        (
            ("apiVersion: kubesim.io/v1alpha1", "apiVersion: v9"),
            "apiVersion",
            "expected 'kubesim.io/v1alpha1'",
        ),
        (("duration: 3m", "duration: soon"), "spec.duration", "expected a duration"),
        (("count: 2", "count: two"), "spec.cluster.nodePools[0].count", "expected an integer"),
        (
            ('cpu: "2"', "cpu: lots"),
            "spec.cluster.nodePools[0].capacity.cpu",
            "expected a quantity",
        ),
        (
            ("effect: NoSchedule", "effect: Never"),
            "spec.cluster.nodePools[0].taints[0].effect",
            "expected NoSchedule",
        ),
        (("at: 30s", "at: 10m"), "spec.timeline[0].at", "after the end of the scenario"),
        (
            ("delete: {kind: ConfigMap, name: cfg}", "remove: {kind: ConfigMap}"),
            "spec.timeline[0]",
            "exactly one of apply, delete, scale",
        ),
        (("seed: 5", "seed: 5\n  extra: 1"), "spec.extra", "unknown field"),
        (
            ("    kind: ConfigMap\n    metadata: {name: cfg}", "    metadata: {name: cfg}"),
            "spec.manifests[0].kind",
            "apiVersion and kind",
        ),
    ],
    ids=[
        "api-version",
        "duration",
        "count",
        "quantity",
        "taint-effect",
        "late-action",
        "bad-verb",
        "unknown-field",
        "object-without-kind",
    ],
)
def test_malformed_scenarios_name_file_field_and_expectation(
    mutation: tuple[str, str], field: str, expected: str
) -> None:
    text = GOOD.replace(*mutation)
    assert text != GOOD
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text, source="bad.yaml")
    assert str(e.value).startswith(f"bad.yaml: {field}: ")
    assert expected in str(e.value)


def test_missing_manifest_file_is_named(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(GOOD.replace("  manifests:\n", "  manifests:\n  - {path: nothere.yaml}\n"))
    from sim.scenario.loader import load_scenario

    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert "spec.manifests[0].path: cannot read" in str(e.value)


def test_cli_run_prints_tables_and_digest() -> None:
    res = CliRunner().invoke(main, ["run", str(DEFAULT), "--until", "3m"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[-1].startswith("trace sha256: ") and len(lines[-1].split()[-1]) == 64
    assert any(line.startswith("NAME") and "STATUS" in line and "ROLES" in line for line in lines)
    assert any("deployment.apps/web" in line for line in lines)


def test_cli_run_writes_the_trace_file(tmp_path: Path) -> None:
    import hashlib

    out = tmp_path / "trace.jsonl"
    res = CliRunner().invoke(main, ["run", str(DEFAULT), "--trace", str(out)])
    assert res.exit_code == 0, res.output
    digest = res.output.splitlines()[-1].split()[-1]
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest


def test_cli_run_reports_a_malformed_scenario(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(GOOD.replace("duration: 3m", "duration: soon"))
    res = CliRunner().invoke(main, ["run", str(f)])
    assert res.exit_code == 1
    assert f"{f}: spec.duration: expected a duration" in res.output


def test_cli_validate_prints_upstream_errors(tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: -1\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: nginx}]}\n"
    )
    res = CliRunner().invoke(main, ["validate", str(f)])
    assert res.exit_code == 1
    assert (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or '
        "equal to 0" in res.output
    )
    res = CliRunner().invoke(main, ["validate", str(ROOT / "scenarios" / "manifests" / "web.yaml")])
    assert res.exit_code == 0, res.output
    assert "deployment/web valid" in res.output


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "kubesim"
    res = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=False)
    assert res.returncode == 0 and "run" in res.stdout and "validate" in res.stdout
