"""Old addresses of merged pages keep working (kbsite/redirects.py, issue 18).

A page merged into another leaves, in each language, a page at its old
address, at its embed variant's and at its card's (what partners' pages
load), that sends the reader to the new page and section. Read back with an
HTML parser and followed in Chromium; a wrong map fails the build naming the
entry; the output check allows such a refresh only to the site itself
(tests/test_site_safety.py plants the others).
"""

from __future__ import annotations

import posixpath
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import axe_violations, build_fixture_into, free_port, indexed_pages, record_csp_violations, serve

REDIRECTS = {"guides/premiere.md": "guides/ensemble.md#premiere", "seconde.md": "guides/ensemble.md#seconde"}


@pytest.fixture(scope="module")
def redirected(tmp_path_factory):
    return build_fixture_into(tmp_path_factory.mktemp("redirects"), "redirects", "http://127.0.0.1:8000/",
                              redirects=REDIRECTS).ok()


def refresh_target(path) -> tuple[str, LexborHTMLParser]:
    tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
    meta = tree.css_first('meta[http-equiv="refresh"]')
    assert meta is not None, path
    match = re.fullmatch(r"0; url=(\S+)", meta.attributes["content"])
    assert match, meta.attributes["content"]
    return match.group(1), tree


@pytest.mark.parametrize("old, new, fragment, lang", [
    ("guides/premiere/index.html", "guides/ensemble/index.html", "#premiere", "fr"),
    ("en/guides/premiere/index.html", "en/guides/ensemble/index.html", "#premiere", "en"),
    ("seconde/index.html", "guides/ensemble/index.html", "#seconde", "fr"),
    ("en/seconde/index.html", "en/guides/ensemble/index.html", "#seconde", "en"),
    ("embed/guides/premiere/index.html", "embed/guides/ensemble/index.html", "#premiere", "fr"),
    ("embed/en/seconde/index.html", "embed/en/guides/ensemble/index.html", "#seconde", "en"),
    ("embed/guides/premiere/card.html", "embed/guides/ensemble/card.html", "", "fr"),
    ("embed/en/guides/premiere/card.html", "embed/en/guides/ensemble/card.html", "", "en"),
])
def test_an_old_address_sends_the_reader_to_the_new_page_and_section(redirected, old, new, fragment, lang):
    site = redirected.site_dir
    url, tree = refresh_target(site / old)
    path, _, anchor = url.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(old), path))
    if path.endswith("/"):
        resolved += "/index.html"
    assert resolved == new and (site / new).is_file()
    assert ("#" + anchor if anchor else "") == fragment
    if anchor:  # the section is there, with the same id in both languages
        target = LexborHTMLParser((site / new).read_text(encoding="utf-8"))
        assert target.css_first(f"#{anchor}") is not None
    assert tree.css_first("html").attributes["lang"] == lang
    # The reader can follow it by hand, and still finds the emergency number.
    assert [a.attributes["href"] for a in tree.css("main a")] == [url, "tel:911"]
    assert tree.css_first('meta[name="robots"]').attributes["content"] == "noindex"
    assert tree.css("script") == [] and tree.css("style") == []
    policy = tree.css_first('head meta[http-equiv="Content-Security-Policy"]').attributes["content"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy  # as every page of the site


def test_redirect_pages_are_not_pages_of_the_site(redirected):
    sitemap = (redirected.site_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert "premiere" not in sitemap and "seconde/" not in sitemap
    pages = [page["u"] for page in indexed_pages(redirected.site_dir)]
    assert pages and not [page for page in pages if "premiere" in page or page.startswith("seconde/")]


def test_chromium_follows_an_old_address_to_the_section(redirected, browser):
    port = free_port()
    server = serve(redirected.site_dir, port, with_headers=True)  # with the site's own CSP and framing rules
    context = browser.new_context(service_workers="block")
    violations = record_csp_violations(context)
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/en/guides/premiere/")
        page.wait_for_url(re.compile(r".*/en/guides/ensemble/#premiere$"), timeout=10_000)
        assert page.locator("h2#premiere").is_visible()
        page.goto(f"http://127.0.0.1:{port}/embed/guides/premiere/card.html")  # what a partner's page loads
        page.wait_for_url(re.compile(r".*/embed/guides/ensemble/card\.html$"), timeout=10_000)
    finally:
        context.close()
        server.shutdown()
    assert violations == []


@pytest.mark.parametrize("redirects, message", [
    ({"guides/ensemble.md": "index.md"}, "extra.kb_redirects: guides/ensemble.md: docs/guides/ensemble.md still exists"),
    ({"guides/vieux.md": "guides/absente.md"}, "the new page docs/guides/absente.md does not exist"),
    ({"guides/vieux.md": "https://evil.example/x.md"}, "both sides must be .md files of docs/"),
    ({"guides/vieux.md": "guides/ensemble.md#\"><x"}, "is not an id"),
])
def test_a_wrong_redirect_map_fails_the_build_naming_the_entry(tmp_path, redirects, message):
    result = build_fixture_into(tmp_path, "redirects", "http://127.0.0.1:8000/", redirects=redirects)
    assert result.returncode != 0
    assert message in result.log


def test_a_redirect_to_a_missing_section_is_a_broken_link(tmp_path):
    result = build_fixture_into(tmp_path, "redirects", "http://127.0.0.1:8000/",
                                redirects={"guides/vieux.md": "guides/ensemble.md#absente"})
    assert result.returncode != 0
    assert ("linkcheck: mkdocs.yml (extra.kb_redirects: guides/vieux.md): broken-anchor: ../ensemble/#absente"
            in result.log)


def served_as(body: str):
    return lambda route: route.fulfill(body=body, content_type="text/html")


def test_a_redirect_page_that_does_not_move_passes_axe(redirected, browser, axe_source):
    """A browser or a reader may refuse the refresh: the page left on screen
    is then the one a reader must be able to use (axe, both languages)."""
    port = free_port()
    server = serve(redirected.site_dir, port, with_headers=True)
    page = browser.new_page()
    try:
        for old in ("guides/premiere/", "en/seconde/"):
            url = f"http://127.0.0.1:{port}/{old}"
            html = (redirected.site_dir / old / "index.html").read_text(encoding="utf-8")
            still = re.sub(r'<meta http-equiv="refresh"[^>]*>', "", html)
            assert still != html
            page.route(url, served_as(still))
            page.goto(url)
            assert page.url == url
            assert axe_violations(page, axe_source) == [], old
    finally:
        page.close()
        server.shutdown()
