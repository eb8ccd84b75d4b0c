"""Language switcher to the same page, and hreflang links, with instant navigation.

Events:
- ``on_config``: warns once when ``site_url`` is not set (no hreflang links then).
- ``on_env``: exposes the site's languages and words to the templates
  (``kb_languages``, ``kb_t``: schema/ui.yml).
- ``on_page_context``: gives each page its counterparts: ``kb_switch`` (where
  the switcher goes: the translation, or that language's home when there is
  none) and ``kb_hreflang`` (``<link rel="alternate">`` pairs, x-default included).
- ``on_template_context``: the same for the 404 page (language homes only).

Why: static-i18n's contextual switcher is rendered in the header, which
Material's instant navigation never replaces, so after one instant navigation
it points to the first page's counterpart. Our templates put the current
page's counterparts inside the content container (which instant navigation
does replace) and ``kb-languages.js`` copies them into the switcher. Material
9.8 also intercepts clicks on any URL found in a ``<link rel="alternate">``
and resolves it as if languages were sibling folders, which misroutes links
once per-page hreflang links exist: ``kbsite.material`` narrows it
(a step over the finished site, kbsite.site_steps).
"""

from __future__ import annotations

from mkdocs.plugins import get_plugin_logger

from kbsite import build_state
from kbsite.languages import Counterpart, hreflang_links, site_relative, switch_targets

log = get_plugin_logger("language_switcher")


def _counterparts(file, languages) -> list[Counterpart]:
    alternates = getattr(file, "alternates", None) or {}
    result = []
    for language in languages:
        alternate = alternates.get(language.code)
        if alternate is None:
            result.append(Counterpart(language, language.prefix, False))
            continue
        translated = getattr(alternate, "locale", language.code) == language.code
        result.append(Counterpart(language, site_relative(alternate.url), translated))
    return result


def _switch_entries(targets: dict[str, str], languages, current: str) -> list[dict]:
    return [
        {"lang": language.code, "name": language.name, "url": targets[language.code], "current": language.code == current}
        for language in languages
    ]


def on_config(config, **kwargs):
    if not config.site_url:
        log.warning("site_url is not set: hreflang links need absolute URLs and are left out")
    return config


def on_env(env, config, files, **kwargs):
    from kbsite import ui_text

    languages = build_state.languages(config)
    env.globals["kb_t"] = ui_text.text  # {{ kb_t(lang, "key") }}: the interface text, schema/ui.yml
    env.globals["kb_languages"] = {language.code: language.prefix for language in languages}
    env.globals["kb_current_language"] = build_state.current_language(config)
    return env


def on_page_context(context, page, config, nav, **kwargs):
    languages = build_state.languages(config)
    current = build_state.current_language(config)
    counterparts = _counterparts(page.file, languages)
    context["kb_switch"] = _switch_entries(switch_targets(counterparts), languages, current)
    site_url = config.site_url or ""
    if not site_url:
        context["kb_hreflang"] = []  # on_config said why, once
        return context
    default = languages[0].code
    context["kb_hreflang"] = hreflang_links(counterparts, site_url, default)
    return context


def on_template_context(context, template_name, config, **kwargs):
    if template_name != "404.html":
        return context
    languages = build_state.languages(config)
    homes = {language.code: language.prefix for language in languages}
    context["kb_switch"] = _switch_entries(homes, languages, build_state.current_language(config))
    context["kb_hreflang"] = []
    return context
