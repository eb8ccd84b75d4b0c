"""Where in the Markdown a problem of the rendered HTML was written.

The rendered page has no line numbers; a problem carries "needles" (the
attribute name, the URL, ``<tag``) and this finds the line that holds one,
in the page's file first, then in the files pymdownx.snippets adds to it
(``includes/``). A needle is looked for outside code first (``<script>``
shown in backticks is not where a script was written), then as written,
then in the line as a browser would decode it (character references decoded, tabs, newlines and
control characters removed): ``j&#97;vascript&#x3A;`` is found as
``javascript:``. The n-th problem with the same needle goes to the n-th
line that holds it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html import unescape

_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
SNIPPET = re.compile(r"""^[ \t]*-{1,}8<-{1,}[ \t]+(?P<quote>["'])(?P<path>.+?)(?P=quote)[ \t]*$""")


@dataclass
class Source:
    shown: str  # "docs/guides/x.md", "includes/abbreviations.fr.md"
    text: str
    body_line: int = 1  # lines before it (front matter) are searched last
    _decoded: list[str] | None = None
    _masked: list[str] | None = None

    def lines(self) -> list[str]:
        return self.text.split("\n")

    def spanning(self, needle: str) -> list[int]:
        """Lines where ``needle`` starts when line breaks are read as nothing."""
        if not needle:
            return []
        lines = self.decoded()
        joined, starts, offset = "".join(lines), [], 0
        for line in lines:
            starts.append(offset)
            offset += len(line)
        found, at = [], joined.find(needle)
        while at != -1:
            number = max(i for i, start in enumerate(starts) if start <= at) + 1
            found.append(number)
            at = joined.find(needle, at + 1)
        return found

    def masked(self) -> list[str]:
        """The lines, lower case, with code blocks and inline code blanked:
        only a preference (the order of the search), never a filter."""
        if self._masked is None:
            self._masked, fence = [], None
            for line in self.lines():
                marker = _FENCE.match(line)
                if marker:
                    token = marker.group(1)[0]
                    fence = token if fence is None else (None if token == fence else fence)
                    self._masked.append("")
                else:
                    self._masked.append("" if fence else _INLINE_CODE.sub("", line).lower())
        return self._masked

    def decoded(self) -> list[str]:
        if self._decoded is None:
            self._decoded = [_INVISIBLE.sub("", unescape(line)).lower() for line in self.lines()]
        return self._decoded


@dataclass
class Locator:
    sources: list[Source]
    used: Counter = field(default_factory=Counter)

    def locate(self, needles: tuple[str, ...]) -> tuple[str, int | None]:
        """(file, line) of the next unclaimed line holding the first needle
        found; (page file, None) when none is found."""
        for needle in needles:
            if not needle:
                continue
            found = list(self._lines_with(needle))
            if found:
                index = self.used[needle]
                self.used[needle] += 1
                return found[min(index, len(found) - 1)]
        return self.sources[0].shown, None

    def _lines_with(self, needle: str):
        plain = needle.lower()
        decoded = _INVISIBLE.sub("", unescape(needle)).lower()
        seen = set()
        passes = [(lambda s: s.masked(), plain), (lambda s: [line.lower() for line in s.lines()], plain),
                  (lambda s: s.decoded(), decoded)]
        for in_body in (True, False):
            for lines_of, wanted in passes:
                for source in self.sources:
                    for number, line in enumerate(lines_of(source), start=1):
                        if (number >= source.body_line) != in_body:
                            continue
                        if wanted and wanted in line and (source.shown, number) not in seen:
                            seen.add((source.shown, number))
                            yield source.shown, number
        # Last: a needle the browser reads across a line break ("java\nscript:").
        for source in self.sources:
            for number in source.spanning(decoded):
                if (source.shown, number) not in seen:
                    seen.add((source.shown, number))
                    yield source.shown, number


def snippet_paths(text: str) -> list[str]:
    """The files a page includes with ``--8<-- "file"`` (inline form)."""
    return [match["path"] for line in text.split("\n") if (match := SNIPPET.match(line))]
