"""The site's search index, read from the finished site's HTML, in small files.

Material's search downloads a language's whole index before the first result
(about 0.9 KB per page, gzipped), and lunr parses all of it. This index is cut
so that a query fetches only what it needs (issue 17):

- ``<language root>search/kb/manifest.json``: the index's version (a hash of
  its files), the list of shards, a few KB;
- ``<version>/s/<key>.json``: the words whose stem or one of whose spellings
  starts with ``key`` (two letters, or three or four where two would make a
  big file), each with its spellings as written and its postings (page,
  section, weight);
- ``<version>/p/<n>.json``: page ``n``'s address, title, and each section's
  anchor, heading and first words, for the result list.

A version's files never change, so a reader whose tab outlived a new
deployment never mixes two indexes: the old version's files are gone, and
the worker reads the new manifest.

The worker (overrides/assets/javascripts/workers/kb-search.js) matches a query
word against the spellings of the shard its first letters name: the same word,
a word it begins (as you type), a stem it begins ("overdosing" finds
"overdose"), or one edit away on words of five letters or more (a typo, a
missing or doubled letter, two letters swapped). Accents and case are folded on
both sides. Words are grouped by their Snowball stem (French or English).

Builder-agnostic: it reads the HTML files a build wrote (the page's
``<html lang>``, its ``<article class="md-content__inner">``, headings with
ids) and skips what no reader should find: ``noindex`` pages (404, offline,
redirects), embed variants, the other languages' folders.

Abbreviations: an ``<abbr title>`` adds its expansion's words to its section,
and a section that spells an expansion out gets its abbreviation, so TAO and
"traitement par agonistes opioïdes" find each other.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import snowballstemmer
from selectolax.lexbor import LexborHTMLParser

from . import material

log = logging.getLogger("mkdocs.plugins.search_index")

INDEX_DIR = PurePosixPath("search") / "kb"
MANIFEST = "manifest.json"
SKIPPED_DIRS = ("embed", "assets", "search")
SHARD_LIMIT = 16_000  # characters of JSON: a shard over this is split by one more letter
MAX_KEY = 4  # the longest shard key (workers/kb-search.js reads the keys from the manifest)
EXCERPT = 220  # characters of a section shown under its heading
MAX_SPELLINGS = 8
MAX_FILE = 5_000_000  # an HTML file larger than this is not a page a reader searches
STEMMERS = {"fr": "french", "en": "english"}
REMOVED = ("script, style, template, [hidden], .headerlink, .kb-embed-control, .kb-page-meta, "
           "textarea, input, label, form, button, nav")
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
WORD = re.compile(r"[^\W_]+")
FOLDED = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})

STOP_WORDS = {
    "fr": set("""au aux avec ce ces dans de des du elle elles en et eux il ils je la le les leur leurs lui ma
        mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi
        ton tu un une vos votre vous est sont ete etre ont cette cet dont cela ceci ici sans sous entre comme
        plus tres aussi donc car si tout tous toute toutes""".split()),
    "en": set("""a an and are as at be by for from has have had in is it its of on or that the this to was were
        will with not but can which who you your we our they their them than then there these those also into
        about if so do does did been being he she his her him""".split()),
}


def fold(text: str) -> str:
    """Lower case, without accents: "Méthadone" -> "methadone"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(FOLDED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(FOLDED)


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, accents kept and composed
    (l'injection -> l, injection; "me\u0301thadone" -> "méthadone")."""
    return WORD.findall(unicodedata.normalize("NFC", text).lower())


@dataclass
class Section:
    anchor: str  # "" for the top of the page
    heading: str
    body: list[str] = field(default_factory=list)  # text pieces
    expansions: list[str] = field(default_factory=list)  # titles of its <abbr>
    heading_expansions: list[str] = field(default_factory=list)  # titles of its heading's <abbr>

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.body).split())


@dataclass
class Page:
    url: str  # relative to the language root: "guides/x/"
    title: str
    sections: list[Section]
    abbreviations: dict[str, str]  # "TAO" -> "traitement par agonistes opioïdes"
    language: str | None = None  # <html lang>'s primary subtag: "fr"


