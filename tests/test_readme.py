"""The README stays true: every Python block in it runs as written, and prints what it says.

A `# -> text` comment line states what the `print(...)` call just above it prints (every line
that call prints, when it runs in a loop); `...` in the text stands for anything.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from sim.scheduler import scoped_registry

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
EXPECT = re.compile(r"^\s*# -> (.*)$")


def expectations(code: str) -> dict[int, re.Pattern[str]]:
    """Line number of each print call (1-based) -> the pattern its output must match."""
    lines = code.splitlines()
    out: dict[int, re.Pattern[str]] = {}
    for i, line in enumerate(lines):
        m = EXPECT.match(line)
        if m is None:
            continue
        call = i - 1
        while call >= 0 and EXPECT.match(lines[call]):
            call -= 1
        assert call >= 0 and "print(" in lines[call], f"`# -> ` without a print above: {line}"
        parts = [re.escape(p) for p in m.group(1).split("...")]
        out[call + 1] = re.compile(".*".join(parts) + r"\Z", re.S)
    return out


def run_block(code: str, filename: str) -> dict[int, list[str]]:
    """Run `code`; what each print call printed, by its line number."""
    printed: dict[int, list[str]] = {}

    def recording_print(*args: Any, sep: str = " ", end: str = "\n", **_kw: Any) -> None:
        frame = inspect.currentframe()
        assert frame is not None and frame.f_back is not None
        printed.setdefault(frame.f_back.f_lineno, []).append(sep.join(str(a) for a in args))

    exec(compile(code, filename, "exec"), {"__name__": "readme", "print": recording_print})
    return printed


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 2
    assert sum(len(expectations(b)) for b in BLOCKS) >= 6


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_python_block_prints_what_it_says(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    with scoped_registry():  # a block may register a scheduler plugin: not for later tests
        printed = run_block(code, "README.md")
    for line, pattern in expectations(code).items():
        got = printed.get(line)
        assert got, f"README block line {line} printed nothing"
        for text in got:
            assert pattern.match(text), f"README block line {line} printed {text!r}"
