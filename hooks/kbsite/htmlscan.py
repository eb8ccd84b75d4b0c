"""Fast scan of a built HTML page: element ids and every URL it refers to.

A tag-level tokenizer (regular expressions, no DOM) is enough for link
checking and several times faster than ``html.parser`` on Material's pages
(tests/test_htmlscan.py checks that both find the same ids and URLs).
Comments and the contents of ``<script>``, ``<style>`` and ``<template>`` are
skipped; attribute values are unescaped; each URL keeps its line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from .srcset import srcset_urls

TAG = re.compile(
    r"<!--.*?-->"  # comment
    r"|<(script|style|template)\b[^>]*>.*?</\1\s*>"  # raw-text element (attributes of the open tag are scanned)
    r"|<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"'=<`]+))?)*)\s*/?>",
    re.DOTALL | re.IGNORECASE,
)
RAW_OPEN = re.compile(r"<(script|style|template)\b((?:\s+[^\s=>/\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"'=<`]+))?)*)\s*/?>", re.IGNORECASE)
ID_HINT = re.compile(r"(?:^|\s)id\s*=", re.IGNORECASE)
ATTRIBUTE = re.compile(r"([^\s=>/\"']+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"'=<`]+)))?")

# Which attributes hold URLs, per element
URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "form": ("action",),
    # <base href> changes what every relative URL of the page resolves against
    # (embed variants point it at their full page): see PageScan.base.
    "base": ("href",),
}


class Link:
    """One URL of a page. The element's other attributes are parsed only when a
    report needs them (most links are fine and never asked)."""

    __slots__ = ("tag", "attribute", "url", "line", "_attribute_text")

    def __init__(self, tag: str, attribute: str, url: str, line: int, attribute_text: str = ""):
        self.tag, self.attribute, self.url, self.line = tag, attribute, url, line
        self._attribute_text = attribute_text

    def attr(self, name: str) -> str | None:
        for key, value in _attributes(self._attribute_text):
            if key == name:
                return value
        return None

    def __repr__(self) -> str:
        return f"Link({self.tag!r}, {self.attribute!r}, {self.url!r}, line {self.line})"


@dataclass
class PageScan:
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)

    @property
    def base(self) -> str | None:
        """The page's ``<base href>``, if any (the first one counts)."""
        return next((link.url for link in self.links if link.tag == "base"), None)


def _attributes(text: str) -> list[tuple[str, str]]:
    result = []
    for match in ATTRIBUTE.finditer(text):
        name = match.group(1).lower()
        value = next((g for g in match.group(2, 3, 4) if g is not None), "")
        result.append((name, unescape(value) if "&" in value else value))
    return result


def scan(html: str) -> PageScan:
    result = PageScan()
    ids, links = result.ids, result.links
    counted_to, line_at = 0, 1  # matches come in order: count newlines incrementally
    for match in TAG.finditer(html):
        if match.group(1):  # script/style/template: only the opening tag's attributes count
            opening = RAW_OPEN.match(match.group(0))
            if not opening:
                continue
            tag, attribute_text = opening.group(1).lower(), opening.group(2)
        elif match.group(2):
            tag, attribute_text = match.group(2).lower(), match.group(3)
        else:
            continue
        if not attribute_text:
            continue
        wanted = URL_ATTRIBUTES.get(tag, ())
        if not wanted and not ID_HINT.search(attribute_text):
            continue  # most tags of a page: no URL, no id
        line = 0
        for name, value in _attributes(attribute_text):
            if name == "id" or (name == "name" and tag == "a"):
                ids.add(value)
            elif name in wanted:
                if not line:
                    line_at += html.count("\n", counted_to, match.start())
                    counted_to = match.start()
                    line = line_at
                values = srcset_urls(value) if name == "srcset" else [value.strip()]
                for url in values:
                    links.append(Link(tag, name, url, line, attribute_text))
    return result
