"""Scheduler commands for the `kubesim` group (the lead adds them to sim/cli.py's `main`):

    kubesim explain -f objects.yaml [--config scheduler-config.yaml] [--pod NAME]
    kubesim scheduler-compare scenarios/scheduler-compare.yaml [--plot out.png]

The lead wires them into sim/cli.py:

    main.add_command(explain_cmd)
    main.add_command(make_compare_command(
        lambda seed: Cluster(seed=seed, keep_trace=False, controller_manager=False)))

`explain` reads a multi-document YAML: the pending pod (the first Pod without spec.nodeName,
or --pod NAME), the Nodes, the Pods already bound (spec.nodeName set) and any other objects
(Namespaces, Services, ReplicaSets), and prints the filter and score tables of sim.scheduler.explain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml


def _load_objects(path: Path) -> list[dict[str, Any]]:
    try:
        docs = list(yaml.safe_load_all(path.read_text()))
    except OSError as e:
        raise click.ClickException(f"{path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise click.ClickException(f"{path}: not valid YAML: {e}") from None
    out: list[dict[str, Any]] = []
    for d in docs:
        if isinstance(d, dict) and d.get("kind") == "List":
            out.extend(d.get("items") or [])
        elif isinstance(d, dict):
            out.append(d)
    return out


@click.command("explain")
@click.option(
    "-f",
    "--filename",
    "filename",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Objects: the pod to place, nodes, bound pods, others.",
)
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A KubeSchedulerConfiguration file.",
)
@click.option(
    "--pod",
    "pod_name",
    default=None,
    help="The pending pod to explain (default: the first without spec.nodeName).",
)
def explain_cmd(filename: Path, config: Path | None, pod_name: str | None) -> None:
    """Explain where the scheduler would place a pod, and why."""
    from sim.scheduler.config import ConfigError
    from sim.scheduler.explain import explain

    objs = _load_objects(filename)
    pods = [o for o in objs if o.get("kind") == "Pod"]
    nodes = [o for o in objs if o.get("kind") == "Node"]
    others = [o for o in objs if o.get("kind") not in ("Pod", "Node")]
    pending = [p for p in pods if not (p.get("spec") or {}).get("nodeName")]
    if pod_name:
        pending = [p for p in pods if (p.get("metadata") or {}).get("name") == pod_name]
    if not pending:
        raise click.ClickException(
            f"{filename}: no pending pod (a Pod without spec.nodeName) to explain"
        )
    target = pending[0]
    bound = [p for p in pods if p is not target and (p.get("spec") or {}).get("nodeName")]
    cfg = None
    if config is not None:
        cfg = {"configFile": str(config)}
    try:
        result = explain(target, nodes, bound, cfg, others)
    except ConfigError as e:
        raise click.ClickException(f"{config}: {e}") from None
    click.echo(result.table(), nl=False)


def make_compare_command(make_cluster: Any) -> click.Command:
    """The `scheduler-compare` command; `make_cluster(seed)` builds an empty cluster without
    controllers (the composition root provides it: sim.scheduler may not import sim.cluster)."""

    @click.command("scheduler-compare")
    @click.argument("comparison", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--plot",
        "plot_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the plot (PNG) here (default: next to the file).",
    )
    def compare_cmd(comparison: Path, plot_path: Path | None) -> None:
        """Run a SchedulerComparison and plot utilization and pending pods per variant."""
        from sim.core import ConfigError as ScenarioError
        from sim.scheduler.lab import plot, run_comparison

        try:
            series = run_comparison(comparison, make_cluster)
        except ScenarioError as e:
            raise click.ClickException(str(e)) from None
        out = plot_path or comparison.with_suffix(".png")
        plot(series, out, title=comparison.stem)
        for s in series:
            n = len(s.pending) or 1
            click.echo(
                f"{s.name:20s} mean cpu utilization {sum(s.cpu_utilization) / n:6.1%}  "
                f"mean nodes in use {sum(s.nodes_in_use) / n:5.1f}  mean pending {sum(s.pending) / n:6.1f}  "
                f"max pending {max(s.pending, default=0):4d}  trace {s.trace_digest[:12]}"
            )
        click.echo(f"plot: {out}")

    return compare_cmd
