"""The built site, read as HTML: languages, hreflang, switcher, 404s, search indexes."""

from __future__ import annotations

import json
import re
import shutil
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import indexed_pages

SITE_URL = "http://127.0.0.1:8000/"

BILINGUAL_PAGES = ["", "a-propos/", "guides/", "guides/materiel/"]


@pytest.fixture
def bilingual(fixture_site):
    return fixture_site("bilingual")


def alternates(page: BeautifulSoup) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in page.select('head link[rel="alternate"][hreflang]')}


def switcher(page: BeautifulSoup) -> dict[str, str]:
    return {a["hreflang"]: a["href"] for a in page.select(".md-select__link[hreflang]")}


def resolve(page_url: str, href: str) -> str:
    """A relative href from a page, as a site-relative URL."""
    from urllib.parse import urljoin

    return urlsplit(urljoin(SITE_URL + page_url, href)).path.lstrip("/")


def test_every_page_is_built_in_both_languages(bilingual):
    built = {p.relative_to(bilingual.site_dir).as_posix() for p in bilingual.pages()}
    for url in BILINGUAL_PAGES:
        assert f"{url}index.html" in built
        assert f"en/{url}index.html" in built


@pytest.mark.parametrize("url", BILINGUAL_PAGES)
def test_html_lang_matches_the_page(bilingual, url):
    assert bilingual.html(url).html["lang"] == "fr"
    assert bilingual.html("en/" + url).html["lang"] == "en"


@pytest.mark.parametrize("url", BILINGUAL_PAGES)
def test_hreflang_links_point_to_the_pages_own_counterparts(bilingual, url):
    for page_url in (url, "en/" + url):
        links = alternates(bilingual.html(page_url))
        assert links == {
            "fr": SITE_URL + url,
            "en": SITE_URL + "en/" + url,
            "x-default": SITE_URL + url,
        }, page_url


def test_only_our_hreflang_links_are_in_the_head(bilingual):
    # Material would add site-level alternates ("/" and "/en/") on every page.
    page = bilingual.html("guides/materiel/")
    assert len(page.select('link[rel="alternate"][hreflang]')) == 3
    # The only other alternate is the oEmbed document (hooks/embed.py).
    others = page.select('link[rel="alternate"]:not([hreflang])')
    assert [link["type"] for link in others] == ["application/json+oembed"]


@pytest.mark.parametrize("url", BILINGUAL_PAGES)
def test_switcher_goes_to_the_same_page_in_the_other_language(bilingual, url):
    french, english = bilingual.html(url), bilingual.html("en/" + url)
    assert resolve(url, switcher(french)["en"]) == "en/" + url
    assert resolve("en/" + url, switcher(english)["fr"]) == url
    # The counterparts that kb-languages.js copies after instant navigation
    hidden = {a["hreflang"]: a["href"] for a in french.select("[data-kb-counterparts] a")}
    assert hidden == switcher(french)


def test_switcher_marks_the_current_language(bilingual):
    page = bilingual.html("en/guides/")
    current = page.select('.md-select__link[aria-current="true"]')
    assert [a["hreflang"] for a in current] == ["en"]
    assert all(a.get("lang") == a["hreflang"] for a in page.select(".md-select__link"))


def test_untranslated_page_switches_to_the_english_home(fixture_site):
    site = fixture_site("untranslated")
    french = site.html("seulement-fr/")
    assert resolve("seulement-fr/", switcher(french)["en"]) == "en/"
    # No hreflang promises an English version that does not exist
    assert alternates(french) == {"fr": SITE_URL + "seulement-fr/", "x-default": SITE_URL + "seulement-fr/"}
    # static-i18n still builds the English fallback; its switcher returns to French
    fallback = site.html("en/seulement-fr/")
    assert resolve("en/seulement-fr/", switcher(fallback)["fr"]) == "seulement-fr/"


def test_404_pages_exist_in_each_language(bilingual):
    french = bilingual.html("404.html")
    english = bilingual.html("en/404.html")
    assert french.html["lang"] == "fr"
    assert english.html["lang"] == "en"
    assert french.h1.get_text(strip=True) == "Page introuvable"
    assert english.h1.get_text(strip=True) == "Page not found"
    assert "911" in french.get_text() and "911" in english.get_text()
    for page in (french, english):
        assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    # 911 is one tap away (kbsite/phone_links.py); served at any depth, its other links are absolute paths
    links = [a["href"] for a in english.select(".md-content a[href]")]
    assert "tel:911" in links
    home = next(href for href in links if not href.startswith("tel:"))
    assert home == "/en/"
    assert all(link["href"].startswith("/") for link in english.select("link[rel=stylesheet]"))


