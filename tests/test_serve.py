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
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
