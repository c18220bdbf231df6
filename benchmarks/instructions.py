"""Instructions per scheduled pod, counted by valgrind's callgrind: a figure that, unlike pods
per wall second, does not move with the load of a shared machine (two runs agree within
0.1%), so that a change to the hot path can be judged on a busy two-core VM.

The workload is SchedulingBasic's shape (benchmarks/scheduler.py): N nodes, 1,000 initial
pods, then M measured pods; the count covers the measured pods after the first 200 of them
(warm caches), from the informers' add to the Event, the whole simulation included.

    .venv/bin/python benchmarks/instructions.py [--nodes 5000] [--measured 1000] [--no-events]

Needs `valgrind` (Debian package valgrind); the run takes about a minute. Inside valgrind this
script is started again with `--child`; instrumentation is switched on and off around the
measured pods with `callgrind_control`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WARM = 200


def child(nodes: int, measured: int, events: bool) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from scheduler import WORKLOADS, with_initial_pods  # the benchmark's own set-up

    make, initial, _, _ = WORKLOADS["SchedulingBasic"]
    c, sched, t = with_initial_pods("SchedulingBasic", nodes, record_events=events)
    for i in range(measured + WARM):
        c.api.create("pods", make(i, True))
    while sched.scheduled < initial + WARM:
        t += 0.05
        c.run(t)
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    while sched.scheduled < initial + WARM + measured:
        t += 5
        c.run(t)
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--measured", type=int, default=1000)
    ap.add_argument("--no-events", action="store_true", help="without the Scheduled Event")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.nodes, args.measured, not args.no_events)
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("benchmarks/instructions.py needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={tmp}/callgrind.out",
            sys.executable,
            __file__,
            "--child",
            f"--nodes={args.nodes}",
            f"--measured={args.measured}",
        ] + (["--no-events"] if args.no_events else [])
        out = subprocess.run(cmd, capture_output=True, text=True)
        m = re.search(r"Collected : (\d+)", out.stderr)
        if out.returncode != 0 or m is None:
            raise SystemExit(f"callgrind run failed:\n{out.stderr[-2000:]}")
    per_pod = int(m.group(1)) / args.measured
    label = "SchedulingBasic" + (" (no Events)" if args.no_events else "")
    print(f"{label:28s} {args.nodes} nodes  {args.measured:6d} pods  {per_pod:10,.0f} instr/pod")


if __name__ == "__main__":
    main()
