"""scenarios/node-failure.yaml: a node stops heartbeating; the timings follow upstream.

nodeMonitorGracePeriod 50 s (1.32) after the last Lease renewal the controller observed (it
observes every nodeMonitorPeriod, 5 s), Ready turns Unknown; the next monitor pass adds the
unreachable NoExecute taint; the pods' 300 s toleration (DefaultTolerationSeconds) then runs
out, they are evicted and replaced on the other nodes.
"""

from __future__ import annotations

from pathlib import Path

from sim import Cluster

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "node-failure.yaml"
MONITOR_PERIOD_S = 5.0
GRACE_S = 50.0
TOLERATION_S = 300.0
SLACK_S = 0.1  # modelled API and watch latencies


def test_silent_node_is_marked_unknown_tainted_and_its_pods_replaced() -> None:
    c = Cluster.from_scenario(SCENARIO)
    c.run()
    recs = c.trace.records
    stop = next(r.time for r in recs if r.verb == "stop" and r.ref == "node/node-2")
    renewals = [
        r.time
        for r in recs
        if r.ref == "leases.coordination.k8s.io/kube-node-lease/node-2" and r.verb == "update"
    ]
    last_renewal = max(t for t in renewals if t <= stop)
    assert not [t for t in renewals if t > stop]

    unknown = next(
        r.time
        for r in recs
        if r.component == "node-lifecycle-controller"
        and r.verb == "status-unknown"
        and r.ref == "nodes/node-2"
    )
    assert GRACE_S < unknown - last_renewal <= GRACE_S + 2 * MONITOR_PERIOD_S + SLACK_S

    no_execute = next(
        r.time
        for r in recs
        if r.component == "node-lifecycle-controller"
        and r.verb == "taint"
        and r.ref == "nodes/node-2"
        and "NoExecute" in r.detail
    )
    assert 0 <= no_execute - unknown <= MONITOR_PERIOD_S + SLACK_S

    on_node_2 = {
        r.ref.split("/")[-1] for r in recs if r.verb == "bind" and r.detail == "node=node-2"
    }
    assert on_node_2, "the scenario must put pods on node-2"
    evictions = {
        r.ref.split("/")[-1]: r.time
        for r in recs
        if r.component == "taint-eviction-controller" and r.verb == "evict"
    }
    assert set(evictions) == on_node_2
    for t in evictions.values():
        assert TOLERATION_S <= t - no_execute <= TOLERATION_S + SLACK_S

    # replaced on the other nodes, and the Deployment is whole again
    later_binds = [r for r in recs if r.verb == "bind" and r.time > no_execute]
    assert len(later_binds) == len(on_node_2)
    assert all(r.detail != "node=node-2" for r in later_binds)
    d = c.get("deployments", "web")
    assert (d["status"]["availableReplicas"], d["status"]["readyReplicas"]) == (6, 6)
    node = c.get("nodes", "node-2", namespace=None)
    ready = next(x for x in node["status"]["conditions"] if x["type"] == "Ready")
    assert ready["status"] == "Unknown"
    assert {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}.items() <= next(
        t for t in node["spec"]["taints"] if t["effect"] == "NoExecute"
    ).items()
