"""Determinism: a run is a pure function of (scenario, seed).

Replay a failure with the seed hypothesis prints, or with
`kubesim run scenarios/default.yaml --seed N`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis import given, settings

from sim import ApiError, Cluster
from tests.conftest import pod

ROOT = Path(__file__).resolve().parent.parent

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 5), st.booleans()),
        st.tuples(st.just("label"), st.integers(0, 5), st.sampled_from(["a", "b"])),
        st.tuples(st.just("delete"), st.integers(0, 5), st.booleans()),
        st.tuples(st.just("watch"), st.integers(0, 3), st.sampled_from(["", "app=a", "app=b"])),
        st.tuples(st.just("advance"), st.integers(1, 30), st.just(None)),
        st.tuples(st.just("compact"), st.just(0), st.just(None)),
    ),
    max_size=40,
)


def run_ops(seed: int, ops: list[tuple[str, int, Any]]) -> tuple[str, list[str]]:
    c = Cluster(seed=seed)
    seen: list[str] = []
    for op, i, arg in ops:
        try:
            if op == "create":
                body = pod(f"p{i}", node="n1" if arg else None)
                if i % 2:
                    del body["metadata"]["name"]
                    body["metadata"]["generateName"] = f"p{i}-"
                c.api.create("pods", body)
            elif op == "label":
                c.api.patch("pods", f"p{i}", {"metadata": {"labels": {"app": arg}}})
            elif op == "delete":
                c.api.delete("pods", f"p{i}", grace_period_seconds=0 if arg else None)
            elif op == "watch":
                rv = str(max(0, c.store.revision - i))
                c.api.watch(
                    "pods",
                    lambda ev: seen.append(
                        f"{ev.type} {ev.object['metadata']['name']} {ev.object['metadata']['resourceVersion']}"
                    ),
                    resource_version=rv,
                    label_selector=arg or None,
                )
            elif op == "advance":
                c.run(until=c.now + i)
            elif op == "compact" and c.store.revision > c.store.compact_revision:
                c.store.compact(c.store.revision)
        except ApiError as e:
            c.trace.record("test", "error", op, "", e.message)
    return c.trace_digest(), seen


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), ops=OPS)
def test_same_seed_and_operations_give_the_same_trace_and_watch_streams(
    seed: int, ops: list[tuple[str, int, Any]]
) -> None:
    assert run_ops(seed, ops) == run_ops(seed, ops)


def test_a_different_seed_changes_the_digest_where_randomness_is_used() -> None:
    ops = [("create", 1, False), ("create", 2, False), ("advance", 5, None)]  # generateName + uids
    assert run_ops(1, ops)[0] != run_ops(2, ops)[0]


def _digest_in_subprocess(hashseed: str, seed: int | None = None) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    cmd = [sys.executable, "-m", "sim.cli", "run", str(ROOT / "scenarios" / "default.yaml")]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith("trace sha256: ")
    return last.split()[-1]


def test_scenario_digest_is_the_same_under_any_pythonhashseed() -> None:
    assert _digest_in_subprocess("0") == _digest_in_subprocess("1")


def test_scenario_digest_changes_with_the_seed() -> None:
    assert _digest_in_subprocess("0", seed=1) != _digest_in_subprocess("0", seed=2)
