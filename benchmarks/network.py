"""kube-proxy at scale: memory and time per endpoint change with N nodes sharing the tables.

Builds a topology of N nodes (default 5,000) in racks of 40 across 3 zones, and a ProxyTables
log fed directly (no API server, to isolate the proxy's own cost): S Services of E endpoints
each, then C endpoint changes (one endpoint flips ready <-> not ready), one every 10 ms of
simulated time, so every node is always behind by its 1-1.5 s sync delay. Reports:
- time per endpoint change (the commit into the shared log, including amortised compaction);
- time per routed connection from a random node (the node's version by binary search, the
  service's table at that version, the random pick);
- memory of the tables (tracemalloc) after the churn, against what one private copy of every
  table per node would hold (N x the size of one full table set);
- a partition of one rack from the control plane (freeze 40 nodes) and its heal.

    .venv/bin/python benchmarks/network.py [--nodes 5000] [--services 200] [--endpoints 50] [--changes 20000]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.core import Clock, RandomStreams  # noqa: E402
from sim.network.proxy import Endpoint, ProxyTables, ServicePort, ServiceState  # noqa: E402
from sim.network.topology import Topology  # noqa: E402


def build(nodes: int) -> tuple[Clock, Topology, ProxyTables]:
    clock = Clock()
    topo = Topology()
    for z in range(3):
        topo.add_zone(f"zone-{z}")
    for i in range(nodes):
        rack = f"rack-{i // 40}"
        topo.add_rack(rack, f"zone-{(i // 40) % 3}")
        topo.add_node(f"node-{i}", {"kubesim.io/rack": rack})
    tables = ProxyTables(clock, topo, RandomStreams(1).stream("bench"), sync_delay_s=1.0)
    return clock, topo, tables


def service(s: int, eps: int, flipped: set[int], nodes: int) -> ServiceState:
    endpoints = tuple(
        Endpoint(
            f"10.{s // 250}.{s % 250}.{e}",
            f"node-{(s * eps + e) % nodes}",
            "",
            e not in flipped,
            e not in flipped,
            False,
            f"default/s{s}-{e}",
            f"uid-{s}-{e}",
            (("", 8080),),
        )
        for e in range(eps)
    )
    return ServiceState(
        f"default/s{s}",
        "ClusterIP",
        f"10.96.{s // 250}.{s % 250 + 1}",
        (ServicePort("", 80, "TCP", 0),),
        False,
        10800.0,
        False,
        False,
        endpoints,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--services", type=int, default=200)
    ap.add_argument("--endpoints", type=int, default=50)
    ap.add_argument("--changes", type=int, default=20000)
    ap.add_argument("--routes", type=int, default=50000)
    a = ap.parse_args()

    t0 = time.perf_counter()
    clock, topo, tables = build(a.nodes)
    print(
        f"topology: {a.nodes} nodes, {topo.graph.number_of_edges()} links, built in {time.perf_counter() - t0:.2f} s"
    )

    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    flipped: list[set[int]] = [set() for _ in range(a.services)]
    tables.commit(
        {f"default/s{s}": service(s, a.endpoints, flipped[s], a.nodes) for s in range(a.services)}
    )
    one_copy = tracemalloc.get_traced_memory()[0] - base
    rng = RandomStreams(2).stream("churn")
    dt = 0.0
    for _ in range(a.changes):
        s = rng.integers(0, a.services)
        e = rng.integers(0, a.endpoints)
        flipped[s] ^= {e}
        new = service(s, a.endpoints, flipped[s], a.nodes)
        t0 = time.perf_counter()
        tables.commit({f"default/s{s}": new})
        dt += time.perf_counter() - t0
        clock.run(until=clock.now + 0.01)
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    print(
        f"{a.changes} endpoint changes: {1e6 * dt / a.changes:.1f} us per change (commit into the shared log, compaction amortised)"
    )
    print(
        f"tables after churn: {used / 2**20:.1f} MiB; one full table set: {one_copy / 2**20:.2f} MiB; "
        f"a private copy per node would be ~{a.nodes * one_copy / 2**30:.1f} GiB"
    )
    print(f"log: {tables.stats()}")

    nodes = [f"node-{i}" for i in range(a.nodes)]
    t0 = time.perf_counter()
    hits = 0
    for i in range(a.routes):
        node = nodes[rng.integers(0, a.nodes)]
        s = i % a.services
        r = tables.route(node, cluster_ip=f"10.96.{s // 250}.{s % 250 + 1}", port=80)
        hits += r.endpoint is not None
    dt = time.perf_counter() - t0
    print(
        f"{a.routes} connections from random nodes: {1e6 * dt / a.routes:.1f} us each ({hits} routed)"
    )

    t0 = time.perf_counter()
    topo.partition("rack-0", [["rack-0"], ["control-plane"]])
    t1 = time.perf_counter()
    topo.heal("rack-0")
    t2 = time.perf_counter()
    print(
        f"partition of one rack from the control plane: {1e3 * (t1 - t0):.1f} ms; heal: {1e3 * (t2 - t1):.1f} ms"
    )


if __name__ == "__main__":
    main()
