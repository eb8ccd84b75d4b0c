"""Tap to call: every emergency number in a page's text becomes a ``tel:`` link.

A worker reading on a phone in an emergency should be one tap from 911, and
from the support team's line, wherever a page, a template (footer, 404,
offline page) or an embed mentions them. Editors write the number as text;
this step links it in the finished HTML, so no page can forget.

A plain scan, not a parse (it runs over every page of a 1,000-page site):
comments, tags and the contents of ``<a>``, ``<script>``, ``<style>``,
``<template>``, ``<textarea>``, ``<title>``, ``<code>`` and ``<pre>`` are
copied as they are; only the text between them is searched. The links it
writes are then held, like everything else, by the output check
(kbsite/site_safety.py). Plain functions, no MkDocs event.
"""

from __future__ import annotations

import re
from pathlib import Path

# The numbers the site gives, as written on the pages, and what a phone dials.
NUMBERS = {
    "911": "tel:911",
    "514 863-7234": "tel:+15148637234",  # Équipe de soutien clinique et organisationnel (ESCODI)
}
# Each number not inside a longer word or number. The literal comes first and each
# lookbehind after it, so the scan jumps from one "911" or "514" to the next
# (a lookbehind first is tried at every character: 3.0 s against 0.7 s on 115 MB).
_NUMBER = re.compile(r"(911(?<![\w-]911)"
                     r"|514[ \u00a0]863-7234(?<![\w-]514.863-7234)"
                     r"|514&nbsp;863-7234(?<![\w-]514&nbsp;863-7234))(?![\w-])")
_SKIPPED = re.compile(
    r"<!--.*?-->"
    r"|<(a|script|style|template|textarea|title|code|pre)\b[^>]*>.*?</\1\s*>"
    r"|<[^>]*>",
    re.DOTALL | re.IGNORECASE,
)


def _link(match: re.Match) -> str:
    written = match.group(1)
    number = written.replace("&nbsp;", " ").replace("\u00a0", " ")
    return f'<a class="kb-tel" href="{NUMBERS[number]}">{written}</a>'


def link_numbers(html: str) -> str:
    """``html`` with each emergency number of its text inside a ``tel:`` link."""
    if "911" not in html and "863-7234" not in html:
        return html
    parts, position = [], 0
    for skipped in _SKIPPED.finditer(html):
        parts.append(_NUMBER.sub(_link, html[position:skipped.start()]))
        parts.append(skipped.group(0))
        position = skipped.end()
    parts.append(_NUMBER.sub(_link, html[position:]))
    return "".join(parts)


def link_site(site_dir: Path) -> int:
    """Link the numbers in every HTML file of a built site; the files changed."""
    changed = 0
    for path in sorted(Path(site_dir).rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        linked = link_numbers(text)
        if linked != text:
            path.write_text(linked, encoding="utf-8")
            changed += 1
    return changed
