"""The `kubesim` command line (click: a well-kept library for commands, options and help).

    kubesim run SCENARIO [--seed N] [--until DURATION] [--trace FILE]
    kubesim validate FILE...

`run` simulates the scenario, prints the final state as kubectl-style tables, then a last line
`trace sha256: <hex>`. `validate` checks manifests (or a scenario and its manifests) and prints
errors as kubectl prints the apiserver's (`The Deployment "web" is invalid: ...`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click
import yaml

from sim.api.errors import ApiError

SHOWN_KINDS = (
    "Node",
    "Namespace",
    "Deployment",
    "ReplicaSet",
    "Pod",
    "Service",
    "Endpoints",
    "ConfigMap",
    "PriorityClass",
)


def kubectl_error(e: ApiError) -> str:
    """How kubectl prints a Status (staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go)."""
    st = e.status
    details = st.get("details") or {}
    if st.get("reason") == "Invalid" and details.get("causes"):
        kind = details.get("kind", "")
        name = details.get("name", "")
        causes = details["causes"]
        msgs = [
            f"{c.get('field')}: {c.get('message')}" if c.get("field") else c.get("message", "")
            for c in causes
        ]
        if len(msgs) == 1:
            return f'The {kind} "{name}" is invalid: {msgs[0]}'
        return f'The {kind} "{name}" is invalid: \n* ' + "\n* ".join(msgs)
    return f"Error from server ({st.get('reason', 'InternalError')}): {st.get('message', '')}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kubesim")
def main() -> None:
    """kubesim: a deterministic simulator of a whole Kubernetes cluster."""
    # A command-line run owns its process: tune the collector for a simulation's heap
    # (sim/core/gcpolicy.py); a library user opts in with Cluster(tune_gc=True).
    from sim.core.gcpolicy import tune_gc_for_simulation

    tune_gc_for_simulation()


def _print_state(cluster: Any, out: IO[str]) -> None:
    from sim.api.kinds import REGISTRY
    from sim.api.printers import render
    from sim.cluster import SYSTEM_NAMESPACES

    for kind_name in SHOWN_KINDS:
        kind = REGISTRY.resolve(kind_name)
        items = [o for o in cluster.api.list(kind)["items"]]
        if kind_name == "Namespace":
            items = [o for o in items if o["metadata"]["name"] not in SYSTEM_NAMESPACES]
        if kind_name == "PriorityClass":
            items = [o for o in items if not o["metadata"]["name"].startswith("system-")]
        if not items:
            continue
        text = render(
            kind_name,
            items,
            cluster.now,
            cluster.clock.seconds_of,
            namespace_column=kind.namespaced,
            show_kind=True,
        )
        out.write(text.rstrip("\n") + "\n\n")


def _print_traffic(cluster: Any, out: IO[str], plot: Path | None) -> None:
    """What the users of each Service saw (sim/network/traffic.py), when clients were attached."""
    network: Any = getattr(cluster, "network", None)
    report = network.report() if network is not None else {}
    if not report or network is None:
        if plot is not None:
            raise click.ClickException("--traffic-plot: the scenario attaches no traffic clients")
        return
    out.write("SERVICE                REQUESTS   AVAILABILITY   P50        P99        FAILURES\n")
    for svc, s in sorted(report.items()):
        failures = ", ".join(f"{k}: {v}" for k, v in sorted(s["failures"].items())) or "-"
        out.write(
            f"{svc:<22} {s['requests']:<10} {100 * s['availability']:>10.2f} %   "
            f"{1000 * s['latency_p50_s']:>6.1f} ms  {1000 * s['latency_p99_s']:>6.1f} ms  "
            f"{failures}\n"
        )
    out.write("\n")
    if plot is not None:
        network.traffic.plot(str(plot))
        out.write(f"traffic plot: {plot}\n\n")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--seed", type=int, default=None, help="Override the scenario's spec.seed.")
@click.option("--until", "until", default=None, help="Stop at this simulated time (e.g. 90s, 10m).")
@click.option(
    "--trace",
    "trace_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the trace as JSON Lines to FILE.",
)
@click.option(
    "--traffic-plot",
    "traffic_plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Plot each Service's availability and latency over time to FILE (PNG).",
)
def run(
    scenario: Path,
    seed: int | None,
    until: str | None,
    trace_file: Path | None,
    traffic_plot: Path | None,
) -> None:
    """Run SCENARIO and print the final state and the trace digest."""
    from sim.cluster import Cluster
    from sim.scenario.durations import format_duration, parse_duration
    from sim.scenario.loader import ScenarioError, load_scenario

    try:
        sc = load_scenario(scenario)
        until_s = parse_duration(until) if until is not None else sc.duration_s
    except (ScenarioError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    sink = trace_file.open("wb") if trace_file else None
    out = sys.stdout
    try:
        try:
            cluster = Cluster.from_scenario(sc, seed=seed, trace_sink=sink, keep_trace=False)
        except ApiError as e:
            raise click.ClickException(f"{scenario}: spec.manifests: {kubectl_error(e)}") from None
        cluster.run(until=until_s)
        out.write(
            f"scenario {sc.name} (seed {cluster.seed}) at t={format_duration(cluster.now)}: "
            f"{len(cluster.trace)} trace records\n\n"
        )
        # Reading the final state may still write (a standing Lease renewal is committed when
        # it is read), so the trace file stays open until the digest below is final.
        _print_state(cluster, out)
        _print_traffic(cluster, out, traffic_plot)
    finally:
        if sink:
            sink.close()
    for msg in cluster.timeline_errors:
        click.echo(f"timeline error: {msg}", err=True)
    out.write(f"trace sha256: {cluster.trace_digest()}\n")
    if cluster.timeline_errors:
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check manifests (or scenarios) as the API server would; exit 1 on any error."""
    from sim.cluster import Cluster, _documents
    from sim.scenario.loader import ScenarioError, load_scenario

    failures = 0
    for file in files:
        try:
            text = file.read_text()
            docs = [d for d in yaml.safe_load_all(text) if d is not None]
        except OSError as e:
            click.echo(f"error: {file}: {e.strerror}", err=True)
            failures += 1
            continue
        except yaml.YAMLError as e:
            click.echo(f"error: {file}: not valid YAML: {e}", err=True)
            failures += 1
            continue
        if len(docs) == 1 and isinstance(docs[0], dict) and docs[0].get("kind") == "Scenario":
            try:
                docs = list(load_scenario(file).manifests)
            except ScenarioError as e:
                click.echo(f"error: {e}", err=True)
                failures += 1
                continue
        cluster = Cluster(seed=0, compaction_interval_s=0)
        try:
            objs = _documents(docs)
        except ApiError as e:
            click.echo(f"error: {file}: {e.message}", err=True)
            failures += 1
            continue
        for obj in objs:
            failures += _validate_one(cluster, file, obj)
    if failures:
        sys.exit(1)


