"""Raw HTML an editor may not write: anything that runs code or pulls in another page.

Partners embed our pages, so a page must never carry script. Markdown allows
raw HTML; this scans the Markdown source (outside code blocks and inline
code, where HTML is shown, not run) and returns every unsafe construct with
its line. Plain functions: hooks/content_model.py fails the build with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RULES = [
    (re.compile(r"<\s*script\b", re.I), "<script> runs code: remove it (the site adds its own scripts)"),
    (re.compile(r"<\s*(iframe|object|embed|frame|frameset|applet)\b", re.I),
     "<{0}> loads another page or plug-in: link to it instead"),
    (re.compile(r"<\s*style\b", re.I), "inline <style> can restyle the partner's page: use docs/assets/stylesheets/extra.css"),
    (re.compile(r"<\s*(?:base|meta|link|form)\b", re.I), "<{0}> changes how the page loads or sends data: remove it"),
    (re.compile(r"<[a-z][^>]*?\s(on[a-z]+)\s*=", re.I | re.S), "the {0}= event handler runs code: remove it"),
    # attr_list: [text](page.md){ onclick="…" } sets attributes from Markdown
    (re.compile(r"\{:?[^}\n]*?(?<![\w-])(on[a-z]+)\s*=", re.I), "the {0}= event handler runs code: remove it"),
    (re.compile(r"""(?:href|src|action|formaction|xlink:href|data)\s*=\s*["']?\s*(javascript|vbscript|data\s*:\s*text/html)""", re.I),
     "a {0}: URL runs code: link to a page or file instead"),
    (re.compile(r"\]\(\s*<?\s*(javascript|vbscript):", re.I), "a {0}: link runs code: link to a page or file instead"),
    (re.compile(r"\sstyle\s*=\s*[\"'][^\"']*(?:url\s*\(|expression\s*\()", re.I),
     "a style attribute that loads a URL: remove it"),
]
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


@dataclass(frozen=True)
class Unsafe:
    line: int
    message: str


def blank_code(text: str) -> str:
    """The text with fenced code blocks and inline code replaced by spaces
    (newlines kept, so offsets still give the right line)."""
    if "`" not in text and "~~~" not in text:
        return text  # nothing to blank (most pages): skip the line-by-line pass
    lines, fence = [], None
    for line in text.split("\n"):
        marker = FENCE.match(line)
        if marker:
            token = marker.group(1)[0] * 3
            fence = token if fence is None else (None if token == fence else fence)
            lines.append(" " * len(line))
        elif fence is not None:
            lines.append(" " * len(line))
        else:
            lines.append(INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line))
    return "\n".join(lines)


def find_unsafe(body: str, first_line: int = 1) -> list[Unsafe]:
    """Every unsafe construct of a Markdown body, with its line in the file.
    Indented blocks are scanned too: in admonitions and lists they are text."""
    text = blank_code(body)
    found = []
    for pattern, message in RULES:
        for match in pattern.finditer(text):
            at = match.start(1) if match.lastindex else match.start()  # the handler's own line
            line = text.count("\n", 0, at) + first_line
            found.append(Unsafe(line, message.format(*(g.lower() for g in match.groups() if g))))
    return sorted(found, key=lambda u: u.line)
