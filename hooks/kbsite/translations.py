"""Translated page pairs: missing translations, drift, structure.

The default language's page (French: ``x.md``) is the reference. A
translation (``x.en.md``) records in its front matter (``translated_from``)
the fingerprint of the text it was translated from; when that text changes,
the fingerprints differ and the translation is "outdated". Plain functions
over the docs folder; ``languages``: the site's codes, the default first.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from . import frontmatter, ui_text
from .languages import split_suffix, suffixed

HEADING = re.compile(r"^(#{1,6})\s+\S", re.M)
FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.M | re.S)


def fingerprint(text: str) -> str:
    """12 hex digits identifying the body of the reference page (front matter
    and trailing spaces ignored, so a change of review date or whitespace is
    not drift)."""
    _, body, _ = frontmatter.split(text)
    normal = "\n".join(line.rstrip() for line in body.strip().splitlines())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def headings(text: str) -> list[int]:
    """Heading levels of a Markdown body, in order (code blocks skipped)."""
    _, body, _ = frontmatter.split(text)
    return [len(m.group(1)) for m in HEADING.finditer(FENCE.sub("", body))]


def source_count(text: str) -> int:
    try:
        return len(frontmatter.read(text).get("sources") or [])
    except Exception:  # invalid front matter is reported by the schema check
        return 0


# The report is written for editors, in English: the languages' English names.
NAMES = {"fr": "French", "en": "English"}


def name(code: str) -> str:
    return NAMES.get(code, code)


@dataclass
class Pair:
    original: str  # docs-relative path of the default language's page ("guides/x.md")
    translation: str | None  # docs-relative path of its translation ("guides/x.en.md"), None if missing
    language: str  # the translation's language
    status: str  # "ok", "missing", "outdated", "unstamped"
    differences: list[str]


def _languages(languages) -> list[str]:
    """The site's languages, the default first (the interface text's, when not given)."""
    return list(ui_text.languages() if languages is None else languages)


def pairs(docs: Path, languages=None) -> list[Pair]:
    """Every default-language page with the state of its translation in each
    other language. ``languages``: the site's codes, the default first."""
    default, *others = _languages(languages)
    found = []
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        if split_suffix(relative, others)[1]:
            continue
        original_text = path.read_text(encoding="utf-8")
        for code in others:
            found.append(_pair(docs, relative, original_text, code, default))
    return found


def _pair(docs: Path, relative: str, original_text: str, code: str, default: str) -> Pair:
    translation = suffixed(relative, code)
    if not (docs / translation).is_file():
        return Pair(relative, None, code, "missing", [])
    translated_text = (docs / translation).read_text(encoding="utf-8")
    try:
        stamp = str(frontmatter.read(translated_text).get("translated_from") or "")
    except Exception:
        stamp = None
    if not stamp:
        status = "unstamped"
    elif stamp != fingerprint(original_text):
        status = "outdated"
    else:
        status = "ok"
    differences = []
    ours, theirs = headings(original_text), headings(translated_text)
    if ours != theirs:
        differences.append(f"headings: {len(ours)} in {name(default)}, {len(theirs)} in {name(code)}"
                           + ("" if len(ours) != len(theirs) else " (levels differ)"))
    our_sources, their_sources = source_count(original_text), source_count(translated_text)
    if our_sources != their_sources:
        differences.append(f"sources: {our_sources} in {name(default)}, {their_sources} in {name(code)}")
    return Pair(relative, translation, code, status, differences)


def orphans(docs: Path, languages=None) -> list[str]:
    """Translations without a default-language page."""
    _, *others = _languages(languages)
    found = []
    for path in docs.rglob("*.md"):
        relative = path.relative_to(docs).as_posix()
        original, code = split_suffix(relative, others)
        if code and not (docs / original).is_file():
            found.append(relative)
    return sorted(found)


def report(docs: Path, languages=None) -> tuple[str, bool]:
    """A human-readable parity report and whether everything is in order."""
    default, *others = _languages(languages)
    all_pairs = pairs(docs, [default, *others])
    lines = []
    statuses = [(f"Missing {name(code)} page", "missing", code) for code in others]
    statuses += [(f"Outdated translation (the {name(default)} page changed)", "outdated", None),
                 ("No translated_from stamp", "unstamped", None)]
    for label, status, code in statuses:
        chosen = [p for p in all_pairs if p.status == status and code in (None, p.language)]
        lines.append(f"{label}: {len(chosen)}")
        lines += [f"  docs/{p.original}" + (f" -> docs/{p.translation}" if p.translation else "") for p in chosen]
    different = [p for p in all_pairs if p.differences]
    lines.append(f"Structurally different pairs: {len(different)}")
    for pair in different:
        lines += [f"  docs/{pair.translation}: {difference}" for difference in pair.differences]
    stray = orphans(docs, [default, *others])
    for code in others:
        mine = [path for path in stray if split_suffix(path, [code])[1]]
        lines.append(f"{name(code).capitalize()} pages without a {name(default)} page: {len(mine)}")
        lines += [f"  docs/{path}" for path in mine]
    lines.append(f"Pairs checked: {len(all_pairs)}")
    clean = not stray and all(p.status == "ok" and not p.differences for p in all_pairs)
    return "\n".join(lines), clean


def stamp(docs: Path, translation: str, languages=None) -> bool:
    """Write (or refresh) translated_from in a translated page. True if changed."""
    _, *others = _languages(languages)
    original, code = split_suffix(translation, others)
    if code is None:
        raise ValueError(f"docs/{translation} is not a translation (no .{'/.'.join(others)}.md suffix)")
    page = docs / translation
    text = page.read_text(encoding="utf-8")
    value = fingerprint((docs / original).read_text(encoding="utf-8"))
    raw, body, _ = frontmatter.split(text)
    if raw is None:
        return False
    line = f'translated_from: "{value}"'  # quoted: an all-digit fingerprint is still text
    if re.search(r"^translated_from:.*$", raw, re.M):
        new_raw = re.sub(r"^translated_from:.*$", line, raw, flags=re.M)
    else:
        new_raw = raw + line + "\n"
    if new_raw == raw:
        return False
    page.write_text(f"---\n{new_raw}---\n{body}", encoding="utf-8")
    return True
