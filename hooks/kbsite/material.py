"""What this site's code relies on in Material for MkDocs 9.8, in one place.

Material's support ends in May 2027, and its successor (Zensical) runs no
MkDocs hook. What our Python knows of Material's pages, templates and built
JavaScript is named here, and the modules that need it import it from here:
a theme upgrade or a change of builder is checked against this file first.

**Markup** (in the pages Material writes):
- ``ARTICLE``: the page's content; the search index is built from it (kbsite.search_shards).
- ``SEARCH_BOX``: present in every page when Material's search plugin is on
  (kbsite.site_steps, ``search_settings``).
- ``CONFIG_ID``: the id of the inline JSON the bundle reads its settings from;
  a page may not add a second (kbsite.site_safety).
- ``THEME_NAMES``: elements the theme names on ``document`` (its search form);
  a page element with the same name would replace it (kbsite.site_safety).
- ``THEME_TRIGGERS``: class names and ids the bundle acts on by loading a
  script from another site (``mermaid``: its diagram library from unpkg.com);
  refused in pages (kbsite.content_html) and in the output (kbsite.site_safety).
- ``SELECT_LINK``, ``NAV_LINK``, ``FOOTER_LINK``: the classes of the links
  its templates write, so that a broken one is reported at its template
  (kbsite.sourcemap).

**Templates**: ``templates()``, the installed Material's folder; the CSP
hashes the inline scripts of its ``partials/javascripts`` (kbsite.csp) and
the output check allows them. The partials we copied into ``overrides/`` are
compared with the pinned Material's by tests/test_material_contract.py,
which also checks that each markup name above is in a page it builds.

**Built bundle** (``assets/javascripts/bundle.*.min.js``): three edits, below.

Elsewhere, Material's formats are read or spoken by kbsite.search_index (its
search plugin's ``search_index.json``), ``overrides/assets/javascripts/workers/kb-search.js``
(its search worker's messages) and mkdocs.yml (its features).

The three edits of the bundle:

1. Alternate links (for hooks/language_switcher.py's links; the material_bundle site step). Material's ``setupAlternate``
   fetches ``sitemap.xml`` next to every URL found in a
   ``<link rel="alternate">`` and, on any click whose target starts with one
   of those URLs, rewrites the target as if each alternate were a sibling site
   (``/en/``, ``/de/``). With per-page hreflang links at directory URLs this
   hijacks ordinary links (``/guides/`` is a prefix of ``/guides/x/``) and
   costs two 404 requests per page. We narrow its selector so it matches
   nothing; our own ``kb-languages.js`` does the language switching.
2. Tooltips as text (the material_bundle site step). With ``content.tooltips``
   Material shows an element's ``title`` in a tooltip by adding it as HTML
   (``innerHTML``): a link title, an abbreviation's definition, or a heading
   whose text merely *reads* ``<img onerror=…>`` would become markup and run.
   Both of its tooltip functions are made to add the title as text.
3. Search settings on demand, without a request (the search_settings site step, kbsite.site_steps).
   Material fetches the reader's whole search index at every first visit,
   searched or not: most of a first visit's bytes, growing with every page.
   Our search worker (workers/kb-search.js) has its own index and needs only
   Material's settings (its ``config``: separator, language). The request
   (``ks()``) is replaced by those settings, written into the bundle at build
   time, handed to Material when the reader reaches for search: a focus, a
   click or a tap in the search box or on its button, Material's search keys
   (``/``, ``s``, ``f``), a page opened with ``?q=``, with ``?h=`` (a search
   result: the page highlights the words found) or with the search already
   open. Once wanted, it is wanted for the rest of the visit: what Material
   subscribes again after an instant navigation (the highlighter) gets it at
   once. Everything after it is Material's own. Offline, search still opens.

Each edit must find its code exactly once, or BundleChanged stops the build:
a new Material release is re-checked, never silently left unpatched.
"""

from __future__ import annotations

import json
from pathlib import Path

# --- Markup -------------------------------------------------------------------------------

ARTICLE = "article.md-content__inner"
SEARCH_BOX = 'data-md-component="search"'
CONFIG_ID = "__config"
THEME_NAMES = frozenset({("form", "search")})
# class "mermaid" on a <pre> makes the bundle load its diagram library from
# unpkg.com; an element with id "mermaid" passes for that library
# (window.mermaid) and does the same.
THEME_TRIGGERS = frozenset({"mermaid"})
SELECT_LINK = "md-select__link"  # the language selector (overrides/partials/alternate.html)
NAV_LINK = "md-nav__link"  # partials/nav-item.html
FOOTER_LINK = "md-footer__link"  # partials/footer.html (previous / next)


