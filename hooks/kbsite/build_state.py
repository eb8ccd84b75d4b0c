"""Thin accessors for mkdocs-static-i18n's state during a build.

static-i18n builds the default language, then builds every other language as
a nested ``build()`` from its own ``on_post_build``. Hooks that must see the
finished site run at a lower priority than static-i18n's ``on_post_build``
(-100) and act only when no nested build is under way.

Parallel builds (tools/parallel_build.py) run one ``mkdocs build`` process
per language with ``KB_BUILD_LANGUAGE`` set: that process builds that
language only (hooks/language_split.py), so it has no nested build, and the
steps that need every language (link check, ``_headers``, the service
worker's version) run over the merged site instead (``is_split_build``).
"""

from __future__ import annotations

import os

from .languages import Language

FINAL_PRIORITY = -110  # after static-i18n's on_post_build (-100)
SPLIT_VARIABLE = "KB_BUILD_LANGUAGE"


def split_language() -> str | None:
    """The only language this process builds (parallel build), else None."""
    return os.environ.get(SPLIT_VARIABLE) or None


def is_split_build() -> bool:
    return split_language() is not None


def builds_language(code: str) -> bool:
    """True when this process builds ``code`` (every process does, unless split)."""
    return split_language() in (None, code)


def i18n_plugin(config):
    return config.plugins.get("i18n")


def is_outer_build(config) -> bool:
    """True in the top-level build, False inside static-i18n's nested builds."""
    plugin = i18n_plugin(config)
    return plugin is None or is_split_build() or not plugin.building


def has_whole_site(config) -> bool:
    """True at the end of a build that wrote every language into ``site_dir``:
    the outer build of a sequential build, never a one-language process of a
    parallel build (tools/parallel_build.py runs these steps after the merge)."""
    return is_outer_build(config) and not is_split_build()


def current_language(config) -> str:
    plugin = i18n_plugin(config)
    if plugin is None or plugin.current_language is None:
        return config.theme.get("language", "en")
    return plugin.current_language


def languages(config) -> list[Language]:
    """The built languages, default first."""
    plugin = i18n_plugin(config)
    if plugin is None:
        return [Language(current_language(config), "", "")]
    result = []
    for lang in plugin.config.languages:
        if not lang.build:
            continue
        prefix = "" if lang.default else f"{lang.locale}/"
        result.append(Language(lang.locale, lang.name, prefix))
    result.sort(key=lambda language: language.prefix != "")
    return result


def rendered_pages(files, serving: bool) -> list:
    """The documentation pages a full build of this language renders (MkDocs'
    own choice: drafts too under ``serve``). Read in ``on_nav``/``on_files``
    rather than page by page, because ``serve --dirty`` renders only the
    edited pages: a list built from page events would shrink to them."""
    from mkdocs.structure.files import InclusionLevel

    inclusion = InclusionLevel.is_in_serve if serving else InclusionLevel.is_included
    return list(files.documentation_pages(inclusion=inclusion))