def test_search_index_per_language(bilingual):
    french = json.loads((bilingual.site_dir / "search/search_index.json").read_text())
    english = json.loads((bilingual.site_dir / "en/search/search_index.json").read_text())
    # Material's settings only: its entries are never downloaded (our worker has its own index)
    assert french["config"]["lang"] == ["fr"] and french["docs"] == []
    assert english["config"]["lang"] == ["en"] and english["docs"] == []
    french_titles = {page["t"] for page in indexed_pages(bilingual.site_dir)}
    english_pages = indexed_pages(bilingual.site_dir, "en/")
    english_titles = {page["t"] for page in english_pages}
    assert "Matériel" in french_titles and "Supplies" not in french_titles
    assert "Supplies" in english_titles and "Matériel" not in english_titles
    # English addresses are relative to /en/, the English pages' search base
    assert all(not page["u"].startswith("en/") for page in english_pages)
    assert "guides/materiel/" in {page["u"] for page in english_pages}


def test_english_sitemap_lists_english_pages(bilingual):
    from xml.etree import ElementTree

    tree = ElementTree.parse(bilingual.site_dir / "en/sitemap.xml")
    locs = {el.text for el in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert locs == {SITE_URL + "en/" + url for url in BILINGUAL_PAGES}


def test_material_alternate_interception_is_turned_off(bilingual):
    bundles = list((bilingual.site_dir / "assets/javascripts").glob("bundle.*.min.js"))
    assert len(bundles) == 1
    text = bundles[0].read_text()
    assert '"link[rel=alternate]"' not in text
    assert '"link[rel=alternate][data-md-alternate-site]"' in text


def test_language_script_loads_before_materials_bundle(bilingual):
    scripts = [s["src"] for s in bilingual.html("en/guides/").select("script[src]")]
    ours = next(i for i, src in enumerate(scripts) if src.endswith("kb-languages.js"))
    bundle = next(i for i, src in enumerate(scripts) if re.search(r"bundle\.\w+\.min\.js$", src))
    assert ours < bundle
    tag = bilingual.html("en/guides/").select("script[src]")[ours]
    assert tag["data-kb-language"] == "en"
    assert json.loads(tag["data-kb-roots"]) == {"fr": "", "en": "en/"}


# --- Privacy: nothing in the output loads from another host -----------------

RESOURCE_ATTRIBUTES = {
    "script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
    "video": "src", "embed": "src", "object": "data", "track": "src",
}
LOADING_LINK_RELS = {"stylesheet", "preconnect", "dns-prefetch", "preload", "prefetch", "icon", "modulepreload", "manifest"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'");\s]+)""")


def outside_host(url: str) -> bool:
    parts = urlsplit(url.strip())
    if parts.scheme in ("data", "blob") or (not parts.scheme and not parts.netloc):
        return False
    return parts.hostname not in ("127.0.0.1",)


def outside_resources(site_dir) -> list[str]:
    found = []
    for path in site_dir.rglob("*.html"):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in RESOURCE_ATTRIBUTES.items():
            for element in page.find_all(tag):
                value = element.get(attribute)
                if value and outside_host(value):
                    found.append(f"{path.name}: <{tag} {attribute}={value}>")
                for candidate in (element.get("srcset") or "").split(","):
                    if candidate.strip() and outside_host(candidate.split()[0]):
                        found.append(f"{path.name}: <{tag} srcset={candidate}>")
        for link in page.find_all("link"):
            rels = set(link.get("rel") or [])
            if rels & LOADING_LINK_RELS and outside_host(link.get("href", "")):
                found.append(f"{path.name}: <link rel={rels} href={link.get('href')}>")
        for style in page.find_all("style"):
            found += [f"{path.name}: <style> {u}" for u in CSS_URL.findall(style.get_text()) if outside_host(u)]
    for path in site_dir.rglob("*.css"):
        text = path.read_text(encoding="utf-8")
        for url in sorted(set(CSS_URL.findall(text) + CSS_IMPORT.findall(text))):
            if outside_host(url):
                found.append(f"{path.relative_to(site_dir)}: {url}")
    return found


def test_no_resource_from_another_host(bilingual):
    assert outside_resources(bilingual.site_dir) == []


def test_the_resource_scan_catches_an_outside_font(bilingual, tmp_path):
    # The scan above must be able to fail: plant what Material does by default
    # (in a copy of the session's build, which other tests read).
    site = tmp_path / "site"
    shutil.copytree(bilingual.site_dir, site)
    page = site / "guides" / "index.html"
    page.write_text(page.read_text().replace(
        "</head>", '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto"></head>'))
    (site / "x.css").write_text("@import url('https://cdn.example.org/a.css');")
    assert len(outside_resources(site)) == 2
