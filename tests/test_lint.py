"""Ruff over the project's Python: the rules of pyproject.toml's [tool.ruff]
(pyflakes, pycodestyle's error classes, import order). Lint only: the code is
not in ruff's format, so `ruff format --check` is not run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

RUFF = Path(sys.executable).parent / "ruff"
CHECKED = ["hooks", "tools", "tests", "bench", "dev.py"]


def test_ruff_finds_nothing():
    assert RUFF.exists(), f"{RUFF} is missing: run the tests with `python3 dev.py test` (requirements-dev.txt has ruff)"
    result = subprocess.run(
        [str(RUFF), "check", "--no-fix", "--output-format=concise", *CHECKED],
        cwd=ROOT, capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"ruff check found problems (`ruff check --fix` fixes those marked [*]):\n"
                    f"{result.stdout}{result.stderr}", pytrace=False)
