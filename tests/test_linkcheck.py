"""The link check (kbsite/linkreport.py, tools/finish_site.py linkcheck): seeded defects in both languages, look-alikes, formats, serve."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES, MKDOCS, ROOT, free_port, write_config

LINKCHECK = ROOT / "tools" / "finish_site.py"  # its linkcheck command

# Every defect seeded in tests/fixtures/linkcheck, as reported. The fixture
# also holds valid look-alikes (accented anchor, percent-encoded anchor,
# footnote, query string, directory URL, srcset 1x, mailto, tel:911, the
# English heading) that must not appear.
EXPECTED = {
    "docs/index.md:14: broken-link: absente.md",
    "docs/index.md:14: broken-anchor: guides/materiel.md#materiel-essentiel",
    "docs/index.md:20: broken-link: nulle-part/",
    "docs/index.md:24: broken-link: img/absente.png",
    "docs/index.md:25: broken-link: img/absente-2x.png",
    "docs/index.md:27: bad-mailto: mailto:pas-une-adresse",
    "docs/index.md:27: bad-tel: tel:abc",
    "docs/index.en.md:14: broken-anchor: guides/materiel.md#matériel-essentiel",
    "docs/index.en.md:15: broken-link: missing.md",
}
REPORT = re.compile(r"linkcheck: (\S+:\d+: [\w-]+: \S+)")


def reported(log: str) -> list[str]:
    return REPORT.findall(log)


def build_defects(shared_build, **kwargs):
    return shared_build("linkcheck", strict=False, **kwargs)


def test_build_fails_and_reports_each_defect_once_with_file_and_line(shared_build):
    build = build_defects(shared_build)
    assert build.returncode != 0, "a broken link must fail mkdocs build, strict or not"
    lines = reported(build.log)
    assert sorted(lines) == sorted(set(lines)), "each defect once"
    assert set(lines) == EXPECTED
    assert "9 broken link(s)" in build.log


# Written for directory URLs, these two raw HTML links break with file URLs.
DIRECTORY_ONLY = {
    "docs/index.md:21: broken-link: guides/materiel/?x=1",
    "docs/index.md:22: broken-link: guides/materiel",
}
# Both url styles, each with the defects it must report.
URL_STYLES = pytest.mark.parametrize(
    "extra, expected",
    [("use_directory_urls: false\n", EXPECTED | DIRECTORY_ONLY), ("", EXPECTED)],
    ids=["file-urls", "directory-urls"],
)


@URL_STYLES
def test_same_defects_with_either_url_style_and_a_sub_path(shared_build, extra, expected):
    build = build_defects(shared_build, site_url="http://127.0.0.1:8000/kb/", extra=extra)
    assert build.returncode != 0
    assert set(reported(build.log)) == expected


def test_theme_generated_link_is_reported_once_with_its_template(build_fixture):
    build = build_fixture(
        "bilingual", strict=False, extra="copyright: '<a href=\"credits-absents/\">Crédits</a>'\n"
    )
    assert build.returncode != 0
    errors = [line for line in build.log.splitlines() if "linkcheck:" in line and "credits-absents" in line]
    # The footer repeats it on the 4 French pages and the French 404 (English
    # has its own copyright line in mkdocs.yml): one report, not five.
    assert len(errors) == 1, build.log
    assert "theme templates" in errors[0] and "[on 5 pages]" in errors[0]


def test_valid_site_passes(fixture_site):
    site = fixture_site("bilingual")
    assert "linkcheck" not in site.log


def run_standalone(*args):
    return subprocess.run([sys.executable, str(LINKCHECK), "linkcheck", *map(str, args)], capture_output=True, text=True, timeout=120)


def test_standalone_finds_the_same_defects_in_a_built_site(shared_build):
    build = build_defects(shared_build)
    result = run_standalone(build.site_dir, "--site-url", build.site_url, "--format", "json")
    assert result.returncode == 1, result.stderr
    items = json.loads(result.stdout)
    assert {(i["page"], i["kind"], i["target"]) for i in items} == {
        ("index.html", "broken-link", "absente.md"),
        ("index.html", "broken-anchor", "guides/materiel/#materiel-essentiel"),
        ("index.html", "broken-link", "nulle-part/"),
        ("index.html", "broken-link", "img/absente.png"),
        ("index.html", "broken-link", "img/absente-2x.png"),
        ("index.html", "bad-mailto", "mailto:pas-une-adresse"),
        ("index.html", "bad-tel", "tel:abc"),
        ("en/index.html", "broken-anchor", "guides/materiel/#matériel-essentiel"),
        ("en/index.html", "broken-link", "missing.md"),
    }
    assert all(isinstance(i["line"], int) and i["line"] > 0 for i in items)


def test_standalone_github_format_and_clean_exit(shared_build, fixture_site):
    build = build_defects(shared_build)
    result = run_standalone(build.site_dir, "--format", "github")
    lines = result.stdout.splitlines()
    assert len(lines) == 9 and all(re.match(r"^::error file=[^,]+,line=\d+::[\w-]+: ", line) for line in lines)
    clean = run_standalone(fixture_site("bilingual").site_dir, "--site-url", "http://127.0.0.1:8000/")
    assert clean.returncode == 0 and clean.stdout == ""


@URL_STYLES
def test_standalone_with_docs_dir_reports_markdown_lines_like_the_build(shared_build, extra, expected):
    build = build_defects(shared_build, site_url="http://127.0.0.1:8000/kb/", extra=extra)
    workdir = build.site_dir.parent
    result = subprocess.run(
        [sys.executable, str(LINKCHECK), "linkcheck", "site", "--site-url", build.site_url, "--docs-dir", "docs", "--format", "github"],
        cwd=workdir, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stderr
    annotations = {
        re.sub(r"^::error file=([^,]+),line=(\d+)::([\w-]+): (\S+) - .*$", r"\1:\2: \3: \4", line)
        for line in result.stdout.splitlines()
    }
    assert annotations == expected


def test_standalone_rejects_a_missing_directory(tmp_path):
    result = run_standalone(tmp_path / "nope")
    assert result.returncode == 2 and "is not a directory" in result.stderr


def test_real_site_has_no_defect_for_the_standalone_checker(real_site):
    result = run_standalone(real_site.build.site_dir, "--site-url", real_site.base_url)
    assert result.returncode == 0, result.stdout


def test_serve_warns_and_keeps_serving(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "linkcheck", docs)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    config = write_config(tmp_path, docs, tmp_path / "unused")
    port = free_port()
    process = subprocess.Popen(
        [str(MKDOCS), "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        import urllib.request

        from test_serve import wait_for_port

        wait_for_port(port, process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert re.search(r"WARNING\s+-\s+linkcheck: docs/index.md:14: broken-link: absente.md", output), output
    assert "ERROR" not in output


def test_build_with_worker_processes_reports_the_same(build_fixture, monkeypatch):
    # Big sites are checked in worker processes (spawned: they must find kbsite).
    monkeypatch.setenv("KB_LINKCHECK_WORKERS", "2")
    build = build_defects(build_fixture)
    assert "Traceback" not in build.log, build.log
    assert set(reported(build.log)) == EXPECTED
