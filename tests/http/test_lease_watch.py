"""`kubectl get leases -w` against `kubesim serve`: a real client watching Leases sees every
renewal (one MODIFIED event per kubelet every 10 s), although a quiet cluster's renewals are
standing renewals that nobody writes while nobody looks (sim/apiserver/renewals.py)."""

from __future__ import annotations

import subprocess

from tests.http.conftest import KUBECTL, SPEED, Serve, needs_kubectl

pytestmark = needs_kubectl


def test_kubectl_watching_leases_sees_a_renewal_every_ten_seconds(serve3: Serve) -> None:
    serve3.kubectl("wait", "--for=condition=Ready", "node/node-1", "--timeout=30s")
    assert KUBECTL is not None
    proc = subprocess.Popen(
        [
            KUBECTL,
            "--kubeconfig",
            str(serve3.kubeconfig),
            "get",
            "leases",
            "-n",
            "kube-node-lease",
            "-w",
            "--output-watch-events",
            "-o",
            "custom-columns=EVENT:.type,NAME:.object.metadata.name,RENEW:.object.spec.renewTime",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, _err = proc.communicate(timeout=45 / SPEED)  # 45 simulated seconds
    except subprocess.TimeoutExpired:
        proc.terminate()
        out, _err = proc.communicate(timeout=10)
    rows = [line.split() for line in out.splitlines()[1:] if line.strip()]
    renewals = {}
    for event, name, renew in rows:
        if event == "MODIFIED":
            renewals.setdefault(name, []).append(renew)
    assert sorted(renewals) == ["node-1", "node-2", "node-3"]
    for times in renewals.values():
        assert len(times) >= 3 and times == sorted(times) and len(set(times)) == len(times)
        assert all(t[18:] == "0.000000Z" for t in times)  # on the 10 s renewal instants
