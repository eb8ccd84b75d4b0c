"""Check every internal link of a built site against the files and ids it contains.

Works on a site directory only (HTML files, whatever built them). Each page is
scanned once; fragments are checked against the ids of the target page as
built (so an English page pointing at a French heading's id is broken).
External http(s) URLs are collected, not checked, here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from .htmlscan import Link, PageScan, scan

MAILTO = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;.]+$")
TEL = re.compile(r"^\+?[0-9().\- ]*[0-9][0-9().\- ]*$")
SKIPPED_SCHEMES = {"data", "blob", "javascript", "about"}


@dataclass(frozen=True)
class Defect:
    page: str  # the HTML page, relative to the site directory
    target: str  # the URL as written in the HTML
    kind: str  # broken-link, broken-anchor, bad-mailto, bad-tel, outside-site
    line: int  # line in the HTML page
    link: Link = field(compare=False, repr=False)
    resolved: str = field(default="", compare=False)  # site-relative path of the target


@dataclass
class SiteCheck:
    defects: list[Defect]
    external: dict[str, list[tuple[str, int]]]  # URL -> [(page, line)]
    pages: int


@dataclass
class _Site:
    root: Path
    base_path: str  # URL path of the site root, "/" or "/kb/"
    origin: str  # scheme://host[:port] of site_url, or ""
    scans: dict[str, PageScan] = field(default_factory=dict)

    def scan_of(self, relative: str) -> PageScan | None:
        if relative not in self.scans:
            path = self.root / relative
            if not path.is_file() or path.suffix.lower() not in (".html", ".htm"):
                return None
            self.scans[relative] = scan(path.read_text(encoding="utf-8", errors="replace"))
        return self.scans[relative]


def page_url_path(relative: str, base_path: str) -> str:
    """URL path of an HTML file ("en/x/index.html" -> "/kb/en/x/")."""
    url = base_path + relative
    return url[: -len("index.html")] if url.endswith("/index.html") or url == base_path + "index.html" else url


def _target_file(site: _Site, url_path: str) -> str | None:
    """The site-relative file a URL path points to, or None when nothing is there."""
    if not url_path.startswith(site.base_path):
        return None
    relative = unquote(url_path[len(site.base_path):])
    if ".." in PurePosixPath(relative).parts:
        return None
    candidate = site.root / relative
    if relative == "" or relative.endswith("/"):
        index = relative + "index.html"
        return index if (site.root / index).is_file() else None
    if candidate.is_file():
        return relative
    if candidate.is_dir() and (candidate / "index.html").is_file():
        return relative + "/index.html"  # a server redirects /x to /x/
    return None


def _check_fragment(site: _Site, target: str, fragment: str) -> bool:
    if fragment in ("", "top"):
        return True
    scanned = site.scan_of(target)
    if scanned is None:  # not HTML: fragments of PDFs, images… are not checked
        return True
    return fragment in scanned.ids or unquote(fragment) in scanned.ids


def check_link(site: _Site, page: str, link: Link, external: dict) -> Defect | None:
    url = link.url
    if not url:
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "mailto":
        addresses = unquote(parts.path).split(",")
        if not all(MAILTO.match(a.strip()) for a in addresses):
            return Defect(page, url, "bad-mailto", link.line, link)
        return None
    if scheme == "tel":
        return None if TEL.match(unquote(parts.path)) else Defect(page, url, "bad-tel", link.line, link)
    if scheme in SKIPPED_SCHEMES:
        return None
    if scheme in ("http", "https") or url.startswith("//"):
        origin = f"{scheme or 'https'}://{parts.netloc}"
        if not site.origin or origin.lower() != site.origin.lower():
            external.setdefault(url.split("#")[0], []).append((page, link.line))
            return None
        url = url[len(site.origin):] if url.lower().startswith(site.origin.lower()) else parts.path
    elif scheme:
        return None  # other schemes (ftp:, sms:…) are not ours to check
    absolute = urlsplit(urljoin("http://site" + page_url_path(page, site.base_path), url))
    if not absolute.path.startswith(site.base_path):
        return Defect(page, link.url, "outside-site", link.line, link, absolute.path)
    target = _target_file(site, absolute.path)
    if target is None:
        return Defect(page, link.url, "broken-link", link.line, link, absolute.path)
    if absolute.fragment and not _check_fragment(site, target, absolute.fragment):
        return Defect(page, link.url, "broken-anchor", link.line, link, target)
    return None


def check_site(root: Path, site_url: str = "") -> SiteCheck:
    parts = urlsplit(site_url or "/")
    base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    site = _Site(Path(root), base_path, origin)
    pages = sorted(
        os.path.relpath(os.path.join(directory, name), root).replace(os.sep, "/")
        for directory, _, names in os.walk(root)
        for name in names
        if name.endswith((".html", ".htm"))
    )
    defects: list[Defect] = []
    external: dict[str, list[tuple[str, int]]] = {}
    for page in pages:
        for link in site.scan_of(page).links:
            defect = check_link(site, page, link, external)
            if defect is not None:
                defects.append(defect)
    return SiteCheck(defects, external, len(pages))
