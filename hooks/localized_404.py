"""A 404 page per language: French at ``/404.html``, English at ``/en/404.html``.

Events:
- ``on_pre_build`` (outer build): forgets the pages kept from a previous build.
- ``on_post_template``: keeps the rendered ``404.html`` of each language build.
  Every language build writes its 404 to the same ``site/404.html``, so out of
  the box the last language built wins and no ``/en/404.html`` exists.
- ``on_post_build`` (outer build, after every language is built): writes each
  kept page under its language's folder.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state, lifecycle

log = get_plugin_logger("localized_404")

_rendered: dict[str, str] = {}


def on_pre_build(config, **kwargs):
    if not build_state.phase(config).nested:
        _rendered.clear()


def on_post_template(output_content, template_name, config, **kwargs):
    if template_name == "404.html":
        _rendered[build_state.current_language(config)] = output_content
    return output_content


@event_priority(lifecycle.AFTER_STATIC_I18N)
def on_post_build(config, **kwargs):
    phase = build_state.phase(config)
    if phase.nested:
        return
    site_dir = Path(config.site_dir)
    for language in build_state.languages(config):
        html = _rendered.get(language.code)
        if html is None and not phase.builds(language.code):
            continue  # built by another process of the parallel build
        if html is None:
            log.warning(f"no 404 page was rendered for '{language.code}'")
            continue
        target = site_dir / language.prefix / "404.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
