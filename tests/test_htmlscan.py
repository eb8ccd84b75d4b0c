"""hooks/kbsite/htmlscan.py against html.parser, and the link checker's parallel path.

The link checker reads pages with regular expressions for speed; html.parser
is the reference for what a page's ids and URLs are.
"""

from __future__ import annotations

from html.parser import HTMLParser

from kbsite import htmlscan, sitelinks


class Reference(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str, int]] = []
        self.in_template = 0

    def handle_starttag(self, tag, attrs):
        if self.in_template:
            self.in_template += tag == "template"
            return
        self.in_template += tag == "template"
        wanted = htmlscan.URL_ATTRIBUTES.get(tag, ())
        for name, value in attrs:
            value = value or ""
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in wanted:
                urls = htmlscan.srcset_urls(value) if name == "srcset" else [value.strip()]
                self.links += [(tag, name, url, self.getpos()[0]) for url in urls]

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "template" and self.in_template:
            self.in_template -= 1


TRICKY = """<!doctype html>
<p id="a&amp;b">x</p><!-- <a href="in-comment.html" id="no"> -->
<script>var s = '<a href="in-script.html" id="no2">';</script>
<script src="app.js"></script>
<style>.x::after { content: "<img src='in-style.png'>"; }</style>
<a
  href="multi-line.html"
  title='single > quoted'>y</a>
<img src=bare.png srcset="one.png 1x, two.png 2x" alt="">
<A HREF="UPPER.html" NAME="upper-anchor">z</A>
<a href="?q=1&amp;r=2#fr%C3%A9">q</a>
<template><a href="in-template.html" id="no3"></a></template>
<picture><source srcset="wide.webp"><img src="narrow.jpg" alt=""></picture>
<a href="mailto:x@example.org">m</a>
"""


def reference(html: str) -> tuple[set[str], list]:
    parser = Reference()
    parser.feed(html)
    parser.close()
    return parser.ids, parser.links


def scanned(html: str) -> tuple[set[str], list]:
    result = htmlscan.scan(html)
    return result.ids, [(link.tag, link.attribute, link.url, link.line) for link in result.links]


def test_tricky_markup_matches_html_parser():
    ids, links = scanned(TRICKY)
    assert (ids, links) == reference(TRICKY)
    assert ids == {"a&b", "upper-anchor"}
    urls = [url for _, _, url, _ in links]
    assert "multi-line.html" in urls and "two.png" in urls and "?q=1&r=2#fr%C3%A9" in urls
    assert not [url for url in urls if url.startswith("in-")]
    assert ("a", "href", "multi-line.html", 6) in links  # the line of "<a"


def test_every_page_of_the_real_site_matches_html_parser(real_site):
    pages = sorted(real_site.build.site_dir.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert scanned(html) == reference(html), page


def test_parallel_check_finds_what_the_serial_check_finds(shared_build):
    build = shared_build("linkcheck", strict=False)
    serial = sitelinks.check_site(build.site_dir, build.site_url, workers=1)
    parallel = sitelinks.check_site(build.site_dir, build.site_url, workers=2)
    assert len(serial.defects) == 9
    assert [(d.page, d.target, d.kind, d.line) for d in parallel.defects] == \
        [(d.page, d.target, d.kind, d.line) for d in serial.defects]
    assert sorted(parallel.external) == sorted(serial.external)


def test_links_resolve_against_the_base_href(tmp_path):
    """A page with <base href> (like the embed variants): its relative links are
    checked as if on the base page; the base itself is not a link (issue 16:
    linkchecker does not check it, and a folder without index is a fine base)."""
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text('<h2 id="a">A</h2>', encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "index.html").write_text("<p>other</p>", encoding="utf-8")
    (tmp_path / "copy" / "guide").mkdir(parents=True)
    (tmp_path / "copy" / "guide" / "index.html").write_text(
        '<base href="../../guide/" target="_top">\n<a href="#a">a</a>\n<a href="../other/">ok</a>\n'
        '<a href="../missing/">broken</a>\n<a href="#nope">no id</a>\n', encoding="utf-8")
    (tmp_path / "copy" / "bad").mkdir()
    (tmp_path / "copy" / "bad" / "index.html").write_text('<base href="../../nowhere/">', encoding="utf-8")
    # Embed variants (embed/) repeat their full page: not read at all.
    (tmp_path / "embed").mkdir()
    (tmp_path / "embed" / "index.html").write_text('<a href="missing/">x</a>', encoding="utf-8")
    result = sitelinks.check_site(tmp_path, "http://127.0.0.1:8000/", workers=1)
    found = sorted((d.page, d.target, d.kind, d.line) for d in result.defects)
    assert found == [
        ("copy/guide/index.html", "#nope", "broken-anchor", 5),
        ("copy/guide/index.html", "../missing/", "broken-link", 4),
    ]
