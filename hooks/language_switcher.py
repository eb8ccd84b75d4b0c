"""Language switcher to the same page, and hreflang links, with instant navigation.

Events:
- ``on_env``: exposes the site's languages to the templates (``kb_languages``).
- ``on_page_context``: gives each page its counterparts: ``kb_switch`` (where
  the switcher goes: the translation, or that language's home when there is
  none) and ``kb_hreflang`` (``<link rel="alternate">`` pairs, x-default included).
- ``on_template_context``: the same for the 404 page (language homes only).
- ``on_post_build`` (outer build, after static-i18n): turns off Material's own
  alternate-link interception in the built JavaScript bundle.

Why: static-i18n's contextual switcher is rendered in the header, which
Material's instant navigation never replaces, so after one instant navigation
it points to the first page's counterpart. Our templates put the current
page's counterparts inside the content container (which instant navigation
does replace) and ``kb-languages.js`` copies them into the switcher. Material
9.8 also intercepts clicks on any URL found in a ``<link rel="alternate">``
and resolves it as if languages were sibling folders, which misroutes links
once per-page hreflang links exist: ``kbsite.material_bundle`` narrows it.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state, material_bundle
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
        {"lang": l.code, "name": l.name, "url": targets[l.code], "current": l.code == current}
        for l in languages
    ]


def on_env(env, config, files, **kwargs):
    languages = build_state.languages(config)
    env.globals["kb_languages"] = {l.code: l.prefix for l in languages}
    env.globals["kb_current_language"] = build_state.current_language(config)
    return env


def on_page_context(context, page, config, nav, **kwargs):
    languages = build_state.languages(config)
    current = build_state.current_language(config)
    counterparts = _counterparts(page.file, languages)
    context["kb_switch"] = _switch_entries(switch_targets(counterparts), languages, current)
    site_url = config.site_url or ""
    if not site_url:
        log.warning("site_url is not set: hreflang links need absolute URLs and are left out")
        context["kb_hreflang"] = []
        return context
    default = languages[0].code
    context["kb_hreflang"] = hreflang_links(counterparts, site_url, default)
    return context


def on_template_context(context, template_name, config, **kwargs):
    if template_name != "404.html":
        return context
    languages = build_state.languages(config)
    homes = {l.code: l.prefix for l in languages}
    context["kb_switch"] = _switch_entries(homes, languages, build_state.current_language(config))
    context["kb_hreflang"] = []
    return context


@event_priority(build_state.FINAL_PRIORITY)
def on_post_build(config, **kwargs):
    if not build_state.is_outer_build(config):
        return
    try:
        material_bundle.disable_alternate_interception(Path(config.site_dir))
    except material_bundle.BundleChanged as error:
        raise PluginError(f"hooks/language_switcher.py: {error}") from None
