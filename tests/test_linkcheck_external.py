"""External link checks against servers this test starts on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from kbsite.external import Settings, check_urls

FAST = Settings(timeout=1.0, retries=2, backoff=0.05, max_retry_after=2.0, workers=4, per_host=2, ttl=3600)


class Behaviour(http.server.BaseHTTPRequestHandler):
    hits: dict[str, list[float]] = {}
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def _answer(self):
        with self.lock:
            times = self.hits.setdefault(self.path, [])
            times.append(time.monotonic())
            count = len(times)
        path = self.path
        if path == "/ok":
            self._send(200)
        elif path == "/moved":
            self._send(301, {"Location": "/ok"})
        elif path == "/found":
            self._send(302, {"Location": "/ok"})
        elif path == "/missing":
            self._send(404)
        elif path == "/gone":
            self._send(410)
        elif path == "/busy-then-ok":
            self._send(429, {"Retry-After": "1"}) if count == 1 else self._send(200)
        elif path == "/unavailable-then-ok":
            self._send(503) if count == 1 else self._send(200)
        elif path == "/always-busy":
            self._send(429, {"Retry-After": "0"})
        elif path == "/robots-not-welcome":
            self._send(403)
        elif path == "/no-head":
            self._send(405) if self.command == "HEAD" else self._send(200)
        else:
            self._send(500)

    def _send(self, code, headers=None):
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = _answer
    do_GET = _answer


@pytest.fixture
def server():
    Behaviour.hits = {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Behaviour)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def silent_host():
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_each_kind_of_answer(server, silent_host, tmp_path):
    urls = {name: f"{server}/{name}" for name in (
        "ok", "moved", "found", "missing", "gone", "busy-then-ok", "unavailable-then-ok",
        "always-busy", "robots-not-welcome", "no-head")}
    urls["silent"] = f"{silent_host}/page"
    results = check_urls(list(urls.values()), FAST, tmp_path / "cache.json")
    status = {name: results[url].status for name, url in urls.items()}
    assert status == {
        "ok": "ok",
        "moved": "redirected",
        "found": "ok",  # a temporary redirect is not worth a report
        "missing": "broken",
        "gone": "broken",
        "busy-then-ok": "ok",
        "unavailable-then-ok": "ok",
        "always-busy": "unverified",
        "robots-not-welcome": "unverified",
        "no-head": "ok",
        "silent": "unreachable",
    }
    assert results[urls["moved"]].new_url == f"{server}/ok"
    assert results[urls["missing"]].code == 404 and results[urls["gone"]].code == 410


def test_retry_after_is_honoured(server, tmp_path):
    check_urls([f"{server}/busy-then-ok"], FAST, tmp_path / "cache.json")
    first, second = Behaviour.hits["/busy-then-ok"]
    assert second - first >= 0.9, "Retry-After: 1 asks for a one-second wait"


def test_a_host_that_never_answers_costs_one_timeout(silent_host, tmp_path):
    settings = Settings(timeout=1.0, retries=3, backoff=0.05, ttl=3600)
    started = time.monotonic()
    result = check_urls([f"{silent_host}/a"], settings, tmp_path / "cache.json")
    # One timeout (1 s), no retries after it; a generous bound, not a speed test.
    assert time.monotonic() - started < 3 * settings.timeout
    assert result[f"{silent_host}/a"].status == "unreachable"


def test_second_run_within_the_ttl_sends_no_request(server, tmp_path):
    cache = tmp_path / "cache.json"
    urls = [f"{server}/ok", f"{server}/missing"]
    first = check_urls(urls, FAST, cache)
    requests_after_first = sum(len(v) for v in Behaviour.hits.values())
    second = check_urls(urls, FAST, cache)
    assert sum(len(v) for v in Behaviour.hits.values()) == requests_after_first
    assert {u: r.status for u, r in first.items()} == {u: r.status for u, r in second.items()}
    # Past the TTL, they are checked again
    expired = Settings(**{**FAST.__dict__, "ttl": 0})
    check_urls(urls, expired, cache)
    assert sum(len(v) for v in Behaviour.hits.values()) > requests_after_first


def test_per_host_limit(tmp_path):
    active, peak, lock = [0], [0], threading.Lock()

    class Slow(Behaviour):
        def _answer(self):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.2)
            with lock:
                active[0] -= 1
            self._send(200)

        do_HEAD = _answer
        do_GET = _answer

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        check_urls([f"{base}/{i}" for i in range(8)], FAST, tmp_path / "cache.json")
    finally:
        httpd.shutdown()
    assert peak[0] <= FAST.per_host


def test_standalone_external_reports_broken_and_moved_links(server, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        f'<html><body><a href="{server}/missing">a</a>\n<a href="{server}/moved">b</a>\n'
        f'<a href="{server}/ok">c</a><a href="{server}/ok#part">d</a></body></html>'
    )
    check = [sys.executable, str(ROOT / "tools/finish_site.py"), "linkcheck", str(site), "--external"]
    options = ["--cache", str(tmp_path / "c.json"), "--timeout", "1"]
    command = [*check, "--format", "json", *options]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    items = {item["target"]: item for item in json.loads(result.stdout)}
    assert items[f"{server}/missing"]["kind"] == "broken-external" and items[f"{server}/missing"]["error"]
    assert items[f"{server}/moved"]["kind"] == "redirected-external"
    assert items[f"{server}/moved"]["new_url"] == f"{server}/ok" and not items[f"{server}/moved"]["error"]
    assert f"{server}/ok" not in items
    # One check, two renderings: annotations on stdout, the same items as text in a file
    report = tmp_path / "report.txt"
    both = subprocess.run([*check, "--format", "github", "--text-report", str(report), *options],
                          capture_output=True, text=True, timeout=60)
    text = subprocess.run([*check, "--format", "text", *options], capture_output=True, text=True, timeout=60)
    assert both.returncode == text.returncode == 1
    assert both.stdout.splitlines() == [f"::error file=index.html,line=1::broken-external: {server}/missing - "
                                        "the external site answers that this page does not exist",
                                        f"::warning file=index.html,line=2::redirected-external: {server}/moved - "
                                        "the external page moved permanently"]
    assert report.read_text(encoding="utf-8") == text.stdout
    # Without --external, no request at all
    before = sum(len(v) for v in Behaviour.hits.values())
    offline = subprocess.run(command[:4], capture_output=True, text=True, timeout=60)
    assert offline.returncode == 0 and sum(len(v) for v in Behaviour.hits.values()) == before


def external_link_pages(tmp_path, server) -> Path:
    """A French and an English home page, each with a broken and a working external link (line 14)."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    for name, title in (("index.md", "Accueil"), ("index.en.md", "Home")):
        (docs / name).write_text(
            f"---\ntitle: {title}\ndescription: External link test page for the link checker, with one broken link.\n"
            "type: reference\naudience: [frontline]\ntopics: [training]\nsources: []\n"
            "last_reviewed: 2026-01-15\nreview_every: 12\n---\n\n"
            f"# {title}\n\n[gone]({server}/missing) and [fine]({server}/ok).\n"
        )
    return docs


@pytest.mark.parametrize("parallel", [False, True], ids=["mkdocs-build", "parallel-build"])
def test_build_checks_external_links_only_when_asked(server, tmp_path, parallel):
    """Both `mkdocs build` and the parallel build of `python3 dev.py build`."""
    docs = external_link_pages(tmp_path, server)
    offline = run_build(docs, tmp_path / "offline", strict=False, parallel=parallel)
    assert offline.returncode == 0 and Behaviour.hits == {}, offline.log
    online = run_build(docs, tmp_path / "online", strict=False, env={"KB_LINKCHECK_EXTERNAL": "1"}, parallel=parallel)
    assert online.returncode != 0
    # Reported where an editor fixes it: each Markdown file and line, once
    reported = [line for line in online.log.splitlines() if "broken-external" in line]
    assert len(reported) == 2, online.log
    assert any(f"/docs/index.md:14: broken-external: {server}/missing -" in line for line in reported)
    assert any(f"/docs/index.en.md:14: broken-external: {server}/missing -" in line for line in reported)
    # Deduplicated across both languages: one request per URL (HEAD)
    assert {path: len(times) for path, times in Behaviour.hits.items()} == {"/missing": 1, "/ok": 1}
