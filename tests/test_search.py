"""Search as a reader gets it (issue 17): Material's dialog in Chromium, over
our index (kbsite/search_shards.py, workers/kb-search.js).

- Relevance: every query of tests/search_queries.yml (titles, words without
  accents, plurals, typos, abbreviations, two words) puts its page in the
  first three distinct results, through the real UI of the real site.
- Text that reads like markup is shown as text, in results and headings.
- Results link to the matching heading; the target page highlights the
  accented word.
- Offline, search says it needs a connection and offers the kept pages.
- The index files: one language each, no noindex page, no embed variant,
  shards cut small, abbreviations and expansions indexed together.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import COUNT_SEARCH_ANSWERS, ROOT, SEARCH_INPUT, axe_violations, indexed_pages, search, search_whole_query
from kbsite import search_shards

QUERIES = yaml.safe_load((ROOT / "tests" / "search_queries.yml").read_text(encoding="utf-8"))


def distinct_pages(links: list[str], base: str) -> list[str]:
    found = []
    for link in links:
        path = urlsplit(link).path[len(urlsplit(base).path):]
        if path not in found:
            found.append(path)
    return found


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_query_of_the_relevance_set_finds_its_page_in_the_first_three(real_site, recorded_page, language):
    items = QUERIES[language]
    assert len(items) >= 30
    page = recorded_page.page
    base = real_site.base_url
    page.add_init_script(COUNT_SEARCH_ANSWERS)
    page.goto(base if language == "fr" else base + "en/", wait_until="networkidle")
    page.click(SEARCH_INPUT)
    missed = []
    for item in items:
        found = distinct_pages(search_whole_query(page, item["query"]), base)
        if item["page"] not in found[:3]:
            missed.append((item["query"], item["page"], found[:3]))
    assert missed == []
    assert recorded_page.hosts() == {"127.0.0.1"}
    assert recorded_page.csp_violations == []


def test_text_that_reads_like_markup_is_shown_as_text(serve_fixture, recorded_page):
    site = serve_fixture("search")
    page = recorded_page.page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for prefix, word in (("", "sentinelle"), ("en/", "sentinel")):
        page.goto(site.base_url + prefix, wait_until="networkidle")
        links = search(page, word)
        assert links, word
        output = page.locator(".md-search-result")
        assert output.locator("img, svg, script, b").count() == 0
        text = output.inner_text()
        assert "<img src=x onerror=alert(1)>" in text and "<svg onload=alert(3)>" in text, text
        assert page.locator(".md-search-result mark").count() > 0  # the worker's own markup stays
    assert dialogs == []
    assert recorded_page.csp_violations == []


@pytest.mark.parametrize("query", ["sentinele", "sentinnelle", "sentinlele", "sentinalle", "esntinelle",
                                   "snetinelle", "ssentinelle", "entinelle", "sntinelle", "aentinelle",
                                   "sqntinelle", "xsentinelle"])
def test_one_edit_in_a_word_of_five_letters_or_more_still_finds_it(serve_fixture, recorded_page, query):
    """A letter missing, added, changed, two swapped, anywhere: also in the
    first letters, which name the word's shard (search_shards._names files
    each word under its spellings without their first or second letter too,
    and the worker looks in the shards of the typed word's variants)."""
    site = serve_fixture("search")
    page = recorded_page.page
    page.goto(site.base_url, wait_until="networkidle")
    assert site.base_url + "piege/" in [link.split("?")[0].split("#")[0] for link in search(page, query)], query


@pytest.mark.parametrize("prefix, query", [("", "surdose"), ("en/", "overdose"), ("", "naloxone")])
def test_axe_finds_no_wcag_violation_with_results_on_screen(real_site, browser, axe_source, prefix, query):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(real_site.base_url + prefix, wait_until="networkidle")
        assert search(page, query)
        assert axe_violations(page, axe_source) == []
    finally:
        context.close()


def test_a_result_links_to_its_heading_and_the_page_highlights_the_accented_word(serve_fixture, recorded_page):
    site = serve_fixture("search")
    page = recorded_page.page
    page.goto(site.base_url, wait_until="networkidle")
    links = search(page, "sentinelle")
    assert any(link.split("?")[0].endswith("piege/") for link in links)
    assert any(urlsplit(link).fragment == "section-piege" for link in links), links

    page.goto(site.base_url, wait_until="networkidle")
    links = search(page, "methadone")  # written « méthadone » on the page
    target = next(link for link in links if "traitements/" in link)
    assert "méthadone" in parse_qs(urlsplit(target).query)["h"][0].split()
    page.locator(".md-search-result__item > a").first.click()
    page.wait_for_url("**/traitements/**")
    page.wait_for_selector("article mark[data-md-highlight]", timeout=10_000)
    marks = page.locator("article mark[data-md-highlight]").all_inner_texts()
    assert marks and all(text.lower().startswith("méthadone") for text in marks), marks


