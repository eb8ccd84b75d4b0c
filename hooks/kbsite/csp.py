"""The Content-Security-Policy of every page, and the theme's inline scripts.

The policy forbids script from other origins and inline script, except the
few inline scripts Material writes itself (its ``__md_scope`` setup, the tab
restore), allowed by their SHA-256 hashes. Those scripts are recognised
against Material's own templates (``partials/javascripts/*.html``, read from
the installed theme), with each ``{{ … }}`` of the template allowed to be
any text a JSON string may hold: so a hash is only ever given to a script
the theme wrote, never to one that came through a page.

Pages carry the policy twice: in ``_headers`` (hosts that read it, with
``frame-ancestors``, which a ``<meta>`` cannot carry) and in a
``<meta http-equiv="Content-Security-Policy">`` that the templates write
with the placeholder ``'kb-inline-scripts'``, replaced by the page's hashes
once the page is rendered (``fill``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from . import material

PLACEHOLDER = "'kb-inline-scripts'"
DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    # Material and our templates set style attributes; styles cannot run script.
    ("style-src", "'self' 'unsafe-inline'"),
    # Material's icons are data: SVG images in its stylesheet.
    ("img-src", "'self' data:"),
    ("font-src", "'self' data:"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})
_TEMPLATE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
# What a {{ … }} of the template may become: text inside a JS string literal
# that cannot leave it (no quote, backslash, angle bracket or line break).
_EXPRESSION_VALUE = r"""[^"'`\\<>\n\r]*"""


def theme_inline_scripts(templates: Path | None = None) -> list[re.Pattern]:
    """Every inline script of Material's ``partials/javascripts`` templates,
    as a pattern its rendered text must match in full."""
    folder = (templates or material.templates()) / "partials" / "javascripts"
    patterns = []
    for path in sorted(folder.glob("*.html")):
        text = _JINJA_COMMENT.sub("", path.read_text(encoding="utf-8"))
        for script in _TEMPLATE_SCRIPT.findall(text):
            parts = _JINJA_EXPRESSION.split(script)
            patterns.append(re.compile(_EXPRESSION_VALUE.join(re.escape(part) for part in parts), re.S))
    if not patterns:
        raise ValueError(f"no inline script found in {folder}: Material changed its templates; "
                         "re-check hooks/kbsite/csp.py")
    return patterns


def is_theme_script(text: str, patterns: list[re.Pattern]) -> bool:
    return any(pattern.fullmatch(text) for pattern in patterns)


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def theme_script_hashes(html: str, patterns: list[re.Pattern]) -> list[str]:
    """The hashes of the page's inline scripts that the theme wrote. Material
    writes them as bare ``<script>`` elements; only texts its templates
    explain get a hash (a text found elsewhere, in a comment, gets one only
    if it is the theme's own script, which is harmless)."""
    hashes = []
    for text in _INLINE_SCRIPT.findall(html):
        if is_theme_script(text, patterns):
            value = digest(text)
            if value not in hashes:
                hashes.append(value)
    return hashes


def policy(script_sources: str = "", frame_ancestors: str | None = None) -> str:
    """The policy as one header or meta value. ``script_sources``: what
    script-src allows besides 'self' (hashes, the placeholder)."""
    parts = []
    for name, value in DIRECTIVES:
        if name == "script-src" and script_sources:
            value = f"{value} {script_sources}"
        parts.append(f"{name} {value}")
    if frame_ancestors:
        parts.append(f"frame-ancestors {frame_ancestors}")
    return "; ".join(parts)


META_VARIABLE = "KB_CSP_META"  # "0": no <meta> policy, the host sends _headers


def meta_wanted() -> bool:
    from .settings import environment

    return environment().csp_meta


def fill(html: str, patterns: list[re.Pattern]) -> str:
    """The page with its meta policy's placeholder replaced by the hashes of
    the theme's inline scripts on it (nothing to replace: unchanged)."""
    if PLACEHOLDER not in html:
        return html
    hashes = " ".join(theme_script_hashes(html, patterns))
    return html.replace(" " + PLACEHOLDER, (" " + hashes) if hashes else "", 1)


def site_hashes(site_dir: Path, patterns: list[re.Pattern], exclude_folder: str | None = None) -> list[str]:
    """Every hash a page of the site needs for the theme's inline scripts, for
    ``_headers`` (one policy for all pages there). Material writes them as bare
    ``<script>`` elements; only texts its templates explain get a hash."""
    found: set[str] = set()
    for path in sorted(site_dir.rglob("*.html")):
        if exclude_folder and path.relative_to(site_dir).parts[0] == exclude_folder:
            continue
        for text in _INLINE_SCRIPT.findall(path.read_text(encoding="utf-8", errors="replace")):
            if is_theme_script(text, patterns):
                found.add(digest(text))
    return sorted(found)
