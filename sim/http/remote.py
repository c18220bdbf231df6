"""Control loops in another process: a kubelet and controllers against a served API.

    python -m sim.http.remote --server URL [--kubelet NODE ...] [--controllers a,b]
                              [--pool NAME] [--capacity cpu=4,memory=16Gi,pods=110]
                              [--ordinal N] [--seed N] [--token T]

`RemoteCluster` builds the same `Runtime` port that `sim.cluster.Cluster` hands every component
(sim/client/runtime.py: `clock`, `streams`, `trace`, `client(user)`, `informers`), over
`HttpClient` instead of the in-process front, so the kubelet and the controllers run unchanged. Its clock is
set to the server's simulated instant (`GET /kubesim/v1/clock`) and paced in real time at the
server's speed by this process's own `SimDriver`, so timestamps the loops write (lease renewals,
container start times) agree with the server's clock to within a request's round trip.

Node identity: a remote node's InternalIP and fallback pod CIDR come from its ordinal
(`--ordinal`, default 1000, so that they do not collide with the server's in-process nodes,
which count from 0); node IPAM on the server normally assigns the pod CIDR first. The kubelet
runs on a simulated host from the scenario defaults (`SimulatedBackend`), with the node name
given rather than derived from the pool.

SIGINT or SIGTERM stops the driver; the process exits 0. Logs of the remote node's pods are not
served (the API server would proxy to this kubelet's port 10250, which is not modelled).
"""

from __future__ import annotations

import signal
import sys
from typing import Any

import click
import orjson

from sim.client.runtime import ComponentRuntime
from sim.core import Clock, RandomStreams, TraceRecorder
from sim.core.driver import SimDriver
from sim.http.client import HttpClient
from sim.http.server import CLOCK_PATH
from sim.http.transport import Transport

__all__ = ["DEFAULT_ORDINAL", "RemoteCluster", "fetch_clock", "main"]

DEFAULT_ORDINAL = 1000
DEFAULT_CAPACITY = {"cpu": "4", "memory": "16Gi", "pods": "110"}


def fetch_clock(url: str, token: str | None = None, timeout_s: float = 10.0) -> dict[str, Any]:
    """The served cluster's clock: now (simulated seconds), epoch, speed, realtime."""
    transport = Transport(url, token=token, user_agent="kubesim-remote")
    try:
        status, body = transport.request("GET", CLOCK_PATH, {}, None, "").result(timeout_s)
    finally:
        transport.close()
    if status != 200:
        raise RuntimeError(f"GET {url}{CLOCK_PATH}: HTTP {status}: {body[:200]!r}")
    info: dict[str, Any] = orjson.loads(body)
    return info


