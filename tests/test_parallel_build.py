"""tools/parallel_build.py: one process per language, then the whole-site steps.

The parallel build must give exactly what the sequential build gives, and
fail the same way on bad input."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, MKDOCS, PINNED, ROOT, SUB_PATH_URL, run_build, write_config


def files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def test_parallel_build_of_the_real_site_is_byte_identical_to_the_sequential_build(tmp_path, pinned_real_build):
    sequential = pinned_real_build
    parallel = run_build(ROOT / "docs", tmp_path / "parallel", site_url=SUB_PATH_URL, env=PINNED, parallel=True).ok()
    assert "parallel build:" in parallel.log
    names = files(sequential.site_dir)
    assert len(names) > 300
    assert files(parallel.site_dir) == names
    _, mismatch, errors = filecmp.cmpfiles(sequential.site_dir, parallel.site_dir, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    # What the merge redoes: both languages in the root sitemap, every language's own files.
    sitemap = (parallel.site_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://org.github.io/kb/en/guides/guide-tuo/" in sitemap
    assert "https://org.github.io/kb/guides/guide-tuo/" in sitemap
    for path in ("404.html", "en/404.html", "search/search_index.json", "en/search/search_index.json",
                 "search/kb/manifest.json", "en/search/kb/manifest.json",
                 "embed/en/guides/guide-tuo/index.html", "_headers", "sw.js"):
        assert (parallel.site_dir / path).is_file(), path
    assert not (parallel.site_dir.parent / ".site.parts").exists(), "the per-language folders are removed"


def copy_fixture(name: str, workdir: Path) -> Path:
    docs = workdir / "docs"
    shutil.copytree(FIXTURES / name, docs)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets", dirs_exist_ok=True)
    return docs


def test_broken_links_fail_the_parallel_build_with_the_markdown_file_and_line(tmp_path):
    docs = copy_fixture("linkcheck", tmp_path)
    build = run_build(docs, tmp_path, strict=False, parallel=True)
    assert build.returncode != 0
    reported = re.findall(r"linkcheck: (\S+:\d+: [\w-]+: \S+)", build.log)
    # The same defects as the sequential build reports (tests/test_linkcheck.py), once each.
    assert "docs/index.md:14: broken-link: absente.md" in reported
    assert "docs/index.en.md:15: broken-link: missing.md" in reported
    assert len(reported) == len(set(reported)) == 9
    assert "9 broken link(s)" in build.log
    assert "Traceback" not in build.log


def test_front_matter_problems_stop_the_parallel_build_and_are_listed_once(tmp_path):
    docs = copy_fixture("frontmatter_errors", tmp_path)
    build = run_build(docs, tmp_path, parallel=True)
    assert build.returncode != 0
    assert "Traceback" not in build.log
    problems = [line for line in build.log.splitlines() if "content_model:" in line and ".md:" in line]
    assert problems and len(problems) == len(set(problems))
    assert "build failed" in build.log
    assert not (tmp_path / "site" / "index.html").exists()


def test_an_unknown_build_language_is_a_clear_error(tmp_path):
    docs = copy_fixture("bilingual", tmp_path)
    config = write_config(tmp_path, docs, tmp_path / "site")
    result = subprocess.run([str(MKDOCS), "build", "-f", str(config)], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, **PINNED, "KB_BUILD_LANGUAGE": "de"}, timeout=120)
    assert result.returncode != 0
    assert "KB_BUILD_LANGUAGE=de: not a built language of mkdocs.yml (one of: fr, en)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_mkdocs_yml_is_reported_without_a_traceback(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nnav: [\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "parallel_build.py"), "-f", str(config)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "error parsing the configuration file" in result.stderr and "line 3" in result.stderr
    assert "Traceback" not in result.stderr
