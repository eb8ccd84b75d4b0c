"""Topic and type index pages, generated from the front matter of every page.

An index page is an ordinary Markdown page holding a marker line:

    <!-- kb:index topics -->   (or types, or sources)

which is replaced, in each language build, by the list of pages per topic or
type (or every source with the pages that cite it), written as Markdown links
to the pages' files, so the link checker checks them like any other link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import content, frontmatter, ui_text
from .languages import split_suffix, suffixed

MARKER = re.compile(r"^<!--\s*kb:index\s+(topics|types|sources)\s*-->\s*$", re.M)


@dataclass
class Entry:
    path: str  # docs-relative path of the default language's file ("guides/x.md")
    titles: dict[str, str] = field(default_factory=dict)  # language -> title
    translated: dict[str, bool] = field(default_factory=dict)
    type: str | None = None
    topics: list[str] = field(default_factory=list)
    sources: dict[str, list[dict]] = field(default_factory=dict)  # language -> front matter sources


def catalogue(docs: Path, languages: list[str]) -> list[Entry]:
    """Every page of the default language, with its title in each language."""
    default, others = languages[0], languages[1:]
    entries = []
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        if split_suffix(relative, others)[1]:
            continue
        try:
            data = frontmatter.read(path.read_text(encoding="utf-8"))
        except Exception:
            continue
        entry = Entry(relative, {default: str(data.get("title") or relative)}, {default: True},
                      data.get("type"), list(data.get("topics") or []))
        entry.sources[default] = _source_list(data)
        for code in others:
            translation = docs / suffixed(relative, code)
            title, sources = entry.titles[default], entry.sources[default]
            if translation.is_file():
                try:
                    translated = frontmatter.read(translation.read_text(encoding="utf-8"))
                    title = str(translated.get("title") or title)
                    sources = _source_list(translated)
                except Exception:
                    pass
            entry.titles[code] = title
            entry.sources[code] = sources
            entry.translated[code] = translation.is_file()
        entries.append(entry)
    return entries


def _source_list(data: dict) -> list[dict]:
    return [item for item in (data.get("sources") or []) if isinstance(item, dict) and item.get("title")]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!|])")


def text(value) -> str:
    """A front matter value as Markdown text: every character Markdown (and its
    tables) could read as syntax is backslash-escaped, so a title such as
    ``x](javascript:…) [y`` stays text, on the index pages as on its own page."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


def _relative(from_file: str, to_file: str) -> str:
    start = PurePosixPath(from_file).parent
    target = PurePosixPath(to_file)
    up = len(start.parts)
    common = 0
    while common < min(up, len(target.parts) - 1) and start.parts[common] == target.parts[common]:
        common += 1
    return "/".join([".."] * (up - common) + list(target.parts[common:]))


def source_listing(index_file: str, language: str, entries: list[Entry]) -> str:
    """Every distinct source (same title and date) with the pages that cite it."""
    index_original = split_suffix(index_file, [language])[0]
    words = ui_text.strings(language)
    cited: dict[tuple[str, str], tuple[dict, list[Entry]]] = {}
    for entry in entries:
        for item in entry.sources.get(language, []):
            key = (str(item["title"]).strip(), str(item.get("date", "n.d.")))
            cited.setdefault(key, (item, []))[1].append(entry)
    lines = []
    for (title, _), (item, pages) in sorted(cited.items(), key=lambda kv: (kv[0][0].casefold(), kv[0][1])):
        by = item.get("authors") or item.get("publisher") or ""
        publisher = item.get("publisher") if item.get("authors") else ""
        marked = f"*{text(title)}*" + (f"{{ lang={item['language']} }}" if item.get("language") not in (None, language)
                                      else "")
        credit = ", ".join([text(str(part).rstrip(".")) for part in (by, publisher) if part]
                           + [content.format_date(item.get("date", "n.d."), language)])
        line = f"{marked}. {credit}" + ("" if credit.endswith(".") else ".")
        if item.get("doi"):
            line += f" <https://doi.org/{item['doi']}>"
        elif item.get("url"):
            line += f" <{item['url']}>"
        if item.get("summarised") is False:
            line += f" *{words['index_named_only']}*"
        used = ", ".join(f"[{text(page.titles[language])}]({_relative(index_original, page.path)})"
                         for page in sorted(pages, key=lambda p: p.titles[language].casefold()))
        lines += [f"- {line}", "", f"    {words['index_used_in']} {used}", ""]
    return "\n".join(lines)


def listing(kind: str, index_file: str, language: str, entries: list[Entry], vocabulary: dict) -> str:
    """The Markdown list of pages per topic (or type), in vocabulary order."""
    index_original = split_suffix(index_file, [language])[0]
    untranslated = " " + ui_text.text(language, "index_untranslated")
    groups = vocabulary.get("topics" if kind == "topics" else "types") or {}
    lines = []
    for key, labels in groups.items():
        members = [e for e in entries if (key in e.topics if kind == "topics" else e.type == key)]
        members = [e for e in members if e.path != index_original]
        if not members:
            continue
        lines += [f"## {labels.get(language, key)}", ""]
        for entry in sorted(members, key=lambda e: e.titles[language].casefold()):
            note = "" if entry.translated.get(language, True) else untranslated
            lines.append(f"- [{text(entry.titles[language])}]({_relative(index_original, entry.path)}){note}")
        lines.append("")
    return "\n".join(lines)


def fill(markdown: str, src_uri: str, language: str, entries: list[Entry], vocabulary: dict) -> str:
    if "kb:index" not in markdown:
        return markdown
    return MARKER.sub(lambda m: source_listing(src_uri, language, entries) if m.group(1) == "sources"
                      else listing(m.group(1), src_uri, language, entries, vocabulary), markdown)