def read_page(html: str, url: str) -> Page | None:
    """The page's title and sections, or None when it is not a page to find."""
    tree = LexborHTMLParser(html)
    robots = tree.css_first('meta[name="robots"]')
    if robots is not None and "noindex" in (robots.attributes.get("content") or "").lower():
        return None
    article = tree.css_first(material.ARTICLE)
    if article is None:
        return None
    for node in article.css(REMOVED):
        node.decompose()
    abbreviations = {}
    for abbr in article.css("abbr[title]"):
        name, expansion = abbr.text().strip(), (abbr.attributes.get("title") or "").strip()
        if name and expansion:
            abbreviations.setdefault(name, expansion)
    sections = [Section("", "")]
    for child in article.iter():
        if child.tag in HEADINGS:
            heading = " ".join(child.text(separator=" ").split())
            anchor = child.attributes.get("id") or ""
            titles = [a.attributes.get("title") or "" for a in child.css("abbr[title]")]
            if child.tag == "h1" and not sections[0].heading:
                sections[0].heading = heading
                sections[0].heading_expansions = titles
                continue
            if anchor:
                sections.append(Section(anchor, heading, heading_expansions=titles))
                continue
        sections[-1].body.append(child.text(separator=" "))
        sections[-1].expansions += [a.attributes.get("title") or "" for a in child.css("abbr[title]")]
    title = sections[0].heading
    if not title:
        node = tree.css_first("title")
        title = node.text().split(" - ")[0].strip() if node is not None else url
        sections[0].heading = title
    root = tree.css_first("html")
    lang = (root.attributes.get("lang") or "") if root is not None else ""
    return Page(url, title, [s for s in sections if s.heading or s.text], abbreviations,
                lang.split("-")[0].lower() or None)


class Stems:
    """Words to stems, one Snowball stemmer per language, cached."""

    def __init__(self, language: str):
        self.stemmer = snowballstemmer.stemmer(STEMMERS.get(language, "english"))
        self.stop = STOP_WORDS.get(language, STOP_WORDS["en"])
        self.cache: dict[str, str | None] = {}

    def __call__(self, word: str) -> str | None:
        """The folded stem of a lower-case word, or None for a stop word."""
        if word in self.cache:
            return self.cache[word]
        folded = fold(word)
        if len(folded) < 2 or folded in self.stop:
            stem = None
        else:
            stem = fold(self.stemmer.stemWord(word))
            if len(stem) < 2:
                stem = folded
        self.cache[word] = stem
        return stem


def _weight(tf: int, in_title: int, in_heading: int) -> int:
    """A posting's weight: 1 to 4 points for the mentions in the text (1, 2-3,
    4-7, 8 or more), much more in a heading and most in the page title, the
    more so the shorter it is."""
    weight = min(tf, 1) + min(3, tf.bit_length() - 1) if tf else 0
    if in_title:
        weight += max(20, min(60, round(60 / in_title)))
    if in_heading:
        weight += max(4, min(16, round(16 / in_heading)))
    return weight


def index_language(pages: list[Page], language: str) -> dict[str, str]:
    """Every file of one language's index: relative path -> JSON text."""
    stems = Stems(language)
    postings: dict[str, dict[tuple[int, int], list[int]]] = defaultdict(dict)
    spellings: dict[str, Counter] = defaultdict(Counter)
    abbreviations: dict[str, str] = {}
    for page in pages:
        for name, expansion in page.abbreviations.items():
            abbreviations.setdefault(name, expansion)
    expansions = [(name, [s for s in map(stems, words(expansion)) if s]) for name, expansion in abbreviations.items()]

    def add(text: str, key: tuple[int, int], slot: int, count_of: int = 0) -> list[str]:
        """Index the words of ``text`` in ``slot`` of ``key``'s postings;
        return their stems in order (stop words left out)."""
        found = words(text)
        known = stems.cache
        sequence = [known[word] if word in known else stems(word) for word in found]
        counts: dict[tuple[str, str], int] = {}
        for pair in zip(found, sequence):
            if pair[1] is not None:
                counts[pair] = counts.get(pair, 0) + 1
        for (spelling, stem), count in counts.items():
            spellings[stem][spelling] += count
            entry = postings[stem].get(key)
            if entry is None:
                entry = postings[stem][key] = [0, 0, 0]
            entry[slot] = count_of or entry[slot] + count
        return [stem for stem in sequence if stem]

    total_sections = 0
    for page_number, page in enumerate(pages):
        for section_number, section in enumerate(page.sections):
            key = (page_number, section_number)
            total_sections += 1
            heading_stems = [s for s in map(stems, words(section.heading)) if s]
            slot, size = (1 if section_number == 0 else 2), max(1, len(heading_stems))
            add(section.heading, key, slot, count_of=size)
            add(" ".join(section.heading_expansions), key, slot, count_of=size)
            body = add(section.text, key, 0)
            add(" ".join(section.expansions), key, 0)
            for stems_seen, where, count in ((heading_stems, slot, size), (body, 0, 0)):
                sequence = " " + " ".join(stems_seen) + " "
                for name, expansion in expansions:
                    if expansion and " " + " ".join(expansion) + " " in sequence:
                        add(name, key, where, count_of=count)

    entries = {}
    for stem, found in postings.items():
        flat = []
        previous = 0
        for (page_number, section_number), (tf, in_title, in_heading) in sorted(found.items()):
            flat += [page_number - previous, section_number, _weight(tf, in_title, in_heading)]
            previous = page_number
        forms = [word for word, _ in spellings[stem].most_common(MAX_SPELLINGS)]
        entries[stem] = [forms, flat]

    names = sorted({(name, stem) for stem in entries for name in _names(stem, spellings[stem]) if len(name) >= 2})
    files = {f"s/{key}.json": text for key, text in _shards(names, entries).items()}
    for number, page in enumerate(pages):
        sections = [[s.anchor, s.heading, _excerpt(s.text)] for s in page.sections]
        files[f"p/{number}.json"] = _json({"u": page.url, "t": page.title, "s": sections})
    version = hashlib.sha256("".join(files[name] for name in sorted(files)).encode()).hexdigest()[:12]
    shards = sorted(name[2:-5] for name in files if name.startswith("s/"))
    files = {f"{version}/{name}": text for name, text in files.items()}
    files[MANIFEST] = _json({"version": version, "language": language, "pages": len(pages),
                             "sections": total_sections, "stop": sorted(stems.stop), "shards": shards})
    return files


