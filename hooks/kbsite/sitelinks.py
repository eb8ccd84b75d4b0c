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
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from . import textfragments
from .htmlscan import Link, PageScan, scan

MAILTO = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;.]+$")
TEL = re.compile(r"^\+?[0-9().\- ]*[0-9][0-9().\- ]*$")
SKIPPED_SCHEMES = {"data", "blob", "javascript", "about"}


@dataclass(frozen=True)
class Defect:
    page: str  # the HTML page, relative to the site directory
    target: str  # the URL as written in the HTML
    kind: str  # broken-link, broken-anchor, bad-mailto, bad-tel, outside-site, malformed-url, local-file
    line: int  # line in the HTML page
    link: Link = field(compare=False, repr=False)
    resolved: str = field(default="", compare=False)  # site-relative path of the target
    detail: str = field(default="", compare=False)  # why a malformed URL is malformed


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
    texts: dict[str, str] = field(default_factory=dict)  # page -> its text, for text fragments

    def scan_of(self, relative: str) -> PageScan | None:
        if relative not in self.scans:
            if relative not in self.files or not relative.lower().endswith((".html", ".htm")):
                return None
            self.scans[relative] = scan((self.root / relative).read_text(encoding="utf-8", errors="replace"))
        return self.scans[relative]

    def split(self, url: str) -> SplitResult:
        """``urlsplit``, once per URL string; raises ValueError on a malformed URL."""
        parts = self.splits.get(url)
        if parts is None:
            parts = self.splits[url] = urlsplit(url)
        return parts

    def text_of(self, relative: str) -> str:
        """The readable text of an HTML file of the site (for text fragments)."""
        if relative not in self.texts:
            html = (self.root / relative).read_text(encoding="utf-8", errors="replace")
            self.texts[relative] = textfragments.page_text(html)
        return self.texts[relative]


def page_url_path(relative: str, base_path: str) -> str:
    """URL path of an HTML file ("en/x/index.html" -> "/kb/en/x/")."""
    url = base_path + relative
    return url[: -len("index.html")] if url.endswith("/index.html") or url == base_path + "index.html" else url


def document_path(scanned: PageScan, page: str, base_path: str) -> str:
    """What the page's relative URLs resolve against: its own URL path, or its
    ``<base href>`` (resolved against its own URL) when it has one."""
    own = page_url_path(page, base_path)
    base = scanned.base
    if not base or "://" in base or base.startswith(("//", "#")):
        return own
    return resolve_path(own, base.split("#")[0].split("?")[0])


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


def fragment_exists(ids: set[str] | None, fragment: str, text_of=None) -> bool:
    """``ids`` of the target page, or None when it is not HTML (fragments of
    PDFs, images… are not checked). A text fragment (``#:~:text=…``, after an
    optional id) is looked for in the page's text, ``text_of()``."""
    if ids is None or fragment in ("", "top"):
        return True
    element, directives = textfragments.split_fragment(fragment)
    if element and element != "top" and element not in ids and unquote(element) not in ids:
        return False
    if directives is None or text_of is None:
        return True
    return textfragments.text_found(text_of(), directives)


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


def classify(site: _Site, page: str, link: Link, external: dict, page_path: str):
    """What a link is, without looking at other pages: a Defect of its own
    (mailto:, tel:, outside the site), None (nothing to check here; external
    URLs are added to ``external``), or (resolved site path, fragment)."""
    url = link.url
    if not url or link.tag == "base":  # <base href> is what links resolve against, not a link
        return None
    try:
        parts = site.split(url)
    except ValueError as error:  # "Invalid IPv6 URL": a defect of its page, the check goes on
        return Defect(page, url, "malformed-url", link.line, link, detail=str(error))
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
    elif scheme == "file":  # a file on the editor's own computer: no reader can open it
        return Defect(page, url, "local-file", link.line, link)
    elif scheme:
        return None  # other schemes (ftp:, sms:…) are not ours to check
    # <base href> resolves against the page's own URL; every other link against the base.
    own = link.tag == "base" or not page_path
    resolved = resolve_path(page_url_path(page, site.base_path) if own else page_path, path)
    if not resolved.startswith(site.base_path):
        return Defect(page, url, "outside-site", link.line, link, resolved)
    return resolved, ("" if parts.fragment == "top" else parts.fragment)


def check_link(site: _Site, page: str, link: Link, external: dict, page_path: str = "") -> Defect | None:
    """The defect of one link, if any (fragments checked against the target's ids)."""
    found = classify(site, page, link, external, page_path)
    if not isinstance(found, tuple):
        return found
    resolved, fragment = found
    kind, target = _check_target(site, resolved)
    if kind is not None:
        return Defect(page, link.url, kind, link.line, link, target)
    if not fragment:
        return None
    scanned = site.scan_of(target)
    if fragment_exists(scanned.ids if scanned else None, fragment, lambda: site.text_of(target)):
        return None
    return Defect(page, link.url, "broken-anchor", link.line, link, target)


@dataclass
class PageFacts:
    """What one page says, found without looking at any other page: its ids,
    the site paths and fragments it points to, the defects it has on its own
    (mailto:, tel:, outside the site) and its external URLs. Small enough to
    send between processes; produced while the build is still running."""

    page: str
    stamp: tuple[int, int]  # (mtime_ns, size) of the file that was read
    ids: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)  # resolved URL paths
    fragments: set[tuple[str, str]] = field(default_factory=set)  # (resolved path, fragment)
    defects: list[Defect] = field(default_factory=list)
    external: dict[str, list[tuple[str, Link]]] = field(default_factory=dict)


