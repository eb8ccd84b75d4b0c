"""Each language as its own Material site: search index and sitemap per language.

Events:
- ``on_startup``: remembers whether this is ``serve`` (MkDocs then renders
  drafts too) and ``--dirty``.
- ``on_pre_build`` (outer build): resets the list of pages.
- ``on_nav`` (after static-i18n's, which gives each language its files):
  records every page of the language, from the files rather than page by
  page, so that ``serve --dirty`` (which renders only the edited pages)
  still writes the whole sitemap.
- ``on_page_context`` (after Material's search plugin indexed the page),
  under ``--dirty`` only: keeps the page's fresh index entries. There
  (Material's own merge of the previous index doubles or drops entries
  across static-i18n's nested builds, even in the first build) the index is
  rebuilt from them and the previous build's entries of the pages not
  rendered (kbsite/search_index.py ``rebuilt_indexes``), which is what
  a full build writes; the previous entries are kept across the rebuilds of
  one ``serve`` on purpose.
- ``on_post_build`` (outer build, after static-i18n rebuilt the combined
  search index): splits the index per language and writes the per-language
  sitemaps; makes Material load the search index only when the reader
  reaches for search (kbsite/material_bundle.py), so that a first visit
  does not pay for it.

``kb-languages.js`` points Material's base URL at the page's language root,
so an English page fetches ``/en/search/search_index.json`` (English pages,
English stemmer) and ``/en/sitemap.xml``; a French page the root ones.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state, material_bundle
from kbsite.search_index import page_of, read_combined, rebuilt_indexes, split_search_index
from kbsite.sitemap import write_sitemap

log = get_plugin_logger("language_base")

_pages_by_language: dict[str, list[str]] = {}
_command = {"name": "build", "dirty": False}
_fresh_entries: dict[str, list[dict]] = {}  # page URL -> its entries, rendered in this build
_previous_entries: dict[str, list[dict]] = {}  # page URL -> its entries in the last index written


def on_startup(command, dirty=False, **kwargs):
    _command.update(name=command, dirty=bool(dirty))
    _previous_entries.clear()


def on_pre_build(config, **kwargs):
    if build_state.is_outer_build(config):
        _pages_by_language.clear()
        _fresh_entries.clear()


def _search_plugin(config):
    return config.plugins.get("material/search") or config.plugins.get("search")


@event_priority(-10)  # after Material's search plugin (0) added the page's entries
def on_page_context(context, page, config, nav, **kwargs):
    if not _command["dirty"]:
        return context  # a full build's index is static-i18n's, as it is
    plugin = _search_plugin(config)
    entries = getattr(getattr(plugin, "search_index", None), "entries", None)
    if entries is None:
        return context
    own = []
    for entry in reversed(entries):
        if page_of(entry["location"]) != page.url:
            break
        own.append(dict(entry))
    _fresh_entries[page.url] = own[::-1]
    return context


@event_priority(-110)  # after static-i18n's on_nav (-100)
def on_nav(nav, config, files, **kwargs):
    language = build_state.current_language(config)
    pages = build_state.rendered_pages(files, _command["name"] == "serve")
    _pages_by_language[language] = ["" if file.url in (".", "./") else file.url for file in pages]
    return nav


@event_priority(build_state.FINAL_PRIORITY)
def on_post_build(config, **kwargs):
    if not build_state.is_outer_build(config):
        return
    site_dir = Path(config.site_dir)
    languages = build_state.languages(config)
    if "search" in config.plugins or "material/search" in config.plugins:
        try:
            combined = read_combined(site_dir)
            entries = combined["docs"]
            if _command["dirty"]:  # Material's merge doubles or drops entries under --dirty
                pages = [url for language in languages for url in _pages_by_language.get(language.code, [])]
                entries = rebuilt_indexes(pages, _fresh_entries, _previous_entries, languages)
            written = split_search_index(site_dir, languages, combined, entries)
        except (OSError, ValueError, KeyError) as error:
            raise PluginError(f"hooks/language_base.py: cannot split the search index: {error}") from None
        if _command["dirty"]:  # what the next dirty rebuild keeps for the pages it does not render
            _previous_entries.clear()
            for entry in entries:
                _previous_entries.setdefault(page_of(entry["location"]), []).append(entry)
        log.info("search index per language: %s", ", ".join(f"{k} {len(v)} entries" for k, v in written.items()))
        try:
            material_bundle.search_index_on_demand(site_dir)
        except material_bundle.BundleChanged as error:
            raise PluginError(f"hooks/language_base.py: {error}") from None
    site_url = config.site_url or ""
    if not site_url:
        return
    base = site_url if site_url.endswith("/") else site_url + "/"
    for language in languages[1:]:
        urls = [base + url for url in _pages_by_language.get(language.code, [])]
        write_sitemap(site_dir / language.prefix / "sitemap.xml", urls)
