"""Find where a link of a built page is written: Markdown file and line, or template.

A defect is found in the HTML, but an editor fixes the Markdown. For each link
written in the page's Markdown (inline, reference definition, image, raw HTML
attribute) we compute the URL MkDocs renders it to and match it with the
defect's URL. Links no Markdown line explains come from the theme: we name
the template that writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from . import material
from .htmlscan import Link
from .languages import split_suffix, suffixed
from .srcset import srcset_urls

INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
RAW_ATTRIBUTE = re.compile(r"""\b(?:href|src|srcset|data|poster|action)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
AUTOLINK = re.compile(r"<((?:https?|mailto|tel):[^>\s]+)>")


@dataclass(frozen=True)
class Location:
    file: str  # "docs/guides/x.md" or "overrides/main.html"
    line: int | None
    written: str | None = None  # the target as written in that file


def markdown_targets(text: str) -> list[tuple[int, str, bool]]:
    """(line, target, is_raw_html) for every link written in a Markdown text."""
    found = []
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        marker = stripped[:3]
        if marker in ("```", "~~~"):
            fence = None if fence == marker else (fence or marker)
            continue
        if fence:
            continue
        found += [(number, m.group(1), False) for m in INLINE.finditer(line)]
        found += [(number, m.group(1), False) for m in REFERENCE.finditer(line)]
        found += [(number, m.group(1), False) for m in AUTOLINK.finditer(line)]
        for match in RAW_ATTRIBUTE.finditer(line):
            value = match.group(1) if match.group(1) is not None else match.group(2)
            found += [(number, url, True) for url in srcset_urls(value)]
    return found


def rendered_url(target: str, source_dir_url: str, use_directory_urls: bool, codes=None) -> str:
    """The site-relative URL MkDocs writes for a Markdown link ("../x.md#a" -> "x/#a").
    ``codes``: the language suffixes to drop (page.en.md; None: any language code)."""
    parts = urlsplit(target)
    if parts.scheme or target.startswith(("/", "#")):
        return target
    path = parts.path
    if path.endswith(".md"):
        stem = PurePosixPath(split_suffix(path, codes)[0][:-3])  # page.en.md: static-i18n's suffix
        if stem.name in ("index", "README"):
            path = str(stem.parent) + "/" if str(stem.parent) != "." else "./"
        else:
            path = f"{stem}/" if use_directory_urls else f"{stem}.html"
    resolved = urljoin("http://site/" + source_dir_url, path)
    url = urlsplit(resolved).path.lstrip("/")
    return url + (f"#{parts.fragment}" if parts.fragment else "")


def _normal(url_path_and_fragment: str) -> str:
    path, _, fragment = url_path_and_fragment.partition("#")
    return unquote(path) + ("#" + unquote(fragment) if fragment else "")


def locate(
    link: Link,
    page_url: str,
    source: str | None,
    text: str | None,
    source_dir_url: str,
    use_directory_urls: bool,
) -> Location:
    """Where ``link`` (found on the page at site-relative ``page_url``) is written."""
    if source and text is not None:
        wanted = _site_path(page_url, link.url)
        for line, target, raw in markdown_targets(text):
            if target == link.url:
                return Location(source, line, target)
            if wanted is None:
                continue  # a malformed URL is found only as it is written
            try:
                if raw or target.startswith(("#", "/")) or urlsplit(target).scheme:
                    candidate = _site_path(page_url, target)
                else:
                    candidate = _normal(rendered_url(target, source_dir_url, use_directory_urls))
            except ValueError:
                continue
            if candidate == wanted:
                return Location(source, line, target)
    return Location(theme_template(link), None)


def _site_path(page_url: str, url: str) -> str | None:
    """The site path and fragment ``url`` points to from ``page_url``, or None
    when it is not a valid URL (``http://localhost]``)."""
    try:
        joined = urlsplit(urljoin("http://site/" + page_url, url))
    except ValueError:
        return None
    return _normal(joined._replace(scheme="", netloc="").geturl().lstrip("/"))


def theme_template(link: Link) -> str:
    """The template that writes a link the Markdown does not explain."""
    classes = (link.attr("class") or "").split()
    if link.tag == "link" and link.attr("hreflang"):
        return "overrides/main.html (hreflang, hooks/language_switcher.py)"
    if material.SELECT_LINK in classes:
        return "overrides/partials/alternate.html (language selector)"
    if link.tag == "a" and link.attr("hreflang"):
        return "overrides/partials/kb-counterparts.html"
    if material.NAV_LINK in classes:
        return "material/templates/partials/nav-item.html (mkdocs.yml nav)"
    if material.FOOTER_LINK in classes:
        return "material/templates/partials/footer.html (previous/next)"
    if link.tag in ("link", "script"):
        return "material/templates/base.html or overrides/main.html (assets)"
    return "theme templates (material/templates or overrides/)"


@dataclass(frozen=True)
class PageSource:
    path: str  # the Markdown file, relative to the docs folder ("guides/x.en.md")
    page_url: str  # the page's site-relative URL ("en/guides/x/")
    source_dir_url: str  # the URL links in that file are relative to ("en/guides/")
    use_directory_urls: bool


def docs_markdown(docs_dir: Path) -> tuple[set[str], set[str]]:
    """docs/'s Markdown files (relative paths) and the language suffixes they
    use: what ``page_source`` needs to map built pages back to them."""
    markdown = {p.relative_to(docs_dir).as_posix() for p in Path(docs_dir).rglob("*.md")}
    return markdown, suffix_languages(markdown)


def suffix_languages(markdown_files: set[str]) -> set[str]:
    """Language codes used as static-i18n suffixes ("x.en.md" -> "en")."""
    return {code for code in (split_suffix(name)[1] for name in markdown_files) if code}


def page_source(page: str, markdown_files: set[str], languages: set[str]) -> PageSource | None:
    """The Markdown file a built HTML page comes from, without MkDocs.

    ``page`` is the HTML file's path in the site ("en/guides/x/index.html");
    ``markdown_files`` the docs folder's Markdown paths; ``languages`` the
    suffix languages (the default language has no prefix and no suffix).
    """
    parts = page.split("/")
    language = parts[0] if len(parts) > 1 and parts[0] in languages else ""
    prefix = f"{language}/" if language else ""
    rest = page[len(prefix):]
    if rest.endswith("/index.html") or rest == "index.html":
        folder = rest[: -len("index.html")]
        stems = [(folder + "index", False), (folder + "README", False)]
        if folder:
            stems.append((folder.rstrip("/"), True))
    elif rest.endswith(".html"):
        stems = [(rest[:-5], False)]
    else:
        return None
    for stem, directory_style in stems:
        candidates = [suffixed(f"{stem}.md", language), f"{stem}.md"] if language else [f"{stem}.md"]
        for candidate in candidates:
            if candidate in markdown_files:
                source_dir = str(PurePosixPath(candidate).parent)
                source_dir_url = prefix + ("" if source_dir == "." else source_dir + "/")
                page_url = prefix + (rest[: -len("index.html")] if rest.endswith("index.html") else rest)
                return PageSource(candidate, page_url, source_dir_url, directory_style)
    return None
