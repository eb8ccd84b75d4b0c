"""French/English page pairs: missing translations, drift, structure.

The French page is the reference. An English page records in its front
matter (``translated_from``) the fingerprint of the French text it was
translated from; when the French text changes, the fingerprints differ and
the English page is "outdated". Plain functions over the docs folder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from . import frontmatter

HEADING = re.compile(r"^(#{1,6})\s+\S", re.M)
FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.M | re.S)


def fingerprint(french_text: str) -> str:
    """12 hex digits identifying the French body (front matter and trailing
    spaces ignored, so a change of review date or whitespace is not drift)."""
    _, body, _ = frontmatter.split(french_text)
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


@dataclass
class Pair:
    french: str  # docs-relative path of the French page
    english: str | None  # docs-relative path of the English page, None if missing
    status: str  # "ok", "missing", "outdated", "unstamped"
    differences: list[str]


def english_path(french: str) -> str:
    return french[:-3] + ".en.md"


def is_english(path: str) -> bool:
    return path.endswith(".en.md")


def pairs(docs: Path) -> list[Pair]:
    """Every French page with the state of its English counterpart."""
    found = []
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        if is_english(relative):
            continue
        english = docs / english_path(relative)
        french_text = path.read_text(encoding="utf-8")
        if not english.is_file():
            found.append(Pair(relative, None, "missing", []))
            continue
        english_text = english.read_text(encoding="utf-8")
        try:
            stamp = str(frontmatter.read(english_text).get("translated_from") or "")
        except Exception:
            stamp = None
        if not stamp:
            status = "unstamped"
        elif stamp != fingerprint(french_text):
            status = "outdated"
        else:
            status = "ok"
        differences = []
        fr_headings, en_headings = headings(french_text), headings(english_text)
        if fr_headings != en_headings:
            differences.append(f"headings: {len(fr_headings)} in French, {len(en_headings)} in English"
                               + ("" if len(fr_headings) != len(en_headings) else " (levels differ)"))
        fr_sources, en_sources = source_count(french_text), source_count(english_text)
        if fr_sources != en_sources:
            differences.append(f"sources: {fr_sources} in French, {en_sources} in English")
        found.append(Pair(relative, english_path(relative), status, differences))
    return found


def orphans(docs: Path) -> list[str]:
    """English pages without a French page."""
    return sorted(
        p.relative_to(docs).as_posix() for p in docs.rglob("*.en.md")
        if not (p.parent / (p.name[: -len(".en.md")] + ".md")).is_file()
    )


def report(docs: Path) -> tuple[str, bool]:
    """A human-readable parity report and whether everything is in order."""
    all_pairs = pairs(docs)
    lines = []
    for label, status in (("Missing English page", "missing"), ("Outdated translation (the French page changed)", "outdated"),
                          ("No translated_from stamp", "unstamped")):
        chosen = [p for p in all_pairs if p.status == status]
        lines.append(f"{label}: {len(chosen)}")
        lines += [f"  docs/{p.french}" + (f" -> docs/{p.english}" if p.english else "") for p in chosen]
    different = [p for p in all_pairs if p.differences]
    lines.append(f"Structurally different pairs: {len(different)}")
    for pair in different:
        lines += [f"  docs/{pair.english}: {difference}" for difference in pair.differences]
    stray = orphans(docs)
    lines.append(f"English pages without a French page: {len(stray)}")
    lines += [f"  docs/{path}" for path in stray]
    lines.append(f"Pairs checked: {len(all_pairs)}")
    clean = not stray and all(p.status == "ok" and not p.differences for p in all_pairs)
    return "\n".join(lines), clean


def stamp(docs: Path, english_relative: str) -> bool:
    """Write (or refresh) translated_from in an English page. True if changed."""
    english = docs / english_relative
    french = docs / (english_relative[: -len(".en.md")] + ".md")
    text = english.read_text(encoding="utf-8")
    value = fingerprint(french.read_text(encoding="utf-8"))
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
    english.write_text(f"---\n{new_raw}---\n{body}", encoding="utf-8")
    return True
