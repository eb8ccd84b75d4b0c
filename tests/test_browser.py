"""The site in Debian's Chromium, served on 127.0.0.1: switcher, search, privacy."""

from __future__ import annotations

import pytest

from conftest import SEARCH_INPUT, SEARCH_READY, google_fonts, search, search_results


def mark_document(page):
    """A flag that survives instant navigation but not a full page load."""
    page.evaluate("window.__kbSameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__kbSameDocument === true")


def click_content_link(page, text: str):
    page.locator("article.md-content__inner a", has_text=text).first.click()


def switch_language(page, code: str):
    page.hover(".md-header .md-select")
    page.click(f".md-select__link[hreflang={code}]")


def test_switcher_lands_on_the_counterpart_after_instant_navigations(serve_fixture, recorded_page):
    site = serve_fixture("bilingual")
    page = recorded_page.page
    page.goto(site.base_url, wait_until="networkidle")
    mark_document(page)

    click_content_link(page, "guides")
    page.wait_for_url(site.base_url + "guides/")
    click_content_link(page, "Matériel")
    page.wait_for_url(site.base_url + "guides/materiel/")
    assert same_document(page), "navigation.instant should have kept the document"

    switch_language(page, "en")
    page.wait_for_url(site.base_url + "en/guides/materiel/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert not same_document(page), "another language must be a full page load"
    assert page.locator("h1").first.inner_text().rstrip("¶") == "Supplies"

    # And back, again after instant navigations, from English
    mark_document(page)
    click_content_link(page, "guides")
    page.wait_for_url(site.base_url + "en/guides/")
    click_content_link(page, "About")
    page.wait_for_url(site.base_url + "en/a-propos/")
    assert same_document(page)
    switch_language(page, "fr")
    page.wait_for_url(site.base_url + "a-propos/")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert recorded_page.hosts() == {"127.0.0.1"}


def test_untranslated_page_switches_to_the_english_home(serve_fixture, recorded_page):
    site = serve_fixture("untranslated")
    page = recorded_page.page
    page.goto(site.base_url, wait_until="networkidle")
    click_content_link(page, "page seulement en français")
    page.wait_for_url(site.base_url + "seulement-fr/")
    switch_language(page, "en")
    page.wait_for_url(site.base_url + "en/")
    assert page.evaluate("document.documentElement.lang") == "en"


def test_ordinary_links_are_not_rerouted_after_visiting_a_section(serve_fixture, recorded_page):
    # Material 9.8 reroutes clicks on URLs under any visited hreflang URL
    # (/guides/ is a prefix of /guides/materiel/) unless our hook turns it off.
    site = serve_fixture("bilingual")
    page = recorded_page.page
    page.goto(site.base_url + "guides/", wait_until="networkidle")
    click_content_link(page, "Accueil")
    page.wait_for_url(site.base_url)
    page.wait_for_load_state("networkidle")
    click_content_link(page, "guide sur le matériel")
    page.wait_for_url(site.base_url + "guides/materiel/")
    page.wait_for_load_state("networkidle")
    assert page.url == site.base_url + "guides/materiel/"


@pytest.mark.parametrize("query", ["methadone", "méthadone", "reduction", "mefaits", "injections"])
def test_search_matches_without_accents_and_with_french_stemming(serve_fixture, recorded_page, query):
    site = serve_fixture("search")
    page = recorded_page.page
    page.goto(site.base_url, wait_until="networkidle")
    assert search(page, query) and all(
        url.startswith(site.base_url + "traitements/") for url in search_results(page)
    ), query


def test_search_stays_in_the_readers_language(real_site, recorded_page):
    page = recorded_page.page
    base = real_site.base_url

    page.goto(base, wait_until="networkidle")
    french = search(page, "naloxone")
    assert french, "the French site should mention naloxone"
    assert not [url for url in french if url.startswith(base + "en/")]

    page.goto(base + "en/", wait_until="networkidle")
    english = search(page, "naloxone")
    assert english, "the English site should mention naloxone"
    assert all(url.startswith(base + "en/") for url in english)

    # Each language's index files from its own folder; Material's settings come
    # with its bundle (kbsite/material.py): no search_index.json at all.
    assert [url for url in recorded_page.requests if url.endswith("search_index.json")] == []
    files = [url for url in recorded_page.requests if "/search/kb/" in url]
    assert base + "search/kb/manifest.json" in files and base + "en/search/kb/manifest.json" in files
    assert all(url.startswith((base + "search/kb/", base + "en/search/kb/")) for url in files)


def test_each_language_downloads_only_its_own_index(real_site, recorded_page):
    page = recorded_page.page
    page.goto(real_site.base_url + "en/a-propos/", wait_until="networkidle")
    search(page, "overdose")
    # Distinct URLs: the index now comes after the service worker took control, so the
    # page's request and the worker's own fetch of it are both recorded (one transfer).
    indexes = list(dict.fromkeys(url for url in recorded_page.requests if "/search/" in url))
    assert real_site.base_url + "en/search/kb/manifest.json" in indexes
    assert all(url.startswith(real_site.base_url + "en/search/") for url in indexes), indexes


def test_no_request_leaves_the_site_and_no_cookie_is_set(real_site, recorded_page):
    """A visit and a search (every page's own requests, cookies and storage:
    tests/test_every_page.py, which loads each page once for all its checks)."""
    page = recorded_page.page
    page.goto(real_site.base_url, wait_until="networkidle")
    search(page, "surdose")
    assert recorded_page.hosts() == {"127.0.0.1"}
    assert recorded_page.context.cookies() == []
    # Nothing kept in web storage either (offline copies are in the cache: see vie-privee.md).
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
    assert google_fonts(recorded_page.requests) == []


@pytest.mark.parametrize("url, text, definition", [
    ("guides/guide-tuo/", "TUO", "trouble lié à l'utilisation des opioïdes"),
    ("en/guides/guide-tuo/", "OUD", "opioid use disorder"),
])
def test_tapping_an_abbreviation_shows_its_definition_on_a_phone(real_site, browser, url, text, definition):
    context = browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(real_site.base_url + url)
        abbr = page.locator("article abbr", has_text=text).first
        assert abbr.get_attribute("title") is None or definition in abbr.get_attribute("title")
        abbr.tap()
        tooltip = page.locator(".md-tooltip2", has_text=definition)
        tooltip.wait_for(state="visible", timeout=5000)
    finally:
        context.close()


@pytest.mark.parametrize("open_search", ["click", "slash"])
def test_the_search_index_loads_only_when_the_reader_opens_search(real_site, recorded_page, open_search):
    """A first visit pays nothing for search (kbsite/material.py): the
    index of the reader's language comes when search is opened, by a click or
    Material's "/" shortcut, and the query typed meanwhile gets its results."""
    page = recorded_page.page
    base = real_site.base_url
    page.goto(base + "en/a-propos/", wait_until="networkidle")
    page.wait_for_timeout(500)
    assert [url for url in recorded_page.requests if "/search/" in url] == []
    with page.expect_request(lambda request: "/search/kb/" in request.url) as index:
        if open_search == "click":
            page.click(SEARCH_INPUT)
        else:
            page.keyboard.press("/")
    assert index.value.url == base + "en/search/kb/manifest.json"
    page.keyboard.type("naloxone")
    page.wait_for_function(SEARCH_READY, timeout=10_000)
    # the worker answers each keystroke: a prefix typed while the index loads
    # may show "no result" for a moment before the whole word's results come
    page.wait_for_function("() => document.querySelector('.md-search-result__item > a') !== null",
                           timeout=10_000)
    assert page.input_value(SEARCH_INPUT) == "naloxone"
    assert search_results(page) and all(url.startswith(base + "en/") for url in search_results(page))
