"""Link checker: every internal link, anchor and image of both language builds.

As a MkDocs hook:
- ``on_startup``: remembers whether this is ``build`` or ``serve``.
- ``on_pre_build`` (outer build): forgets the pages of a previous build.
- ``on_files`` (outer build, big sites): starts worker processes that read
  each page as soon as it is written (``on_post_page``), on the cores the
  build leaves idle.
- ``on_nav`` (after static-i18n's, which gives each language its files):
  records which Markdown file each page comes from, for every page of the
  language, not only the ones rendered: ``serve --dirty`` renders only the
  edited pages, and a defect on another page must still name its file.
- ``on_post_build`` (outer build, after static-i18n built every language and
  our other hooks wrote their files): checks the finished site once. Not in
  a one-language process of the parallel build, which checks the merged site. A
  defect is reported once, as ``docs/<file>.md:<line>: <kind>: <target>``
  (the template for a theme-generated link). ``mkdocs build`` then fails
  (strict or not); ``mkdocs serve`` warns and keeps serving. External URLs
  are checked only with ``KB_LINKCHECK_EXTERNAL=1``.

Standalone, on any built site directory (HTML only, whatever built it):

    python hooks/linkcheck.py SITE_DIR [--site-url URL] [--external]
        [--format text|json|github] [--docs-dir DOCS] [--cache FILE] [--ttl SECONDS]

With ``--docs-dir`` (the Markdown folder the site was built from) defects
are reported at their Markdown file and line, as in the build, so GitHub
annotations land on the lines of a pull request.

It exits 1 when it finds a defect.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kbsite import build_state, redirects, sitelinks
from kbsite.background import BackgroundCheck, worker_count
from kbsite.external import Settings, check_urls
from kbsite.sourcemap import Location, locate, page_source, suffix_languages

try:  # the standalone checker needs no MkDocs
    from mkdocs.exceptions import PluginError
    from mkdocs.plugins import event_priority, get_plugin_logger
except ImportError:  # pragma: no cover - exercised only without MkDocs installed
    PluginError = RuntimeError

    def event_priority(priority):
        return lambda function: function

    get_plugin_logger = None

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


def _report_line(item: dict) -> str:
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
    return "\n".join(_report_line(item) for item in items)


def collect(site_dir: Path, site_url: str, locate_source=None, external: bool = False,
            cache: Path | None = None, settings: Settings | None = None,
            result: sitelinks.SiteCheck | None = None) -> list[dict]:
    """Every defect of a built site, deduplicated, as report items."""
    if result is None:
        workers = int(os.environ["KB_LINKCHECK_WORKERS"]) if os.environ.get("KB_LINKCHECK_WORKERS", "").isdigit() else None
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


# --- MkDocs hook --------------------------------------------------------------

_command = {"name": "build"}
_background: dict[str, BackgroundCheck | None] = {"check": None}
_sources: dict[str, tuple[str, str, str, str]] = {}  # HTML file -> (docs/..md, abs path, page URL, source dir URL)


def on_startup(command, **kwargs):
    _command["name"] = command


def on_pre_build(config, **kwargs):
    if build_state.is_outer_build(config):
        _sources.clear()
        if _background["check"]:
            _background["check"].close()
        _background["check"] = None


def on_files(files, config, **kwargs):
    # Big sites: read pages in worker processes while the build goes on.
    if not build_state.has_whole_site(config) or _background["check"] is not None:
        return files
    pages = sum(1 for f in files if f.is_documentation_page()) * len(build_state.languages(config))
    workers = worker_count()
    asked = os.environ.get("KB_LINKCHECK_WORKERS", "").isdigit()  # tests force it on small sites
    if workers > 1 and (asked or pages >= sitelinks.PARALLEL_FROM):
        _background["check"] = BackgroundCheck(Path(config.site_dir), config.site_url or "", workers)
    return files


def on_post_page(output, page, config, **kwargs):
    if _background["check"] is not None:
        _background["check"].page_written(Path(page.file.dest_path).as_posix())
    return output


@event_priority(-110)  # after static-i18n's on_nav (-100)
def on_nav(nav, config, files, **kwargs):
    docs = Path(config.docs_dir)
    root = Path(config.config_file_path).parent
    prefix = next((l.prefix for l in build_state.languages(config) if l.code == build_state.current_language(config)), "")
    for file in build_state.rendered_pages(files, _command["name"] == "serve"):
        src = Path(file.abs_src_path)
        try:
            shown = src.relative_to(root).as_posix()
        except ValueError:
            shown = src.as_posix()
        src_dir = src.parent.relative_to(docs).as_posix()
        source_dir_url = prefix + ("" if src_dir == "." else src_dir + "/")
        page_url = "" if file.url in (".", "./") else file.url
        _sources[Path(file.dest_path).as_posix()] = (shown, str(src), page_url, source_dir_url)
    return nav


@event_priority(-120)
def on_post_build(config, **kwargs):
    if not build_state.has_whole_site(config):
        return
    log = get_plugin_logger("linkcheck")
    texts: dict[str, str] = {}

    languages = [(language.code, language.prefix) for language in build_state.languages(config)]
    found, _ = redirects.read(config.extra.get("kb_redirects"), Path(config.docs_dir), languages)
    redirect_pages = redirects.stub_sources(found, languages)

    def locate_source(defect):
        if defect.page in redirect_pages:  # a page of hooks/redirects.py: the map is the source
            return Location(redirect_pages[defect.page], None)
        shown, path, page_url, source_dir_url = _sources.get(defect.page, (None, None, "", ""))
        if path and path not in texts:
            texts[path] = Path(path).read_text(encoding="utf-8")
        return locate(defect.link, page_url, shown, texts.get(path), source_dir_url, config.use_directory_urls)

    external = os.environ.get("KB_LINKCHECK_EXTERNAL", "") not in ("", "0", "false")
    cache = Path(config.config_file_path).parent / DEFAULT_CACHE
    background, _background["check"] = _background["check"], None
    result = background.finish() if background else None
    items = collect(Path(config.site_dir), config.site_url or "", locate_source, external, cache, result=result)
    errors = [item for item in items if item["error"]]
    for item in items:
        if item["error"] and _command["name"] != "serve":
            log.error(_report_line(item))
        else:
            log.warning(_report_line(item))
    if errors and _command["name"] != "serve":
        raise PluginError(f"{len(errors)} broken link(s): see the lines above (hooks/linkcheck.py)")


# --- Standalone ---------------------------------------------------------------

def markdown_locator(site_dir: Path, docs_dir: Path):
    """locate_source for the standalone checker: HTML page -> Markdown file and line."""
    markdown = {p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")}
    languages = suffix_languages(markdown)
    pages = [p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")]
    sources = {page: page_source(page, markdown, languages) for page in pages}
    directory_urls = any(source and source.use_directory_urls for source in sources.values())
    texts: dict[str, str] = {}

    def shown(path: Path) -> str:
        try:
            return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def locate_source(defect):
        source = sources.get(defect.page)
        if source is None:  # not built from this docs folder: the HTML page and line
            return Location(defect.page, defect.line)
        if source.path not in texts:
            texts[source.path] = (docs_dir / source.path).read_text(encoding="utf-8")
        return locate(defect.link, source.page_url, shown(docs_dir / source.path), texts[source.path],
                      source.source_dir_url, directory_urls)

    return locate_source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the links of a built site directory.")
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--site-url", default="", help="the URL the site is served from (for absolute links and a sub-path)")
    parser.add_argument("--external", action="store_true", help="also check http(s) links to other sites")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text")
    parser.add_argument("--docs-dir", type=Path, help="the Markdown folder the site was built from: "
                        "report docs/<file>.md:<line> instead of the HTML page and line")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="external results cache (JSON)")
    parser.add_argument("--ttl", type=float, default=Settings.ttl, help="seconds an external result stays valid")
    parser.add_argument("--timeout", type=float, default=Settings.timeout, help="seconds per external request")
    args = parser.parse_args(argv)
    if not args.site_dir.is_dir():
        parser.error(f"{args.site_dir} is not a directory")
    if args.docs_dir and not args.docs_dir.is_dir():
        parser.error(f"--docs-dir {args.docs_dir} is not a directory")
    settings = Settings(timeout=args.timeout, ttl=args.ttl)
    locate_source = markdown_locator(args.site_dir, args.docs_dir) if args.docs_dir else None
    items = collect(args.site_dir, args.site_url, locate_source, args.external, args.cache, settings)
    output = format_items(items, args.format)
    if output:
        print(output)
    return 1 if any(item["error"] for item in items) else 0


if __name__ == "__main__":
    sys.exit(main())
