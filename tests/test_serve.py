"""`mkdocs serve`: the browser reloads when an editor saves a page."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

from conftest import FIXTURES, MKDOCS, ROOT, free_port, write_config


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"mkdocs serve exited early:\n{process.stdout.read()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("mkdocs serve did not start listening")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_saving_a_page_reloads_the_browser(tmp_path, recorded_page):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "bilingual", docs)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    config = write_config(tmp_path, docs, tmp_path / "unused-site")
    port = free_port()
    # Plain `mkdocs serve`, without --livereload: what the pinned click must keep working.
    process = subprocess.Popen(
        [str(MKDOCS), "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_for_port(port, process)
        page = recorded_page.page
        # "load", not "networkidle": the live-reload long poll keeps a request open.
        page.goto(f"http://127.0.0.1:{port}/guides/materiel/", wait_until="load")
        assert "Mise à jour enregistrée" not in page.content()

        source = docs / "guides" / "materiel.md"
        source.write_text(source.read_text() + "\nMise à jour enregistrée.\n")

        page.wait_for_function(
            "() => document.body.innerText.includes('Mise à jour enregistrée')", timeout=30_000
        )
        assert recorded_page.hosts() == {"127.0.0.1"}
    finally:
        stop(process)


def test_a_dirty_rebuild_reports_and_writes_what_a_full_build_does(tmp_path):
    """``serve --dirty`` (CONTRIBUTING's advice for big sites) renders only the
    edited page: the link report, the sitemaps and the search indexes must
    still be those of a full build of the same files, for every page."""
    import json
    import re
    import threading
    import urllib.request

    from conftest import run_build

    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "linkcheck", docs)  # broken links in both languages' home pages
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    (tmp_path / "serve").mkdir()
    config = write_config(tmp_path / "serve", docs, tmp_path / "unused-site")
    port = free_port()
    site_url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [str(MKDOCS), "serve", "--dirty", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_SITE_URL": site_url},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    # s/aj.json: the search index's words in "aj", where the added "ajoutée" goes
    outputs = ["sitemap.xml", "en/sitemap.xml", "search/search_index.json", "en/search/search_index.json",
               "search/kb/manifest.json", "en/search/kb/manifest.json"]

    def builds_done() -> int:
        # The first build's "Documentation built in …", then one "Reloading
        # browsers" per rebuild: mkdocs drops a build line that repeats an
        # earlier one word for word (DuplicateFilter), as a rebuild that
        # takes the same hundredths of a second does.
        first = any("Documentation built in" in line for line in lines)
        return first + sum("Reloading browsers" in line for line in lines)

    def wait_for_builds(count: int) -> None:
        deadline = time.monotonic() + 90
        while builds_done() < count:
            assert time.monotonic() < deadline and process.poll() is None, "".join(lines)
            time.sleep(0.2)

    def fetch(path: str) -> str:
        with urllib.request.urlopen(site_url + path, timeout=10) as response:
            return response.read().decode("utf-8")

    try:
        wait_for_port(port, process)
        wait_for_builds(1)
        first_report = len(lines)
        edited = docs / "guides" / "materiel.md"  # a page with no defect of its own
        edited.write_text(edited.read_text(encoding="utf-8") + "\nUne phrase ajoutée pendant la prévisualisation.\n",
                          encoding="utf-8")
        wait_for_builds(2)
        version = json.loads(fetch("search/kb/manifest.json"))["version"]
        outputs.append(f"search/kb/{version}/s/aj.json")
        served = {path: fetch(path) for path in outputs}
        rebuild_log = "".join(lines[first_report:])
    finally:
        stop(process)

    full = run_build(docs, tmp_path / "full", site_url=site_url, strict=False)
    report = re.compile(r"linkcheck: (.+?) - ")
    assert "A 'dirty' build" in "".join(lines)  # really a dirty build
    assert "ajoutée" in served[outputs[-1]]  # really rebuilt
    assert sorted(report.findall(rebuild_log)) == sorted(report.findall(full.log))
    assert report.findall(rebuild_log) and all(re.search(r"docs/index(\.en)?\.md:\d+: ", item)
                                               for item in report.findall(rebuild_log)), rebuild_log
    for path in outputs:
        written = (full.site_dir / path).read_text(encoding="utf-8")
        if path.endswith(".json"):
            assert json.loads(served[path]) == json.loads(written), path
        else:
            assert served[path] == written, path
