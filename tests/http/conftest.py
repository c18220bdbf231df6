"""Fixtures for the HTTP front: a served cluster on a free port, kubectl and the official client.

A served cluster runs on a virtual clock driven by a SimDriver thread: requests are answered at
the current simulated instant and time moves only when a test calls `served.advance(s)`, so
tests are deterministic. Every server is started on 127.0.0.1 with port 0 and always stopped.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sim import Cluster
from sim.http import HttpApiServer, SimDriver, TokenAuth, write_kubeconfig
from sim.http.nodeproxy import cluster_kubelet_source
from sim.http.tls import make_serving_cert
from sim.scenario.model import NodePool

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on the PATH")
POOL = NodePool(name="node", count=3, capacity={"cpu": "4", "memory": "16Gi", "pods": "110"})


def run_kubectl(
    kubeconfig: Path, args: tuple[str, ...], check: bool, stdin: str | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    """The real kubectl against `kubeconfig`; with `check`, a failure is an AssertionError
    that shows kubectl's stderr."""
    assert KUBECTL is not None
    proc = subprocess.run(
        [KUBECTL, "--kubeconfig", str(kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


@dataclass
class Served:
    cluster: Any
    driver: SimDriver
    server: HttpApiServer
    kubeconfig: Path

    @property
    def url(self) -> str:
        return self.server.url

    def advance(self, seconds: float) -> None:
        self.driver.advance(seconds)

    def sim(self, fn: Any) -> Any:
        """Run fn() on the simulation thread and return its result."""
        return self.driver.call(fn).result(10)

    def kubectl(
        self, *args: str, check: bool = True, stdin: str | None = None, timeout: float = 30
    ) -> subprocess.CompletedProcess[str]:
        return run_kubectl(self.kubeconfig, args, check, stdin, timeout)


def start_served(
    tmp_path: Path, *, token: str | None = None, viewer: str | None = None, **server_kw: Any
) -> Served:
    cluster = Cluster(seed=3, node_pools=[POOL], compaction_interval_s=0)
    cluster.run(until=2)  # the kubelets register their Nodes
    driver = SimDriver(cluster.clock)
    driver.start_thread()
    auth = TokenAuth()
    tls = None
    if token:
        auth.add(token, "admin")
        tls = make_serving_cert()
    if viewer:
        auth.add(viewer, "viewer", read_only=True)
    server_kw.setdefault("kubelet_source", cluster_kubelet_source(cluster))
    server = HttpApiServer(cluster.api, driver, port=0, auth=auth, tls=tls, **server_kw).start()
    path = tmp_path / "kubeconfig"
    write_kubeconfig(path, server.url, token, tls.ca_pem if tls else None)
    return Served(cluster, driver, server, path)


def stop_served(s: Served) -> None:
    s.server.stop()
    s.driver.stop()
    s.driver.join(5)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    s = start_served(tmp_path)
    try:
        yield s
    finally:
        stop_served(s)


def deployment_yaml(name: str = "web", replicas: int = 3, image: str = "nginx:1.27") -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels: {{app: {name}}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: {name}
        image: {image}
        ports: [{{containerPort: 80}}]
"""


SERVICE_YAML = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
"""


SPEED = 20.0  # the served cluster's real-time clock runs this many times faster


class Serve:
    """`kubesim serve` in a subprocess, on a free port, stopped with SIGINT."""

    def __init__(self, tmp: Path, *extra: str):
        self.kubeconfig = tmp / "kubeconfig"
        code = "import sys; from sim.http import serve; serve(sys.argv[1:])"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                code,
                "--port",
                "0",
                "--speed",
                str(SPEED),
                "--kubeconfig",
                str(self.kubeconfig),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert self.proc.stdout is not None
        self.banner = self.proc.stdout.readline()
        self.export = self.proc.stdout.readline()

    def kubectl(
        self, *args: str, check: bool = True, timeout: float = 60, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run_kubectl(self.kubeconfig, args, check, stdin, timeout)

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(2)  # SIGINT, as Ctrl-C
        out, _err = self.proc.communicate(timeout=15)
        return self.proc.returncode, out


@pytest.fixture
def serve3(tmp_path: Path) -> Iterator[Serve]:
    s = Serve(tmp_path)
    try:
        yield s
    finally:
        if s.proc.poll() is None:
            s.stop()
