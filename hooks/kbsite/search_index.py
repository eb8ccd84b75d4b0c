"""One search index per language.

Material's search plugin, fed by static-i18n, writes a single
``search/search_index.json`` holding every language. Readers of one language
then get results in the other and download both. We split it: each language
gets ``<prefix>search/search_index.json`` with its own pages only, locations
relative to its own root, and its own lunr language (stemmer).
"""

from __future__ import annotations

import json
from pathlib import Path

from .languages import Language, language_of_url

INDEX = Path("search") / "search_index.json"


def split_search_index(site_dir: Path, languages: list[Language]) -> dict[str, int]:
    """Rewrite the combined index as one index per language; return doc counts."""
    combined = json.loads((site_dir / INDEX).read_text(encoding="utf-8"))
    per_language: dict[str, list[dict]] = {l.code: [] for l in languages}
    for doc in combined["docs"]:
        language = language_of_url(doc["location"], languages)
        per_language[language.code].append({**doc, "location": doc["location"][len(language.prefix):]})
    counts = {}
    for language in languages:
        config = {**combined["config"], "lang": [language.code]}
        target = site_dir / language.prefix / INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"config": config, "docs": per_language[language.code]}, ensure_ascii=False, separators=(",", ":"))
        target.write_text(payload, encoding="utf-8")
        counts[language.code] = len(per_language[language.code])
    return counts
