"""hooks/content_model.py: front matter schema, safe HTML, rendering, translations, editor commands."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_build
from kbsite import content, frontmatter, translations

TODAY = {"KB_TODAY": "2026-11-25"}
PROBLEM = re.compile(r"ERROR\s+-\s+content_model: (.+)$", re.M)


def build_with(build_fixture_name, tmp_path, env=None, extra=""):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / build_fixture_name, docs)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets", dirs_exist_ok=True)
    return run_build(docs, tmp_path, strict=False, env={**TODAY, **(env or {})}, extra=extra)


# --- Front matter ---------------------------------------------------------------

EXPECTED_PROBLEMS = {
    "docs/erreurs.en.md: description: 168 characters; at most 160 allowed",
    "docs/erreurs.en.md: sources: empty; at least 1 needed",
    "docs/erreurs.en.md: last_reviewed: 2099-01-01 is in the future; use the date the page was last checked",
    "docs/erreurs.md: descripton: unknown field; did you mean 'description'? allowed: audience, description, hide, "
    "last_reviewed, review_every, search, sources, title, topics, translated_from, type",
    "docs/erreurs.md: description: missing; this field is required",
    "docs/erreurs.md: audience: 'frontline' is text; expected a list, e.g. [a, b]",
    "docs/erreurs.md: last_reviewed: '2021-02-30' is not a real date; write YYYY-MM-DD, e.g. 2021-04-12",
    "docs/erreurs.md: review_every: 'douze' is text; expected a whole number",
    "docs/erreurs.md: sources[1]: needs a publisher or authors",
    "docs/erreurs.md: sources[1].date: '2021-13' is not valid; YYYY, YYYY-MM or YYYY-MM-DD; \"n.d.\" when the source gives no date.",
    "docs/erreurs.md: topics[2]: 'fentanyl' is not allowed; allowed: overdose, naloxone, opioid-use-disorder, "
    "supervised-consumption, safer-supply, injection-supplies, peer-work, homelessness, covid-19, virtual-services, "
    "international-collaboration, public-policy, public-security, trauma-informed-care, training",
    "docs/erreurs.md: type: 'guidee' is not allowed; allowed: guide, toolkit, story, practice, event, reference",
    "docs/sans-entete.md: front matter: missing: the page must start with a `---` block (python3 dev.py new makes one)",
    "docs/yaml.md: front matter: not valid YAML at line 3: mapping values are not allowed here "
    "(put the value in quotes when it contains ': ' or starts with a special character)",
}


def test_build_lists_every_front_matter_problem_at_once(tmp_path):
    build = build_with("frontmatter_errors", tmp_path)
    assert build.returncode != 0
    assert "Traceback" not in build.log
    assert set(PROBLEM.findall(build.log)) == EXPECTED_PROBLEMS
    assert f"{len(EXPECTED_PROBLEMS)} content problem(s)" in build.log
    assert not (build.site_dir / "index.html").exists(), "nothing is built from invalid pages"


def test_valid_front_matter_passes_and_typos_do_not():
    schema = frontmatter.load_schema()
    page = (FIXTURES / "content_model" / "guides" / "guide.md").read_text(encoding="utf-8")
    assert frontmatter.check_page("docs/guide.md", page, schema) == []
    broken = page.replace("review_every: 12", "review_evry: 12")
    fields = [p.field for p in frontmatter.check_page("docs/guide.md", broken, schema)]
    assert sorted(fields) == ["review_every", "review_evry"]


def test_vocabulary_labels_match_the_schema():
    schema = frontmatter.load_schema()
    assert frontmatter.vocabulary_problems(schema, frontmatter.load_vocabulary()) == []
    vocabulary = frontmatter.load_vocabulary()
    del vocabulary["topics"]["naloxone"]["en"]
    vocabulary["types"]["podcast"] = {"fr": "Balado", "en": "Podcast"}
    assert {str(p) for p in frontmatter.vocabulary_problems(schema, vocabulary)} == {
        "schema/vocabulary.yml: topics.naloxone: no label in en",
        "schema/vocabulary.yml: types.podcast: not in schema/page.schema.json",
    }


def test_every_real_page_validates():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "content.py"), "check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "every page is valid"


# --- Safe HTML -------------------------------------------------------------------

CITED_PAGE = """---
title: "Page {n}"
description: "Une page d'essai qui cite un document, pour vérifier que la citation est la même partout."
type: guide
audience: [frontline]
topics: [training]
sources:
  - title: "Le même document"
    publisher: "Éditeur"
    date: {date}
    note: "{note}"{more}
last_reviewed: 2026-11-01
review_every: 12
---

