"""Thin accessors for mkdocs-static-i18n's state during a build.

static-i18n builds the default language, then builds every other language as
a nested ``build()`` from its own ``on_post_build``. Hooks that must see the
finished site run at a lower priority than static-i18n's ``on_post_build``
(-100) and act only when no nested build is under way.
"""

from __future__ import annotations

from .languages import Language

FINAL_PRIORITY = -110  # after static-i18n's on_post_build (-100)


def i18n_plugin(config):
    return config.plugins.get("i18n")


def is_outer_build(config) -> bool:
    """True in the top-level build, False inside static-i18n's nested builds."""
    plugin = i18n_plugin(config)
    return plugin is None or not plugin.building


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
