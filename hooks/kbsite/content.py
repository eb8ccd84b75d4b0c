"""What the templates show about a page: type, review dates, sources, notices.

Plain functions over front matter data and file paths; hooks/content_model.py
passes the result to the templates as ``page.meta.kb``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import docs_files, frontmatter, render_guard, settings, snippets, translations, ui_text
from .languages import split_suffix


def today() -> dt.date:
    """The build's date; KB_TODAY=YYYY-MM-DD pins it (tests, reproducible builds; kbsite.settings)."""
    return settings.today()


def as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def format_date(value, language: str) -> str:
    """"12 avril 2021" / "April 12, 2021"; "2021-03" -> "mars 2021"; "n.d." -> "s. d." / "n.d."
    (the words and their order: schema/ui.yml)."""
    words = ui_text.strings(language)
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()[:10]
    text = str(value)
    if text == "n.d.":
        return words["undated"]
    parts = text.split("-")
    try:
        if len(parts) == 1:
            return parts[0]
        month = words["months"][int(parts[1]) - 1]
        if len(parts) == 2:
            return words["date_month"].format(month=month, year=parts[0])
        day = int(parts[2])
    except (ValueError, IndexError):
        return text
    return words["date_day"].format(day=words["first_of_month"] if day == 1 else day, month=month, year=parts[0])


@dataclass
class Source:
    number: int
    title: str
    by: str  # authors, or the publisher
    publisher: str  # shown after the title when authors are given
    date: str  # formatted
    url: str | None
    link_text: str | None  # "doi:10.1503/…" or the URL
    note: str | None
    language: str | None
    summarised: bool = True  # false: named by our sources, not summarised


@dataclass
class PageInfo:
    language: str  # the language of the build ("en")
    content_language: str  # the language the text is in ("fr" for an untranslated page)
    type: str | None
    type_label: str | None
    audience: list[str] = field(default_factory=list)
    topics: list[tuple[str, str]] = field(default_factory=list)  # (id, label)
    reviewed: str | None = None  # formatted
    reviewed_iso: str | None = None
    next_review: str | None = None  # formatted
    overdue: bool = False
    sources: list[Source] = field(default_factory=list)
    fallback: bool = False  # shown in a language it is not written in
    outdated: bool = False  # translation older than the default language's page
    # The rendered content up to its first top-level <h1>, and the rest: the
    # meta line goes between them (split_at_title).
    content_parts: tuple[str, str] | None = None


def sources(meta: dict, language: str) -> list[Source]:
    result = []
    for number, item in enumerate(meta.get("sources") or [], 1):
        if not isinstance(item, dict):
            continue
        doi, url = item.get("doi"), item.get("url")
        link = f"https://doi.org/{doi}" if doi else url
        result.append(Source(
            number=number,
            title=str(item.get("title", "")),
            by=str(item.get("authors") or item.get("publisher") or ""),
            publisher=str(item.get("publisher") or "") if item.get("authors") else "",
            date=format_date(item.get("date", "n.d."), language),
            url=link,
            link_text=f"doi:{doi}" if doi else url,
            note=item.get("note"),
            language=item.get("language"),
            summarised=item.get("summarised") is not False,
        ))
    return result


def page_info(meta: dict, source_path: str, docs_dir: Path, language: str, default_language: str,
              vocabulary: dict, today: dt.date) -> PageInfo:
    """Everything the templates show about one page in one language build."""
    original, suffix = split_suffix(source_path, [language])
    is_translation = suffix is not None
    fallback = language != default_language and not is_translation
    labels = lambda kind, key: ((vocabulary.get(kind) or {}).get(key) or {}).get(language, key)  # noqa: E731
    page_type = meta.get("type")
    reviewed = as_date(meta.get("last_reviewed"))
    due = frontmatter.next_review({"last_reviewed": reviewed.isoformat() if reviewed else None,
                                   "review_every": meta.get("review_every")})
    info = PageInfo(
        language=language,
        content_language=default_language if fallback else language,
        type=page_type,
        type_label=labels("types", page_type) if page_type else None,
        audience=[labels("audience", a) for a in meta.get("audience") or []],
        topics=[(t, labels("topics", t)) for t in meta.get("topics") or []],
        reviewed=format_date(reviewed, language) if reviewed else None,
        reviewed_iso=reviewed.isoformat() if reviewed else None,
        next_review=format_date(due, language) if due else None,
        overdue=bool(due and due < today),
        sources=sources(meta, language),
        fallback=fallback,
    )
    if is_translation and language != default_language:
        reference = docs_dir / original
        stamp = meta.get("translated_from")
        if reference.is_file() and stamp:
            info.outdated = stamp != translations.fingerprint(reference.read_text(encoding="utf-8"))
    return info


def split_at_title(html: str) -> tuple[str, str] | None:
    """(the content up to and with its first top-level <h1>, the rest), each
    serialised from an HTML5 parse of it, or None when it has no such <h1>.

    The template puts the page's meta line between the two. It used to cut
    the HTML at the first "</h1>" text, which can sit in an attribute value:
    the template's own markup then closed the attribute, and the rest of the
    value became live markup. Cutting between parsed nodes cannot."""
    from selectolax.lexbor import LexborHTMLParser

    if "<h1" not in html:
        return None
    tree = LexborHTMLParser("<!DOCTYPE html><html><head></head><body><div>" + html)
    wrapper = next(tree.body.iter(include_text=False))
    nodes = list(wrapper.iter(include_text=True))
    after = wrapper.next  # anything the parser moved out of the wrapper (a stray </div>) follows it
    while after is not None:
        nodes.append(after)
        after = after.next
    for index, node in enumerate(nodes):
        if node.tag == "h1":
            return "".join(n.html for n in nodes[: index + 1]), "".join(n.html for n in nodes[index + 1:])
    return None


