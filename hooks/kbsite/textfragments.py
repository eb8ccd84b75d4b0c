"""Text fragments (``#:~:text=…``): is the quoted text on the target page?

A text fragment (https://wicg.github.io/scroll-to-text-fragment/) is not an
element id: a browser looks for the text and highlights it, or, when the text
is not there, silently shows the top of the page. For a worker following a
link to "the dose" on a long guide, that silent miss is the defect worth
reporting, so the link checker checks the text (CONTRIBUTING.md, "Link
checker"), as ``lychee --include-fragments=full`` does.

The matching is deliberately lenient (never a false report on a page a
browser would scroll): text of the page's ``<body>`` without ``<script>``,
``<style>`` and ``<template>``, compared case-insensitively with every
whitespace removed, so element boundaries and line breaks never matter;
``prefix-``, ``start``, ``end`` and ``-suffix`` must appear in that order,
the prefix right before the start and the suffix right after the end. Plain
functions, no MkDocs event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser

DELIMITER = ":~:"
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TextDirective:
    start: str
    end: str = ""
    prefix: str = ""
    suffix: str = ""


def split_fragment(fragment: str) -> tuple[str, str | None]:
    """(element id, directives) of a fragment; directives is None when the
    fragment has no ``:~:`` (an ordinary id)."""
    if DELIMITER not in fragment:
        return fragment, None
    element, _, directives = fragment.partition(DELIMITER)
    return element, directives


def text_directives(directives: str) -> list[TextDirective] | None:
    """The ``text=`` directives of a fragment directive ("text=a&text=b");
    None when one of them is malformed. Other directives are ignored."""
    found = []
    for directive in directives.split("&"):
        if not directive.startswith("text="):
            continue
        items = directive[len("text="):].split(",")
        prefix = items.pop(0)[:-1] if items and items[0].endswith("-") and len(items) > 1 else ""
        suffix = items.pop()[1:] if items and items[-1].startswith("-") and len(items) > 1 else ""
        if not 1 <= len(items) <= 2 or not items[0]:
            return None
        found.append(TextDirective(start=unquote(items[0]), end=unquote(items[1]) if len(items) == 2 else "",
                                   prefix=unquote(prefix), suffix=unquote(suffix)))
    return found


def page_text(html: str) -> str:
    """The page's readable text, normalised for matching."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(["script", "style", "template"])
    body = tree.body
    return normalised(body.text(separator=" ") if body is not None else "")


def normalised(text: str) -> str:
    return _WHITESPACE.sub("", text).casefold()


# Candidate positions tried per directive: a page is a few hundred KB at most,
# but a one-letter start on a long page must not turn quadratic.
MAX_TRIES = 10_000


def _found(text: str, directive: TextDirective) -> bool:
    start, end = normalised(directive.start), normalised(directive.end)
    prefix, suffix = normalised(directive.prefix), normalised(directive.suffix)
    position, tries = text.find(start), 0
    while position != -1 and tries < MAX_TRIES:
        after = position + len(start)
        if not prefix or text.endswith(prefix, 0, position):
            end_at = text.find(end, after) if end else after
            if end_at == -1:
                return False  # no end after this start, so none after a later one
            while end_at != -1 and tries < MAX_TRIES:
                tries += 1
                if not suffix or text.startswith(suffix, end_at + len(end)):
                    return True
                end_at = text.find(end, end_at + 1) if end else -1
        tries += 1
        position = text.find(start, position + 1)
    return False


def text_found(text: str, directives: str) -> bool:
    """True when every text directive is found in ``text`` (``page_text``)."""
    parsed = text_directives(directives)
    if parsed is None:
        return False
    return all(_found(text, directive) for directive in parsed)
