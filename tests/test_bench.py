"""bench/: the generated benchmark site must stay a valid site for the project's
checks (a content rule added later must not silently break the benchmarks)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, run_build


def test_generated_site_builds_strictly_with_every_hook(tmp_path):
    docs = tmp_path / "docs"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(docs), "--pages", "12"],
                   check=True, capture_output=True, timeout=120)
    build = run_build(docs, tmp_path / "build").ok()
    page = build.html("guides/g000/page-00000/")
    assert page.find("abbr", title=True), "the generated pages use the glossary's abbreviations"
    assert page.select(".admonition") and page.select("table")
    assert (build.site_dir / "_headers").is_file()
