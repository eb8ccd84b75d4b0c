"""What the theme shows from a page's data is shown as text, never as markup.

Events:
- ``on_env``: turns on Jinja's autoescape for our templates (every file of
  ``overrides/``), so each value they print from front matter, config or a
  hook is escaped unless a template marks it ``| safe`` (the page's rendered
  content, already held to the allow-list). Material's own templates keep
  their settings: they print front matter raw, which is why the schema
  refuses markup in plain-text fields (schema/page.schema.json).

Material's tooltips add an element's ``title`` as text instead of HTML: a
step over the finished site (kbsite.site_steps, material_bundle; kbsite.material).
"""

from __future__ import annotations

from pathlib import Path


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
