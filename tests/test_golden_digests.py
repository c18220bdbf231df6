"""Every scenario under scenarios/ pinned to its trace digest (a golden file).

A refactoring that is meant to change nothing must leave each digest as it is; a commit that
changes one on purpose says why and regenerates the file deliberately:

    KUBESIM_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_golden_digests.py

`kubesim run` is checked through the CLI itself, with `--trace`: the printed digest must equal
the sha256 of the trace file it wrote. A SchedulerComparison pins each variant's digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "scenario_digests.json"
REGEN = os.environ.get("KUBESIM_REGEN_GOLDEN") == "1"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _kind(path: Path) -> str:
    return str(yaml.safe_load(path.read_text()).get("kind", ""))


def _digests(path: Path, tmp_path: Path) -> dict[str, str]:
    runner = CliRunner()
    if _kind(path) == "SchedulerComparison":
        res = runner.invoke(
            main, ["scheduler-compare", str(path), "--plot", str(tmp_path / "p.png")]
        )
        assert res.exit_code == 0, res.output
        found = re.findall(r"^(\S+)\s.*trace ([0-9a-f]{12})$", res.output, re.M)
        assert found, res.output
        return dict(found)
    trace = tmp_path / "trace.jsonl"
    res = runner.invoke(main, ["run", str(path), "--trace", str(trace)])
    assert res.exit_code == 0, res.output
    printed = re.search(r"^trace sha256: ([0-9a-f]{64})$", res.output, re.M)
    assert printed is not None, res.output
    assert hashlib.sha256(trace.read_bytes()).hexdigest() == printed.group(1)
    return {"run": printed.group(1)}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_digest_is_pinned(path: Path, tmp_path: Path) -> None:
    got = _digests(path, tmp_path)
    pinned = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    if REGEN:
        pinned[path.name] = got
        GOLDEN.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n")
        return
    assert path.name in pinned, f"{path.name} has no pinned digest: regenerate {GOLDEN.name}"
    assert got == pinned[path.name]
