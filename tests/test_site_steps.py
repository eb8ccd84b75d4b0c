"""The steps over the finished site (kbsite/site_steps.py) run without MkDocs hooks.

A build of the real site with hooks/finish.py left out stands for another
builder's output (the pages, without any of the steps); ``tools/finish_site.py
steps`` then finishes it, and the result must be the full build, byte for
byte. Then each step alone, and the steps' settings (kbsite/settings.py).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys

import pytest

from conftest import MKDOCS, PINNED, ROOT, SUB_PATH_URL, page_text, run_build, write_config, write_tree
from kbsite import material, settings, site_steps

FINISH = ROOT / "tools" / "finish_site.py"


def files(site) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def test_the_steps_finish_a_site_built_without_them_into_the_full_build(tmp_path, pinned_real_build):
    """The site steps are plain Python over site/: run after a build that had
    none of them, they give exactly what the end of ``mkdocs build`` gives."""
    config = write_config(tmp_path, ROOT / "docs", tmp_path / "site")
    text = config.read_text(encoding="utf-8")
    assert "hooks/finish.py" in text
    config.write_text("".join(line for line in text.splitlines(keepends=True) if "hooks/finish.py" not in line),
                      encoding="utf-8")
    env = {**os.environ, **PINNED, "KB_SITE_URL": SUB_PATH_URL, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run([str(MKDOCS), "build", "--strict", "-f", str(config)], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    site = tmp_path / "site"
    assert not (site / "search" / "kb" / "manifest.json").exists()  # no step has run
    assert not (site / "_headers").exists()
    finished = subprocess.run([sys.executable, str(FINISH), "steps", "-f", str(config)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    names = files(pinned_real_build.site_dir)
    assert files(site) == names
    _, mismatch, errors = filecmp.cmpfiles(pinned_real_build.site_dir, site, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_running_the_steps_again_changes_nothing(tmp_path, pinned_real_build):
    """Every step can run over a finished site again (``dev.py finish`` after a
    build) and leaves it as it was."""
    site = tmp_path / "site"
    shutil.copytree(pinned_real_build.site_dir, site)
    config = write_config(tmp_path, ROOT / "docs", site)
    env = {**os.environ, **PINNED, "KB_SITE_URL": SUB_PATH_URL, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, str(FINISH), "steps", "-f", str(config)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    names = files(pinned_real_build.site_dir)
    _, mismatch, errors = filecmp.cmpfiles(pinned_real_build.site_dir, site, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_one_step_alone_and_an_unknown_step(tmp_path, pinned_real_build):
    site = tmp_path / "site"
    shutil.copytree(pinned_real_build.site_dir, site)
    (site / "_headers").unlink()
    config = write_config(tmp_path, ROOT / "docs", site)
    env = {**os.environ, **PINNED, "KB_SITE_URL": SUB_PATH_URL, "NO_MKDOCS_2_WARNING": "1"}
    run = [sys.executable, str(FINISH), "steps", "-f", str(config), "--only"]
    result = subprocess.run([*run, "headers"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (site / "_headers").read_bytes() == (pinned_real_build.site_dir / "_headers").read_bytes()
    unknown = subprocess.run([*run, "sitemap"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 2 and "unknown step(s): sitemap; the steps are: sitemaps," in unknown.stderr


def test_a_defect_found_by_a_step_fails_the_command_with_its_closing_line(tmp_path, pinned_real_build):
    site = tmp_path / "site"
    shutil.copytree(pinned_real_build.site_dir, site)
    (site / "x.js").write_text("alert(1)", encoding="utf-8")
    config = write_config(tmp_path, ROOT / "docs", site)
    env = {**os.environ, **PINNED, "KB_SITE_URL": SUB_PATH_URL, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, str(FINISH), "steps", "-f", str(config), "--only", "site_safety"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "ERROR    -  site_safety: x.js: unsafe: a JavaScript file" in result.stderr
    assert "site: 1 unsafe file(s) in the built site" in result.stderr


def test_a_missing_search_index_is_named_when_the_pages_have_a_search_box(tmp_path, pinned_real_build):
    """Without Material's search plugin there is no search box and nothing to
    set up; with the box and no index, the search would be broken: the step
    says so instead of skipping."""
    site = tmp_path / "site"
    shutil.copytree(pinned_real_build.site_dir, site)
    (site / "search" / "search_index.json").unlink()
    config = write_config(tmp_path, ROOT / "docs", site)
    env = {**os.environ, **PINNED, "KB_SITE_URL": SUB_PATH_URL, "NO_MKDOCS_2_WARNING": "1"}
    run = [sys.executable, str(FINISH), "steps", "-f", str(config), "--only", "search_settings"]
    result = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "search_settings: search/search_index.json is missing, but the pages have Material's search box" \
        in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    home = site / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace(material.SEARCH_BOX, ""), encoding="utf-8")
    quiet = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 0, quiet.stderr


# --- Settings ------------------------------------------------------------------

def test_a_misspelt_setting_fails_the_build_naming_the_key(tmp_path):
    docs = write_tree(tmp_path / "docs", {"a.md": page_text("# A\n", "A")})
    build = run_build(docs, tmp_path, extra="extra:\n  kb_nav_ordr: [a.md]\n")
    assert build.returncode != 0
    assert "extra.kb_nav_ordr: not a setting of this site (known: kb_nav_order, kb_offline_keep, kb_redirects)" \
        in build.log


@pytest.mark.parametrize("parallel", [False, True], ids=["mkdocs-build", "parallel-build"])
def test_a_variable_with_a_value_it_does_not_take_fails_the_build_naming_it(tmp_path, parallel):
    docs = write_tree(tmp_path / "docs", {"a.md": page_text("# A\n", "A")})
    build = run_build(docs, tmp_path, env={"KB_LINKCHECK_EXTERNAL": "oui"}, parallel=parallel)
    assert build.returncode != 0
    assert "KB_LINKCHECK_EXTERNAL='oui': expected one of" in build.log
    assert "Traceback" not in build.log, build.log


@pytest.mark.parametrize("environ, problem", [
    ({"KB_LINKCHECK_WORKERS": "two"}, "KB_LINKCHECK_WORKERS='two': expected a whole number of 1 or more"),
    ({"KB_LINKCHECK_WORKERS": "0"}, "KB_LINKCHECK_WORKERS='0': expected a whole number of 1 or more"),
    ({"KB_TODAY": "01/12/2026"}, "KB_TODAY='01/12/2026': expected a date written YYYY-MM-DD"),
    ({"KB_CSP_META": "maybe"}, "KB_CSP_META='maybe': expected one of"),
])
def test_each_variable_is_checked(environ, problem):
    with pytest.raises(settings.SettingsError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        settings.environment(environ)


def test_the_variables_as_read():
    read = settings.environment({"KB_LINKCHECK_EXTERNAL": "1", "KB_LINKCHECK_WORKERS": "3", "KB_TODAY": "2026-12-01",
                                 "KB_CSP_META": "0", "KB_BUILD_LANGUAGE": "en"})
    assert (read.external_links, read.linkcheck_workers, str(read.today), read.csp_meta, read.build_language) == \
        (True, 3, "2026-12-01", False, "en")
    default = settings.environment({})
    assert (default.external_links, default.linkcheck_workers, default.today, default.csp_meta,
            default.build_language) == (False, None, None, True, None)


def test_the_real_settings_are_valid_and_a_wrong_shape_is_named():
    from conftest import repo_config

    assert settings.extra_problems(repo_config()["extra"]) == []
    assert settings.extra_problems({"kb_redirects": None, "kb_nav_order": None}) == []  # left empty: none
    problems = settings.extra_problems({"kb_offline_keep": [{"path": "/surdose/", "fr": "En cas de surdose"}],
                                        "kb_nav_order": ["index.md", "index.md"], "generator": False})
    assert sorted(problems) == ["extra.kb_nav_order: ['index.md', 'index.md'] has non-unique elements",
                                "extra.kb_offline_keep.0.path: '/surdose/' does not match '^([^/:?#][^:?#]*/)?$'"]
    assert site_steps.NAMES[-2:] == ("linkcheck", "site_safety")  # the checks read the finished site last
