"""The repository's own docs: strict build, every page in both languages."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, repo_config

DOCS = ROOT / "docs"


def french_sources() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if not p.name.endswith(".en.md"))


def page_url(source: Path) -> str:
    relative = source.relative_to(DOCS).with_suffix("")
    if relative.name == "index":
        relative = relative.parent
    return "" if relative.as_posix() == "." else relative.as_posix() + "/"


def test_every_french_page_has_an_english_file():
    missing = [p.relative_to(ROOT).as_posix() for p in french_sources() if not p.with_suffix(".en.md").exists()]
    assert missing == []
    orphans = [p.relative_to(ROOT).as_posix() for p in DOCS.rglob("*.en.md") if not p.with_name(p.name[:-6] + ".md").exists()]
    assert orphans == []


def test_strict_build_is_clean(real_site):
    log = real_site.build.log
    assert "WARNING" not in log and "ERROR" not in log, log


def test_each_page_has_its_language_and_counterparts(real_site):
    build, base = real_site.build, real_site.base_url
    urls = [page_url(p) for p in french_sources()]
    assert len(urls) >= 5
    for url in urls:
        for lang, page_path in (("fr", url), ("en", "en/" + url)):
            page = build.html(page_path)
            assert page.html["lang"] == lang, page_path
            links = {link["hreflang"]: link["href"] for link in page.select('head link[rel="alternate"][hreflang]')}
            assert links == {"fr": base + url, "en": base + "en/" + url, "x-default": base + url}, page_path
            description = page.select_one('meta[name="description"]')
            assert description and description["content"].strip(), page_path


def test_real_site_404s(real_site):
    assert real_site.build.html("404.html").html["lang"] == "fr"
    assert real_site.build.html("en/404.html").html["lang"] == "en"


def published_pages() -> list[str]:
    lines = (ROOT / "tests" / "published_pages.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def real_redirects() -> dict[str, str]:
    return dict((repo_config().get("extra") or {}).get("kb_redirects") or {})


def test_every_published_address_still_leads_somewhere(real_site):
    """Nothing that was published breaks: each page the site ever had exists,
    or its old address (both languages) sends the reader to its new home."""
    redirects = real_redirects()
    site = real_site.build.site_dir
    lost = []
    for listed in published_pages():
        source = ROOT / listed
        if source.exists():
            continue
        old = source.relative_to(DOCS).as_posix()
        if old not in redirects:
            lost.append(listed)
            continue
        for prefix in ("", "en/"):
            assert (site / prefix / page_url(source) / "index.html").is_file(), (listed, prefix)
    assert lost == [], "removed without a redirect in mkdocs.yml (extra.kb_redirects)"
    unlisted = [p.relative_to(ROOT).as_posix() for p in french_sources()
                if p.relative_to(ROOT).as_posix() not in published_pages()]
    assert unlisted == [], "new pages: add them to tests/published_pages.txt"
