"""Plain language, measured: sentence length and a reading-ease score per page.

For editors (``python3 dev.py readability``), over the Markdown of ``docs/``:
the prose of a page is its paragraphs and list items, without front matter,
headings, tables, code, HTML comments or admonition title lines, and with
Markdown marks removed (links keep their text). Scores come from textstat
(its ``flesch_reading_ease``: Flesch for English, Kandel and Moles' French
adaptation, 207 − 1.015 × words per sentence − 73.6 × syllables per word, for
French; syllables counted with pyphen's hyphenation dictionaries). Long
sentences are counted in paragraphs only: a list item or a title is not a
sentence to shorten. Plain functions, no MkDocs event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import frontmatter

# Targets (issue 18) for the pages a worker reads in a hurry.
TARGET_EASE = 60
LONG_SENTENCE = 30  # reported
TOO_LONG = 35  # over the target
TARGET_TYPES = ("guide", "toolkit")
TARGET_PAGES = ("surdose.md", "surdose.en.md")

_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SKIP_LINE = re.compile(r"^\s*(?:#|\||!!!|\?\?\?|\*\[|\[\^?[^\]]+\]:|<!--|-->|---\s*$|\{)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REFERENCE = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_ATTRIBUTES = re.compile(r"\{[:#.][^}]*\}")
_CODE = re.compile(r"`[^`]*`")
_TAG = re.compile(r"<[^>]+>")
_MARKS = re.compile(r"[*_]{1,3}")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«“\"(]?[A-ZÀ-ÖØ-Þ0-9])")
_WORD = re.compile(r"[\w’'-]+")
_SPACE_BEFORE_STOP = re.compile(r" ([.,])")  # left where a removed mark stood


@dataclass
class PageScore:
    path: str
    language: str
    page_type: str
    words: int = 0
    sentences: int = 0
    ease: float | None = None
    long_sentences: list[tuple[int, str]] = field(default_factory=list)  # (words, first words)

    @property
    def mean_length(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def targeted(self) -> bool:
        return self.page_type in TARGET_TYPES or self.path.rsplit("/", 1)[-1] in TARGET_PAGES

    @property
    def over_target(self) -> int:
        return sum(1 for words, _ in self.long_sentences if words > TOO_LONG)

    @property
    def meets_target(self) -> bool:
        return self.ease is not None and self.ease >= TARGET_EASE and self.over_target == 0


def plain(line: str) -> str:
    """One line of Markdown as the words a reader reads."""
    line = _LINK.sub(r"\1", line)
    line = _REFERENCE.sub(r"\1", line)
    for pattern in (_FOOTNOTE, _ATTRIBUTES, _CODE, _TAG):
        line = pattern.sub("", line)
    return _SPACE_BEFORE_STOP.sub(r"\1", " ".join(_MARKS.sub("", line).split()))


def prose(body: str) -> tuple[list[str], list[str]]:
    """(paragraphs, list items) of a Markdown body, as plain text."""
    paragraphs, items, current, in_item = [], [], [], False
    fence = False

    def flush():
        nonlocal current, in_item
        if current:
            (items if in_item else paragraphs).append(" ".join(current))
        current, in_item = [], False

    for line in body.splitlines():
        if _FENCE.match(line):
            fence = not fence
            flush()
            continue
        if fence or _SKIP_LINE.match(line):
            flush()
            continue
        if not line.strip():
            flush()
            continue
        if _LIST.match(line):
            flush()
            in_item = True
            line = _LIST.sub("", line, count=1)
        text = plain(line)
        if text:
            current.append(text)
    flush()
    return paragraphs, items


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]


def score(path: str, text: str, language: str) -> PageScore:
    import textstat

    data = frontmatter.read(text)
    _, body, _ = frontmatter.split(text)
    result = PageScore(path, language, str(data.get("type") or ""))
    paragraphs, items = prose(body)
    all_sentences = [s for block in paragraphs + items for s in sentences(block)]
    result.sentences = len(all_sentences)
    result.words = sum(len(_WORD.findall(s)) for s in all_sentences)
    for block in paragraphs:
        for sentence in sentences(block):
            words = len(_WORD.findall(sentence))
            if words > LONG_SENTENCE:
                result.long_sentences.append((words, " ".join(sentence.split()[:8]) + " …"))
    if all_sentences:
        textstat.set_lang(language)
        result.ease = round(textstat.flesch_reading_ease(" ".join(all_sentences)), 1)
    return result


def table(scores: list[PageScore]) -> str:
    """A Markdown table, one row per page."""
    lines = [f"| Page | Type | Words | Words per sentence | Sentences > {LONG_SENTENCE} (> {TOO_LONG}) | "
             f"Reading ease | Target (≥ {TARGET_EASE}, none > {TOO_LONG}) |", "|---|---|---|---|---|---|---|"]
    for item in scores:
        target = ("met" if item.meets_target else "**not met**") if item.targeted else ""
        ease = "" if item.ease is None else f"{item.ease:.1f}"
        lines.append(f"| {item.path} | {item.page_type} | {item.words} | {item.mean_length:.1f} | "
                     f"{len(item.long_sentences)} ({item.over_target}) | {ease} | {target} |")
    return "\n".join(lines)
