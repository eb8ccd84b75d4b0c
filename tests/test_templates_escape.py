"""Our templates print every value as text: each field rendered with markup.

The schema refuses markup in plain-text front matter, but the templates must
not depend on it: here every value they print from front matter, config or a
hook holds markup (past the schema), and the rendered HTML, parsed by an
HTML5 parser, must show it as text — once escaped, never run, never twice.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from selectolax.lexbor import LexborHTMLParser

import csp as csp_hook
import theme_escaping
from conftest import ROOT
from kbsite import ui_text
from kbsite.content import PageInfo, Source

MARKUP = "<img src=x onerror=alert(1)>\"'&lt;b&gt;"
URL = 'https://example.org/"><script>alert(1)</script>'


@pytest.fixture(scope="module")
def env():
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(ROOT / "mkdocs.yml"))
    environment = config.theme.get_env()
    theme_escaping.on_env(environment, config=config, files=None)
    csp_hook.on_env(environment, config=config, files=None)
    environment.globals["kb_t"] = ui_text.text
    return environment, config


def page_info() -> PageInfo:
    source = Source(number=1, title=MARKUP, by=MARKUP, publisher=MARKUP, date=MARKUP, url=URL, link_text=MARKUP,
                    note=MARKUP, language="en")
    return PageInfo(language="fr", content_language="fr", type="guide", type_label=MARKUP, reviewed=MARKUP,
                    reviewed_iso=MARKUP, next_review=MARKUP, overdue=True, sources=[source], outdated=True)


def page():
    return SimpleNamespace(title=MARKUP, url="guides/x/", canonical_url=URL, is_homepage=False,
                           meta={"kb": page_info(), "description": MARKUP}, content="<p>Contenu.</p>")


def assert_inert(html: str, shows_markup: bool = True) -> None:
    tree = LexborHTMLParser(html)
    for node in tree.root.traverse(include_text=False):
        assert node.tag != "img", html
        if node.tag == "script":  # the templates' own script files only, never inline text
            assert node.attributes.get("src") and not node.text().strip(), html
        assert not any(name.startswith("on") for name in node.attributes), html
    # What a reader sees (text and attribute values, as the browser decodes
    # them) is the value exactly as written: escaped once, not twice.
    seen = [tree.root.text()] + [value or "" for node in tree.root.traverse(include_text=False)
                                 for value in node.attributes.values()]
    assert not shows_markup or any(MARKUP in value for value in seen), html


def render(env, name: str, **context) -> str:
    environment, config = env
    base = {"config": config, "page": page(), "base_url": ".", "kb_current_language": "fr"}
    return environment.get_template(name).render({**base, **context})


def test_the_sources_and_the_page_meta_line(env):
    html = render(env, "partials/kb-sources.html") + render(env, "partials/kb-page-meta.html")
    assert_inert(html)
    assert 'href="https://example.org/&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_the_embed_code_and_its_box(env):
    embed = SimpleNamespace(url=URL, loader_url=URL, oembed_url=URL, base_href="../", page_url=URL)
    snippet = render(env, "partials/kb-embed-snippet.html", embed=embed, title=MARKUP, width=720, height=600)
    assert_inert(snippet)
    box = render(env, "partials/kb-embed-control.html", kb_embed={"info": embed, "snippet": snippet})
    assert_inert(box, shows_markup=False)
    assert LexborHTMLParser(box).css_first("textarea").text() == snippet  # the code to copy, as text


def test_the_embed_variant(env):
    embed = SimpleNamespace(url=URL, loader_url=URL, oembed_url=URL, base_href="../", page_url=URL)
    html = render(env, "embed.html", kb_embed={"info": embed, "snippet": ""}, kb_embed_variant=True,
                  kb_theme_stylesheets=[])
    assert_inert(html)
    assert LexborHTMLParser(html).css_first("title").text().startswith(MARKUP)


def test_the_language_switcher_entries(env):
    links = [{"url": "x/", "lang": "en", "name": MARKUP, "current": False}]
    lang = SimpleNamespace(t=lambda key: MARKUP)
    html = render(env, "partials/alternate.html", kb_switch=links, lang=lang) + \
        render(env, "partials/kb-counterparts.html", kb_switch=links)
    assert_inert(html)


def test_a_template_we_do_not_own_keeps_materials_setting(env):
    environment, _ = env
    assert environment.autoescape("partials/kb-sources.html") is True
    assert environment.autoescape("base.html") is False  # Material's: it prints page.content as HTML
    assert Path(ROOT / "overrides" / "partials" / "kb-sources.html").is_file()
