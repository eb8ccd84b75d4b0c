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
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from .htmlscan import Link

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
            for candidate in value.split(","):
                if candidate.split():
                    found.append((number, candidate.split()[0], True))
    return found


def rendered_url(target: str, source_dir_url: str, use_directory_urls: bool) -> str:
    """The site-relative URL MkDocs writes for a Markdown link ("../x.md#a" -> "x/#a")."""
    parts = urlsplit(target)
    if parts.scheme or target.startswith(("/", "#")):
        return target
    path = parts.path
    if path.endswith(".md"):
        stem = PurePosixPath(path[:-3])
        if "." in stem.name:  # page.en.md: static-i18n's suffix
            stem = stem.with_name(stem.name.rsplit(".", 1)[0])
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
        wanted = _normal(urlsplit(urljoin("http://site/" + page_url, link.url))._replace(scheme="", netloc="").geturl().lstrip("/"))
        for line, target, raw in markdown_targets(text):
            if raw or target.startswith(("#", "/")) or urlsplit(target).scheme:
                candidate = urljoin("http://site/" + page_url, target)
                candidate = urlsplit(candidate)._replace(scheme="", netloc="").geturl().lstrip("/")
            else:
                candidate = rendered_url(target, source_dir_url, use_directory_urls)
            if _normal(candidate) == wanted or target == link.url:
                return Location(source, line, target)
    return Location(theme_template(link), None)


def theme_template(link: Link) -> str:
    """The template that writes a link the Markdown does not explain."""
    classes = (link.attr("class") or "").split()
    if link.tag == "link" and link.attr("hreflang"):
        return "overrides/main.html (hreflang, hooks/language_switcher.py)"
    if "md-select__link" in classes:
        return "overrides/partials/alternate.html (language selector)"
    if link.tag == "a" and link.attr("hreflang"):
        return "overrides/partials/kb-counterparts.html"
    if "md-nav__link" in classes:
        return "material/templates/partials/nav-item.html (mkdocs.yml nav)"
    if "md-footer__link" in classes:
        return "material/templates/partials/footer.html (previous/next)"
    if link.tag in ("link", "script"):
        return "material/templates/base.html or overrides/main.html (assets)"
    return "theme templates (material/templates or overrides/)"
