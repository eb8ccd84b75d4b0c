"""Partner embedding: an embed variant and an oEmbed document per page, and
the hosting headers that let partners frame the embed variants only.

Events:
- ``on_pre_build``: forgets the folders created by a previous build.
- ``on_env``: keeps the theme's Jinja environment (embed template, snippet)
  and gives it Material's stylesheet names (the embed page does not extend
  base.html, which names them).
- ``on_page_context`` (last, after the language hooks filled the context):
  gives the full page ``kb_embed`` (the oEmbed link and the "Embed this
  page" code), then renders the same context with ``overrides/embed.html``
  into ``embed/<page>`` (links to other sites opening a new tab, not the
  partner's window), with ``overrides/embed-card.html`` into the short card
  beside it, and writes the oEmbed JSON (the card's iframe, for WordPress
  and other oEmbed sites) beside them. These files are not MkDocs pages: no
  search entry, no sitemap entry.

Paths, URLs, the oEmbed document and the headers live in kbsite.embed;
``_headers`` is a step over the finished site (kbsite.site_steps).
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.plugins import event_priority

from kbsite import build_state, lifecycle
from kbsite import embed as embedding

_state: dict = {"env": None, "folders": set()}


def on_pre_build(config, **kwargs):
    _state["folders"] = set()  # `mkdocs serve` may have cleaned the site folder


def on_env(env, config, files, **kwargs):
    _state["env"] = env
    env.globals["kb_theme_stylesheets"] = embedding.theme_stylesheets(config.theme.dirs, bool(config.theme.get("palette")))
    return env


def write(path: Path, text: str) -> None:
    if path.parent not in _state["folders"]:  # two files per folder: create it once
        path.parent.mkdir(parents=True, exist_ok=True)
        _state["folders"].add(path.parent)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


@event_priority(lifecycle.STATIC_I18N)
def on_page_context(context, page, config, nav, **kwargs):
    env = _state["env"]
    if env is None or not config.site_url:
        return context  # absolute URLs are needed for a partner's page
    info = embedding.info(page.file.dest_uri, page.url, config.site_url)
    title = page.title or config.site_name
    full_title = f"{title} — {config.site_name}"
    snippet = env.get_template("partials/kb-embed-snippet.html").render(
        embed=info, title=full_title, width=embedding.OEMBED_WIDTH, height=embedding.OEMBED_HEIGHT).strip()
    card_html = env.get_template("partials/kb-oembed-html.html").render(
        embed=info, title=full_title, width=embedding.OEMBED_WIDTH, height=embedding.CARD_HEIGHT).strip()
    context["kb_embed"] = {"info": info, "snippet": snippet}
    site_dir = Path(config.site_dir)
    variant_context = {**context, "kb_embed_variant": True}
    variant = embedding.open_other_sites_apart(env.get_template("embed.html").render(variant_context), info.page_url)
    write(site_dir / info.dest, variant)
    write(site_dir / info.card_dest, env.get_template("embed-card.html").render(variant_context))
    language = build_state.current_language(config)
    prefix = next((item.prefix for item in build_state.languages(config) if item.code == language), "")
    document = embedding.oembed_document(title, config.site_name, embedding.site_base(config.site_url) + prefix,
                                         card_html)
    write(site_dir / info.oembed_dest, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return context