def test_offline_search_says_it_needs_a_connection_and_offers_the_kept_pages(real_site, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(real_site.base_url + "en/", wait_until="networkidle")
        page.wait_for_selector("html[data-kb-kept]", timeout=15_000)  # the offline copies are made
        page.reload(wait_until="networkidle")  # now under the service worker
        context.set_offline(True)
        links = search(page, "naloxone")
        assert "Offline: search needs a connection" in page.locator(".md-search-result").inner_text()
        assert real_site.base_url + "en/surdose/" in [link.split("?")[0] for link in links]
        page.locator(".md-search-result__item > a[href*='en/surdose/']").click()
        page.wait_for_url(real_site.base_url + "en/surdose/**")
        page.wait_for_function("() => document.querySelector('.md-content article h1').textContent.startsWith('In an overdose')",
                               timeout=10_000)  # the kept copy, through Material's instant navigation
    finally:
        context.close()


# --- The index files ----------------------------------------------------------------------


def test_each_language_indexes_its_own_full_pages_only(real_site):
    site = real_site.build.site_dir
    for prefix, language in (("", "fr"), ("en/", "en")):
        manifest = json.loads((site / prefix / "search/kb/manifest.json").read_text(encoding="utf-8"))
        assert manifest["language"] == language
        pages = indexed_pages(site, prefix)
        addresses = {page["u"] for page in pages}
        assert "surdose/" in addresses and "" in addresses
        assert not [a for a in addresses if a.startswith(("embed/", "en/")) or a.endswith(".html")], addresses
        published = {p.parent.relative_to(site / prefix).as_posix() + "/" for p in (site / prefix).glob("*/**/index.html")}
        assert addresses - {""} <= published


def test_no_shard_is_big_and_every_spelling_is_in_the_shard_its_letters_name(real_site):
    """The worker's rule: a word is in the shard of the longest key it begins
    with; so is its stem when the stem is four letters or more."""
    folder = real_site.build.site_dir / "search" / "kb"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    shards = {key: json.loads((folder / manifest["version"] / "s" / f"{key}.json").read_text(encoding="utf-8"))
              for key in manifest["shards"]}

    def longest(word: str) -> str:
        return max((k for k in manifest["shards"] if word.startswith(k)), key=len)

    for key, shard in shards.items():
        assert len(json.dumps(shard)) <= 2 * search_shards.SHARD_LIMIT or len(key) == search_shards.MAX_KEY, key
        for stem, (spellings, _) in shard.items():
            for word in [search_shards.fold(s) for s in spellings] + ([stem] if len(stem) >= 4 else []):
                assert stem in shards[longest(word)], (word, stem)


def html_page(title: str, body: str, lang: str = "fr", robots: str = "") -> str:
    meta = f'<meta name="robots" content="{robots}">' if robots else ""
    return (f'<!doctype html><html lang="{lang}"><head>{meta}<title>{title}</title></head><body>'
            f'<article class="md-content__inner md-typeset">{body}</article></body></html>')


def test_abbreviations_and_expansions_find_each_other_and_noindex_pages_are_left_out(tmp_path):
    site = tmp_path / "site"
    pages = {
        "index.html": html_page("Accueil", '<h1 id="accueil">Accueil</h1><p>Bienvenue.</p>'),
        "a/index.html": html_page("A", '<h1>Le <abbr title="traitement par agonistes opioïdes">TAO</abbr></h1>'
                                       '<p>Une page sur le <abbr title="traitement par agonistes opioïdes">TAO</abbr>.</p>'),
        "b/index.html": html_page("B", "<h1>Autre</h1><p>Le traitement par agonistes opioïdes, écrit en entier.</p>"),
        "c/index.html": html_page("C", "<h1>Cachée</h1><p>agonistes</p>", robots="noindex"),
        "embed/a/index.html": html_page("A", "<h1>Variante</h1><p>agonistes</p>"),
        "en/index.html": html_page("Home", "<h1>Home</h1><p>agonists</p>", lang="en"),
    }
    for name, text in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    assert search_shards.write_site(site, [("fr", ""), ("en", "en/")]) == {"fr": 3, "en": 1}
    french = indexed_pages(site)
    assert sorted(page["u"] for page in french) == ["", "a/", "b/"]

    def postings(word: str) -> set[str]:
        stem = search_shards.Stems("fr")(word)
        manifest = json.loads((site / "search/kb/manifest.json").read_text(encoding="utf-8"))
        key = max((k for k in manifest["shards"] if stem.startswith(k)), key=len)
        flat = json.loads((site / f"search/kb/{manifest['version']}/s/{key}.json").read_text(encoding="utf-8"))[stem][1]
        numbers, page = [], 0
        for i in range(0, len(flat), 3):
            page += flat[i]
            numbers.append(page)
        return {french[n]["u"] for n in numbers}

    assert postings("tao") == {"a/", "b/"}  # b/ spells it out
    assert postings("agonistes") == {"a/", "b/"}  # a/ abbreviates it
    assert "c/" not in {page["u"] for page in french}


def test_the_index_is_the_same_from_one_build_to_the_next(tmp_path):
    site = tmp_path / "site"
    (site / "x").mkdir(parents=True)
    (site / "x/index.html").write_text(html_page("X", "<h1>X</h1><p>surdose naloxone</p>"), encoding="utf-8")
    (site / "index.html").write_text(html_page("Accueil", "<h1>Accueil</h1>"), encoding="utf-8")
    search_shards.write_site(site, [("fr", "")])
    first = {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*.json"))}
    search_shards.write_site(site, [("fr", "")])
    assert {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*.json"))} == first
