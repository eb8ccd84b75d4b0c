"""Link-check reports: a built site's defects, each at its Markdown file and line.

``collect`` runs kbsite.sitelinks over a built site and turns its defects into
report items, one per place to fix (a theme link broken on every page is one
item with a page count); external URLs too when asked. ``markdown_locator``
maps an HTML page back to the Markdown file it was built from, from docs/
alone, so that the report is the same after any builder and after a
``--dirty`` rebuild. ``format_items`` writes the items as text, JSON or
GitHub annotations. No MkDocs object: the build step is
kbsite.site_steps.check_links, the command ``python3 dev.py linkcheck``.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import sitelinks
from .external import Settings, check_urls
from .sourcemap import Location, docs_markdown, locate, page_source, theme_template

EXPLANATIONS = {
    "broken-link": "no page or file at this address",
    "broken-anchor": "the target page has no heading or element with this id (in this language)",
    "outside-site": "the address leaves the site's own folder",
    "bad-mailto": "not a valid e-mail address",
    "bad-tel": "not a valid phone number",
    "malformed-url": "not a valid URL",
    "local-file": "a file on the editor's own computer: no reader can open it",
    "broken-external": "the external site answers that this page does not exist",
    "redirected-external": "the external page moved permanently",
    "unverified-external": "the external site refused an automated check",
    "unreachable-external": "the external site did not answer",
}
EXTERNAL_DEFECTS = {"broken"}
DEFAULT_CACHE = Path(".cache") / "linkcheck-external.json"


def report_line(item: dict) -> str:
    where = f"{item['source']}:{item['line']}" if item.get("line") else (item.get("source") or item["page"])
    extra = f" (-> {item['new_url']})" if item.get("new_url") else ""
    count = f" [on {item['pages']} pages]" if item.get("pages", 1) > 1 else ""
    why = f" ({item['detail']})" if item.get("detail") and item["kind"] in ("malformed-url", "broken-external") else ""
    return f"{where}: {item['kind']}: {item['target']}{extra}{count} - {EXPLANATIONS.get(item['kind'], '')}{why}"


def format_items(items: list[dict], style: str) -> str:
    if style == "json":
        return json.dumps(items, ensure_ascii=False, indent=1)
    if style == "github":
        lines = []
        for item in items:
            level = "error" if item["error"] else "warning"
            location = f"file={item.get('source') or item['page']}"
            if item.get("line"):
                location += f",line={item['line']}"
            message = f"{item['kind']}: {item['target']} - {EXPLANATIONS.get(item['kind'], '')}"
            lines.append(f"::{level} {location}::{message}")
        return "\n".join(lines)
    return "\n".join(report_line(item) for item in items)


def collect(site_dir: Path, site_url: str, locate_source=None, external: bool = False,
            cache: Path | None = None, settings: Settings | None = None,
            result: sitelinks.SiteCheck | None = None, workers: int | None = None) -> list[dict]:
    """Every defect of a built site, deduplicated, as report items."""
    if result is None:
        result = sitelinks.check_site(site_dir, site_url, workers)
    items: dict[tuple, dict] = {}
    for defect in result.defects:
        # Markdown file and line; a template (no line) for theme links; the
        # HTML page and line when no source is known (standalone).
        location = locate_source(defect) if locate_source else Location(defect.page, defect.line)
        target = location.written or defect.target
        key = (location.file, location.line, defect.kind, target)
        if key in items:  # a theme link breaks on every page: report it once
            items[key]["pages"] += 1
            continue
        items[key] = {
            "page": defect.page, "target": target, "kind": defect.kind,
            "source": location.file, "line": location.line, "error": True, "pages": 1,
        }
        if defect.detail:
            items[key]["detail"] = defect.detail
    if external and result.external:
        outcomes = check_urls(list(result.external), settings or Settings(), cache)
        for url, outcome in sorted(outcomes.items()):
            if outcome.status == "ok":
                continue
            # One item per place it is written (the French and the English
            # file both need the fix), however many pages show it.
            for page, link in result.external[url]:
                kind = f"{outcome.status}-external"
                defect = sitelinks.Defect(page, link.url, kind, link.line, link)
                location = locate_source(defect) if locate_source else Location(page, link.line)
                key = ("external", url, location.file, location.line)
                if key in items:
                    items[key]["pages"] += 1
                    continue
                items[key] = {
                    "page": page, "target": location.written or url, "kind": kind,
                    "source": location.file, "line": location.line,
                    "error": outcome.status in EXTERNAL_DEFECTS, "pages": 1,
                    "new_url": outcome.new_url, "detail": outcome.detail,
                }
    return list(items.values())


def markdown_locator(site_dir: Path, docs_dir: Path, root: Path | None = None, redirect_pages=None,
                     theme_fallback: bool = False):
    """locate_source for ``collect``: HTML page -> Markdown file and line,
    shown relative to ``root`` (default: the current folder);
    ``redirect_pages`` (page -> entry of the map) for kbsite.redirects' pages.
    A page built from no Markdown file (404, offline, a theme page) is
    reported at its HTML page and line, or with ``theme_fallback`` (the site
    was built from this docs/ and theme) at the template that writes the link."""
    markdown, languages = docs_markdown(docs_dir)
    pages = [p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")]
    sources = {page: page_source(page, markdown, languages) for page in pages}
    directory_urls = any(source and source.use_directory_urls for source in sources.values())
    texts: dict[str, str] = {}

    def shown(path: Path) -> str:
        try:
            return path.resolve().relative_to((root or Path.cwd()).resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def locate_source(defect):
        if redirect_pages and defect.page in redirect_pages:  # a redirect page: the map is the source
            return Location(redirect_pages[defect.page], None)
        source = sources.get(defect.page)
        if source is None:  # not built from a Markdown file of this docs folder
            return Location(theme_template(defect.link), None) if theme_fallback else Location(defect.page, defect.line)
        if source.path not in texts:
            texts[source.path] = (docs_dir / source.path).read_text(encoding="utf-8")
        return locate(defect.link, source.page_url, shown(docs_dir / source.path), texts[source.path],
                      source.source_dir_url, directory_urls)

    return locate_source
