"""Liveness: after random scales, updates, pod kills and node losses stop, every Deployment and
ReplicaSet converges to its spec within a bounded simulated time (TESTING.md, liveness)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.controllers import deployment_util as du
from sim.controllers.util import is_pod_active, is_pod_ready
from tests.conftest import deployment
from tests.controllers.conftest import make_cluster

APPS = ("a", "b")
NODES = 4
# a lost node: 50 s grace + 5 s monitor + 300 s toleration, then replacement and start
CONVERGENCE_BOUND_S = 500.0

ops = st.lists(
    st.one_of(
        st.tuples(st.just("scale"), st.sampled_from(APPS), st.integers(0, 6)),
        st.tuples(st.just("update"), st.sampled_from(APPS), st.integers(1, 3)),
        st.tuples(st.just("kill"), st.sampled_from(APPS), st.integers(0, 5)),
        st.tuples(st.just("lose-node"), st.just(""), st.integers(1, NODES)),
        st.tuples(st.just("wait"), st.just(""), st.integers(1, 60)),
    ),
    min_size=1,
    max_size=8,
)


def converged(c: Any, lost: set[str]) -> list[str]:
    problems = []
    for d in c.api.list("deployments")["items"]:
        name, want = d["metadata"]["name"], d["spec"]["replicas"]
        st_ = d.get("status") or {}
        got = (
            st_.get("replicas", 0),
            st_.get("updatedReplicas", 0),
            st_.get("availableReplicas", 0),
        )
        if (
            got != (want, want, want)
            or st_.get("observedGeneration") != d["metadata"]["generation"]
        ):
            problems.append(f"{name} status {got} want {want}")
        rss = [
            rs
            for rs in c.api.list("replicasets")["items"]
            if rs["metadata"]["name"].startswith(f"{name}-")
        ]
        live = [rs for rs in rss if rs["spec"]["replicas"] > 0]
        if want and (
            len(live) != 1
            or not du.equal_ignore_hash(live[0]["spec"]["template"], d["spec"]["template"])
        ):
            problems.append(f"{name} live replica sets {[rs['metadata']['name'] for rs in live]}")
        for rs in rss:
            rst = rs.get("status") or {}
            if (
                rst.get("replicas", 0) != rs["spec"]["replicas"]
                or rst.get("readyReplicas", 0) != rs["spec"]["replicas"]
            ):
                problems.append(
                    f"{rs['metadata']['name']} status {dict(rst)} spec {rs['spec']['replicas']}"
                )
        pods = [
            p for p in c.api.list("pods", label_selector=f"app={name}")["items"] if is_pod_active(p)
        ]
        if len(pods) != want or not all(
            is_pod_ready(p) and p["spec"]["nodeName"] not in lost for p in pods
        ):
            problems.append(f"{name} has {len(pods)} active pods, want {want} ready off lost nodes")
    return problems


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), plan=ops)
def test_deployments_converge_after_faults_stop(
    seed: int, plan: list[tuple[str, str, int]]
) -> None:
    c, _cm, k = make_cluster(nodes=NODES, seed=seed)
    for app in APPS:
        c.apply(deployment(app, 3))
    c.run(20)
    lost: set[str] = set()
    for verb, app, n in plan:
        if verb == "scale":
            c.scale("deployments", app, n)
        elif verb == "update":
            d = c.get("deployments", app)
            c.apply(deployment(app, d["spec"]["replicas"], image=f"nginx:1.{27 + n}"))
        elif verb == "kill":
            pods = sorted(
                p["metadata"]["name"]
                for p in c.list("pods", label_selector=f"app={app}")
                if p["status"].get("phase") == "Running"
                and not p["metadata"].get("deletionTimestamp")
            )
            if pods:
                k.kill_pod("default", pods[n % len(pods)])
        elif verb == "lose-node" and len(lost) < NODES - 2:
            lost.add(f"z0-{n}")
            k.stop_node(f"z0-{n}")
        c.run(c.now + (n if verb == "wait" else 2))
    c.run(c.now + CONVERGENCE_BOUND_S)
    problems = converged(c, lost)
    assert not problems, f"seed={seed} plan={plan}: {problems}"
