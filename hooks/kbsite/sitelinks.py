"""Check every internal link of a built site against the files and ids it contains.

Works on a site directory only (HTML files, whatever built them). Each page is
scanned once; fragments are checked against the ids of the target page as
built (so an English page pointing at a French heading's id is broken).
External http(s) URLs are collected, not checked, here.
"""

from __future__ import annotations

import multiprocessing
import os
import posixpath
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import SplitResult, unquote, urlsplit

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
    external: dict[str, list[tuple[str, Link]]]  # URL -> [(page, link)]
    pages: int


@dataclass
class _Site:
    root: Path
    base_path: str  # URL path of the site root, "/" or "/kb/"
    origin: str  # scheme://host[:port] of site_url, or ""
    files: set[str] = field(default_factory=set)  # every file, site-relative
    scans: dict[str, PageScan] = field(default_factory=dict)
    # A site of N pages repeats the same URLs (navigation) N times: each URL
    # string is split once, and each resolved target is checked once.
    splits: dict[str, SplitResult] = field(default_factory=dict)
    targets: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    def scan_of(self, relative: str) -> PageScan | None:
        if relative not in self.scans:
            if relative not in self.files or not relative.lower().endswith((".html", ".htm")):
                return None
            self.scans[relative] = scan((self.root / relative).read_text(encoding="utf-8", errors="replace"))
        return self.scans[relative]

    def split(self, url: str) -> SplitResult:
        parts = self.splits.get(url)
        if parts is None:
            parts = self.splits[url] = urlsplit(url)
        return parts


def page_url_path(relative: str, base_path: str) -> str:
    """URL path of an HTML file ("en/x/index.html" -> "/kb/en/x/")."""
    url = base_path + relative
    return url[: -len("index.html")] if url.endswith("/index.html") or url == base_path + "index.html" else url


def resolve_path(page_path: str, path: str) -> str:
    """``urljoin`` for URL paths only, several times faster: "/kb/x/" + "../y/" -> "/kb/y/"."""
    if not path:
        return page_path
    joined = path if path.startswith("/") else page_path[: page_path.rfind("/") + 1] + path
    if "/." not in joined and "//" not in joined and not joined.startswith("."):
        return joined
    directory = joined.endswith(("/", "/.", "/.."))
    normal = posixpath.normpath(joined)
    if normal.startswith("//"):
        normal = "/" + normal.lstrip("/")
    return normal + "/" if directory and not normal.endswith("/") else normal


def _target_file(site: _Site, url_path: str) -> str | None:
    """The site-relative file a URL path points to, or None when nothing is there."""
    if not url_path.startswith(site.base_path):
        return None
    relative = url_path[len(site.base_path):]
    if "%" in relative:
        relative = unquote(relative)
    if relative == "" or relative.endswith("/"):
        index = relative + "index.html"
        return index if index in site.files else None
    if relative in site.files:
        return relative
    if relative + "/index.html" in site.files:
        return relative + "/index.html"  # a server redirects /x to /x/
    return None


def fragment_exists(ids: set[str] | None, fragment: str) -> bool:
    """``ids`` of the target page, or None when it is not HTML (fragments of
    PDFs, images… are not checked)."""
    if ids is None or fragment in ("", "top"):
        return True
    return fragment in ids or unquote(fragment) in ids


def _check_target(site: _Site, path: str) -> tuple[str | None, str]:
    """(defect kind or None, target file or resolved path) for a resolved URL path."""
    known = site.targets.get(path)
    if known is not None:
        return known
    if not path.startswith(site.base_path):
        result = ("outside-site", path)
    else:
        target = _target_file(site, path)
        result = ("broken-link", path) if target is None else (None, target)
    site.targets[path] = result
    return result


