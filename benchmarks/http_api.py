"""HTTP API benchmark: concurrent clients listing, watching and creating against `kubesim serve`.

    python benchmarks/http_api.py [--clients 50] [--duration 60] [--speed 1]

Starts `kubesim serve` (three nodes, real-time clock) in a subprocess on a free port of
127.0.0.1, then runs N asyncio clients in this process for DURATION seconds. Each client owns a
namespace, holds one watch on it for the whole run, and loops: create a pod (40%) or list the
namespace's pods (60%). At the end every client checks its watch saw each pod it created exactly
once as ADDED, in resourceVersion order (no missed, no duplicated events). Prints requests per
second and p50/p99 latency per verb, and exits 1 on any error or watch anomaly. Traffic goes only
to 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson

ROOT = Path(__file__).resolve().parent.parent


def start_server(speed: float, kubeconfig: Path) -> tuple[subprocess.Popen[str], str]:
    code = "import sys; from sim.http import serve; serve(sys.argv[1:])"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "--port",
            "0",
            "--speed",
            str(speed),
            "--kubeconfig",
            str(kubeconfig),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    banner = proc.stdout.readline()
    if not banner.startswith("kubesim serving "):
        proc.kill()
        raise SystemExit(f"the server did not start: {banner!r}")
    return proc, banner.split()[2]


class Stats:
    def __init__(self) -> None:
        self.latency_s: dict[str, list[float]] = {"create": [], "list": []}
        self.errors: list[str] = []


async def watcher(
    session: aiohttp.ClientSession,
    url: str,
    ns: str,
    seen: list[tuple[str, str, int]],
    ready: asyncio.Event,
    stop: asyncio.Event,
    stats: Stats,
) -> None:
    async with session.get(
        f"{url}/api/v1/namespaces/{ns}/pods", params={"watch": "true", "resourceVersion": "0"}
    ) as resp:
        if resp.status != 200:
            stats.errors.append(f"watch {ns}: HTTP {resp.status}")
            return
        ready.set()
        async for line in resp.content:
            ev = orjson.loads(line)
            obj = ev["object"]
            seen.append(
                (ev["type"], obj["metadata"]["name"], int(obj["metadata"]["resourceVersion"]))
            )
            if stop.is_set() and ev["type"] == "ADDED" and obj["metadata"]["name"] == "final":
                return


async def client(
    i: int, session: aiohttp.ClientSession, url: str, deadline: float, stats: Stats
) -> dict[str, Any]:
    ns = f"bench-{i}"
    rng = random.Random(i)
    seen: list[tuple[str, str, int]] = []
    ready, stop = asyncio.Event(), asyncio.Event()
    w = asyncio.create_task(watcher(session, url, ns, seen, ready, stop, stats))
    await asyncio.wait_for(ready.wait(), 30)
    created: list[str] = []
    n = 0
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        if rng.random() < 0.4:
            name = f"p{n}"
            n += 1
            body = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "labels": {"app": "bench"}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
            }
            async with session.post(
                f"{url}/api/v1/namespaces/{ns}/pods",
                data=orjson.dumps(body),
                headers={"Content-Type": "application/json"},
            ) as resp:
                await resp.read()
                verb, ok = "create", resp.status == 201
            if ok:
                created.append(name)
        else:
            async with session.get(
                f"{url}/api/v1/namespaces/{ns}/pods",
                params={"limit": "100", "labelSelector": "app=bench"},
            ) as resp:
                await resp.read()
                verb, ok = "list", resp.status == 200
        stats.latency_s[verb].append(time.monotonic() - t0)
        if not ok:
            stats.errors.append(f"{verb} {ns}: HTTP {resp.status}")
    # a last object marks the end of the stream for this watcher
    stop.set()
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "final"},
        "spec": {"containers": [{"name": "c", "image": "x"}]},
    }
    async with session.post(
        f"{url}/api/v1/namespaces/{ns}/pods",
        data=orjson.dumps(body),
        headers={"Content-Type": "application/json"},
    ) as resp:
        await resp.read()
    try:
        await asyncio.wait_for(w, 30)
    except TimeoutError:
        stats.errors.append(f"watch {ns}: the final event never arrived")
    added = [name for t, name, _rv in seen if t == "ADDED" and name != "final"]
    rvs = [rv for _t, _n, rv in seen]
    problems = []
    if sorted(added) != sorted(created):
        missing = sorted(set(created) - set(added))
        problems.append(f"{ns}: missed {len(missing)} events")
    if len(added) != len(set(added)):
        problems.append(f"{ns}: duplicated events")
    if rvs != sorted(rvs):
        problems.append(f"{ns}: events out of order")
    stats.errors.extend(problems)
    return {"created": len(created), "events": len(seen)}


async def run(
    url: str, clients: int, duration_s: float
) -> tuple[Stats, list[dict[str, Any]], float]:
    stats = Stats()
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), read_bufsize=1 << 22
    ) as session:
        for i in range(clients):
            async with session.post(
                f"{url}/api/v1/namespaces",
                data=orjson.dumps({"metadata": {"name": f"bench-{i}"}}),
                headers={"Content-Type": "application/json"},
            ) as resp:
                await resp.read()
        start = time.monotonic()
        results = await asyncio.gather(
            *(client(i, session, url, start + duration_s, stats) for i in range(clients))
        )
        elapsed = time.monotonic() - start
    return stats, results, elapsed


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--speed", type=float, default=1.0)
    args = ap.parse_args()
    kubeconfig = Path("/tmp") / f"kubesim-bench-{args.clients}.kubeconfig"
    proc, url = start_server(args.speed, kubeconfig)
    try:
        stats, results, elapsed = asyncio.run(run(url, args.clients, args.duration))
    finally:
        proc.send_signal(2)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    total = sum(len(v) for v in stats.latency_s.values())
    print(f"{args.clients} clients for {elapsed:.1f} s against {url}")
    print(
        f"requests: {total} ({total / elapsed:.0f}/s), pods created: {sum(r['created'] for r in results)}, watch events: {sum(r['events'] for r in results)}"
    )
    for verb, values in stats.latency_s.items():
        print(
            f"  {verb:6s} n={len(values):6d}  p50={pct(values, 50) * 1000:7.1f} ms  p99={pct(values, 99) * 1000:7.1f} ms"
        )
    if stats.errors:
        print(f"ERRORS ({len(stats.errors)}):")
        for e in stats.errors[:20]:
            print("  " + e)
        sys.exit(1)
    print("no errors; every watch saw each of its creates exactly once, in order")


if __name__ == "__main__":
    main()
