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
    assert "html_allowlist: ([^:]+):([0-9]+): (.*)$/::error file=" in workflow  # HTML problems, from the build
    assert "finish_site.py linkcheck site --docs-dir docs --format github" in workflow
    assert (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").is_file()


def load(name: str) -> dict:
    import yaml

    text = (ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader)  # "on" stays a string key


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_main_is_built_and_deployed_with_the_official_pages_actions():
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    uses = [step.get("uses", "").split("@")[0] for step in steps(workflow)]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses
    build = next(step for step in steps(workflow) if step.get("run") == "python3 dev.py build")
    assert build["env"]["KB_SITE_URL"].startswith("${{ steps.pages.outputs.base_url }}")
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"


def test_weekly_external_link_check_keeps_its_cache_across_runs():
    workflow = load("external-links.yml")
    assert workflow["on"]["schedule"][0]["cron"].split()[4] == "1"  # weekly, on Mondays
    restore = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/cache/restore@"))
    save = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/cache/save@"))
    # A new key each run (a key cannot be overwritten), found again by its prefix.
    assert "github.run_id" in save["with"]["key"] and save["with"]["key"] == restore["with"]["key"]
    assert restore["with"]["restore-keys"].strip() == "linkcheck-external-"
    assert save["with"]["path"] == restore["with"]["path"] == ".cache/linkcheck-external.json"
    assert save["if"] == "${{ always() }}"  # saved even when a link is broken
    check = next(step for step in steps(workflow) if "--external" in step.get("run", ""))
    assert "--format github" in check["run"] and "GITHUB_STEP_SUMMARY" in check["run"]
    # One check, rendered twice (annotations, and the text the summary shows), not two checks.
    assert check["run"].count("finish_site.py linkcheck") == 1 and "--text-report report.txt" in check["run"]
    # Only this workflow reports external links: the pull-request checks never go online.
    assert "--external" not in (ROOT / ".github" / "workflows" / "checks.yml").read_text(encoding="utf-8")
