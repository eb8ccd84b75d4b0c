"""Each language as its own Material site: search index and sitemap per language.

Events:
- ``on_pre_build`` (outer build): resets the list of pages seen.
- ``on_page_context``: records each English (non-default) page's URL.
- ``on_post_build`` (outer build, after static-i18n rebuilt the combined
  search index): splits the index per language and writes the per-language
  sitemaps.

``kb-languages.js`` points Material's base URL at the page's language root,
so an English page fetches ``/en/search/search_index.json`` (English pages,
English stemmer) and ``/en/sitemap.xml``; a French page the root ones.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state
from kbsite.search_index import split_search_index
from kbsite.sitemap import write_sitemap

log = get_plugin_logger("language_base")

_pages_by_language: dict[str, list[str]] = {}


def on_pre_build(config, **kwargs):
    if build_state.is_outer_build(config):
        _pages_by_language.clear()


def on_page_context(context, page, config, nav, **kwargs):
    language = build_state.current_language(config)
    _pages_by_language.setdefault(language, []).append(page.file.url)
    return context


@event_priority(build_state.FINAL_PRIORITY)
def on_post_build(config, **kwargs):
    if not build_state.is_outer_build(config):
        return
    site_dir = Path(config.site_dir)
    languages = build_state.languages(config)
    if "search" in config.plugins or "material/search" in config.plugins:
        try:
            counts = split_search_index(site_dir, languages)
        except (OSError, ValueError, KeyError) as error:
            raise PluginError(f"hooks/language_base.py: cannot split the search index: {error}") from None
        log.info("search index per language: %s", ", ".join(f"{k} {v} entries" for k, v in counts.items()))
    site_url = config.site_url or ""
    if not site_url:
        return
    base = site_url if site_url.endswith("/") else site_url + "/"
    for language in languages[1:]:
        urls = [base + url for url in _pages_by_language.get(language.code, [])]
        write_sitemap(site_dir / language.prefix / "sitemap.xml", urls)
