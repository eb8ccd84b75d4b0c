"""One search index per language.

Material's search plugin, fed by static-i18n, writes a single
``search/search_index.json`` holding every language. Readers of one language
then get results in the other and download both. We split it: each language
gets ``<prefix>search/search_index.json`` with its own pages only, locations
relative to its own root, and its own lunr language (stemmer).

Under ``mkdocs serve --dirty`` only the edited pages are rendered, and
Material's own merge of the previous index does not survive static-i18n's
nested builds (entries are lost or doubled). ``rebuilt_indexes`` then writes
what a full build would: the entries of every page of the previous build,
with the rendered pages' entries replaced by the ones just made.
"""

from __future__ import annotations

import json
from pathlib import Path

from .languages import Language, language_of_url

INDEX = Path("search") / "search_index.json"


def page_of(location: str) -> str:
    """The page an index entry belongs to ("en/x/#id" -> "en/x/")."""
    return location.split("#", 1)[0]


def split_search_index(site_dir: Path, languages: list[Language], combined: dict,
                       entries: list[dict] | None = None) -> dict[str, list[dict]]:
    """Rewrite the combined index (``read_combined``) as one index per
    language (or write ``entries``, every language's, site-relative
    locations, in its place); return each language's entries as written."""
    per_language: dict[str, list[dict]] = {l.code: [] for l in languages}
    for doc in combined["docs"] if entries is None else entries:
        language = language_of_url(doc["location"], languages)
        per_language[language.code].append({**doc, "location": doc["location"][len(language.prefix):]})
    _write(site_dir, languages, combined["config"], per_language)
    return per_language


def read_combined(site_dir: Path) -> dict:
    """The combined index static-i18n wrote: its ``config`` and its ``docs``
    (every language's entries, site-relative)."""
    return json.loads((site_dir / INDEX).read_text(encoding="utf-8"))


def without_duplicates(entries: list[dict], languages: list[Language]) -> list[dict]:
    """static-i18n's ``reconfigure_search_duplicates``: an entry of another
    language that repeats a default-language entry (same title and text, its
    location ending with the other's) is dropped."""
    prefixes = tuple(l.prefix for l in languages[1:] if l.prefix)
    default = [e for e in entries if not e["location"].startswith(prefixes)] if prefixes else entries
    kept = []
    for entry in entries:
        if prefixes and entry["location"].startswith(prefixes) and any(
                d["title"] == entry["title"] and d["text"] == entry["text"] and entry["location"].endswith(d["location"])
                for d in default):
            continue
        kept.append(entry)
    return kept


def rebuilt_indexes(pages: list[str], fresh: dict[str, list[dict]], previous: dict[str, list[dict]],
                    languages: list[Language]) -> list[dict]:
    """Every entry a full build would write, site-relative, in page order:
    ``fresh`` entries for the pages rendered now, ``previous`` for the others."""
    entries = [entry for page in pages for entry in (fresh[page] if page in fresh else previous.get(page, []))]
    return without_duplicates(entries, languages)


def _write(site_dir: Path, languages: list[Language], index_config: dict, per_language: dict[str, list[dict]]) -> None:
    for language in languages:
        config = {**index_config, "lang": [language.code]}
        target = site_dir / language.prefix / INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"config": config, "docs": per_language[language.code]}, ensure_ascii=False, separators=(",", ":"))
        target.write_text(payload, encoding="utf-8")
