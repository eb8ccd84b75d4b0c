"""bench/: the generated benchmark site must stay a valid site for the project's
checks (a content rule added later must not silently break the benchmarks)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from conftest import MKDOCS, ROOT, run_build


def test_generated_site_builds_strictly_with_every_hook(tmp_path):
    docs = tmp_path / "docs"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(docs), "--pages", "12"],
                   check=True, capture_output=True, timeout=120)
    build = run_build(docs, tmp_path / "build").ok()
    page = build.html("guides/g000/page-00000/")
    assert page.find("abbr", title=True), "the generated pages use the glossary's abbreviations"
    assert page.select(".admonition") and page.select("table")
    assert (build.site_dir / "_headers").is_file()


def bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_link_check_bench_leaves_out_the_link_check_and_nothing_else(tmp_path):
    """bench/linkcheck.py's build "without linkcheck": a broken link the link
    check would report passes, and the other steps still finish the site."""
    docs = tmp_path / "docs"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(docs), "--pages", "6"],
                   check=True, capture_output=True, timeout=120)
    with (docs / "index.md").open("a", encoding="utf-8") as home:
        home.write('\n<a href="nowhere/">a link no page answers</a>\n')
    bench = bench_module("linkcheck")
    without = bench.write_config(tmp_path, docs, tmp_path / "site-without", False)
    result = subprocess.run([str(MKDOCS), "build", "--strict", "-f", str(without)], capture_output=True, text=True,
                            env=bench.build_env(False), timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "nowhere/" not in result.stderr
    site = tmp_path / "site-without"
    # What the other steps write: headers, sitemaps, the search index
    assert (site / "_headers").is_file() and (site / "en" / "sitemap.xml").is_file()
    assert (site / "search" / "kb" / "manifest.json").is_file()
    # The same tree with the link check: the link is reported at its Markdown file
    with_check = bench.write_config(tmp_path, docs, tmp_path / "site-with", True)
    checked = subprocess.run([str(MKDOCS), "build", "--strict", "-f", str(with_check)], capture_output=True, text=True,
                             env=bench.build_env(True), timeout=300)
    assert checked.returncode != 0 and "docs/index.md" in checked.stderr and "nowhere/" in checked.stderr
