"""GitHub workflow files: valid against GitHub's schema (vendored in check-jsonschema, offline)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

CHECK = Path(sys.executable).parent / "check-jsonschema"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def validate(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def test_every_workflow_is_valid():
    assert WORKFLOWS
    result = validate(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_invalid_workflow_is_caught(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOWS[0].read_text(encoding="utf-8").replace("runs-on:", "run-on:"), encoding="utf-8")
    result = validate(broken)
    assert result.returncode != 0


def test_pull_requests_run_the_readme_test_command_and_annotate():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^(python3 dev\.py test)\b", readme, re.M).group(1)
    workflow = (ROOT / ".github" / "workflows" / "checks.yml").read_text(encoding="utf-8")
    assert "pull_request" in workflow and f"run: {command}" in workflow
    assert "dev.py check --format github" in workflow
    assert "linkcheck.py site --docs-dir docs --format github" in workflow
    assert (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").is_file()
