"""The link checker (tools/finish_site.py linkcheck) on the defect classes other checkers' suites found
(issue 16): malformed URLs, redirects, srcset, text fragments, ``<base href>``.

Each scenario is a small built-site folder written here (the checker works on
any built site) or, for file:line, a Markdown tree built with MkDocs. Servers
are started on 127.0.0.1 only. The peers' own cases stay in
../shared/peer-links/ (run.sh), outside the project.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading

import pytest

from conftest import BODY_LINE, ROOT, page_text, run_build, write_tree
from kbsite import textfragments
from kbsite.external import Settings, check_url
from kbsite.srcset import srcset_urls

LINKCHECK = ROOT / "tools" / "finish_site.py"  # its linkcheck command


def write_site(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def check(site, *args) -> tuple[int, list[dict], str]:
    result = subprocess.run([sys.executable, str(LINKCHECK), "linkcheck", str(site), "--format", "json", *map(str, args)],
                            capture_output=True, text=True, timeout=120)
    items = json.loads(result.stdout) if result.stdout.strip() else []
    return result.returncode, items, result.stderr


def reports(items) -> set[tuple[str, str, str]]:
    return {(item["page"], item["kind"], item["target"]) for item in items}


# --- malformed URLs -----------------------------------------------------------

def test_a_malformed_url_is_a_defect_of_its_page_and_the_check_goes_on(tmp_path):
    site = write_site(tmp_path / "site", {
        "index.html": '<a href="http://localhost]">a</a>\n<a href="https://example]org/x">b</a>\n'
                      '<a href="https;//example.com/x">c</a>\n<a href="absente.html">d</a>\n',
        "other.html": '<p>\n<a href="//[::1/x">e</a>\n<a href="index.html">home</a>\n'
                      '<a href="file:///C:/Users/moi/guide.pdf">f</a>\n',
    })
    code, items, stderr = check(site)
    assert "Traceback" not in stderr and code == 1
    assert reports(items) == {
        ("index.html", "malformed-url", "http://localhost]"),
        ("index.html", "malformed-url", "https://example]org/x"),
        ("index.html", "broken-link", "https;//example.com/x"),  # a relative path, as a browser reads it
        ("index.html", "broken-link", "absente.html"),
        ("other.html", "malformed-url", "//[::1/x"),
        ("other.html", "local-file", "file:///C:/Users/moi/guide.pdf"),
    }
    lines = {item["target"]: item["line"] for item in items}
    assert lines["http://localhost]"] == 1 and lines["absente.html"] == 4 and lines["//[::1/x"] == 2
    assert all(item["detail"] for item in items if item["kind"] == "malformed-url")


def test_a_malformed_url_in_markdown_is_reported_at_its_line(tmp_path):
    docs = write_tree(tmp_path / "docs", {
        "page.md": page_text("# Page\n\nUn [lien cassé](http://localhost]) ici.\n\nEt [une page](absente.md).\n"),
    })
    result = run_build(docs, tmp_path, strict=False)
    assert result.returncode != 0 and "Traceback" not in result.log
    # MkDocs itself cannot render it (urlsplit raises while it rewrites links): refused before rendering.
    assert f"docs/page.md:{BODY_LINE + 2}: markdown: link target 'http://localhost]' is not a valid URL" in result.log


def test_an_external_url_whose_host_cannot_exist_is_broken_without_a_request(tmp_path):
    for url, why in [("http://.example.org/", "label"), ("http://a..b.org/", "label"),
                     ("http://example.org:99999/", "port"), ("http://exa mple.org/", "characters"),
                     ("http:///path", "no host")]:
        result = check_url(url, Settings(timeout=1, retries=0))
        assert result.status == "broken" and why in result.detail, (url, result)
    site = write_site(tmp_path / "site", {"index.html": '<a href="http://.example.org/">x</a>\n'})
    code, items, stderr = check(site, "--external", "--cache", tmp_path / "cache.json")
    assert "Traceback" not in stderr and code == 1
    assert reports(items) == {("index.html", "broken-external", "http://.example.org/")}
    code, items, _ = check(site)  # without --external: not looked at
    assert code == 0 and items == []


# --- redirects ----------------------------------------------------------------

class Redirects(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self):
        path = self.path
        hops = {
            "/loop": "/loop", "/ping": "/pong", "/pong": "/ping",
            "/to-file": "file:///etc/passwd", "/to-ftp": "ftp://127.0.0.1/x", "/to-javascript": "javascript:alert(1)",
            "/temporary": "/ok", "/permanent": "/ok", "/to-missing": "/missing", "/no-location": None,
        }
        if path.startswith("/chain/"):  # /chain/N -> /chain/N-1 ... /chain/0 -> /ok
            left = int(path.rsplit("/", 1)[1])
            return self._send(302, {"Location": f"/chain/{left - 1}" if left else "/ok"})
        if path in hops:
            code = 308 if path == "/permanent" else 302
            return self._send(code, {"Location": hops[path]} if hops[path] else {})
        self._send(200 if path == "/ok" else 404)

    def _send(self, code, headers=None):
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer


@pytest.fixture
def redirect_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirects)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_redirects_are_followed_with_a_limit_and_only_to_http(redirect_server):
    settings = Settings(timeout=2, retries=0, max_redirects=10)
    outcome = {path: check_url(redirect_server + path, settings) for path in (
        "/loop", "/ping", "/to-file", "/to-ftp", "/to-javascript", "/chain/9", "/chain/10", "/temporary",
        "/permanent", "/to-missing", "/no-location")}
    status = {path: result.status for path, result in outcome.items()}
    assert status == {
        "/loop": "broken", "/ping": "broken", "/to-file": "broken", "/to-ftp": "broken", "/to-javascript": "broken",
        "/chain/9": "ok",  # 10 hops: at the limit
        "/chain/10": "broken",  # 11 hops
        "/temporary": "ok", "/permanent": "redirected", "/to-missing": "broken", "/no-location": "broken",
    }
    assert "loop" in outcome["/loop"].detail and "loop" in outcome["/ping"].detail
    assert "file:///etc/passwd" in outcome["/to-file"].detail
    assert "more than 10" in outcome["/chain/10"].detail
    assert outcome["/permanent"].new_url == redirect_server + "/ok"
    assert "404" in outcome["/to-missing"].detail


def test_redirect_defects_reach_the_report(redirect_server, tmp_path):
    site = write_site(tmp_path / "site", {"index.html": "".join(
        f'<a href="{redirect_server}{path}">x</a>\n' for path in ("/loop", "/to-file", "/temporary"))})
    code, items, stderr = check(site, "--external", "--timeout", "2", "--cache", tmp_path / "cache.json")
    assert code == 1 and "Traceback" not in stderr
    assert reports(items) == {("index.html", "broken-external", f"{redirect_server}/loop"),
                              ("index.html", "broken-external", f"{redirect_server}/to-file")}


# --- srcset -------------------------------------------------------------------

@pytest.mark.parametrize("value, urls", [
    ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
    ("a.png 480w,b.png 800w", ["a.png", "b.png"]),
    ("/cdn/format=webp,width=640/x.jpg 640w", ["/cdn/format=webp,width=640/x.jpg"]),  # a comma inside the URL
    ("data:image/png;base64,iVBORw0KGgo= 1x, b.png 2x", ["data:image/png;base64,iVBORw0KGgo=", "b.png"]),
    ("a.png,", ["a.png"]),  # trailing commas end the URL
    ("a.png,,, b.png", ["a.png", "b.png"]),
    (",a.png", ["a.png"]),
    ("a.png (1x, 2x), b.png", ["a.png", "b.png"]),  # a comma inside parentheses does not split
    ("a.png (((, b.png", ["a.png"]),  # parentheses never closed: the rest is descriptors
    ("  \n\ta.png\t1x  ", ["a.png"]),
    ("", []), (" , , ", []),
])
def test_srcset_is_parsed_as_the_html_standard_says(value, urls):
    assert srcset_urls(value) == urls


def test_srcset_candidates_are_checked_whole(tmp_path):
    site = write_site(tmp_path / "site", {
        "index.html": '<img alt="" srcset="cdn/format=webp,width=640/x.jpg 640w, data:image/gif;base64,R0lGOD=, '
                      'small.png 1x,">\n<img alt="" srcset="small.png 1x, absente.png 2x">\n',
        "cdn/format=webp,width=640/x.jpg": "", "small.png": "",
    })
    code, items, _ = check(site)
    assert reports(items) == {("index.html", "broken-link", "absente.png")}


# --- text fragments -----------------------------------------------------------

TEXT_PAGE = """<html><head><style>.cache-style{}</style><script>var cacheScript = 1;</script></head><body>
<h1 id="naloxone">Naloxone</h1>
<p>Appelez le <strong>9-1-1</strong>, puis
   donnez la naloxone.</p>
