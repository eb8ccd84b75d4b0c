"""Publishing: the real site under a sub-path and at a domain root, and
reproducible builds."""

from __future__ import annotations

import filecmp
import gzip
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import PINNED, ROOT, SUB_PATH_URL, is_redirect_page, run_build

DOCS = ROOT / "docs"


def existing(site: Path, url: str, base: str) -> bool:
    assert url.startswith(base), (url, base)
    path = site / url[len(base):]
    return (path / "index.html").is_file() if url.endswith("/") else path.is_file()


@pytest.mark.parametrize("site_url", [SUB_PATH_URL, "https://kb.example.org/"])
def test_sub_path_and_root_builds_have_consistent_absolute_urls(tmp_path, site_url, request):
    # strict: every internal link checked; the sub-path build is the session's pinned one
    build = (request.getfixturevalue("pinned_real_build") if site_url == SUB_PATH_URL
             else run_build(DOCS, tmp_path, site_url=site_url).ok())
    site = build.site_dir
    pages = sorted(p for p in site.rglob("index.html")
                   if not p.relative_to(site).as_posix().startswith("embed/") and not is_redirect_page(p))
    assert len(pages) >= 60
    for page in pages:
        relative = page.relative_to(site).as_posix()[: -len("index.html")]
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.find("link", rel="canonical")["href"] == site_url + relative
        alternates = soup.select('link[rel="alternate"][hreflang]')
        assert {link["hreflang"] for link in alternates} == {"fr", "en", "x-default"}
        for link in alternates:
            assert existing(site, link["href"], site_url), (relative, link["href"])
        oembed = soup.find("link", type="application/json+oembed")
        assert existing(site, oembed["href"], site_url)
    every_page = {site_url + p.relative_to(site).as_posix()[: -len("index.html")] for p in pages}
    site_wide = set(re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8")))
    english = set(re.findall(r"<loc>([^<]+)</loc>", (site / "en/sitemap.xml").read_text(encoding="utf-8")))
    assert site_wide == every_page  # both languages (static-i18n), no embed variant
    assert english == {url for url in every_page if url.startswith(site_url + "en/")}
    prefix = urlsplit(site_url).path
    assert f"{prefix}embed/*" in (site / "_headers").read_text(encoding="utf-8")


def tree(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_two_builds_of_the_same_commit_are_byte_identical(tmp_path, pinned_real_build):
    """Built in different folders, one after the other: every file is the same,
    byte for byte. What depends on the date is pinned the way a deployment can
    pin it (the commit's date): SOURCE_DATE_EPOCH (sitemap dates, the
    sitemap.xml.gz header) and KB_TODAY (which pages are past their review
    date). Unpinned, two builds on different days differ there, by design."""
    first = pinned_real_build
    second = run_build(DOCS, tmp_path / "two", site_url=SUB_PATH_URL, env=PINNED).ok()
    files = tree(first.site_dir)
    assert files == tree(second.site_dir)
    assert len(files) > 300
    different = [f for f in sorted(files)
                 if not filecmp.cmp(first.site_dir / f, second.site_dir / f, shallow=False)]
    assert different == []
    # The pinned date reaches the outputs that carry one.
    assert gzip.open(first.site_dir / "sitemap.xml.gz").read() == (first.site_dir / "sitemap.xml").read_bytes()
