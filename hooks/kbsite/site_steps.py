"""The steps over the finished site, in order: plain Python over ``site/``.

Whatever built the HTML (``mkdocs build``, the parallel build's merge, or
another builder that writes the same files), these steps finish the site:

1. ``sitemaps``: each non-default language's ``<prefix>sitemap.xml``, its
   pages taken from the root sitemap (Material's instant navigation reads
   the sitemap under the page's base URL; kbsite.sitemap).
2. ``search_settings``: each language's ``search/search_index.json`` with
   Material's search settings and no entries; the same settings written
   into Material's bundle (kbsite.search_index, kbsite.material).
3. ``material_bundle``: Material's bundle narrowed to our language links and
   its tooltips made text (kbsite.material).
4. ``redirects``: the old addresses of merged pages (kbsite.redirects).
5. ``phone_links``: 911 and the support line as ``tel:`` links.
6. ``search_index``: the search index, from every page (kbsite.search_shards).
7. ``headers``: ``_headers``, which lets partners frame the embed variants
   only (kbsite.embed).
8. ``offline``: the service worker's version, from every other file
   (kbsite.offline): after every step that writes a file.
9. ``linkcheck``: every link, anchor and image, each defect at its Markdown
   file and line (kbsite.linkreport).
10. ``site_safety``: the output invariant over every file (kbsite.site_safety).

Each step takes a ``Site`` and returns its messages. ``run`` runs them in
this order and stops at a step whose problem leaves the site unusable
(``StepFailed``: a wrong redirect map, a changed Material bundle); defects
found by the two checks are returned, for the caller to fail the build or,
under ``mkdocs serve``, to warn. Callers: hooks/finish.py (end of
``mkdocs build`` and ``serve``), tools/parallel_build.py (after its merge)
and tools/finish_site.py (any built site: ``python3 dev.py finish``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import embed, linkreport, material, offline, phone_links, redirects, search_shards, site_safety
from .languages import Language, site_base
from .search_index import INDEX, read_combined, write_search_settings
from .sitemap import write_sitemap


@dataclass(frozen=True)
class Site:
    """What the steps need to know about a built site."""

    root: Path  # the built site
    site_url: str
    docs_dir: Path
    languages: tuple[tuple[str, str], ...]  # (code, prefix), default language first, "" for it
    theme_dirs: tuple[Path, ...]  # overrides/, then Material's templates
    worker_source: Path  # overrides/sw.js
    shown_from: Path  # paths in messages are relative to this folder (mkdocs.yml's)
    redirects: dict | None = None  # extra.kb_redirects
    external_links: bool = False  # check links to other sites too
    linkcheck_workers: int | None = None
    linkcheck_cache: Path | None = None
    background_links: object | None = field(default=None, compare=False)  # a kbsite.background check under way


@dataclass(frozen=True)
class Message:
    level: str  # "error", "warning", "info" or "debug"
    text: str


class StepFailed(Exception):
    """A step could not finish the site; the message names what to fix."""


class UnknownStep(StepFailed):
    """``only`` names a step that does not exist."""


def _shown(site: Site) -> Callable[[Path], str]:
    def shown(path: Path) -> str:
        try:
            return path.resolve().relative_to(site.shown_from.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    return shown


def language_sitemaps(site: Site) -> list[Message]:
    root_sitemap = site.root / "sitemap.xml"
    if not site.site_url or not root_sitemap.is_file():
        return []
    base = site_base(site.site_url)
    locations = re.findall(r"<loc>([^<]*)</loc>", root_sitemap.read_text(encoding="utf-8"))
    for code, prefix in site.languages[1:]:
        urls = [url.replace("&amp;", "&") for url in locations if url.startswith(base + prefix)]
        write_sitemap(site.root / prefix / "sitemap.xml", urls)
    return [Message("debug", f"sitemaps for {', '.join(code for code, _ in site.languages[1:])}")]


def search_settings(site: Site) -> list[Message]:
    if not (site.root / INDEX).is_file():
        home = site.root / "index.html"
        if home.is_file() and material.SEARCH_BOX in home.read_text(encoding="utf-8", errors="replace"):
            # The pages have a search box that would never get its settings.
            raise StepFailed(f"{INDEX.as_posix()} is missing, but the pages have Material's search box: "
                             "build with Material's search plugin (mkdocs.yml, plugins: search) before this step")
        return []  # no Material search plugin in this build: no search box to set up
    try:
        combined = read_combined(site.root)
        languages = [Language(code, code, prefix) for code, prefix in site.languages]
        written = write_search_settings(site.root, languages, combined)
        material.search_settings_on_demand(site.root, combined["config"])
    except (OSError, ValueError, KeyError) as error:
        raise StepFailed(f"cannot write the search settings: {error}") from None
    except material.BundleChanged as error:
        raise StepFailed(str(error)) from None
    return [Message("debug", f"search settings for {', '.join(written)}")]


def bundle_edits(site: Site) -> list[Message]:
    try:
        material.disable_alternate_interception(site.root)
        material.text_tooltips(site.root)
    except material.BundleChanged as error:
        raise StepFailed(str(error)) from None
    return []


def redirect_pages(site: Site) -> list[Message]:
    found, problems = redirects.read(site.redirects, site.docs_dir, list(site.languages))
    if problems:
        raise StepFailed("; ".join(problems))
    try:
        written = redirects.write_site(site.root, found, list(site.languages), list(site.theme_dirs))
    except ValueError as error:
        raise StepFailed(str(error)) from None
    return [Message("debug", f"{len(written)} redirect page(s) written")]


def tap_to_call(site: Site) -> list[Message]:
    return [Message("debug", f"emergency numbers linked in {phone_links.link_site(site.root)} file(s)")]


def search_index(site: Site) -> list[Message]:
    counts = search_shards.write_site(site.root, list(site.languages))
    return [Message("info", "search index: " + ", ".join(f"{code} {count} pages" for code, count in counts.items()))]


def headers(site: Site) -> list[Message]:
    embed.write_headers_file(site.root, site.site_url or "/")
    return []


def worker_version(site: Site) -> list[Message]:
    try:
        offline.stamp_site(site.worker_source, site.root)
    except ValueError as error:
        raise StepFailed(str(error)) from None
    return []


def check_links(site: Site) -> list[Message]:
    found, _ = redirects.read(site.redirects, site.docs_dir, list(site.languages))
    locate = linkreport.markdown_locator(site.root, site.docs_dir, site.shown_from,
                                         redirects.stub_sources(found, list(site.languages)), theme_fallback=True)
    background = site.background_links
    result = background.finish() if background is not None else None
    items = linkreport.collect(site.root, site.site_url, locate, site.external_links, site.linkcheck_cache,
                               result=result, workers=site.linkcheck_workers)
    return [Message("error" if item["error"] else "warning", linkreport.report_line(item)) for item in items]


def check_output(site: Site) -> list[Message]:
    violations = site_safety.check(site.root, site.site_url, list(site.theme_dirs), site.docs_dir, _shown(site),
                                   workers=os.cpu_count() or 1)
    return [Message("error", str(violation)) for violation in violations]


@dataclass(frozen=True)
class Step:
    name: str  # also the logger's name, and --only's (tools/finish_site.py)
    run: Callable[[Site], list[Message]]
    summary: str = ""  # the closing line when the step found errors: "{n} ..."


STEPS = (
    Step("sitemaps", language_sitemaps),
    Step("search_settings", search_settings),
    Step("material_bundle", bundle_edits),
    Step("redirects", redirect_pages),
    Step("phone_links", tap_to_call),
    Step("search_index", search_index),
    Step("headers", headers),
    Step("offline", worker_version),
    Step("linkcheck", check_links, "{n} broken link(s): see the lines above (kbsite/linkreport.py)"),
    Step("site_safety", check_output,
         "{n} unsafe file(s) in the built site: see the lines above (hooks/kbsite/site_safety.py)"),
)
NAMES = tuple(step.name for step in STEPS)


def run(site: Site, only: tuple[str, ...] = (), report=None) -> list[str]:
    """Run the steps (all, or those named in ``only``) in order. Each message
    goes to ``report(step_name, message)`` as it comes. Returns the closing
    lines of the steps that found errors (empty: the site is finished).
    Raises StepFailed, prefixed with the step's name, when a step cannot
    finish the site."""
    unknown = [name for name in only if name not in NAMES]
    if unknown:
        raise UnknownStep(f"unknown step(s): {', '.join(unknown)}; the steps are: {', '.join(NAMES)}")
    failures = []
    for step in STEPS:
        if only and step.name not in only:
            continue
        try:
            messages = step.run(site)
        except StepFailed as error:
            raise StepFailed(f"{step.name}: {error}") from None
        for message in messages:
            if report is not None:
                report(step.name, message)
        errors = sum(1 for message in messages if message.level == "error")
        if errors:
            failures.append(step.summary.format(n=errors) if step.summary else f"{step.name}: {errors} error(s)")
    return failures
