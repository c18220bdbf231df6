"""The teaching notebooks run top to bottom as written and show what they say.

Each code cell's saved outputs (what it printed, and the value of its last expression, as
Jupyter shows them) are what running it here gives. A deliberate change regenerates them:

    KUBESIM_REGEN_NOTEBOOKS=1 .venv/bin/pytest tests/test_notebooks.py
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REGEN = os.environ.get("KUBESIM_REGEN_NOTEBOOKS") == "1"


def run_cell(source: str, name: str, scope: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """Run one cell as Jupyter would; its outputs in the notebook format."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    value = None
    with contextlib.redirect_stdout(out):
        exec(compile(tree, name, "exec"), scope)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), name, "eval"), scope)
    outputs: list[dict[str, Any]] = []
    if out.getvalue():
        text = out.getvalue()
        outputs.append({"name": "stdout", "output_type": "stream", "text": text.splitlines(True)})
    if value is not None:
        outputs.append(
            {
                "data": {"text/plain": repr(value).splitlines(True)},
                "execution_count": count,
                "metadata": {},
                "output_type": "execute_result",
            }
        )
    return outputs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_shows_what_it_says(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    nb = json.loads(path.read_text())
    scope: dict[str, Any] = {"__name__": "notebook"}
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for i, cell in enumerate(code_cells):
        got = run_cell("".join(cell["source"]), f"{path.name}[{i}]", scope, i + 1)
        if REGEN:
            cell["outputs"], cell["execution_count"] = got, i + 1
            continue
        assert cell.get("outputs"), f"{path.name} cell {i} has no saved outputs: regenerate"
        assert got == cell["outputs"], f"{path.name} cell {i} shows other outputs than it says"
    if REGEN:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