<template><p>texte-de-gabarit</p></template>
<p data-x="texte-attribut">Fin.</p>
</body></html>
"""


@pytest.mark.parametrize("fragment, found", [
    (":~:text=Appelez%20le%209-1-1", True),  # across an element boundary
    (":~:text=puis%20donnez", True),  # across a line break
    (":~:text=appelez,naloxone", True),  # start and end, any case
    (":~:text=Appelez-,le%209", True),  # prefix
    (":~:text=Appelez,-le%209", True),  # suffix
    (":~:text=9-1-1,-puis", False),  # a comma stands between them on the page
    (":~:text=Naloxone&text=Fin.", True),  # two directives
    ("naloxone:~:text=Fin", True),  # an id, then a directive
    (":~:text=fentanyl", False),
    (":~:text=zzz-,le%209", False),  # wrong prefix
    (":~:text=Fin,Appelez", False),  # end before start
    (":~:text=cacheScript", False), (":~:text=cache-style", False),  # not text of the page
    (":~:text=texte-de-gabarit", False), (":~:text=texte-attribut", False),
    ("absent:~:text=Fin", False),  # the id must exist
    (":~:text=", False),  # malformed
])
def test_text_fragments_are_looked_for_in_the_page_text(tmp_path, fragment, found):
    site = write_site(tmp_path / "site", {"index.html": TEXT_PAGE, "link.html": f'<a href="index.html#{fragment}">x</a>\n'})
    code, items, _ = check(site)
    assert (items == []) is found, items
    if not found:
        assert reports(items) == {("link.html", "broken-anchor", f"index.html#{fragment}")}


def test_text_matching_stays_linear_on_a_long_page():
    text = textfragments.normalised("a" * 200_000)
    assert textfragments.text_found(text, "text=a,b") is False
    assert textfragments.text_found(text, "text=zz-,a") is False  # bounded number of tries


# --- <base href> --------------------------------------------------------------

def test_base_href_is_what_links_resolve_against_not_a_link(tmp_path):
    site = write_site(tmp_path / "site", {
        "page.html": '<head><base href="sub/"></head>\n<a href="test.txt">t</a>\n<a href="absent.txt">a</a>\n',
        "sub/test.txt": "",  # sub/ has no index.html
    })
    code, items, _ = check(site)
    assert reports(items) == {("page.html", "broken-link", "absent.txt")}