def file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def page_facts(root: Path, base_path: str, origin: str, pages: list[str]) -> list[PageFacts]:
    """The facts of some pages of the site at ``root`` (one worker's batch)."""
    site = _Site(Path(root), base_path, origin)
    found = []
    for page in pages:
        path = site.root / page
        stamp = file_stamp(path)
        scanned = scan(path.read_text(encoding="utf-8", errors="replace"))
        facts = PageFacts(page, stamp, scanned.ids)
        page_path = document_path(scanned, page, base_path)
        for link in scanned.links:
            what = classify(site, page, link, facts.external, page_path)
            if isinstance(what, Defect):
                facts.defects.append(what)
            elif what is not None:
                facts.targets.add(what[0])
                if what[1]:
                    facts.fragments.add(what)
        if len(site.splits) > 200_000:
            site.splits.clear()
        found.append(facts)
    return found


def site_files(root: Path) -> set[str]:
    files: set[str] = set()
    for directory, _, names in os.walk(root):
        folder = os.path.relpath(directory, root).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"
        files.update(prefix + name for name in names)
    return files


# Pages that repeat another page's content: the embed variants of
# hooks/embed.py (embed/<page>), whose <base href> makes every link resolve as
# on the full page, already checked. Reading them again would double the work
# and every report; tests/test_embed.py checks their own parts. They remain
# link targets like any file.
DERIVED_PREFIXES = ("embed/",)


def html_pages(files: set[str]) -> list[str]:
    return sorted(name for name in files
                  if name.lower().endswith((".html", ".htm")) and not name.startswith(DERIVED_PREFIXES))


def conclude(root: Path, site_url: str, facts: dict[str, PageFacts]) -> SiteCheck:
    """Check what the pages point to against the finished site: each distinct
    target once. Only pages with a broken target are read again, to give
    each defect its line."""
    base_path, origin = _base(site_url)
    site = _Site(Path(root), base_path, origin, site_files(Path(root)))
    pages = html_pages(site.files)
    exists: dict[str, str | None] = {}
    ids = {page: fact.ids for page, fact in facts.items()}
    broken_pages = []
    defects: list[Defect] = []
    external: dict[str, list[tuple[str, Link]]] = {}
    for page in pages:
        fact = facts[page]
        defects += fact.defects
        for url, places in fact.external.items():
            external.setdefault(url, []).extend(places)
        bad = False
        for target in fact.targets:
            if target not in exists:
                exists[target] = _target_file(site, target)
            bad = bad or exists[target] is None
        for target, fragment in fact.fragments:
            found = exists.get(target)
            if found is not None and not fragment_exists(ids.get(found), fragment, lambda: site.text_of(found)):
                bad = True
        if bad:
            broken_pages.append(page)
    for page in broken_pages:  # rare: read again, with lines
        site.scans.update({p: PageScan(ids=i) for p, i in ids.items() if p not in site.scans})
        scanned = scan((site.root / page).read_text(encoding="utf-8", errors="replace"))
        page_path = document_path(scanned, page, base_path)
        for link in scanned.links:
            found = classify(site, page, link, {}, page_path)
            if not isinstance(found, tuple):
                continue  # own defects and external URLs are already in the facts
            defect = check_link(site, page, link, {}, page_path)
            if defect is not None:
                defects.append(defect)
    defects.sort(key=lambda d: (d.page, d.line, d.target, d.kind))
    return SiteCheck(defects, external, len(pages))


def _base(site_url: str) -> tuple[str, str]:
    parts = urlsplit(site_url or "/")
    base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return base_path, origin


# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 400


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Spawned processes (safe in threaded hosts such as mkdocs serve)."""
    # Spawned workers import this module by name: MkDocs put hooks/ on
    # sys.path only while it loaded the hook files.
    package_parent = str(Path(__file__).resolve().parents[1])
    if package_parent not in sys.path:
        sys.path.append(package_parent)
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def batches(pages: list[str], workers: int) -> list[list[str]]:
    size = max(1, len(pages) // (workers * 4))
    return [pages[i:i + size] for i in range(0, len(pages), size)]


def gather_facts(root: Path, site_url: str, pages: list[str], workers: int = 1,
                 pool: ProcessPoolExecutor | None = None) -> dict[str, PageFacts]:
    base_path, origin = _base(site_url)
    if (workers <= 1 and pool is None) or not pages:
        return {f.page: f for f in page_facts(root, base_path, origin, pages)}
    own_pool = pool is None
    pool = pool or worker_pool(workers)
    try:
        groups = batches(pages, workers)
        results = pool.map(page_facts, *zip(*[(root, base_path, origin, group) for group in groups]))
        return {f.page: f for group in results for f in group}
    finally:
        if own_pool:
            pool.shutdown()


def check_site(root: Path, site_url: str = "", workers: int | None = None) -> SiteCheck:
    """Check every page of a built site. ``workers``: processes to use
    (default: one per CPU for big sites, none for small ones)."""
    root = Path(root)
    pages = html_pages(site_files(root))
    if workers is None:
        workers = (os.cpu_count() or 1) if len(pages) >= PARALLEL_FROM else 1
    workers = max(1, min(workers, len(pages) or 1))
    return conclude(root, site_url, gather_facts(root, site_url, pages, workers))