# --- Templates ----------------------------------------------------------------------------

def templates() -> Path:
    """The installed Material's templates folder."""
    import material

    return Path(material.__file__).resolve().parent / "templates"


# --- Built bundle -------------------------------------------------------------------------

ORIGINAL = '"link[rel=alternate]"'
NARROWED = '"link[rel=alternate][data-md-alternate-site]"'
TOOLTIP_EDITS = (
    # tooltip2 (links, abbreviations, truncated navigation and headings): Cn(...children) appends strings as HTML
    ("let n=e.title,i=Cn(n);", "let n=e.title,i=Cn(document.createTextNode(n));"),
    # the inline tooltip: n.innerHTML=t
    ("o=Dt(r,\"inline\"),n=j(\".md-typeset\",o);return n.innerHTML=t,",
     "o=Dt(r,\"inline\"),n=j(\".md-typeset\",o);return n.textContent=t,"),
)


SEARCH_INDEX = 'ze(new URL("search/search_index.json",Or.base))}'
# In its place, an Observable (the class of Material's own EMPTY, ``tt``) that
# gives Material its search settings, written into the bundle (the language is
# the page's), with no entries, when kbSearchWanted says so: no request at all.
SEARCH_SETTINGS_ON_DEMAND = (
    'new tt.constructor(function(s){var c=!1;kbSearchWanted(function(){'
    'c||(s.next({config:Object.assign({},__SETTINGS__,{lang:[document.documentElement.lang.split("-")[0]]}),'
    'docs:[]}),s.complete())});'
    'return function(){c=!0}})}'
    'function kbSearchWanted(go){var done=!1,names=["focusin","pointerdown","keydown"];'
    'if(kbSearchWanted.once){go();return}'
    'function fire(){if(done)return;done=!0,kbSearchWanted.once=!0,'
    'names.forEach(function(n){document.removeEventListener(n,seen,!0)}),go()}'
    'function seen(e){var t=e.target;if(e.type==="keydown"){/^[/sSfF]$/.test(e.key)&&fire();return}'
    't&&t.closest&&t.closest(\'.md-search,[for="__search"],#__search\')&&fire()}'
    'var toggle=document.getElementById("__search");'
    'var params=new URLSearchParams(location.search);'
    'if(params.has("q")||params.has("h")||toggle&&toggle.checked){fire();return}'
    'names.forEach(function(n){document.addEventListener(n,seen,!0)})}'
)


class BundleChanged(Exception):
    """Material's bundle no longer has the code an edit expects."""


def bundle_path(site_dir: Path) -> Path:
    bundles = sorted((site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    if len(bundles) != 1:
        raise BundleChanged(f"expected one Material bundle in {site_dir}/assets/javascripts, found {len(bundles)}")
    return bundles[0]


def _edit(site_dir: Path, edits, why: str) -> Path:
    bundle = bundle_path(site_dir)
    text = bundle.read_text(encoding="utf-8")
    if all(new in text and old not in text for old, new in edits):
        return bundle  # already edited (dirty rebuild)
    for old, new in edits:
        count = text.count(old)
        if count != 1:
            raise BundleChanged(f"{bundle.name}: expected {old!r} once, found it {count} times; {why}")
        text = text.replace(old, new)
    bundle.write_text(text, encoding="utf-8")
    return bundle


def disable_alternate_interception(site_dir: Path) -> Path:
    return _edit(site_dir, [(ORIGINAL, NARROWED)],
                 "Material changed its language selector code: re-check hooks/kbsite/material.py (alternate links)")


def search_settings_on_demand(site_dir: Path, settings: dict) -> Path:
    """Edit 3, with Material's search settings (its plugin's ``config``; the
    language is left to the page)."""
    written = json.dumps({k: v for k, v in settings.items() if k != "lang"}, ensure_ascii=True, sort_keys=True)
    return _edit(site_dir, [(SEARCH_INDEX, SEARCH_SETTINGS_ON_DEMAND.replace("__SETTINGS__", written))],
                 "Material changed how it loads the search index: re-check hooks/kbsite/material.py")


def text_tooltips(site_dir: Path) -> Path:
    return _edit(site_dir, TOOLTIP_EDITS,
                 "Material changed its tooltip code: re-check hooks/kbsite/material.py (tooltips as text)")
