"""Embed variants of pages, their oEmbed documents and the hosting headers.

Every page ``<dest>`` (e.g. ``guides/x/index.html``) gets:

- an embed variant at ``embed/<dest>``: the page's content without site
  chrome, for partners' iframes. Its ``<base href>`` points back at the full
  page's folder, so every relative URL of the page (assets, links) resolves
  exactly as on the full page, and ``target="_top"`` opens links outside the
  iframe;
- a short card beside it (``embed/guides/x/card.html``): title, summary,
  review date, the page's sections and "read the full page", short enough
  for WordPress, which clamps an embed to 200-1,000 px;
- an oEmbed document beside it (``embed/guides/x/oembed.json``), announced by
  ``<link rel="alternate" type="application/json+oembed">`` on the full page,
  whose ``html`` is the card in an iframe after a ``<blockquote>`` link to
  the page: what WordPress needs to load its own resizer (``wp-embed.js``)
  and what a reader sees if the iframe never speaks. The code partners paste
  elsewhere (with our loader) embeds the full content instead.

All embed variants live under one top-level folder, ``embed/``, so the
``_headers`` file can allow framing there and nowhere else without two rules
ever setting the same header on one path (Netlify lets the last matching rule
win, Cloudflare Pages joins the values: with no overlap both behave alike).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from . import csp
from .languages import site_base

EMBED_DIR = "embed"
OEMBED_WIDTH = 720
OEMBED_HEIGHT = 600  # the full-content iframe before the loader sizes it
CARD_HEIGHT = 480  # the card's iframe before WordPress's wp-embed.js sizes it
LOADER = "assets/javascripts/kb-embed.js"


@dataclass(frozen=True)
class EmbedInfo:
    dest: str  # site-relative file of the embed variant ("embed/guides/x/index.html")
    url: str  # absolute URL of the embed variant
    base_href: str  # relative <base href> from the embed variant to the full page's folder
    oembed_dest: str  # site-relative file of the oEmbed document
    oembed_url: str  # absolute URL of the oEmbed document
    loader_url: str  # absolute URL of the partner-side loader script
    page_url: str  # absolute URL of the full page
    card_dest: str = ""  # site-relative file of the short card (oEmbed)
    card_url: str = ""  # absolute URL of the short card


def oembed_dest(page_dest: str) -> str:
    """``guides/x/index.html`` -> ``embed/guides/x/oembed.json``;
    ``guides/x.html`` -> ``embed/guides/x.oembed.json``."""
    embed = f"{EMBED_DIR}/{page_dest}"
    if posixpath.basename(embed) == "index.html":
        return posixpath.join(posixpath.dirname(embed), "oembed.json")
    return embed[: -len(".html")] + ".oembed.json"


def card_dest(page_dest: str) -> str:
    """``guides/x/index.html`` -> ``embed/guides/x/card.html``;
    ``guides/x.html`` -> ``embed/guides/x.card.html`` (beside the embed
    variant, so the same ``<base href>`` holds)."""
    embed = f"{EMBED_DIR}/{page_dest}"
    if posixpath.basename(embed) == "index.html":
        return posixpath.join(posixpath.dirname(embed), "card.html")
    return embed[: -len(".html")] + ".card.html"


def info(page_dest: str, page_url: str, site_url: str) -> EmbedInfo:
    """Where a page's embed variant and oEmbed document go. ``page_dest`` is the
    page's file in the site (``en/guides/x/index.html``), ``page_url`` its
    site-relative URL (``en/guides/x/``)."""
    base = site_base(site_url)
    dest = f"{EMBED_DIR}/{page_dest}"
    depth = dest.count("/")
    folder = posixpath.dirname(page_dest)
    base_href = "../" * depth + (folder + "/" if folder else "")
    url_path = f"{EMBED_DIR}/{page_url}" if page_url else f"{EMBED_DIR}/"
    json_dest = oembed_dest(page_dest)
    card = card_dest(page_dest)
    return EmbedInfo(dest, base + url_path, base_href, json_dest, base + json_dest, base + LOADER, base + page_url,
                     card, base + card)


def open_other_sites_apart(html: str, page_url: str) -> str:
    """The embed variant with every link to another site opening a new tab
    (``target="_blank"``, ``rel="noopener noreferrer"``): the variant's
    ``<base target="_top">`` would otherwise let a link in a partner's iframe
    navigate the partner's own page away to any site. Links to our pages
    keep opening in the top window."""
    from selectolax.lexbor import LexborHTMLParser

    origin = urlsplit(page_url)
    tree = LexborHTMLParser(html)
    changed = False
    for link in tree.css("a[href]"):
        target = urlsplit(urljoin(page_url, link.attributes.get("href") or ""))
        if (target.scheme, target.netloc) != (origin.scheme, origin.netloc):
            link.attrs["target"] = "_blank"
            link.attrs["rel"] = "noopener noreferrer"
            changed = True
    return tree.html if changed else html


def theme_stylesheets(theme_dirs: list[str], palette: bool) -> list[str]:
    """Material's own stylesheets as the theme ships them (hashed names, e.g.
    ``assets/stylesheets/main.57a0d79d.min.css``), for the embed template."""
    names = ["main"] + (["palette"] if palette else [])
    found = []
    for name in names:
        for directory in theme_dirs:
            matches = sorted(Path(directory).glob(f"assets/stylesheets/{name}.*.min.css"))
            if matches:
                found.append(f"assets/stylesheets/{matches[0].name}")
                break
    return found


def oembed_document(title: str, provider_name: str, provider_url: str, html: str) -> dict:
    """An oEmbed 1.0 "rich" response (https://oembed.com/, section 2.3.4):
    ``html`` is the card's (``partials/kb-oembed-html.html``)."""
    return {
        "type": "rich",
        "version": "1.0",
        "title": title,
        "provider_name": provider_name,
        "provider_url": provider_url,
        "html": html,
        "width": OEMBED_WIDTH,
        "height": CARD_HEIGHT,
    }


DOCUMENTS = (".html", ".svg", ".xml")  # what a browser shows as a page of our origin
SUBRESOURCES = (".js", ".css", ".json", ".map")  # fetched by pages: no policy of their own needed


def document_rules(site_dir: Path) -> list[str]:
    """The ``_headers`` paths (site-relative) that need the page policy: every
    document of the site, in as few rules as possible, without the scripts,
    stylesheets and data the pages fetch (547 bytes of header each, for
    nothing), and never overlapping (``embed/`` has a rule of its own)."""

    def inside(folder: Path):
        return [path for path in folder.rglob("*") if path.is_file()]

    def rules(folder: Path, relative: str, top: bool) -> list[str]:
        files = inside(folder)
        if not any(path.suffix in DOCUMENTS for path in files):
            return []
        if not top and not any(path.suffix in SUBRESOURCES for path in files):
            return [f"{relative}*"]
        found = [relative] if (folder / "index.html").is_file() else []
        for entry in sorted(folder.iterdir()):
            if entry.is_file() and entry.suffix in DOCUMENTS:
                found.append(f"{relative}{entry.name}")
            elif entry.is_dir() and not (top and entry.name == EMBED_DIR):
                found += rules(entry, f"{relative}{entry.name}/", False)
        return found

    return rules(site_dir, "", True)


def write_headers_file(site_dir: Path, site_url: str) -> None:
    """Write ``_headers`` for a finished site."""
    hashes = csp.site_hashes(site_dir, csp.theme_inline_scripts(), exclude_folder=EMBED_DIR)
    (site_dir / "_headers").write_text(headers_file(document_rules(site_dir), site_url, hashes), encoding="utf-8")


def headers_file(documents: list[str], site_url: str, script_hashes: list[str] = ()) -> str:
    """The ``_headers`` file (Netlify and Cloudflare Pages syntax).

    ``documents``: the site-relative paths of ``document_rules``. Framing by
    any site is allowed under ``embed/`` only; every other page may be framed
    by the site itself only. The referrer is never sent. The
    Content-Security-Policy is the pages' own (kbsite.csp), with every hash
    their inline theme scripts need (``script_hashes``), plus the framing rule
    a ``<meta>`` cannot carry; the embed variants have no inline script.
    """
    prefix = urlsplit(site_url).path or "/"
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    lines = [
        "# Generated by hooks/embed.py at each build: do not edit.",
        "# Framing: embed variants (embed/) by any site, every other page by this site only.",
        "# No two rules set the same header on one path (hosts disagree on how to merge them).",
        f"{prefix}*",
        "  Referrer-Policy: no-referrer",
        "  X-Content-Type-Options: nosniff",
        f"{prefix}{EMBED_DIR}/*",
        f"  Content-Security-Policy: {csp.policy(frame_ancestors='*')}",
    ]
    policy = csp.policy(" ".join(script_hashes), frame_ancestors="'self'")
    for path in documents:
        lines += [f"{prefix}{path}", f"  Content-Security-Policy: {policy}"]
    return "\n".join(lines) + "\n"