def check_link(site: _Site, page: str, link: Link, external: dict, page_path: str = "",
               fragments: list | None = None) -> Defect | None:
    """The defect of one link, if any. Fragments are checked here, unless
    ``fragments`` is given: then (page, link, target, fragment) is appended
    to it, to be checked once every page's ids are known."""
    url = link.url
    if not url:
        return None
    parts = site.split(url)
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
    path = parts.path
    if scheme in ("http", "https") or url.startswith("//"):
        origin = f"{scheme or 'https'}://{parts.netloc}"
        if not site.origin or origin.lower() != site.origin.lower():
            external.setdefault(url.split("#")[0], []).append((page, link))
            return None
        path = path or "/"
    elif scheme:
        return None  # other schemes (ftp:, sms:…) are not ours to check
    resolved = resolve_path(page_path or page_url_path(page, site.base_path), path)
    kind, target = _check_target(site, resolved)
    if kind is not None:
        return Defect(page, link.url, kind, link.line, link, target)
    if not parts.fragment or parts.fragment == "top":
        return None
    if fragments is not None:
        fragments.append((page, link, target, parts.fragment))
        return None
    scanned = site.scan_of(target)
    if fragment_exists(scanned.ids if scanned else None, parts.fragment):
        return None
    return Defect(page, link.url, "broken-anchor", link.line, link, target)


@dataclass
class _ChunkResult:
    ids: dict[str, set[str]]  # page -> its ids
    defects: list[Defect]
    external: dict[str, list[tuple[str, Link]]]
    fragments: list[tuple[str, Link, str, str]]  # (page, link, target page, fragment)


def _check_chunk(root: Path, base_path: str, origin: str, files: set[str], pages: list[str]) -> _ChunkResult:
    """Scan some pages and check their links, all but fragments (which need
    the ids of pages another worker may scan)."""
    site = _Site(root, base_path, origin, files)
    result = _ChunkResult({}, [], {}, [])
    for page in pages:
        scanned = site.scan_of(page)
        result.ids[page] = scanned.ids
        page_path = page_url_path(page, base_path)
        for link in scanned.links:
            defect = check_link(site, page, link, result.external, page_path, result.fragments)
            if defect is not None:
                result.defects.append(defect)
        del site.scans[page]  # keep memory flat: only ids travel on
    return result


# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 400


def check_site(root: Path, site_url: str = "", workers: int | None = None) -> SiteCheck:
    """Check every page of a built site. ``workers``: processes to use
    (default: one per CPU for big sites, none for small ones)."""
    parts = urlsplit(site_url or "/")
    base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    root = Path(root)
    files: set[str] = set()
    for directory, _, names in os.walk(root):
        folder = os.path.relpath(directory, root).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"
        files.update(prefix + name for name in names)
    pages = sorted(name for name in files if name.lower().endswith((".html", ".htm")))
    if workers is None:
        workers = (os.cpu_count() or 1) if len(pages) >= PARALLEL_FROM else 1
    workers = max(1, min(workers, len(pages) or 1))
    if workers == 1:
        chunks = [_check_chunk(root, base_path, origin, files, pages)]
    else:
        # Interleaved chunks: pages of every section and language in each.
        size = max(1, len(pages) // (workers * 4))
        batches = [pages[i:i + size] for i in range(0, len(pages), size)]
        context = multiprocessing.get_context("spawn")  # safe in threaded hosts (mkdocs serve)
        # Spawned workers import this module by name: MkDocs put hooks/ on
        # sys.path only while it loaded the hook files.
        package_parent = str(Path(__file__).resolve().parents[1])
        if package_parent not in sys.path:
            sys.path.append(package_parent)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            chunks = list(pool.map(_check_chunk, *zip(*[(root, base_path, origin, files, b) for b in batches])))
    ids: dict[str, set[str]] = {}
    defects: list[Defect] = []
    external: dict[str, list[tuple[str, Link]]] = {}
    fragments: list[tuple[str, Link, str, str]] = []
    for chunk in chunks:
        ids.update(chunk.ids)
        defects += chunk.defects
        fragments += chunk.fragments
        for url, places in chunk.external.items():
            external.setdefault(url, []).extend(places)
    for page, link, target, fragment in fragments:
        if not fragment_exists(ids.get(target), fragment):
            defects.append(Defect(page, link.url, "broken-anchor", link.line, link, target))
    defects.sort(key=lambda d: (d.page, d.line, d.target, d.kind))
    return SiteCheck(defects, external, len(pages))
