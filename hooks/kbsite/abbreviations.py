"""Abbreviation files (one per language) and the glossary built from them.

``includes/abbreviations.<lang>.md`` holds lines in Python-Markdown's ``abbr``
syntax::

    *[TAO]: traitement par agonistes opioïdes

pymdownx.snippets appends the file of the page's language to every page, so
each abbreviation gets a hover/tap definition wherever it appears. The same
file fills the glossary page (``<!-- kb:glossary -->``), so the glossary and
the definitions never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import ui_text

DEFINITION = re.compile(r"^\*\[(?P<abbr>[^\]]+)\]:\s*(?P<text>.*?)\s*$")
COMMENT = re.compile(r"^\s*<!--(?:(?!-->).)*-->\s*$")
# The definition becomes a title attribute and a glossary cell: plain text,
# as in the front matter's plain-text fields.
MARKUP = re.compile(r"[<>\x00-\x1f\x7f]|&[#A-Za-z]")
MARKER = re.compile(r"^<!--\s*kb:glossary\s*-->\s*$", re.M)


@dataclass(frozen=True)
class Abbreviation:
    abbr: str
    text: str
    line: int


def file_name(language: str) -> str:
    return f"abbreviations.{language}.md"


def parse(text: str, shown: str) -> tuple[list[Abbreviation], list[str]]:
    """The definitions of one file, and its problems as ``file:line: message``."""
    entries: list[Abbreviation] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or COMMENT.match(line):
            continue
        match = DEFINITION.match(line)
        if not match:
            problems.append(f"{shown}:{number}: not an abbreviation; write *[ABBR]: meaning (a comment must be "
                            "alone on its line: <!-- … -->)")
            continue
        abbr, meaning = match["abbr"].strip(), match["text"]
        if MARKUP.search(abbr) or MARKUP.search(meaning):
            problems.append(f"{shown}:{number}: *[{abbr[:40]}] is not plain text: no < or >, no &name; or &#…; "
                            "(write « et » / “and” for &)")
        elif not meaning:
            problems.append(f"{shown}:{number}: *[{abbr}] has no meaning after the colon")
        elif abbr in seen:
            problems.append(f"{shown}:{number}: *[{abbr}] is already defined at line {seen[abbr]}")
        else:
            seen[abbr] = number
            entries.append(Abbreviation(abbr, meaning, number))
    return entries, problems


def load(directory: Path, languages: list[str]) -> tuple[dict[str, list[Abbreviation]], list[str]]:
    """Every language's definitions; a missing file is a problem, not a crash."""
    result: dict[str, list[Abbreviation]] = {}
    problems: list[str] = []
    for language in languages:
        path = directory / file_name(language)
        shown = f"{directory.name}/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            problems.append(f"{shown}: missing; every language needs its abbreviation file")
            continue
        result[language], found = parse(text, shown)
        problems += found
    return result, problems


def glossary(entries: list[Abbreviation], language: str) -> str:
    """The glossary as a Markdown table, in alphabetical order (its headers: schema/ui.yml)."""
    left, right = ui_text.text(language, "glossary_abbreviation"), ui_text.text(language, "glossary_meaning")
    rows = [f"| {left} | {right} |", "|---|---|"]
    for entry in sorted(entries, key=lambda e: e.abbr.casefold()):
        rows.append(f"| **{entry.abbr}** | {entry.text.replace('|', '&#124;')} |")
    return "\n".join(rows) + "\n"


def fill(markdown: str, entries: list[Abbreviation], language: str) -> str:
    if "kb:glossary" not in markdown:
        return markdown
    return MARKER.sub(lambda m: glossary(entries, language), markdown)