def _names(stem: str, spellings) -> list[str]:
    """What a stem is filed under: itself, each spelling folded, and each
    spelling of five letters or more without its first or its second letter,
    so that a typo there is still in a shard the worker reads: "entinelle"
    and "sntinelle" in their own shards, "aentinelle" and "sqntinelle" in the
    shards of their own first or second letter dropped (workers/kb-search.js)."""
    found = [stem]
    for spelling in spellings:
        word = fold(spelling)
        found.append(word)
        if len(word) >= 5:
            found += [word[1:], word[0] + word[2:]]
    return found


def _shards(names: list[tuple[str, str]], entries: dict[str, list], depth: int = 2) -> dict[str, str]:
    """Stems filed under the first ``depth`` letters of each of their names
    (the stem and every spelling, folded: "dying" files the stem "die" under
    "dy" too), so that the worker finds a word in the shard of the longest
    key the word begins with. A shard bigger than SHARD_LIMIT is cut again by
    one more letter; the names no longer than ``depth`` stay in it.
    Returns each shard's JSON text (measured once, written as measured)."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, stem in names:
        groups[name[:depth]].append((name, stem))
    shards = {}
    for prefix, members in groups.items():
        text = _json({stem: entries[stem] for _, stem in members})
        if depth < MAX_KEY and len(text) > SHARD_LIMIT:
            short = {stem: entries[stem] for name, stem in members if len(name) <= depth}
            if short:
                shards[prefix] = _json(short)
            shards.update(_shards([m for m in members if len(m[0]) > depth], entries, depth + 1))
        else:
            shards[prefix] = text
    return shards


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT:
        return text
    cut = text[:EXCERPT].rsplit(" ", 1)[0]
    return cut + " …"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def page_files(site_dir: Path, prefix: str, other_prefixes: list[str]) -> list[tuple[str, Path]]:
    """(url, file) of every HTML file of one language's folder, in order."""
    root = site_dir / prefix
    skipped = {p.rstrip("/") for p in other_prefixes if p} | set(SKIPPED_DIRS)
    found = []
    for path in sorted(root.rglob("*.html")):
        relative = path.relative_to(root)
        if relative.parts[0] in skipped:
            continue
        if path.name == "index.html":
            url = "" if len(relative.parts) == 1 else relative.parent.as_posix() + "/"
        else:
            url = relative.as_posix()
        found.append((url, path))
    return found


def write_site(site_dir: Path, languages: list[tuple[str, str]]) -> dict[str, int]:
    """Write each language's index under its root; return its page counts."""
    prefixes = [prefix for _, prefix in languages]
    counts = {}
    for code, prefix in languages:
        pages = []
        for url, path in page_files(site_dir, prefix, [p for p in prefixes if p != prefix]):
            if path.stat().st_size > MAX_FILE:
                log.warning("%s: %d bytes, over %d: left out of the search index",
                            path.relative_to(site_dir).as_posix(), path.stat().st_size, MAX_FILE)
                continue
            page = read_page(path.read_text(encoding="utf-8", errors="replace"), url)
            if page is not None and page.language in (code, None):
                pages.append(page)
        target = site_dir / prefix / INDEX_DIR
        if target.exists():
            shutil.rmtree(target)
        for name, text in index_language(pages, code).items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_text(text, encoding="utf-8")
        counts[code] = len(pages)
    return counts