def overdue_pages(docs: Path, today: dt.date) -> list[tuple[str, dt.date]]:
    """(docs/ path, due date) of every page past its review date."""
    found = []
    for path in sorted(docs.rglob("*.md")):
        try:
            data = frontmatter.read(path.read_text(encoding="utf-8"))
        except Exception:
            continue
        due = frontmatter.next_review(data)
        if due and due < today:
            found.append((f"docs/{path.relative_to(docs).as_posix()}", due))
    return found


@dataclass(frozen=True)
class Report:
    """One problem of one file. ``line`` is where it is written, when known;
    ``located``: the build's message shows it (files, HTML, limits), while
    front matter problems name their field instead."""

    file: str
    message: str  # "<field>: <what is wrong>", "html: …", "file: …"
    line: int | None = None
    located: bool = False

    def __str__(self) -> str:
        if self.located and self.line:
            return f"{self.file}:{self.line}: {self.message}"
        return f"{self.file}: {self.message}"


def markdown_files(docs: Path) -> list[Path]:
    """The Markdown pages of docs/ (no symbolic link: they are refused, not read)."""
    found = []
    for directory, folders, names in os.walk(docs, followlinks=False):
        folders.sort()
        found += [Path(directory) / name for name in sorted(names)
                  if name.endswith(".md") and not (Path(directory) / name).is_symlink()]
    return found


def check_docs(docs: Path, shown, vocabulary: dict, today: dt.date, only=None, citations: bool = True,
               includes: Path | None = None, own_assets=frozenset()) -> list[Report]:
    """Every problem of the files of ``docs`` (``shown(path)`` names a file
    for the editor): vocabulary first, then the files themselves (types,
    names, links, encodings, SVG), then each page's front matter, snippets
    and renderer limits, then citations. ``includes``: the snippets folder.

    ``only(path)``: check only the pages it accepts (a parallel build checks
    each language in its own process); ``citations``: also check that a
    source is cited alike on every page (all pages, whatever ``only`` says)."""
    schema = frontmatter.load_schema()
    reports = [Report(p.file, f"{p.field}: {p.message}") for p in frontmatter.vocabulary_problems(schema, vocabulary)]
    roots = [(docs, own_assets, False)] + ([(includes, frozenset(), True)] if includes else [])
    for root, assets, markdown_only in roots:
        reports += [Report(file, f"file: {message}", line, located=True)
                    for file, line, message in docs_files.tree_problems(root, shown, assets, markdown_only)]
    cited: dict[str, tuple[str, dict]] = {}
    for path in markdown_files(docs):
        name = shown(path)
        if path.stat().st_size > docs_files.MAX_TEXT:
            continue  # reported above
        text, unreadable = docs_files.read_text(path, name)
        if unreadable:
            continue  # reported above
        if only is not None and not only(path):
            reports += _citation_problems(name, text, cited) if citations else []
            continue
        for problem in frontmatter.check_page(name, text, schema, today):
            if problem.field == "front matter":
                at = re.search(r"at line (\d+)", problem.message)
                line = int(at.group(1)) if at else 1
            else:
                line = frontmatter.field_line(text, problem.field)
            reports.append(Report(problem.file, f"{problem.field}: {problem.message}", line))
        _, body, first_line = frontmatter.split(text)
        reports += [Report(name, f"markdown: {message}", line, located=True)
                    for line, message in render_guard.limit_problems(body, first_line)]
        reports += [Report(name, f"markdown: {message}", line, located=True)
                    for line, message in render_guard.malformed_links(text)]
        if includes:
            reports += [Report(name, f"snippet: {message}", line, located=True)
                        for line, message in snippets.problems(body, first_line, includes)]
        reports += _citation_problems(name, text, cited) if citations else []
    return reports


CITATION_FIELDS = ("publisher", "authors", "date", "url", "doi", "summarised")


def _citation_problems(name: str, text: str, cited: dict) -> list[Report]:
    """A source cited on several pages must be the same source everywhere: same
    publisher, authors, date, url and doi for the same title (notes may differ,
    e.g. translated). ``cited`` maps a title to its first citation."""
    try:
        data = frontmatter.read(text)
    except Exception:
        return []  # already reported as a front matter problem
    reports = []
    for item in data.get("sources") or []:
        if not isinstance(item, dict) or not item.get("title"):
            continue
        title = " ".join(str(item["title"]).split())
        facts = {field: str(item.get(field) or "") for field in CITATION_FIELDS}
        facts["summarised"] = "False" if item.get("summarised") is False else ""  # absent means read
        first = cited.setdefault(title, (name, facts))
        differing = [field for field in CITATION_FIELDS if first[1][field] != facts[field]]
        if differing:
            field = differing[0]
            reports.append(Report(name, f"sources: {title[:60]!r} has {field} {facts[field] or '(none)'!r} here but "
                                        f"{first[1][field] or '(none)'!r} in {first[0]}; a source must be cited with the "
                                        "same publisher, authors, date, url, doi and summarised on every page",
                                  frontmatter.field_line(text, "sources")))
    return reports
