"""Store and API throughput with 150,000 pods and three informers watching (run by hand).

    .venv/bin/python benchmarks/store_api.py [--pods 150000]

Measures, through the in-process API server core (admission, defaulting, validation, store):
pod creates, updates, gets and lists per wall second; watch events delivered to three
informers per second; peak RSS; and the memory each stored pod costs beyond the object itself
(store index and history, watch log, three informer caches with their indexes), measured as
the growth of RSS minus the deep size of the pod objects. Goals (issue 2): >= 20,000 creates/s
and <= 1.5 KB per pod of overhead.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from typing import Any

sys.path.insert(0, ".")

from sim.cluster import Cluster  # noqa: E402
from sim.scenario.model import NodePool  # noqa: E402

NAMESPACES = 50
NODES = 100


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def object_bytes(objs: list[Any]) -> int:
    """Bytes of the object graphs, each object counted once (shared strings once in all)."""
    seen: set[int] = set()
    total = 0
    stack = list(objs)
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)
    return total


def pod(i: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"web-{i}",
            "namespace": f"ns-{i % NAMESPACES}",
            "labels": {"app": f"app-{i % 500}", "tier": "web"},
        },
        "spec": {
            "nodeName": f"pool-{i % NODES + 1}",
            "containers": [
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 80}],
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                }
            ],
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=150_000)
    n = ap.parse_args().pods
    c = Cluster(
        tune_gc=True,
        seed=1,
        node_pools=[NodePool("pool", NODES, {"cpu": "64", "memory": "256Gi", "pods": "2000"})],
        keep_trace=False,
        compaction_interval_s=0,
        # the API machinery alone: static nodes, no component reacting to the pods
        controller_manager=False,
        scheduler=False,
        kubelet=False,
        network=False,
    )
    for i in range(NAMESPACES):
        c.api.create("namespaces", {"metadata": {"name": f"ns-{i}"}})
    informers = [
        c.informers.informer_for("pods"),
        c.informers.informer_for(
            "pods", indexers={"nodeName": lambda o: [o["spec"].get("nodeName", "")]}
        ),
        c.informers.informer_for("pods", namespace="ns-0"),
    ]
    for inf in informers:
        inf.start()
    c.run(until=1)
    gc.collect()
    base_rss = rss_bytes()

    manifests = [pod(i) for i in range(n)]
    t0 = time.perf_counter()
    for m in manifests:
        c.api.create("pods", m)
    t_create = time.perf_counter() - t0
    del manifests
    t0 = time.perf_counter()
    c.run(until=2)
    t_watch = time.perf_counter() - t0
    delivered = sum(len(inf.indexer) for inf in informers)
    assert len(informers[0].indexer) == n, "informer did not converge"
    # Memory: what the whole system holds per pod, minus what the pod objects alone take.
    # Compact the watch log away first, as the apiserver's compactor would.
    c.store.compact(c.store.revision)
    gc.collect()
    rss_after = rss_bytes()
    stored = [kv.value for kv in c.store.range("/registry/pods/", "/registry/pods0").kvs]
    obj_size = object_bytes(stored) / n
    del stored
    gc.collect()
    overhead = (rss_after - base_rss) / n - obj_size

    t0 = time.perf_counter()
    for i in range(n):
        c.api.get("pods", f"web-{i}", namespace=f"ns-{i % NAMESPACES}")
    t_get = time.perf_counter() - t0

    updates = min(n, 50_000)
    t0 = time.perf_counter()
    for i in range(updates):
        cur = c.api.get("pods", f"web-{i}", namespace=f"ns-{i % NAMESPACES}")
        c.api.patch(
            "pods",
            f"web-{i}",
            {"metadata": {"labels": {"rev": "2"}}},
            namespace=f"ns-{i % NAMESPACES}",
        )
        del cur
    t_update = time.perf_counter() - t0
    t0 = time.perf_counter()
    c.run(until=3)
    t_watch2 = time.perf_counter() - t0

    t0 = time.perf_counter()
    listed = 0
    for i in range(NAMESPACES):
        listed += len(c.api.list("pods", namespace=f"ns-{i}")["items"])
    t_list_ns = time.perf_counter() - t0
    t0 = time.perf_counter()
    cont, pages = None, 0
    while True:
        page = c.api.list("pods", limit=500, continue_=cont)
        pages += 1
        cont = page["metadata"].get("continue")
        if not cont:
            break
    t_list_paged = time.perf_counter() - t0

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"pods: {n}, informers: {len(informers)} (pods in caches: {delivered})")
    print(f"create: {n / t_create:,.0f} pods/s ({t_create:.2f} s)")
    print(f"watch: {delivered / t_watch:,.0f} events/s delivered to informers after creates")
    print(
        f"update (patch): {updates / t_update:,.0f} /s; watch after updates: "
        f"{(updates * 2 + updates // NAMESPACES) / t_watch2:,.0f} events/s"
    )
    print(f"get: {n / t_get:,.0f} /s")
    print(
        f"list by namespace: {listed / t_list_ns:,.0f} items/s; paged list of all (500/page): "
        f"{pages} pages in {t_list_paged:.2f} s = {n / t_list_paged:,.0f} items/s"
    )
    print(
        f"pod object (frozen) size: {obj_size:,.0f} B; overhead per stored pod: {overhead:,.0f} B"
    )
    print(f"peak RSS: {peak / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
