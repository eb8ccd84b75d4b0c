"""Abbreviations, glossary and sources list (hooks/abbreviations.py, kbsite.indexes),
and what the real knowledge base must hold (issue: all the sources as bilingual pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from kbsite import abbreviations, frontmatter

DOCS = ROOT / "docs"
INCLUDES = ROOT / "includes"


def article(soup):
    return soup.select_one("article")


def abbr_titles(soup) -> dict[str, str]:
    return {a.get_text(): a["title"] for a in article(soup).find_all("abbr")}


def repo_definitions(language: str) -> dict[str, str]:
    entries, problems = abbreviations.parse((INCLUDES / f"abbreviations.{language}.md").read_text("utf-8"), "x")
    assert problems == []
    return {e.abbr: e.text for e in entries}


# --- Abbreviation files (unit) ---------------------------------------------------

def test_abbreviation_file_problems_name_file_and_line():
    text = "*[TAO]: traitement par agonistes opioïdes\nTAO = oups\n*[CAMI]:\n*[TAO]: encore\n"
    entries, problems = abbreviations.parse(text, "includes/abbreviations.fr.md")
    assert [e.abbr for e in entries] == ["TAO"]
    assert problems == [
        "includes/abbreviations.fr.md:2: not an abbreviation; write *[ABBR]: meaning (a comment must be alone on its line: <!-- … -->)",
        "includes/abbreviations.fr.md:3: *[CAMI] has no meaning after the colon",
        "includes/abbreviations.fr.md:4: *[TAO] is already defined at line 1",
    ]


def test_missing_abbreviation_file_is_reported_not_raised(tmp_path):
    (tmp_path / "abbreviations.fr.md").write_text("*[TAO]: traitement\n", encoding="utf-8")
    definitions, problems = abbreviations.load(tmp_path, ["fr", "en"])
    assert list(definitions) == ["fr"]
    assert problems == [f"{tmp_path.name}/abbreviations.en.md: missing; every language needs its abbreviation file"]


def test_repository_abbreviation_files_are_valid_and_cover_the_issue_list():
    french, english = repo_definitions("fr"), repo_definitions("en")
    required = {"TAO", "TUO", "TUS", "UDI", "CAMI", "ITSS", "SBUSP", "RSSS", "MSSS", "MSP", "NORS", "SMU",
                "CRD", "GMF", "PCI"}
    assert required <= set(french)
    assert required | {"OAT", "OUD", "SUD"} <= set(english)


def test_a_config_without_snippets_fails_naming_mkdocs_yml(build_fixture):
    """The abbreviation files reach the pages through pymdownx.snippets: a
    config that leaves it out fails at once, naming the file to change."""
    result = build_fixture("bilingual", extra="markdown_extensions:\n  - abbr\n  - attr_list\n")
    assert result.returncode != 0
    assert ("ERROR   -  mkdocs.yml: markdown_extensions must include pymdownx.snippets, which adds the "
            "abbreviation files of includes/ to every page (hooks/abbreviations.py)") in result.log


# --- Fixture build: hover definitions, glossary, sources list -------------------------

@pytest.fixture(scope="module")
def site(fixture_site):
    return fixture_site("glossary_sources")


def test_abbreviations_get_the_definition_of_the_page_language(site):
    french, english = repo_definitions("fr"), repo_definitions("en")
    assert abbr_titles(site.html("traitement/")) == {"TAO": french["TAO"], "CAMI": french["CAMI"]}
    assert abbr_titles(site.html("en/traitement/")) == {"OAT": english["OAT"], "CAMI": english["CAMI"]}
    # An untranslated French page shown in the English build keeps French definitions.
    assert abbr_titles(site.html("en/seulement-fr/"))["TAO"] == french["TAO"]


def test_definitions_are_not_printed_as_text(site):
    text = article(site.html("traitement/")).get_text()
    assert "*[" not in text and "agonistes opioïdes" not in text


def test_glossary_lists_every_abbreviation_of_its_language(site):
    for url, language in (("glossaire/", "fr"), ("en/glossaire/", "en")):
        rows = article(site.html(url)).select("table tbody tr")
        shown = {row.find_all("td")[0].get_text(): row.find_all("td")[1].get_text() for row in rows}
        assert shown == repo_definitions(language)


def test_sources_page_lists_each_source_once_with_the_pages_using_it(site):
    items = article(site.html("sources/")).select("li")
    by_title = {li.find("em").get_text(): li for li in items}
    assert set(by_title) == {"Document A sur le TAO", "Article B"}
    used_a = sorted(a["href"] for a in by_title["Document A sur le TAO"].find_all("a") if "127.0.0.1:9" not in a["href"])
    assert used_a == ["../seulement-fr/", "../traitement/"]
    assert by_title["Article B"].find("a", href="https://doi.org/10.1503/example.b") is not None
    # English build: English page titles, the English source title marked as such on the French page.
    english = {li.find("em").get_text(): li for li in article(site.html("en/sources/")).select("li")}
    assert "Treatment" in english["Document A sur le TAO"].get_text()
    assert english["Document A sur le TAO"].find("em")["lang"] == "fr"
    assert by_title["Article B"].find("em")["lang"] == "en"
    # A document our sources only name (summarised: false) is marked as such, in the page's language.
    assert "Nommé par nos sources, non résumé." in by_title["Document A sur le TAO"].get_text()
    assert "Nommé par nos sources" not in by_title["Article B"].get_text()
    assert "Named by our sources, not summarized." in english["Document A sur le TAO"].get_text()


def test_a_page_marks_the_sources_it_only_names(site):
    for url, expected in (("traitement/", "Nommé par nos sources, non résumé ici."),
                          ("en/traitement/", "Named by our sources, not summarized here.")):
        items = site.html(url).select(".kb-sources li")
        marks = [li.select_one(".kb-named-only") for li in items]
        assert [mark.get_text() if mark else None for mark in marks] == [expected, None], url


# --- The real knowledge base --------------------------------------------------------

def french_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if not p.name.endswith(".en.md"))


def meta(path: Path) -> dict:
    return frontmatter.read(path.read_text(encoding="utf-8"))


def url_of(path: Path) -> str:
    relative = path.relative_to(DOCS).as_posix()
    relative = relative[:-6] if relative.endswith(".en.md") else relative[:-3]
    relative = relative[:-5] if relative.endswith("index") else relative + "/"
    return ("en/" if path.name.endswith(".en.md") else "") + relative


def test_at_least_30_pages_per_language():
    french = french_pages()
    english = sorted(DOCS.rglob("*.en.md"))
    assert len(french) >= 30 and len(english) >= 30, (len(french), len(english))


def test_every_non_reference_page_is_sourced_and_dated():
    for path in french_pages() + sorted(DOCS.rglob("*.en.md")):
        data = meta(path)
        assert data.get("last_reviewed"), path
        if data["type"] != "reference":
            assert data.get("sources"), path


def test_overdose_pages_show_911_in_both_languages(real_site):
    pages = [p for p in sorted(DOCS.rglob("*.md")) if "overdose" in (meta(p).get("topics") or [])]
    assert len(pages) >= 10
    for path in pages:
        body = article(real_site.build.html(url_of(path)))
        admonition = body.select_one(".admonition.danger")
        assert admonition is not None and "911" in admonition.get_text(), path


def test_guide_tuo_has_the_ten_proposals_as_anchors(real_site):
    french = real_site.build.html("guides/guide-tuo-propositions/")
    english = real_site.build.html("en/guides/guide-tuo-propositions/")
    for number in range(1, 11):
        assert french.find(["h2", "h3"], id=f"proposition-{number}") is not None, number
        assert english.find(["h2", "h3"], id=f"proposal-{number}") is not None, number


def test_home_pages_put_the_overdose_response_first_then_needs_then_search(real_site):
    for url, search in (("", "Chercher"), ("en/", "Search")):
        body = article(real_site.build.html(url))
        danger = body.select_one(".admonition.danger")
        assert danger is not None and "911" in danger.get_text()
        # The sources list (the danger box cites Health Canada's poster) closes every page.
        headings = [h.get_text(strip=True).rstrip("¶") for h in body.find_all("h2") if h.get("id") != "kb-sources-title"]
        assert headings[-1] == search, headings
        # The overdose block comes before every section.
        assert str(body).index("admonition danger") < str(body).index("<h2")


def test_support_team_contact_is_exactly_as_published(real_site):
    for url in ("outils/joindre-equipe-soutien/", "en/outils/joindre-equipe-soutien/"):
        body = article(real_site.build.html(url))
        text = body.get_text(" ")
        assert "514 863-7234" in text
        assert body.find("a", href="tel:+15148637234") is not None
        assert body.find("a", href="mailto:soutien.dependance.itinerance.ccsmtl@ssss.gouv.qc.ca") is not None
        assert "2021" in text


def test_glossary_abbreviations_have_hover_definitions_on_real_pages(real_site):
    titles = abbr_titles(real_site.build.html("guides/guide-tuo/"))
    assert titles.get("TUO") == repo_definitions("fr")["TUO"]
    titles = abbr_titles(real_site.build.html("en/guides/guide-tuo/"))
    assert titles.get("OUD") == repo_definitions("en")["OUD"]


# --- Navigation order (hooks/nav_order.py, kbsite.navorder) --------------------------

def test_nav_order_names_and_unknown_entries():
    from kbsite import navorder

    assert navorder.entry_name("guides/x.en.md", True, 1, ["en"]) == "guides/x.md"
    assert navorder.entry_name("guides/x.en.md", False, 0, ["en"]) == "guides"
    assert navorder.entry_name("surdose.md", True, 0, ["en"]) == "surdose.md"
    items = ["a-propos.md", "guides", "surdose.md", "zeta.md"]
    assert navorder.ordered(items, lambda name: name, ["surdose.md", "guides"]) == \
        ["surdose.md", "guides", "a-propos.md", "zeta.md"]
    assert navorder.unknown_names(items, ["surdose.md", "guide"]) == ["guide"]


def test_overdose_page_comes_right_after_home_in_nav_and_footer(real_site):
    for home, overdose in (("", "surdose/"), ("en/", "en/surdose/")):
        nav = real_site.build.html(home).select_one("nav.md-nav--primary > ul")
        entries = [li.find(["a", "label"]).get_text(" ", strip=True) for li in nav.find_all("li", recursive=False)]
        assert entries[1] in ("En cas de surdose", "In an overdose"), entries
        previous = real_site.build.html(overdose).select_one("a.md-footer__link--prev")
        assert previous is not None and previous["href"] in ("..", "../", "../en/", "./..")
