"""Bad input: a clear message naming the file (and line), in bounded time, never a traceback or a hang.

Every input here once crashed or hung the build (issue 14). The build must
stop with the file named, in under 10 s (the subprocess timeout of each
build: a hang fails the test).
"""

from __future__ import annotations

import re

import pytest

from conftest import BODY_LINE, page_text, run_build, write_tree
from kbsite.render_guard import GuardExtension

PROBLEM = re.compile(r"ERROR\s+-\s+content_model: (.+)$", re.M)
ALIAS_BOMB = """---
title: Bombe
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
topics: *h
---

# Bombe
"""
NESTED = "\n".join("    " * level + "- niveau" for level in range(300)) + "\n"
BAD_FILES = {
    "bombe.md": ALIAS_BOMB,
    "binaire.md": b"---\ntitle: x\n---\n\x00\x01\x02\xff" * 100,
    "latin1.md": page_text("# Café\n\nÉcrit en Latin-1.\n").encode("latin-1"),
    "sans-fin.md": "---\ntitle: Sans fin\ndescription: Une page dont le bloc d'en-tête ne se ferme jamais.\n\n# Titre\n",
    "imbrique.md": page_text("# Imbriqué\n\n" + NESTED),
    "crochets.md": page_text("# Crochets\n\n" + "[" * 8000 + "\n"),
    "snippet.md": page_text("# Extrait\n\n--8<-- \"absent.md\"\n\n--8<-- \"../mkdocs.yml\"\n"),
    "enorme.md": page_text("# Énorme\n\n" + ("x" * 79 + "\n") * 20000),
    "balise.md": page_text("# Balise\n\n<div title=\"" + "a" * 200_000 + "\n"),
    "cle.md": page_text("# Clé\n").replace("review_every: 12\n", "review_every: 12\n1: un nombre\n"),
}
EXPECTED = {
    "docs/bombe.md: front matter: a YAML anchor or alias (&name / *name) at line 3: not allowed; write each value out",
    "docs/binaire.md:4: file: a binary file, not text (a NUL byte); save it as UTF-8 text",
    "docs/latin1.md:3: file: not UTF-8 text (byte 0xE9); save the file as UTF-8",
    "docs/sans-fin.md: front matter: the `---` block opened on line 1 is never closed: add a line `---` after the "
    "last field",
    f"docs/imbrique.md:{BODY_LINE + 2 + 32}: markdown: nested 33 levels deep (lists, quotes, indentation); at most "
    "32: simplify the structure",
    f"docs/crochets.md:{BODY_LINE + 2}: markdown: more than 1000 '[' in one paragraph: the Markdown renderer would "
    "take minutes; split it or write them as &#91;",
    f"docs/snippet.md:{BODY_LINE + 2}: snippet: 'absent.md' is not a file of includes/ (snippets come from "
    "includes/ only, by a relative name such as \"abbreviations.fr.md\")",
    f"docs/snippet.md:{BODY_LINE + 4}: snippet: '../mkdocs.yml' is not a file of includes/ (snippets come from "
    "includes/ only, by a relative name such as \"abbreviations.fr.md\")",
    f"docs/enorme.md: file: {len(BAD_FILES['enorme.md'].encode()):,} bytes; at most 1,000,000 allowed for a .md file",
    "docs/cle.md: front matter: 1 is not a field name: field names are words (quote it if it must be a number)",
}


def test_every_bad_input_is_named_with_its_line_in_bounded_time(tmp_path):
    docs = write_tree(tmp_path / "docs", BAD_FILES)
    build = run_build(docs, tmp_path, env={"KB_TODAY": "2026-11-25"}, timeout=10)
    assert build.returncode != 0
    assert "Traceback" not in build.log, build.log
    assert set(PROBLEM.findall(build.log)) == EXPECTED, build.log


def test_a_page_with_a_byte_order_mark_builds_as_any_other(tmp_path):
    docs = write_tree(tmp_path / "docs", {"bom.md": "\ufeff" + page_text("# Avec BOM\n\nTexte.\n", "Avec BOM")})
    build = run_build(docs, tmp_path, env={"KB_TODAY": "2026-11-25"}, timeout=60).ok()
    assert build.html("/bom/").title.string.startswith("Avec BOM - ")  # the front matter was read


def test_an_unclosed_tag_of_200_kb_is_checked_in_bounded_time(tmp_path):
    """The old raw-HTML rules were quadratic (40 KB took 6 s): the page is now
    parsed once, as a browser would, and the attribute it really has is named."""
    docs = write_tree(tmp_path / "docs", {"balise.md": BAD_FILES["balise.md"]})
    build = run_build(docs, tmp_path, env={"KB_TODAY": "2026-11-25"}, timeout=10)
    assert "Traceback" not in build.log
    assert build.returncode == 0 or "docs/balise.md:" in build.log, build.log


def test_html_nested_80_000_levels_deep_is_named_in_bounded_time(tmp_path):
    """880 KB of nested <div>: an HTML5 parser takes time quadratic in the
    depth (9 s), Material's search indexer more (the build never ended)."""
    body = "# Profond\n\n" + "<div>" * 80_000 + "x" + "</div>" * 80_000 + "\n"
    docs = write_tree(tmp_path / "docs", {"profond.md": page_text(body)})
    build = run_build(docs, tmp_path, env={"KB_TODAY": "2026-11-25"}, timeout=10)
    assert build.returncode != 0 and "Traceback" not in build.log
    assert "docs/profond.md:" in build.log and "html: HTML nested more than 64 levels deep" in build.log, build.log


@pytest.mark.parametrize("source, seconds, expected", [
    # Python-Markdown takes about 1 s to reach the recursion limit here (more on a busy
    # machine): a generous time limit, so that the recursion is what stops it.
    ("\n".join("    " * level + "- x" for level in range(300)), 30, "nested too deeply"),
    ("[" * 20000, 0.5, "took more than 0.5 s"),
])
def test_the_render_guard_names_the_page_instead_of_crashing_or_hanging(source, seconds, expected):
    """The last line of defence, for what the checks before the build miss."""
    import markdown

    guard = GuardExtension(lambda: "docs/x.md", ValueError, seconds=seconds)
    md = markdown.Markdown(extensions=["abbr", "attr_list", "md_in_html", "pymdownx.superfences", guard])
    with pytest.raises(ValueError, match=rf"^docs/x\.md: .*{expected}"):
        md.convert(source)
