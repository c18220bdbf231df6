"""`kubesim explain` and the LeastAllocated/MostAllocated lab."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from sim import Cluster
from sim.scheduler.cli import explain_cmd, make_compare_command
from tests.scheduler.helpers import node, pod

compare_cmd = make_compare_command(
    lambda seed: Cluster(
        seed=seed, keep_trace=False, controller_manager=False, scheduler=False, kubelet=False
    )
)


def test_explain_prints_filters_and_scores(tmp_path: Path) -> None:
    objs = [
        node("n1", cpu="1"),
        node("n2", cpu="4"),
        pod("web", "2"),
        pod("old", "1", node_name="n2"),
    ]
    f = tmp_path / "objects.yaml"
    f.write_text(yaml.safe_dump_all(objs))
    cfg = tmp_path / "sched.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kubescheduler.config.k8s.io/v1",
                "kind": "KubeSchedulerConfiguration",
                "profiles": [
                    {
                        "pluginConfig": [
                            {
                                "name": "NodeResourcesFit",
                                "args": {"scoringStrategy": {"type": "MostAllocated"}},
                            }
                        ]
                    }
                ],
            }
        )
    )
    res = CliRunner().invoke(explain_cmd, ["-f", str(f), "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    # n1 has 1 cpu in all: Unschedulable (not Unresolvable) in 1.32's fit.go
    assert "Unschedulable: Insufficient cpu" in res.output
    assert "selected: n2" in res.output
    assert "NodeResourcesFit(x1)" in res.output


def test_explain_without_pending_pod_fails(tmp_path: Path) -> None:
    f = tmp_path / "objects.yaml"
    f.write_text(yaml.safe_dump_all([node("n1")]))
    res = CliRunner().invoke(explain_cmd, ["-f", str(f)])
    assert res.exit_code != 0 and "no pending pod" in res.output


def test_comparison_runs_and_plots(tmp_path: Path) -> None:
    src = Path(__file__).parents[2] / "scenarios" / "scheduler-compare.yaml"
    doc = yaml.safe_load(src.read_text())
    doc["spec"]["duration"] = "6m"
    for v in doc["spec"]["variants"]:
        v["scheduler"]["configFile"] = str(src.parent / v["scheduler"]["configFile"])
    f = tmp_path / "cmp.yaml"
    f.write_text(yaml.safe_dump(doc))
    out = tmp_path / "cmp.png"
    res = CliRunner().invoke(compare_cmd, [str(f), "--plot", str(out)])
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 10_000
    lines = res.output.splitlines()
    assert lines[0].startswith("LeastAllocated") and lines[1].startswith("MostAllocated")

    # bin packing keeps fewer nodes in use on the same workload
    def nodes_in_use(line: str) -> float:
        return float(line.split("mean nodes in use")[1].split()[0])

    assert nodes_in_use(lines[1]) < nodes_in_use(lines[0])
