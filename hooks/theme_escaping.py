"""What the theme shows from a page's data is shown as text, never as markup.

Events:
- ``on_env``: turns on Jinja's autoescape for our templates (every file of
  ``overrides/``), so each value they print from front matter, config or a
  hook is escaped unless a template marks it ``| safe`` (the page's rendered
  content, already held to the allow-list). Material's own templates keep
  their settings: they print front matter raw, which is why the schema
  refuses markup in plain-text fields (schema/page.schema.json).
- ``on_post_build`` (outer build): Material's tooltips add an element's
  ``title`` as text instead of HTML (kbsite.material_bundle.text_tooltips).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from kbsite import build_state, material_bundle


def ours(custom_dir: Path):
    """The autoescape rule: True for a template our overrides/ folder provides
    (Jinja asks for every template it renders: the names are listed once)."""
    names = frozenset(path.relative_to(custom_dir).as_posix() for path in custom_dir.rglob("*.html"))

    def autoescape(name: str | None) -> bool:
        return name in names

    return autoescape


def on_env(env, config, files, **kwargs):
    custom_dir = config.theme.custom_dir
    if custom_dir:
        env.autoescape = ours(Path(custom_dir))
    return env


@event_priority(build_state.FINAL_PRIORITY)
def on_post_build(config, **kwargs):
    if not build_state.is_outer_build(config):
        return
    try:
        material_bundle.text_tooltips(Path(config.site_dir))
    except material_bundle.BundleChanged as error:
        raise PluginError(f"hooks/theme_escaping.py: {error}") from None