def _validate_one(cluster: Any, file: Path, obj: dict[str, Any]) -> int:
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace")
    label = (
        f"{str(obj.get('kind', '?')).lower()}/{meta.get('name') or meta.get('generateName') or '?'}"
    )
    try:
        if ns and not _exists(cluster, "namespaces", ns):
            cluster.api.create("namespaces", {"metadata": {"name": ns}}, user="validate")
        cluster.apply(obj, user="validate")
    except ApiError as e:
        click.echo(f"{file}: {kubectl_error(e)}", err=True)
        return 1
    click.echo(f"{file}: {label} valid")
    return 0


def _exists(cluster: Any, kind: str, name: str) -> bool:
    try:
        cluster.api.get(kind, name)
        return True
    except ApiError:
        return False


@main.group()
def images() -> None:
    """Local images for Docker nodes, built here from Debian packages (no registry)."""


def _docker_client() -> Any:
    """The Docker engine's client, or one clear line saying why there is none."""
    import docker

    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as e:
        raise click.ClickException(
            f"cannot reach the Docker engine ({e}): start it (systemctl start docker) or set "
            "DOCKER_HOST; simulated nodes need no engine"
        ) from None
    return client


@images.command("build")
@click.argument("names", nargs=-1)
@click.option("--rebuild", is_flag=True, help="Build again even if the image exists.")
def images_build(names: tuple[str, ...], rebuild: bool) -> None:
    """Build NAMES (default: every image kubesim knows) and print each local tag."""
    from runtime_adapters.docker import IMAGES, BuildError, build_images

    unknown = [n for n in names if n not in IMAGES]
    if unknown:
        raise click.ClickException(
            f"unknown image {unknown[0]!r} (known: {', '.join(sorted(IMAGES))})"
        )
    client = _docker_client()
    try:
        built = build_images(client, names or tuple(IMAGES), rebuild=rebuild)
    except BuildError as e:
        raise click.ClickException(str(e)) from None
    for name, tag in built.items():
        click.echo(f"{name:10s} {tag}")


def _add_component_commands() -> None:
    from sim.cluster import Cluster
    from sim.http.serve import serve
    from sim.scheduler.cli import explain_cmd, make_compare_command

    main.add_command(serve)
    main.add_command(explain_cmd)
    main.add_command(
        make_compare_command(
            lambda seed: Cluster(
                seed=seed,
                keep_trace=False,
                controller_manager=False,
                scheduler=False,
                kubelet=False,
            )
        )
    )


_add_component_commands()


if __name__ == "__main__":
    main()