# Page {n}
"""


def test_a_source_cited_twice_must_be_the_same_source(tmp_path):
    (tmp_path / "a.md").write_text(CITED_PAGE.format(n=1, date="2014", note="Note A", more=""), encoding="utf-8")
    (tmp_path / "b.md").write_text(CITED_PAGE.format(n=2, date="n.d.", note="Note B", more=""), encoding="utf-8")
    (tmp_path / "c.md").write_text(CITED_PAGE.format(n=3, date="2014", note="Notes may differ", more=""),
                                   encoding="utf-8")
    # Named only on one page, read on the others: one of them is wrong.
    (tmp_path / "d.md").write_text(CITED_PAGE.format(n=4, date="2014", note="", more="\n    summarised: false"),
                                   encoding="utf-8")
    reports = content.check_docs(tmp_path, lambda path: f"docs/{path.name}", frontmatter.load_vocabulary(),
                                 content.today())
    assert [str(r) for r in reports] == [
        "docs/b.md: sources: 'Le même document' has date 'n.d.' here but '2014' in docs/a.md; a source must be "
        "cited with the same publisher, authors, date, url, doi and summarised on every page",
        "docs/d.md: sources: 'Le même document' has summarised 'False' here but '(none)' in docs/a.md; a source "
        "must be cited with the same publisher, authors, date, url, doi and summarised on every page"]
    assert reports[0].line == 7


HTML_PROBLEM = re.compile(r"ERROR\s+-\s+html_allowlist: (docs/\S+?):(\d+): html: (\S+) (.+)$", re.M)


def test_unsafe_html_fails_the_build_with_file_and_line(tmp_path):
    """The rendered HTML is held to the allow-list (tests/test_attacks.py holds
    the whole corpus); each problem at the line where it is written, in code
    blocks and inline code nothing."""
    build = build_with("unsafe_html", tmp_path)
    assert build.returncode != 0
    found = {(file, int(line), what) for file, line, what, _ in HTML_PROBLEM.findall(build.log)}
    assert found == {
        ("docs/page.md", 17, "<script>"),
        ("docs/page.md", 20, 'onerror="alert(1)"'),
        ("docs/page.md", 22, 'href="javascript:alert(1)"'),
        ("docs/page.md", 22, 'href="javascript:void(0)"'),
        ("docs/page.md", 24, "<iframe>"),
        ("docs/page.md", 27, "<object>"),
        ("docs/page.md", 27, "<embed>"),
        ("docs/page.md", 29, "<style>"),
        ("docs/page.md", 36, 'onclick="alert(1)"'),
    }, build.log
    assert "docs/page.md:22: html: href=\"javascript:alert(1)\" on <a>: the javascript: scheme is not allowed; a " \
           "link may use http, https, mailto, tel or a relative address" in build.log
    assert "9 HTML problem(s) in the pages" in build.log


# --- Rendering -------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("content_model")
    build = build_with("content_model", tmp_path, env={"KB_REPO_URL": "https://github.com/example/kb"})
    return build.ok()


def test_type_review_date_and_sources_in_both_languages(rendered):
    french, english = rendered.html("/guides/guide/"), rendered.html("/en/guides/guide/")
    assert french.select_one(".kb-page-meta").get_text(" ", strip=True) == "Guide · Révisé le 12 avril 2021"
    assert english.select_one(".kb-page-meta").get_text(" ", strip=True) == "Guide · Reviewed April 12, 2021"
    assert french.select_one(".kb-page-meta time")["datetime"] == "2021-04-12"
    assert french.select_one('meta[name="description"]')["content"].startswith("Un guide de test avec des sources")
    assert english.select_one('meta[name="description"]')["content"].startswith("A test guide with sources")
    # The meta line follows the title
    assert french.select_one("article h1").find_next_sibling().get("class") == ["kb-page-meta"] or \
        french.select_one("article h1").find_next(class_="kb-page-meta") is not None
    items = french.select(".kb-sources ol > li")
    assert [" ".join(li.get_text().split()) for li in items] == [
        "A. Autrice, B. Auteur. « Un article avec DOI ». Une revue. 25 septembre 2023. doi:10.1503/cmaj.221188-f",
        "Un ministère. « Une page web ». mars 2021. https://example.org/page",
        "Un organisme. « Un document sans date ». s. d.",
    ]
    assert items[0].a["href"] == "https://doi.org/10.1503/cmaj.221188-f"
    english_items = english.select(".kb-sources ol > li")
    assert " ".join(english_items[1].get_text().split()) == "Un ministère. “Une page web”. March 2021. https://example.org/page"
    assert [li.cite.get("lang") for li in english_items] == ["fr", "fr", "fr"], "French titles marked lang=fr"
    assert [li.cite.get("lang") for li in items] == [None, None, None]
    assert english.select_one(".kb-sources h2").get_text(strip=True) == "Sources"


def test_overdue_banner_only_when_past_the_review_date(rendered):
    overdue = rendered.html("/guides/guide/").select(".kb-notice")
    assert any("Cette page devait être révisée au plus tard le 12 avril 2022" in n.get_text() for n in overdue)
    assert any("This page was due for review by April 12, 2022" in n.get_text()
               for n in rendered.html("/en/guides/guide/").select(".kb-notice"))
    assert rendered.html("/guides/a-jour/").select(".kb-notice") == []
    assert "past their review date" in rendered.log and "docs/guides/guide.md: review due 2022-04-12" in rendered.log


def test_untranslated_page_says_so_and_marks_the_french_text(rendered):
    page = rendered.html("/en/seulement-fr/")
    assert page.html["lang"] == "en"
    notice = page.select_one(".kb-notice")
    assert notice.get_text(strip=True) == "This page has not been translated yet. Here it is in French."
    french_blocks = page.select('article [lang="fr"]')
    text = " ".join(block.get_text(" ", strip=True) for block in french_blocks)
    assert "Seulement en français" in text and "Ce texte est en français." in text
    assert notice.find_parent(attrs={"lang": "fr"}) is None, "the notice itself is English"
    assert rendered.html("/seulement-fr/").select(".kb-notice") == []


def test_outdated_translation_is_flagged_and_current_one_is_not(rendered):
    outdated = rendered.html("/en/guides/guide/").select(".kb-notice")
    assert any("The French page has changed since this translation was made" in n.get_text() for n in outdated)
    assert rendered.html("/en/guides/a-jour/").select(".kb-notice") == []


def test_topic_index_pages_list_pages_in_each_language(rendered):
    def listing(url):
        article = rendered.html(url).select_one("article")
        return {h2.get_text(strip=True).rstrip("¶"): [a.get_text(strip=True) for a in h2.find_next("ul").select("a")]
                for h2 in article.select("h2")}

    assert listing("/sujets/")["Naloxone"] == ["Guide de test"]
    assert listing("/sujets/")["Pair-aidance"] == ["Seulement en français"]
    assert listing("/en/sujets/")["Naloxone"] == ["Test guide"]
    assert listing("/en/sujets/")["Peer work"] == ["Seulement en français"]
    assert "(in French)" in rendered.html("/en/sujets/").select_one("article").get_text()


def test_edit_links_go_to_each_language_source_and_no_repository_widget(rendered):
    french = rendered.html("/guides/guide/").select_one('a[rel="edit"]')["href"]
    english = rendered.html("/en/guides/guide/").select_one('a[rel="edit"]')["href"]
    assert french == "https://github.com/example/kb/edit/main/docs/guides/guide.md"
    assert english == "https://github.com/example/kb/edit/main/docs/guides/guide.en.md"
    # Material's repository widget would call api.github.com from the reader's browser
    assert rendered.html("/").select('[data-md-component="source"]') == []


# --- Translations and editor commands ------------------------------------------

def test_parity_report_counts_missing_outdated_and_different(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "content_model", docs)
    (docs / "orpheline.en.md").write_text("---\ntitle: Orphan\n---\n# Orphan\n", encoding="utf-8")
    with (docs / "guides" / "a-jour.en.md").open("a", encoding="utf-8") as page:
        page.write("\n## Extra heading\n")
    report, clean = translations.report(docs)
    assert not clean
    assert "Missing English page: 1\n  docs/seulement-fr.md" in report
    assert "Outdated translation (the French page changed): 1\n  docs/guides/guide.md -> docs/guides/guide.en.md" in report
    assert "docs/guides/a-jour.en.md: headings: 1 in French, 2 in English" in report
    assert "English pages without a French page: 1\n  docs/orpheline.en.md" in report
    assert translations.stamp(docs, "guides/guide.en.md")
    assert "Outdated translation (the French page changed): 0" in translations.report(docs)[0]


def test_drift_ignores_front_matter_but_not_text():
    text = (FIXTURES / "content_model" / "guides" / "a-jour.md").read_text(encoding="utf-8")
    assert translations.fingerprint(text) == translations.fingerprint(text.replace("2026-01-15", "2026-02-01"))
    assert translations.fingerprint(text) != translations.fingerprint(text.replace("Texte à jour.", "Texte modifié."))


def run_tool_over(docs: Path, *args, env=None):
    """tools/content.py with its docs/ folder replaced by ``docs`` (a copy in
    tmp_path: no test touches the working tree)."""
    return subprocess.run([sys.executable, str(ROOT / "tools" / "content.py"), "--docs", str(docs), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


def test_scaffold_creates_a_valid_page_pair_and_refuses_to_overwrite(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    created = [docs / "guides" / "essai-gabarit.md", docs / "guides" / "essai-gabarit.en.md"]
    result = run_tool_over(docs, "new", "guide", "essai-gabarit", "--title", "Essai", "--title-en", "Trial", env=TODAY)
    assert result.returncode == 0, result.stderr
    schema = frontmatter.load_schema()
    for path in created:
        assert frontmatter.check_page(path.name, path.read_text(encoding="utf-8"), schema) == []
    english = frontmatter.read(created[1].read_text(encoding="utf-8"))
    assert english["title"] == "Trial" and english["last_reviewed"] == "2026-11-25"
    assert english["translated_from"] == translations.fingerprint(created[0].read_text(encoding="utf-8"))
    again = run_tool_over(docs, "new", "guide", "essai-gabarit")
    assert again.returncode == 1 and "already exists" in again.stderr
    report = run_tool_over(docs, "report", env=TODAY)
    assert "Pages with placeholder text: 2" in report.stdout and report.returncode == 1
    assert run_tool_over(docs, "new", "guide", "Pas Bon").returncode == 2
    assert not (ROOT / "docs" / "guides" / "essai-gabarit.md").exists()


def check_fixture_for_github(name: str | os.PathLike) -> subprocess.CompletedProcess:
    """`dev.py check --format github` over a fixture tree (or any folder) instead of docs/."""
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "content.py"), "--docs", str(FIXTURES / name), "check", "--format",
         "github"], cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def test_check_command_prints_github_annotations(tmp_path):
    """dev.py check: what the build checks before reading a page (files, front
    matter, snippets), as annotations on the files of a pull request."""
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "bilingual", docs)
    (docs / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', encoding="utf-8")
    (docs / "outil.js").write_text("alert(1)", encoding="utf-8")
    page = (docs / "index.md").read_text(encoding="utf-8")
    (docs / "index.md").write_text(page + '\n--8<-- "absent.md"\n', encoding="utf-8")
    result = check_fixture_for_github(docs)
    assert result.returncode == 1
    assert set(result.stdout.splitlines()) == {
        "::error file=docs/logo.svg::file: SVG: onload= on <svg> is an event handler",
        "::error file=docs/outil.js::file: a .js file is not allowed under docs/; allowed: Markdown (.md), images "
        "(.png .jpg .jpeg .gif .webp .avif .ico .svg) and .pdf (the site's own scripts and styles live in "
        "overrides/)",
        f"::error file=docs/index.md,line={page.count(chr(10)) + 2}::snippet: 'absent.md' is not a file of "
        "includes/ (snippets come from includes/ only, by a relative name such as \"abbreviations.fr.md\")",
    }


def test_no_edit_link_without_a_repository(real_site):
    # Without KB_REPO_URL, MkDocs would write a relative "edit/main/docs/…" link, broken everywhere.
    for url in ("/", "/en/", "/histoires/nors/", "/en/histoires/nors/"):
        assert real_site.build.html(url).select('a[rel="edit"]') == [], url


def test_front_matter_annotations_point_at_the_field_lines():
    result = check_fixture_for_github("frontmatter_errors")
    assert result.returncode == 1
    where = {re.match(r"::error file=([^,:]+)(?:,line=(\d+))?::([^:]+):", line).groups()
             for line in result.stdout.splitlines()}
    assert {
        ("frontmatter_errors/erreurs.md", "3", "descripton"),
        ("frontmatter_errors/erreurs.md", "4", "type"),
        ("frontmatter_errors/erreurs.md", "6", "topics[2]"),
        ("frontmatter_errors/erreurs.md", "8", "sources[1]"),
        ("frontmatter_errors/erreurs.md", "9", "sources[1].date"),
        ("frontmatter_errors/erreurs.md", "10", "last_reviewed"),
        ("frontmatter_errors/erreurs.md", None, "description"),
        ("frontmatter_errors/yaml.md", "3", "front matter"),
        ("frontmatter_errors/erreurs.en.md", "3", "description"),
    } <= where
    assert len(where) == len(EXPECTED_PROBLEMS)


def test_a_title_with_markdown_syntax_stays_text_on_the_index_pages(tmp_path):
    """The topic, type and source pages are Markdown generated from front
    matter: a title that reads as a link there must stay text (it once made a
    javascript: link on the topics page, refused under the index page's name)."""
    from conftest import page_text, write_tree

    title = "Titre](javascript:alert(1)) [x ![x](https://tracker.example/t.png) *a*"
    page = page_text("# Page\n\nTexte.\n").replace("title: Page de test", f"title: {json.dumps(title)}")
    docs = write_tree(tmp_path / "docs", {
        "page.md": page.replace("topics: [training]", "topics: [naloxone]"),
        "sujets.md": (FIXTURES / "content_model" / "sujets.md").read_text(encoding="utf-8"),
    })
    build = run_build(docs, tmp_path, env=TODAY).ok()
    listing = build.html("/sujets/").select_one("article")
    assert title in listing.get_text()
    assert not listing.select('a[href^="javascript"], img'), listing
