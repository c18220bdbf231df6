"""A kubelet and a controller in another process, through the HTTP client, against `kubesim serve`.

The served cluster (a scenario with two in-process nodes and the ReplicaSet controller disabled)
runs in one subprocess; `python -m sim.http.remote` runs the kubelet of a third node and the
ReplicaSet controller in another. The cluster converges as it does in-process: the ReplicaSet's
pods are created (by the remote controller), scheduled on all three nodes, started (on
`remote-1` by the remote kubelet) and Ready, and the ReplicaSet's status says so.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.http.conftest import needs_kubectl
from tests.http.test_e2e import Serve

pytestmark = needs_kubectl

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = """apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: remote}
spec:
  seed: 7
  cluster:
    nodePools:
    - name: node
      count: 2
      capacity: {cpu: "4", memory: 16Gi, pods: "110"}
    controllerManager:
      controllers: ["*", "-replicaset-controller"]
"""


def replicaset_yaml(name: str, replicas: int) -> str:
    return f"""apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: {name}
        image: nginx:1.27
        readinessProbe: {{httpGet: {{port: 80}}, periodSeconds: 5}}
"""


def wait_for(what: str, check: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Serve]:
    scenario = tmp_path / "remote.yaml"
    scenario.write_text(SCENARIO)
    s = Serve(tmp_path, str(scenario))
    try:
        yield s
    finally:
        if s.proc.poll() is None:
            s.stop()


def start_remote(url: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "sim.http.remote", "--server", url,
            "--kubelet", "remote-1", "--controllers", "replicaset-controller",
        ],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    banner = proc.stdout.readline()
    if not banner.startswith("kubesim remote:"):
        proc.kill()
        raise AssertionError(f"the remote did not start: {banner}{proc.communicate()[1]}")
    return proc


def test_a_remote_kubelet_and_replicaset_controller_converge_the_cluster(served: Serve) -> None:
    url = served.banner.split()[2]
    served.kubectl("apply", "-f", "-", stdin=replicaset_yaml("early", 1))
    time.sleep(1.0)  # 20 simulated seconds: nobody in the server creates its pod
    assert served.kubectl("get", "pods", "-o", "name").stdout == ""

    remote = start_remote(url)
    try:
        wait_for(
            "node remote-1 Ready",
            lambda: served.kubectl(
                "get", "node", "remote-1", "-o", "jsonpath={.status.conditions[?(@.type=='Ready')].status}",
                check=False,
            ).stdout == "True",
        )  # fmt: skip
        served.kubectl("apply", "-f", "-", stdin=replicaset_yaml("web", 6))

        def ready(name: str, n: int) -> Callable[[], bool]:
            return lambda: (
                served.kubectl("get", "rs", name, "-o", "jsonpath={.status.readyReplicas}").stdout
                == str(n)
            )

        wait_for("early ready", ready("early", 1))
        wait_for("web ready", ready("web", 6))
        wide = served.kubectl("get", "pods", "-l", "app=web", "-o", "wide").stdout.splitlines()
        rows = [line.split() for line in wide[1:]]
        assert len(rows) == 6 and all(r[1] == "1/1" and r[2] == "Running" for r in rows)
        nodes = sorted({r[6] for r in rows})
        assert "remote-1" in nodes, wide
        # scaling down is the remote controller's work as well
        served.kubectl("scale", "rs/web", "--replicas=2")
        wait_for(
            "web scaled to 2",
            lambda: len(
                served.kubectl("get", "pods", "-l", "app=web", "-o", "name").stdout.split()
            ) == 2,
        )  # fmt: skip
    finally:
        remote.send_signal(2)
        out, err = remote.communicate(timeout=15)
    assert remote.returncode == 0, err
    assert out.strip().endswith("s") and "stopped at t=" in out
