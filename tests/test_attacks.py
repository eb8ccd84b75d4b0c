"""The attack corpus (tests/attacks/vectors.yml) against the whole pipeline.

Each vector is written where an editor could write it: a page's body, a
front matter field, includes/, a file under docs/. A vector is either
*refused* (the build fails, naming its file, and its line where the corpus
gives one) or *neutralised* (the build passes and nothing it wrote runs).
Whatever the outcome, no file the build wrote may hold executable markup
(the output invariant, kbsite/site_safety.py, run on the written site), and
a sample is loaded in Chromium — without the Content-Security-Policy, so
the markup itself must be inert — where alert/confirm/prompt/print must
never be called after load, hover, focus and click.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import BODY_LINE, ROOT, free_port, page_text, run_build, serve, write_tree
from kbsite import site_safety

CORPUS = Path(__file__).resolve().parent / "attacks" / "vectors.yml"
VECTORS = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
ENV = {"KB_TODAY": "2026-11-25", "KB_LINKCHECK_WORKERS": "1"}
ERROR = re.compile(r"^ERROR\s+-\s+(?:[a-z_]+: )?(\S+?\.(?:md|svg|html?|xhtml|js|mjs|css|xml|txt|csv|png|pdf|[a-z]+))"
                   r"(?::(\d+))?: (.*)$", re.M)
# Body vectors that name a snippet file are refused before any page is
# rendered (kbsite.snippets); the rest of the body vectors are rendered in
# one build, so they get a build of their own.
SNIPPET_REFERENCE = re.compile(r"""^[ \t]*;*-+8<-+(?:[ \t]+["']|[ \t]*$)""", re.M)
HEADING_LINES = 2  # "# Vecteur …" and a blank line before the vector's text


def by(place: str, expect: str | None = None, pre_build: bool | None = None) -> list[dict]:
    found = [v for v in VECTORS if v["place"] == place and (expect is None or v["expect"] == expect)]
    if pre_build is not None:
        found = [v for v in found if bool(SNIPPET_REFERENCE.search(v.get("text", ""))) == pre_build]
    return found


def page_name(vector: dict) -> str:
    return f"v-{vector['id']}.md"


def body_page(vector: dict) -> str:
    # A neutral title: the vector's id ("…-onerror") must not be where its line is found.
    return page_text("# Vecteur\n\n" + vector["text"], f"Vecteur {VECTORS.index(vector) + 1}")


def errors(log: str) -> list[tuple[str, int | None, str]]:
    return [(file, int(line) if line else None, message) for file, line, message in ERROR.findall(log)]


def assert_site_inert(site_dir: Path, site_url: str, docs: Path) -> None:
    """The output invariant over what the build wrote (even a failed build)."""
    if not site_dir.is_dir():
        return
    theme_dirs = [ROOT / "overrides", Path(__import__("material").__file__).parent / "templates"]
    violations = site_safety.check(site_dir, site_url, theme_dirs, docs)
    assert violations == [], "\n".join(map(str, violations))


def test_the_corpus_has_every_class_of_the_issue():
    classes = {v["class"] for v in VECTORS}
    assert len(VECTORS) >= 100
    assert {"event-handler", "javascript-url", "code-disagreement", "attr-list", "front-matter", "tooltip",
            "include", "snippet", "file", "element", "dom-clobbering", "css"} <= classes
    assert len({v["id"] for v in VECTORS}) == len(VECTORS), "ids must be unique"


# --- Builds, shared by the tests of each scenario ---------------------------------------

@pytest.fixture(scope="module")
def refused_body_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("refused")
    docs = write_tree(work / "docs", {page_name(v): body_page(v) for v in by("body", "refused", pre_build=False)})
    return run_build(docs, work, env=ENV), docs


@pytest.fixture(scope="module")
def neutralised_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("neutralised")
    port = free_port()
    site_url = f"http://127.0.0.1:{port}/"
    docs = write_tree(work / "docs", {page_name(v): body_page(v) for v in by("body", "neutralised")})
    build = run_build(docs, work, site_url=site_url, env=ENV)
    return build, docs, port


def test_refused_body_vectors_fail_the_build_at_their_file_and_line(refused_body_build):
    build, docs = refused_body_build
    assert build.returncode != 0
    assert "Traceback" not in build.log, build.log[-3000:]
    found = errors(build.log)
    missing = []
    for vector in by("body", "refused", pre_build=False):
        file = f"docs/{page_name(vector)}"
        lines = {line for name, line, _ in found if name == file}
        if not lines:
            missing.append(f"{vector['id']}: not refused")
        elif vector.get("line") and BODY_LINE + HEADING_LINES + vector["line"] - 1 not in lines:
            missing.append(f"{vector['id']}: refused at line(s) {sorted(lines, key=str)}, not at "
                           f"{BODY_LINE + HEADING_LINES + vector['line'] - 1}")
    assert missing == [], "\n".join(missing) + "\n" + build.log[-2000:]


def test_a_refused_page_is_written_without_what_was_refused(refused_body_build):
    build, docs = refused_body_build
    assert (build.site_dir / "v-svg-slash-onload" / "index.html").is_file()
    assert_site_inert(build.site_dir, build.site_url, docs)


def test_snippet_vectors_are_refused_before_the_build_reads_a_page(tmp_path):
    vectors = by("body", "refused", pre_build=True)
    docs = write_tree(tmp_path / "docs", {page_name(v): body_page(v) for v in vectors})
    build = run_build(docs, tmp_path, env=ENV, timeout=60)
    assert build.returncode != 0 and "Traceback" not in build.log, build.log[-3000:]
    found = errors(build.log)
    wrong = []
    for vector in vectors:
        lines = {line for name, line, _ in found if name == f"docs/{page_name(vector)}"}
        expected = BODY_LINE + HEADING_LINES + vector.get("line", 1) - 1
        if expected not in lines:
            wrong.append(f"{vector['id']}: refused at {sorted(lines, key=str)}, not at {expected}")
    assert wrong == [], "\n".join(wrong) + build.log[-3000:]


def test_neutralised_vectors_build_and_leave_nothing_that_runs(neutralised_build):
    build, docs, _ = neutralised_build
    build.ok()
    assert_site_inert(build.site_dir, build.site_url, docs)


FRONT_MATTER_PAGE = """---
title: {title}
description: {description}
type: guide
audience: [frontline]
topics: [training]
sources:
  - title: {source_title}
    publisher: {publisher}
    authors: {authors}
    date: "2021"
    url: {url}
    doi: {doi}
    note: {note}
last_reviewed: 2026-01-15
review_every: 12
---

# Vecteur
"""
FRONT_MATTER_DEFAULTS = {
    "title": "Un titre valide", "description": "Une description valide, assez longue pour le schéma de la page.",
    "sources[1].title": "Une source", "sources[1].publisher": "Un organisme", "sources[1].authors": "A. Autrice",
    "sources[1].url": "https://example.org/page", "sources[1].doi": "10.1503/cmaj.221188",
    "sources[1].note": "Une note.",
}


def test_front_matter_vectors_are_refused_by_the_schema(tmp_path):
    vectors = by("front_matter")
    files = {}
    for vector in vectors:
        # A source title of its own: a source cited differently on two pages is a problem too.
        values = {**FRONT_MATTER_DEFAULTS, "sources[1].title": f"Une source {vector['id']}",
                  vector["field"]: vector["value"]}
        keys = {"title": "title", "description": "description", "source_title": "sources[1].title",
                "publisher": "sources[1].publisher", "authors": "sources[1].authors", "url": "sources[1].url",
                "doi": "sources[1].doi", "note": "sources[1].note"}
        files[page_name(vector)] = FRONT_MATTER_PAGE.format(
            **{name: json.dumps(values[field], ensure_ascii=False) for name, field in keys.items()})
    docs = write_tree(tmp_path / "docs", files)
    build = run_build(docs, tmp_path, env=ENV, timeout=60)
    assert build.returncode != 0 and "Traceback" not in build.log
    problems = re.findall(r"content_model: (docs/\S+): (\S+): ", build.log)
    missing = [v["id"] for v in vectors if (f"docs/{page_name(v)}", v["field"]) not in problems]
    assert missing == [], build.log[-3000:]
    assert len(problems) == len(vectors), "each vector is refused for its own field only"


def test_include_vectors_are_refused_at_their_line(tmp_path):
    vectors = by("include")
    includes = tmp_path / "includes"
    shutil.copytree(ROOT / "includes", includes)
    target = includes / "abbreviations.fr.md"
    text = target.read_text(encoding="utf-8").rstrip("\n") + "\n"
    expected = {}
    for vector in vectors:
        start = text.count("\n") + 1
        text += vector["text"].rstrip("\n") + "\n"
        expected[vector["id"]] = start + vector.get("line", 1) - 1
    target.write_text(text, encoding="utf-8")
    docs = write_tree(tmp_path / "docs", {page_name(v): page_text("# Vecteur\n\n" + v.get("page", "Texte.\n"))
                                          for v in vectors})
    build = run_build(docs, tmp_path, env=ENV, timeout=60)
    assert build.returncode != 0 and "Traceback" not in build.log, build.log[-3000:]
    lines = {int(line) for line in re.findall(r"includes/abbreviations\.fr\.md:(\d+):", build.log)}
    missing = [f"{id_} (line {line})" for id_, line in expected.items() if line not in lines]
    assert missing == [], build.log[-3000:]


def test_file_vectors_are_refused_naming_the_file(tmp_path):
    vectors = by("file")
    docs = write_tree(tmp_path / "docs", {})
    for vector in vectors:
        path = docs / vector["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if vector.get("symlink_to"):
            os.symlink(vector["symlink_to"], path)
        else:
            path.write_text(vector["text"], encoding="utf-8")
    build = run_build(docs, tmp_path, env=ENV, timeout=60)
    assert build.returncode != 0 and "Traceback" not in build.log, build.log[-3000:]
    named = set(re.findall(r"content_model: (docs/.+?)(?::\d+)?: file: ", build.log))
    missing = [v["id"] for v in vectors if f"docs/{v['path']}" not in named
               and not any(name.startswith(f"docs/{v['path']}/") for name in named)]
    assert missing == [], build.log[-3000:]


# --- Chromium ---------------------------------------------------------------------------

TRAP = """
(() => {
  const report = (name) => function (value) { window.__kbxHit(name + "(" + String(value) + ") at " + location.href) }
  for (const name of ["alert", "confirm", "prompt", "print"])
    Object.defineProperty(window, name, {value: report(name), writable: false, configurable: false})
})()
"""


# A click on a link to another page of the site (or to another site) is
# clicked, with its handlers, but does not leave the page: leaving cost a load
# of the other page and one to come back for each such link (one refused
# shard, run alone: 29 s before, 21 s after), the element after it was looked
# up on the page being left and skipped, and each embed variant's
# target="_blank" links opened tabs that stayed open. What a vector could make
# a link run stays as a reader's click leaves it: javascript:, data: and every
# other scheme, and a fragment of the page itself, are followed.
STAY_ON_PAGE = """
addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a, area") : null
  const href = link && (link.getAttribute("href") ?? link.getAttributeNS("http://www.w3.org/1999/xlink", "href"))
  if (href === null || href === undefined) return
  let to
  try { to = new URL(href, document.baseURI) } catch { return }
  if (to.protocol !== "http:" && to.protocol !== "https:") return
  if (to.origin + to.pathname + to.search === location.origin + location.pathname + location.search) return
  event.preventDefault()
}, true)
"""


# As Playwright's isVisible: a box, and neither hidden nor under a
# content-visibility: hidden ancestor (a closed <details> keeps its content's old box).
IS_SHOWN = """const isShown = (element) => {
    const box = element.getBoundingClientRect()
    return box.width > 0 && box.height > 0 && element.checkVisibility() && getComputedStyle(element).visibility === "visible"
  }"""

# The exercise drives Chromium with real input (the mouse at an element's
# centre, as Playwright's hover and click do) and does in one evaluate what
# Playwright's locator actions do in several round trips each (find the
# element, open what hides it, scroll it into view, focus it, take its box):
# measured on this machine, 230 ms an element with locator actions, each a
# round trip of 10-40 ms. The element is looked up again when its turn comes,
# as a locator's nth() is.
PREPARE_TARGET = """([selector, index]) => {
  const element = document.querySelectorAll(selector)[index]
  if (!element) return null
  """ + IS_SHOWN + """
  const shown = () => isShown(element)
  if (!shown())  // inside a closed <details>, or one an earlier click closed again: opened, as a reader would
    for (let details = element.closest("details"); details; details = details.parentElement?.closest("details"))
      details.open = true
  if (shown()) element.scrollIntoView({block: "center", inline: "center"})
  element.focus({preventScroll: true})
  if (!shown()) return "hidden"
  const box = element.getBoundingClientRect()
  const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth)
  const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight)
  if (right <= left || bottom <= top) return "hidden"
  return {x: (left + right) / 2, y: (top + bottom) / 2}
}"""

TARGETS = "article :is(a, button, summary, label, input, img, abbr, details, [title], [tabindex], [id])"


def element_count(page, selector: str) -> int:
    """How many elements match, on the page as it is once a navigation that
    a click started has finished (its first document is gone by then)."""
    count = "selector => document.querySelectorAll(selector).length"
    try:
        return page.evaluate(count, selector)
    except Exception:
        page.wait_for_load_state("load")
        return page.evaluate(count, selector)


def exercise(page, url: str, hits: list[str]) -> None:
    """Load, then focus, hover and click everything the content holds that a
    reader could reach: an element inside a closed <details> is first opened;
    one that is still not rendered (no box, hidden) is only focused, as it
    cannot be hovered or clicked; each element's visibility is taken when its
    turn comes, after what the earlier ones opened."""
    page.goto(url, wait_until="load")
    page.wait_for_timeout(100)
    count = element_count(page, TARGETS)
    for index in range(min(count, 40)):
        if page.url.split("#")[0] != url:
            page.goto(url, wait_until="load")
        try:
            point = page.evaluate(PREPARE_TARGET, [TARGETS, index])
            if not isinstance(point, dict):
                continue  # gone since (an earlier click removed it), or focused only
            page.mouse.move(point["x"], point["y"])
            page.mouse.click(point["x"], point["y"])
        except Exception:
            pass  # navigated away during the action: the next element
    # The theme's own tooltips (Material adds a title to a truncated label and
    # shows it on hover): the page's table of contents; the navigation, the
    # same on every page, is hovered once per shard (exercise_pages).
    page.wait_for_load_state("load")
    if page.url.split("#")[0] != url:
        page.goto(url, wait_until="load")
    hover_links(page, ".md-sidebar--secondary .md-nav__link", slice(40))
    page.wait_for_timeout(200)


POINT_AT_LINK = """([selector, index]) => {
  const link = document.querySelectorAll(selector)[index]
  """ + IS_SHOWN + """
  if (!link || !isShown(link)) return null
  link.scrollIntoView({block: "nearest", inline: "nearest"})
  const box = link.getBoundingClientRect()
  return {x: box.left + box.width / 2, y: box.top + box.height / 2}
}"""


def hover_links(page, selector: str, share: slice) -> int:
    """Hover the ``share`` of the links of ``selector`` with the mouse, each
    seen on screen when its turn comes; returns how many were hovered."""
    hovered = 0
    count = element_count(page, selector)
    for index in range(count)[share]:
        try:
            point = page.evaluate(POINT_AT_LINK, [selector, index])
            if point:
                page.mouse.move(point["x"], point["y"])
                page.wait_for_timeout(30)
                hovered += 1
        except Exception:
            pass
    return hovered


def browser_sample(build, port: int) -> list[str]:
    return [f"http://127.0.0.1:{port}/{page_name(v)[:-3]}/" for v in VECTORS
            if v.get("browser") and v["place"] == "body" and (build.site_dir / page_name(v)[:-3]).is_dir()]


@pytest.fixture(scope="module")
def refused_served(refused_body_build):
    build, _ = refused_body_build
    port = free_port()
    server = serve(build.site_dir, port)
    yield build, port
    server.shutdown()


@pytest.fixture(scope="module")
def neutralised_served(neutralised_build):
    build, _, port = neutralised_build
    build.ok()
    server = serve(build.site_dir, port)
    yield build, port
    server.shutdown()


def exercise_pages(browser, urls: list[str], navigation_url: str, share: slice) -> tuple[list[str], int]:
    """Every page of ``urls`` exercised in a context without the CSP, then the
    share of the navigation's labels hovered on ``navigation_url``; returns
    what ran (TRAP's reports, dialogs) and how many labels were hovered."""
    context = browser.new_context(bypass_csp=True)
    hits: list[str] = []
    context.expose_binding("__kbxHit", lambda source, text: hits.append(text))
    context.add_init_script(TRAP)
    context.add_init_script(STAY_ON_PAGE)
    page = context.new_page()
    page.on("dialog", lambda dialog: (hits.append(f"dialog {dialog.message}"), dialog.dismiss()))
    try:
        for url in urls:
            exercise(page, url, hits)
        page.goto(navigation_url, wait_until="load")
        hovered = hover_links(page, ".md-sidebar--primary .md-nav__link", share)
    finally:
        context.close()
    return hits, hovered


# The sample is cut in shards, each its own test, so that pytest-xdist runs
# them side by side; every page is exercised, and each shard hovers its share
# of the navigation's labels.
SHARDS = {"refused": 4, "neutralised": 2}


@pytest.mark.parametrize("scenario, shard", [(scenario, shard) for scenario, count in SHARDS.items()
                                             for shard in range(count)])
def test_sampled_vectors_never_run_in_chromium_even_without_the_csp(scenario, shard, browser, request):
    if scenario == "refused":
        build, port = request.getfixturevalue("refused_served")
    else:
        build, port = request.getfixturevalue("neutralised_served")
    urls = browser_sample(build, port)
    assert len(urls) >= 5, "the sample must exist in the built site"
    # A page and its embed variant go to the same shard: shards of even cost.
    mine = [page for url in urls[shard::SHARDS[scenario]] for page in (url, url.replace(f":{port}/", f":{port}/embed/"))]
    hits, hovered = exercise_pages(browser, mine, urls[0], slice(shard, None, SHARDS[scenario]))
    assert mine and hovered and hits == []


RUNS_ON_EVERY_ACTION = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Runs</title></head><body>
<article>
<a href="#here" onmouseover="alert('hover')">hover</a>
<button type="button" onclick="alert('click')">click</button>
<a href="/elsewhere/" onclick="alert('other page')">other page</a>
<a href="javascript:alert('scheme')">scheme</a>
<input aria-label="focus" onfocus="alert('focus')">
<details><summary>open</summary><span tabindex="0" onfocus="alert('opened')">inside</span></details>
</article>
<nav class="md-sidebar md-sidebar--primary"><a class="md-nav__link" href="#nav" onmouseover="alert('navigation')">n</a></nav>
<script>setTimeout(() => alert("late"), 50)</script>
</body></html>
"""


def test_the_exercise_can_fail(tmp_path, browser):
    """A page whose script runs on a hover, a click (on a link to another page
    too, which the exercise does not follow, and from a javascript: link,
    which it does), a focus, a focus inside a details (which the clicks on the
    details and its summary leave closed), in the navigation, and a moment
    after load: the exercise reports each."""
    (tmp_path / "index.html").write_text(RUNS_ON_EVERY_ACTION, encoding="utf-8")
    port = free_port()
    server = serve(tmp_path, port)
    try:
        hits, hovered = exercise_pages(browser, [f"http://127.0.0.1:{port}/"], f"http://127.0.0.1:{port}/", slice(None))
    finally:
        server.shutdown()
    assert hovered == 1
    ran = {hit.split(" at ")[0] for hit in hits}
    assert {"alert(hover)", "alert(click)", "alert(other page)", "alert(scheme)", "alert(focus)", "alert(opened)",
            "alert(navigation)", "alert(late)"} <= ran, hits
