"""Our overrides of Material's own templates, against the pinned Material.

``overrides/`` is the theme's custom_dir: a file there with the path of one of
Material's templates replaces Material's file. Those files fall in two kinds,
and each is checked for what an upgrade of Material can break in it:

Copies of Material's file with edits: upstream drift matters, since a fix
or a new feature in Material's file would silently not reach the site. The
edits are written below as data (COPIES: upstream snippet, our replacement);
Material's file with those edits applied must be exactly our file, our own
leading ``{#- ... -#}`` comment left out. When it is not, the message is a
unified diff between the two, so the upstream lines that moved show at once.

- ``partials/search.html``: one change, an accessible name on the search
  dialog (Lighthouse aria-dialog-name, WCAG 4.1.2).
- ``partials/alternate.html``: the language selector lists the current
  page's counterparts (``kb_switch``, hooks/language_switcher.py) instead of
  ``config.extra.alternate``, which mkdocs.yml sets to ``true`` only so that
  Material shows the selector; each link gets ``lang`` and the current one
  ``aria-current``.
- ``partials/content.html``: the actions are left out of embed variants;
  the title and content come from ``kb.content_parts`` (the content cut
  after its first ``<h1>`` between parsed nodes, kbsite.content), with the
  page meta line after the title, the French text of an untranslated page
  marked ``lang`` in the English build, and the sources at the end; pages
  without ``kb`` keep Material's behaviour, with ``| safe``.

Written from scratch or extending blocks: no Material text is copied, so
there is nothing to drift; what is checked is that Material's original still
exists and still has the blocks, names and include sites we rely on.

- ``main.html``: Material's documented extension point. Material's own
  main.html is only ``{% extends "base.html" %}``; ours extends base.html too
  and fills its blocks (EXTENDS).
- ``404.html``: extends main.html (ours) like Material's, and replaces the
  blocks Material's 404 fills with a page in the build's language.
- ``partials/source.html``: empty on purpose. Material's repository widget
  (``data-md-component="source"``) makes the reader's browser fetch star and
  fork counts from the GitHub API; with an empty partial no page has it.

Every file of overrides/ with a namesake in Material's templates must be in
one of the two lists, so a new override cannot skip these checks.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import re
from pathlib import Path

import jinja2
import material
import pytest
from jinja2 import nodes

from conftest import ROOT

OVERRIDES = ROOT / "overrides"
TEMPLATES = Path(material.__file__).resolve().parent / "templates"
MATERIAL_VERSION = importlib.metadata.version("mkdocs-material")

# The comment Material's build puts at the top of each of its templates.
GENERATED = "{#-\n  This file was automatically generated - do not edit\n-#}\n"
# The comment one of our files opens with (why it differs from Material's).
LEADING_COMMENT = re.compile(r"\A\{#-.*?-#\}\n", re.DOTALL)

# Copies of Material's file: (upstream snippet, our replacement) pairs. Each
# snippet is found in Material's unmodified file, where it must occur once.
COPIES: dict[str, tuple[tuple[str, str], ...]] = {
    "partials/search.html": (
        (GENERATED, ""),
        (
            '<div class="md-search" data-md-component="search" role="dialog">',
            '<div class="md-search" data-md-component="search" role="dialog"'
            " aria-label=\"{{ lang.t('search.placeholder') }}\">",
        ),
    ),
    "partials/alternate.html": (
        (GENERATED, ""),
        (
            "{% for alt in config.extra.alternate %}",
            "{% for link in kb_switch | default([]) %}",
        ),
        (
            '<a href="{{ alt.link | url }}" hreflang="{{ alt.lang }}" class="md-select__link">',
            '<a href="{{ link.url | url }}" hreflang="{{ link.lang }}" lang="{{ link.lang }}"'
            ' class="md-select__link"{% if link.current %} aria-current="true"{% endif %}>',
        ),
        ("{{ alt.name }}", "{{ link.name }}"),
    ),
    "partials/content.html": (
        (GENERATED, ""),
        (
            '{% include "partials/actions.html" %}',
            '{% if not kb_embed_variant %}{% include "partials/actions.html" %}{% endif %}',
        ),
        (
            r"""{% if "\u003ch1" not in page.content %}
  <h1>{{ page.title | d(config.site_name, true)}}</h1>
{% endif %}
{{ page.content }}
""",
            r"""{%- set kb = page.meta.kb if page.meta and page.meta.kb else none %}
{#- Autoescaped template: the page's content is HTML already held to the
    allow-list (hooks/html_allowlist.py), hence | safe; the title is text.
    kb.content_parts: the content cut after its first <h1>, between parsed
    nodes (kbsite.content.split_at_title), never by searching its text. -#}
{%- set parts = kb.content_parts if kb and kb.content_parts else none %}
{%- if kb %}
{%- if kb.fallback %}<div lang="{{ kb.content_language }}">{% endif %}
{%- if parts %}
{{ parts[0] | safe }}
{%- else %}
<h1>{{ page.title | d(config.site_name, true) }}</h1>
{%- endif %}
{%- if kb.fallback %}</div>{% endif %}
{% include "partials/kb-page-meta.html" %}
{%- if kb.fallback %}<div lang="{{ kb.content_language }}">{% endif %}
{{ (parts[1] if parts else page.content) | safe }}
{%- if kb.fallback %}</div>{% endif %}
{% include "partials/kb-sources.html" %}
{%- else %}
{%- if "\u003ch1" not in page.content %}<h1>{{ page.title | d(config.site_name, true) }}</h1>{% endif %}
{{ page.content | safe }}
{%- endif %}
""",
        ),
    ),
}

# Templates that extend Material's blocks: (the template our {% extends %}
# names, {block: how our block treats the one it overrides}). "super": it
# calls super(), Material's content stays; "empty": no super(), and base.html's
# block is empty, so nothing of Material's is lost; "replace": no super(), our
# block takes the place of the parent's on purpose.
EXTENDS: dict[str, tuple[str, dict[str, str]]] = {
    "main.html": (
        "base.html",
        {
            "site_meta": "super",
            "extrahead": "empty",
            "content": "super",
            "header": "super",
            "scripts": "super",
        },
    ),
    # The parent is our main.html; its blocks are base.html's. extrahead
    # replaces main.html's too (hreflang, oEmbed and referrer meta).
    "404.html": (
        "main.html",
        {"htmltitle": "replace", "extrahead": "replace", "content": "replace"},
    ),
}

# Written from scratch with no block of Material's: an empty partial.
EMPTY = ("partials/source.html",)

PARSER = jinja2.Environment()


def upstream(name: str) -> str:
    """Material's template ``name`` (relative to its templates folder)."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def ours(name: str) -> str:
    """Our override ``name`` (relative to overrides/)."""
    return (OVERRIDES / name).read_text(encoding="utf-8")


def strip_leading_comment(text: str) -> str:
    """``text`` without the ``{#- ... -#}`` comment it opens with, if any (the
    comment's ``-#}`` trims the newline after it, so rendering is the same)."""
    return LEADING_COMMENT.sub("", text, count=1)


def apply_edits(text: str, edits: tuple[tuple[str, str], ...]) -> tuple[str, list[str]]:
    """``text`` with each (snippet, replacement) applied, every snippet located
    in the unmodified ``text`` (a replacement is never searched again), and the
    problems met: a snippet found other than once, or two that overlap."""
    problems: list[str] = []
    spans: list[tuple[int, int, str]] = []
    for old, new in edits:
        found = text.count(old)
        if found != 1:
            problems.append(f"snippet found {found} times upstream (expected once): {old!r}")
            continue
        start = text.index(old)
        spans.append((start, start + len(old), new))
    pieces, position = [], 0
    for start, end, new in sorted(spans):
        if start < position:
            problems.append(f"snippet overlaps the one before it: {text[start:end]!r}")
            continue
        pieces += [text[position:start], new]
        position = end
    pieces.append(text[position:])
    return "".join(pieces), problems


def drift(name: str, upstream_text: str, our_text: str, edits: tuple[tuple[str, str], ...]) -> str:
    """What differs between Material's ``name`` with our edits applied and our
    file without its leading comment: "" when nothing, else the snippets not
    found and a unified diff ("-" lines are Material's, "+" lines ours)."""
    expected, problems = apply_edits(upstream_text, edits)
    actual = strip_leading_comment(our_text)
    if expected == actual and not problems:
        return ""
    diff = difflib.unified_diff(
        expected.splitlines(),
        actual.splitlines(),
        fromfile=f"material {MATERIAL_VERSION} templates/{name}, with the edits of COPIES",
        tofile=f"overrides/{name}, its leading comment left out",
        lineterm="",
    )
    return "\n".join(
        [
            f"overrides/{name} no longer matches Material {MATERIAL_VERSION}'s file plus our edits.",
            "Bring Material's changes into our copy, then update COPIES in this test.",
            *problems,
            *diff,
        ]
    )


def parse(text: str) -> nodes.Template:
    """The Jinja syntax tree of a template (parsed, not compiled: no filter
    or global needs to exist)."""
    return PARSER.parse(text)


def blocks(tree: nodes.Template) -> dict[str, nodes.Block]:
    """The blocks a template defines, by name."""
    return {block.name: block for block in tree.find_all(nodes.Block)}


def calls_super(block: nodes.Block) -> bool:
    """Whether a block calls ``super()`` (keeps its parent's content)."""
    return any(
        isinstance(call.node, nodes.Name) and call.node.name == "super" for call in block.find_all(nodes.Call)
    )


def is_empty(block: nodes.Block) -> bool:
    """Whether a block outputs nothing but whitespace and holds no tag."""
    for node in block.body:
        if not isinstance(node, nodes.Output):
            return False
        for child in node.nodes:
            if not (isinstance(child, nodes.TemplateData) and not child.data.strip()):
                return False
    return True


def extends_target(tree: nodes.Template) -> str | None:
    """The template a template's ``{% extends %}`` names, if it has one."""
    found = list(tree.find_all(nodes.Extends))
    return found[0].template.value if found else None


def outside_blocks(tree: nodes.Template) -> list[nodes.Node]:
    """The top-level nodes of an extending template other than its extends,
    blocks and whitespace: what would be lost by not extending it."""
    extra = []
    for node in tree.body:
        if isinstance(node, (nodes.Extends, nodes.Block)):
            continue
        if isinstance(node, nodes.Output) and all(
            isinstance(child, nodes.TemplateData) and not child.data.strip() for child in node.nodes
        ):
            continue
        extra.append(node)
    return extra


def test_every_override_of_a_material_template_is_classified():
    """Each file of overrides/ that has a namesake in Material's templates is
    listed here as a copy (COPIES), an extension (EXTENDS) or an empty partial
    (EMPTY), so a new override cannot replace Material's file unchecked."""
    overridden = {
        path.relative_to(OVERRIDES).as_posix()
        for path in OVERRIDES.rglob("*")
        if path.is_file() and (TEMPLATES / path.relative_to(OVERRIDES)).is_file()
    }
    classified = [*COPIES, *EXTENDS, *EMPTY]
    assert len(classified) == len(set(classified)), classified
    assert overridden == set(classified)


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copy_matches_upstream_with_our_edits(name):
    """Material's file with the edits of COPIES applied is exactly our copy
    (our leading comment left out); on an upgrade the diff shows what moved."""
    assert (TEMPLATES / name).is_file(), f"Material {MATERIAL_VERSION} has no templates/{name} any more"
    message = drift(name, upstream(name), ours(name), COPIES[name])
    assert not message, message


@pytest.mark.parametrize("name", sorted(COPIES))
def test_each_snippet_occurs_once_upstream(name):
    """Every upstream snippet of an edit occurs exactly once in Material's
    file: a snippet gone or doubled after an upgrade fails loudly here, not by
    an edit applied in the wrong place or not at all."""
    text = upstream(name)
    counts = {old: text.count(old) for old, _ in COPIES[name]}
    assert all(count == 1 for count in counts.values()), {old: n for old, n in counts.items() if n != 1}


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copy_opens_with_its_reason(name):
    """Each copy opens with its own ``{#- ... -#}`` comment (why it is not
    Material's file), and that comment is the only part left out of the
    comparison."""
    text = ours(name)
    assert LEADING_COMMENT.match(text), f"overrides/{name} does not open with a {{#- ... -#}} comment"
    assert not text.startswith(GENERATED)


@pytest.mark.parametrize(
    ("change", "old_line", "new_line"),
    [
        # a line our edits do not touch
        (
            "untouched line",
            '  <label class="md-search__overlay" for="__search"></label>',
            '  <label class="md-search__overlay" for="__search" data-new></label>',
        ),
        # the very line one of our edits replaces
        (
            "edited line",
            '<div class="md-search" data-md-component="search" role="dialog">',
            '<div class="md-search" data-md-component="search" role="dialog" data-new>',
        ),
    ],
)
def test_drift_is_reported(change, old_line, new_line):
    """The comparison can fail: Material's search.html with one line changed
    (one we copied as is, or the one we edit) is reported as drift, with the
    changed upstream line in the diff or the snippet no longer found."""
    name = "partials/search.html"
    original = upstream(name)
    assert original.count(old_line) == 1, old_line
    changed = original.replace(old_line, new_line)
    assert not drift(name, original, ours(name), COPIES[name])
    message = drift(name, changed, ours(name), COPIES[name])
    assert message
    if change == "untouched line":
        assert f"-{new_line}" in message.splitlines()
        assert f"+{old_line}" in message.splitlines()
    else:
        assert "snippet found 0 times upstream" in message


def test_drift_of_our_copy_is_reported():
    """The comparison can fail the other way too: our copy edited beyond the
    edits of COPIES is reported, with our line in the diff."""
    name = "partials/alternate.html"
    edited = ours(name).replace("{{ link.name }}", "{{ link.name | upper }}")
    message = drift(name, upstream(name), edited, COPIES[name])
    assert "+              {{ link.name | upper }}" in message.splitlines()


@pytest.mark.parametrize("name", sorted(EXTENDS))
def test_extension_uses_blocks_material_still_defines(name):
    """Our extending template names the parent it should, overrides exactly
    the blocks listed in EXTENDS, each still defined by Material's base.html,
    and calls super() where the data says so; a block we override without
    super() marked "empty" is still empty in base.html (nothing of Material's
    dropped)."""
    parent, expected = EXTENDS[name]
    tree = parse(ours(name))
    assert extends_target(tree) == parent
    ours_blocks = blocks(tree)
    assert set(ours_blocks) == set(expected)
    base = blocks(parse(upstream("base.html")))
    missing = sorted(set(expected) - set(base))
    assert not missing, f"Material {MATERIAL_VERSION}'s base.html no longer defines {missing}"
    for block, how in expected.items():
        assert calls_super(ours_blocks[block]) == (how == "super"), (name, block, how)
        if how == "empty":
            assert is_empty(base[block]), f"base.html's block {block} is no longer empty: our {name} drops it"


@pytest.mark.parametrize("name", sorted(EXTENDS))
def test_material_original_of_an_extension_holds_nothing_we_drop(name):
    """Material's own file of that name still exists, extends the same parent
    as ours, has nothing outside its blocks, and fills no block that ours does
    not fill as well: replacing it loses nothing we have not chosen to lose
    (Material's main.html is only ``{% extends "base.html" %}``; its 404.html
    fills content alone)."""
    assert (TEMPLATES / name).is_file(), f"Material {MATERIAL_VERSION} has no templates/{name} any more"
    parent, expected = EXTENDS[name]
    tree = parse(upstream(name))
    assert extends_target(tree) == parent
    assert not outside_blocks(tree), f"Material's {name} now has content outside its blocks"
    unfilled = sorted(set(blocks(tree)) - set(expected))
    assert not unfilled, f"Material's {name} fills blocks ours does not: {unfilled}"


def test_material_still_renders_its_404_page():
    """Material still lists 404.html among its static templates: the page
    hooks/localized_404.py keeps per language is rendered from our 404.html."""
    theme = (TEMPLATES / "mkdocs_theme.yml").read_text(encoding="utf-8")
    assert re.search(r"^static_templates:\n(?:  - .*\n)*?  - 404\.html$", theme, re.MULTILINE)


@pytest.mark.parametrize("name", EMPTY)
def test_empty_partial_takes_the_repository_widget_off(name):
    """Our source.html renders nothing; Material's still exists and is the
    only template with the widget (``data-md-component="source"``, whose facts
    Material's bundle fetches from GitHub), so no page has it."""
    assert not strip_leading_comment(ours(name)).strip()
    assert 'data-md-component="source"' in upstream(name)
    elsewhere = sorted(
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if path.relative_to(TEMPLATES).as_posix() != name
        and 'data-md-component="source"' in path.read_text(encoding="utf-8")
    )
    assert not elsewhere, f"Material renders the repository widget outside {name}: {elsewhere}"


@pytest.mark.parametrize("name", sorted(n for n in [*COPIES, *EMPTY] if n.startswith("partials/")))
def test_material_still_includes_our_partial(name):
    """Each partial we override is still included by that name from one of
    Material's templates; otherwise our override would be dead code and
    Material's new markup would ship unseen."""
    include = f'{{% include "{name}" %}}'
    including = [
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if include in path.read_text(encoding="utf-8")
    ]
    assert including, f"no template of Material {MATERIAL_VERSION} has {include}"


def test_header_shows_the_selector_on_extra_alternate():
    """Material's header still includes the language selector when
    ``extra.alternate`` is set, whatever its value: mkdocs.yml sets it to
    ``true`` so that our alternate.html is shown."""
    header = upstream("partials/header.html")
    assert re.search(
        r'\{% if config\.extra\.alternate %\}\s*\{% include "partials/alternate\.html" %\}\s*\{% endif %\}', header
    )


# --- The markup kbsite/material.py names, in pages the pinned Material writes ------------

def test_every_markup_name_of_kbsite_material_is_in_a_built_page(fixture_site):
    """What our code reads in Material's pages (kbsite/material.py) is there
    in a build with the pinned Material: if an upgrade renames one, this
    test names it, instead of a search index that is silently empty or a
    link report that no longer finds its template."""
    from kbsite import material as names

    page = fixture_site("bilingual").html("a-propos/")
    assert page.select_one(names.ARTICLE) is not None, names.ARTICLE
    assert names.SEARCH_BOX in str(page)
    assert page.select_one(f"script#{names.CONFIG_ID}") is not None
    for tag, name in names.THEME_NAMES:
        assert page.select_one(f'{tag}[name="{name}"]') is not None, (tag, name)
    for link_class in (names.SELECT_LINK, names.NAV_LINK, names.FOOTER_LINK):
        assert page.select_one(f"a.{link_class}") is not None, link_class
    assert (names.templates() / "base.html").is_file()
