"""`kubesim serve`: run a cluster on a wall clock and serve the Kubernetes API for kubectl.

    kubesim serve [SCENARIO] [--port 6443] [--speed X] [--kubeconfig FILE] [--token T]
                  [--viewer-token T] [--seed N] [--address 127.0.0.1]

The simulation runs on the main thread (sim/core/driver.py), the HTTP server on a background
thread; Ctrl-C (SIGINT) or SIGTERM stops the driver, which stops the server and exits 0. The
kubeconfig written is the standard client configuration (clientcmd v1 Config) with one cluster,
one user (the bearer token when `--token` is given) and one context, so
`KUBECONFIG=FILE kubectl get nodes` works with nothing else set up.
"""

from __future__ import annotations

import base64
import signal
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from sim.core.driver import SimDriver
from sim.http.auth import TokenAuth
from sim.http.nodeproxy import cluster_kubelet_source
from sim.http.server import HttpApiServer
from sim.http.tls import make_serving_cert

DEFAULT_NODE_POOL = {
    "name": "node",
    "count": 3,
    "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
}


def kubeconfig(
    server_url: str,
    *,
    token: str | None = None,
    ca_pem: bytes | None = None,
    namespace: str = "default",
) -> dict[str, Any]:
    """A kubeconfig (clientcmd/api/v1 Config) for a served cluster named `kubesim`."""
    user: dict[str, Any] = {"token": token} if token else {}
    cluster: dict[str, Any] = {"server": server_url}
    if ca_pem is not None:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": "kubesim", "cluster": cluster}],
        "users": [{"name": "kubesim", "user": user}],
        "contexts": [
            {
                "name": "kubesim",
                "context": {"cluster": "kubesim", "user": "kubesim", "namespace": namespace},
            }
        ],
        "current-context": "kubesim",
    }


def write_kubeconfig(
    path: Path, server_url: str, token: str | None = None, ca_pem: bytes | None = None
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = kubeconfig(server_url, token=token, ca_pem=ca_pem)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    path.chmod(0o600)


def build_cluster(scenario: Path | None, seed: int | None, speed: float) -> Any:
    """The scenario's cluster (or three default nodes) on a real-time clock at `speed`."""
    from sim.cluster import Cluster
    from sim.scenario.model import NodePool

    if scenario is not None:
        return Cluster.from_scenario(scenario, seed=seed, realtime=True, speed=speed)
    pool = NodePool(**DEFAULT_NODE_POOL)  # type: ignore[arg-type]
    return Cluster(seed=seed or 0, node_pools=[pool], realtime=True, speed=speed)


@click.command()
@click.argument(
    "scenario", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--port", default=6443, show_default=True, help="Port to listen on (0: any free port)."
)
@click.option("--address", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--speed", default=1.0, show_default=True, help="Simulated seconds per wall second.")
@click.option("--seed", type=int, default=None, help="Override the scenario's spec.seed.")
@click.option(
    "--kubeconfig",
    "kubeconfig_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("kubesim.kubeconfig"),
    show_default=True,
    help="Where to write the kubeconfig for kubectl.",
)
@click.option(
    "--token",
    default=None,
    help="Require this bearer token (401 without it); serves HTTPS with a fresh CA.",
)
@click.option(
    "--viewer-token",
    default=None,
    help="A second token that may only get, list and watch (403 for anything else).",
)
def serve(
    scenario: Path | None,
    port: int,
    address: str,
    speed: float,
    seed: int | None,
    kubeconfig_path: Path,
    token: str | None,
    viewer_token: str | None,
) -> None:
    """Run SCENARIO on a wall clock and serve the Kubernetes API (kubectl, client libraries)."""
    from sim.api.errors import ApiError
    from sim.scenario.loader import ScenarioError

    if speed <= 0:
        raise click.BadParameter("must be > 0", param_hint="--speed")
    try:
        cluster = build_cluster(scenario, seed, speed)
    except (ScenarioError, ApiError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    auth = TokenAuth()
    if token:
        auth.add(token, "admin")
    if viewer_token:
        if not token:
            raise click.BadParameter("needs --token as well", param_hint="--viewer-token")
        auth.add(viewer_token, "viewer", read_only=True)
    driver = SimDriver(cluster.clock, realtime=True, speed=speed)
    tls = make_serving_cert(("127.0.0.1", "localhost", address)) if token else None
    server = HttpApiServer(
        cluster.api,
        driver,
        host=address,
        port=port,
        auth=auth,
        tls=tls,
        kubelet_source=cluster_kubelet_source(cluster),
    )
    try:
        server.start()
    except OSError as e:
        raise click.ClickException(f"cannot listen on {address}:{port}: {e.strerror}") from None
    write_kubeconfig(kubeconfig_path, server.url, token, tls.ca_pem if tls else None)
    click.echo(f"kubesim serving {server.url} at {speed:g}x real time (Ctrl-C to stop)")
    click.echo(f"export KUBECONFIG={kubeconfig_path.resolve()}")
    sys.stdout.flush()

    def on_signal(_signum: int, _frame: Any) -> None:
        driver.stop()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        driver.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        driver.stop()
        server.stop()
    click.echo(f"stopped at t={cluster.clock.now:.1f}s after {server.requests} requests")
