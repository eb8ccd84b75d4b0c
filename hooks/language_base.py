"""Each language as its own Material site: search settings and sitemap per language.

Events:
- ``on_startup``: remembers whether this is ``serve`` (MkDocs then renders
  drafts too).
- ``on_pre_build`` (outer build): resets the list of pages.
- ``on_nav`` (after static-i18n's, which gives each language its files):
  records every page of the language, from the files rather than page by
  page, so that ``serve --dirty`` (which renders only the edited pages)
  still writes the whole sitemap.
- ``on_post_build`` (outer build, after static-i18n rebuilt the combined
  search index): writes each language's ``search/search_index.json`` with
  Material's search settings and no entries (the search itself reads the
  index of hooks/search_index.py), and the per-language sitemaps; writes
  those settings into Material's bundle, handed to its search dialog when
  the reader reaches for search, so that nothing is fetched for them
  (kbsite/material_bundle.py).

``kb-languages.js`` points Material's base URL at the page's language root,
so an English page fetches ``/en/sitemap.xml`` and searches ``/en/search/kb/``;
a French page the root ones.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state, material_bundle
from kbsite.search_index import read_combined, write_search_settings
from kbsite.sitemap import write_sitemap

log = get_plugin_logger("language_base")

_pages_by_language: dict[str, list[str]] = {}
_command = {"name": "build"}


def on_startup(command, **kwargs):
    _command.update(name=command)


def on_pre_build(config, **kwargs):
    if build_state.is_outer_build(config):
        _pages_by_language.clear()


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
            written = write_search_settings(site_dir, languages, combined)
        except (OSError, ValueError, KeyError) as error:
            raise PluginError(f"hooks/language_base.py: cannot write the search settings: {error}") from None
        log.debug("search settings per language: %s", ", ".join(written))
        try:
            material_bundle.search_settings_on_demand(site_dir, combined["config"])
        except material_bundle.BundleChanged as error:
            raise PluginError(f"hooks/language_base.py: {error}") from None
    site_url = config.site_url or ""
    if not site_url:
        return
    base = site_url if site_url.endswith("/") else site_url + "/"
    for language in languages[1:]:
        urls = [base + url for url in _pages_by_language.get(language.code, [])]
        write_sitemap(site_dir / language.prefix / "sitemap.xml", urls)