class RemoteCluster:
    """What a control loop needs of a Cluster, over HTTP (see the module docstring)."""

    def __init__(
        self, url: str, *, seed: int = 0, token: str | None = None, keep_trace: bool = False
    ):
        info = fetch_clock(url, token)
        self.url = url
        self.token = token
        self.seed = int(seed)
        speed = float(info["speed"])
        self.clock = Clock(speed=speed, epoch=str(info["epoch"]))
        if float(info["now"]) > 0:
            self.clock.run(until=float(info["now"]))  # nothing is scheduled yet: instant
        self.driver = SimDriver(self.clock, realtime=True, speed=speed)
        self.streams = RandomStreams(self.seed)
        self.trace = TraceRecorder(self.clock, keep=keep_trace)
        self.clients: list[HttpClient] = []
        self.runtime = ComponentRuntime(
            self.clock, self.streams, self.trace, self.client, seed=self.seed
        )
        self.informers = self.runtime.informers
        self.kubelets: Any = None
        self.controllers: Any = None

    def client(self, user: str) -> HttpClient:
        """A client acting as `user` (the server names it after the User-Agent, or the token)."""
        c = HttpClient(self.url, self.driver, user=user, token=self.token)
        self.clients.append(c)
        return c

    @property
    def now(self) -> float:
        return self.clock.now

    def add_kubelet(
        self,
        name: str,
        *,
        pool: str = "remote",
        ordinal: int = DEFAULT_ORDINAL,
        capacity: dict[str, str] | None = None,
        kubelet_config: dict[str, Any] | None = None,
        images: Any = None,
    ) -> Any:
        """Start a simulated host and a kubelet registering Node `name` (call before `run`).
        There is no network model here: every node reaches the API server."""
        from runtime_adapters.simulated import BACKEND_FIELDS, SimulatedBackend
        from sim.kubelet import install, node_ip_for
        from sim.scenario.model import NodePool

        if self.kubelets is None:
            self.kubelets = install(
                self.runtime,
                kubelet_config,
                lambda section: SimulatedBackend.from_section(
                    self.clock, self.streams, section, images
                ),
                BACKEND_FIELDS,
            )
        fleet = self.kubelets
        node_pool = NodePool(name=pool, count=1, capacity=dict(capacity or DEFAULT_CAPACITY))
        fleet.start_node(
            name, node_pool, ordinal, fleet.backend.new_host(name, node_ip_for(ordinal))
        )
        return fleet.kubelet(name)

    def start_controllers(self, names: list[str], config: dict[str, Any] | None = None) -> Any:
        """Start the named kube-controller-manager controllers (upstream names)."""
        from sim.controllers import install as install_controllers

        cfg = dict(config or {})
        cfg["controllers"] = list(names)
        self.controllers = install_controllers(self.runtime, cfg)
        return self.controllers

    def run(self) -> None:
        """Run the loops on this thread until `stop()` (or SIGINT/SIGTERM in `main`)."""
        try:
            self.driver.run()
        finally:
            self.close()

    def stop(self) -> None:
        self.driver.stop()

    def close(self) -> None:
        for c in self.clients:
            c.close()
        self.clients = []


def _capacity(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise click.BadParameter(f"expected name=quantity, got {part!r}")
        out[key.strip()] = value.strip()
    return out


@click.command()
@click.option("--server", required=True, help="The served API, e.g. http://127.0.0.1:6443.")
@click.option("--kubelet", "kubelets", multiple=True, help="Run a kubelet for this node.")
@click.option(
    "--controllers",
    default="",
    help="Comma-separated controller names, e.g. replicaset-controller.",
)
@click.option("--pool", default="remote", show_default=True, help="The kubelets' node pool label.")
@click.option("--capacity", default="cpu=4,memory=16Gi,pods=110", show_default=True)
@click.option("--ordinal", default=DEFAULT_ORDINAL, show_default=True, help="First node ordinal.")
@click.option("--seed", default=0, show_default=True, help="Seed of this process's streams.")
@click.option("--token", default=None, help="Bearer token (the server must serve plain HTTP).")
def main(
    server: str,
    kubelets: tuple[str, ...],
    controllers: str,
    pool: str,
    capacity: str,
    ordinal: int,
    seed: int,
    token: str | None,
) -> None:
    """Run kubelets and controllers in this process against a served API."""
    names = [n.strip() for n in controllers.split(",") if n.strip()]
    if not kubelets and not names:
        raise click.UsageError("nothing to run: give --kubelet and/or --controllers")
    caps = _capacity(capacity)
    try:
        remote = RemoteCluster(server, seed=seed, token=token)
    except (OSError, RuntimeError) as e:
        raise click.ClickException(f"cannot reach {server}: {e}") from None
    try:
        for i, node in enumerate(kubelets):
            remote.add_kubelet(node, pool=pool, ordinal=ordinal + i, capacity=caps)
        if names:
            remote.start_controllers(names)
    except Exception as e:  # noqa: BLE001 - a bad name or config is a usage error
        remote.close()
        raise click.ClickException(str(e)) from None
    click.echo(
        f"kubesim remote: kubelets [{' '.join(kubelets)}] controllers [{' '.join(names)}] "
        f"against {server} from t={remote.clock.now:.1f}s"
    )
    sys.stdout.flush()
    previous = signal.signal(signal.SIGTERM, lambda _s, _f: remote.stop())
    try:
        remote.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(f"stopped at t={remote.clock.now:.1f}s")


if __name__ == "__main__":
    main()
