"""Published addresses keep working: a page merged into another leaves a
small page at its old address that sends the reader to the new one.

The map is ``extra.kb_redirects`` in mkdocs.yml: old source file -> new source
file, with an optional ``#anchor`` (``guides/x.md: outils/y.md#x``). For every
language the site is built in, the old page's address, its embed variant and
its embed card (what partners' pages load) get a page from
``overrides/kb-redirect.html``: a ``<meta http-equiv="refresh">`` to the new
address, relative, and a link for the reader. The output check allows a
refresh only to an address of the site itself (kbsite/site_safety.py).

Plain functions over ``docs/`` and the finished ``site/``: kbsite.site_steps
runs them at the end of a build, tools/parallel_build.py after its merge.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import csp, embed, phone_links, ui_text

_SOURCE = re.compile(r"^(?:[a-z0-9][a-z0-9-]*/)*[a-z0-9][a-z0-9-]*\.md$")
_ANCHOR = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,80}$")
TEMPLATE = "kb-redirect.html"  # its words are in schema/ui.yml (kb_t), with the site's other strings


@dataclass(frozen=True)
class Redirect:
    old: str  # docs-relative source file, French name ("guides/x.md")
    new: str  # docs-relative source file of the new home
    anchor: str  # "" or an id on the new page


def source_url(source: str) -> str:
    """``guides/x.md`` -> ``guides/x/``; ``index.md`` -> ``""`` (directory URLs)."""
    stem = source[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def parse(mapping, docs_dir: Path, translation_codes=()) -> tuple[list[Redirect], list[str]]:
    """The redirects of ``extra.kb_redirects`` and the problems found in it:
    both ends are source files of docs/ as editors write links; the old one
    must be gone (and its translations), the new one must exist."""
    if not mapping:
        return [], []
    if isinstance(mapping, list) and all(isinstance(item, dict) for item in mapping):
        # The same, as a list of one-line mappings: a configuration that INHERITs
        # mkdocs.yml replaces a list but merges a mapping (the tests' fixtures).
        mapping = {old: new for item in mapping for old, new in item.items()}
    if not isinstance(mapping, dict):
        return [], ["extra.kb_redirects: expected a mapping 'old.md: new.md#anchor'"]
    redirects, problems = [], []
    for old, target in mapping.items():
        old, target = str(old), str(target)
        new, _, anchor = target.partition("#")
        where = f"extra.kb_redirects: {old}"
        if not _SOURCE.match(old) or not _SOURCE.match(new):
            problems.append(f"{where}: both sides must be .md files of docs/ (lowercase, a-z 0-9 -), "
                            f"as in 'guides/x.md: outils/y.md#section'")
            continue
        if anchor and not _ANCHOR.match(anchor):
            problems.append(f"{where}: '#{anchor}' is not an id (a letter, then letters, digits, - or _)")
            continue
        stem = old[: -len(".md")]
        left = [name for name in [old, *(f"{stem}.{code}.md" for code in translation_codes)]
                if (docs_dir / name).exists()]
        if left:
            problems.append(f"{where}: docs/{left[0]} still exists; a redirect replaces a removed page")
            continue
        if not (docs_dir / new).is_file():
            problems.append(f"{where}: the new page docs/{new} does not exist")
            continue
        if new == old:
            problems.append(f"{where}: redirects to itself")
            continue
        redirects.append(Redirect(old, new, anchor))
    return redirects, problems


def read(mapping, docs_dir: Path, languages: list[tuple[str, str]]) -> tuple[list[Redirect], list[str]]:
    """``parse`` for a site built in ``languages`` ((code, prefix), the
    default language's prefix empty): what the build, the parallel build's
    merge and the link check each read from mkdocs.yml."""
    return parse(mapping, docs_dir, [code for code, prefix in languages if prefix])


def stubs(redirects: list[Redirect], languages: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(site-relative file to write, relative URL it sends to, language code)
    for every redirect in every language: the page, its embed variant, its card."""
    result = []
    for redirect in redirects:
        old_url, new_url = source_url(redirect.old), source_url(redirect.new)
        fragment = f"#{redirect.anchor}" if redirect.anchor else ""
        for code, prefix in languages:
            old_page, new_page = f"{prefix}{old_url}", f"{prefix}{new_url}"
            pairs = [(f"{old_page}index.html", f"{new_page}index.html"),
                     (f"{embed.EMBED_DIR}/{old_page}index.html", f"{embed.EMBED_DIR}/{new_page}index.html"),
                     (embed.card_dest(f"{old_page}index.html"), embed.card_dest(f"{new_page}index.html"))]
            for dest, target in pairs:
                relative = posixpath.relpath(target, posixpath.dirname(dest))
                if relative.endswith("index.html"):
                    relative = relative[: -len("index.html")] or "./"
                card = not relative.endswith("/")
                result.append((dest, relative + ("" if card else fragment), code))
    return result


def stub_sources(redirects: list[Redirect], languages: list[tuple[str, str]]) -> dict[str, str]:
    """Redirect page -> where it comes from, for reports (the link check)."""
    by_old = {}
    for redirect in redirects:
        for dest, _, _ in stubs([redirect], languages):
            by_old[dest] = f"mkdocs.yml (extra.kb_redirects: {redirect.old})"
    return by_old


def write_site(site_dir: Path, redirects: list[Redirect], languages: list[tuple[str, str]],
               templates: list[Path]) -> list[str]:
    """Writes the redirect pages; returns the files written. A redirect over a
    file the build wrote is a mistake in the map, not something to hide; the
    same redirect page already there (the steps run again over a finished
    site, a ``--dirty`` rebuild) is left as it is."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader([str(t) for t in templates]),
                                     autoescape=True, undefined=jinja2.StrictUndefined)
    environment.globals["kb_t"] = ui_text.text  # the template's words (schema/ui.yml)
    template = environment.get_template(TEMPLATE)
    policy = csp.policy() if csp.meta_wanted() else ""  # no script: 'self' only, as every page (kbsite/csp.py)
    written = []
    for dest, url, code in stubs(redirects, languages):
        path = site_dir / dest
        page = template.render(lang=code, url=url, csp=policy)
        if path.is_file() and path.read_text(encoding="utf-8") in (page, phone_links.link_numbers(page)):
            continue  # written by an earlier run (then given its tap-to-call link by the next step)
        if path.exists():
            raise ValueError(f"redirect: site/{dest} was written by the build; remove '{dest}' from "
                             "extra.kb_redirects or the page from docs/")
        if dest.startswith(embed.EMBED_DIR + "/") and not (site_dir / embed.EMBED_DIR).is_dir():
            continue  # this site has no embed variants
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        written.append(dest)
    return written
