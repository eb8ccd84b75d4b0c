"""Topic and type index pages, generated from the front matter of every page.

An index page is an ordinary Markdown page holding a marker line:

    <!-- kb:index topics -->      (or: <!-- kb:index types -->)

which is replaced, in each language build, by the list of pages per topic or
type, written as Markdown links to the pages' files, so the link checker
checks them like any other link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import frontmatter

MARKER = re.compile(r"^<!--\s*kb:index\s+(topics|types)\s*-->\s*$", re.M)


@dataclass
class Entry:
    path: str  # docs-relative path of the French file ("guides/x.md")
    titles: dict[str, str] = field(default_factory=dict)  # language -> title
    translated: dict[str, bool] = field(default_factory=dict)
    type: str | None = None
    topics: list[str] = field(default_factory=list)


def catalogue(docs: Path, languages: list[str]) -> list[Entry]:
    """Every page of the default language, with its title in each language."""
    default, others = languages[0], languages[1:]
    entries = []
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        if any(relative.endswith(f".{code}.md") for code in others):
            continue
        try:
            data = frontmatter.read(path.read_text(encoding="utf-8"))
        except Exception:
            continue
        entry = Entry(relative, {default: str(data.get("title") or relative)}, {default: True},
                      data.get("type"), list(data.get("topics") or []))
        for code in others:
            translation = path.with_name(path.name[:-3] + f".{code}.md")
            title = entry.titles[default]
            if translation.is_file():
                try:
                    title = str(frontmatter.read(translation.read_text(encoding="utf-8")).get("title") or title)
                except Exception:
                    pass
            entry.titles[code] = title
            entry.translated[code] = translation.is_file()
        entries.append(entry)
    return entries


def _relative(from_file: str, to_file: str) -> str:
    start = PurePosixPath(from_file).parent
    target = PurePosixPath(to_file)
    up = len(start.parts)
    common = 0
    while common < min(up, len(target.parts) - 1) and start.parts[common] == target.parts[common]:
        common += 1
    return "/".join([".."] * (up - common) + list(target.parts[common:]))


UNTRANSLATED = {"en": " (in French)", "fr": " (en anglais)"}


def listing(kind: str, index_file: str, language: str, entries: list[Entry], vocabulary: dict) -> str:
    """The Markdown list of pages per topic (or type), in vocabulary order."""
    index_french = re.sub(rf"\.{language}\.md$", ".md", index_file)
    groups = vocabulary.get("topics" if kind == "topics" else "types") or {}
    lines = []
    for key, labels in groups.items():
        members = [e for e in entries if (key in e.topics if kind == "topics" else e.type == key)]
        members = [e for e in members if e.path != index_french]
        if not members:
            continue
        lines += [f"## {labels.get(language, key)}", ""]
        for entry in sorted(members, key=lambda e: e.titles[language].casefold()):
            note = "" if entry.translated.get(language, True) else UNTRANSLATED.get(language, "")
            lines.append(f"- [{entry.titles[language]}]({_relative(index_french, entry.path)}){note}")
        lines.append("")
    return "\n".join(lines)


def fill(markdown: str, src_uri: str, language: str, entries: list[Entry], vocabulary: dict) -> str:
    if "kb:index" not in markdown:
        return markdown
    return MARKER.sub(lambda m: listing(m.group(1), src_uri, language, entries, vocabulary), markdown)
