"""Material's search settings, one file per language.

Material's search plugin, fed by static-i18n, writes a single
``search/search_index.json`` holding every language's entries. Material's
dialog still fetches that file for its settings (``config``) when the reader
opens search, then hands it to the search worker; our worker
(workers/kb-search.js) reads its own index instead
(kbsite/search_shards.py). So each language gets
``<prefix>search/search_index.json`` with its settings and no entries: the
reader never downloads the entries, and the file does not grow with the site.
"""

from __future__ import annotations

import json
from pathlib import Path

from .languages import Language

INDEX = Path("search") / "search_index.json"


def read_combined(site_dir: Path) -> dict:
    """The combined index static-i18n wrote: its ``config`` and its ``docs``."""
    return json.loads((site_dir / INDEX).read_text(encoding="utf-8"))


def write_search_settings(site_dir: Path, languages: list[Language], combined: dict) -> list[str]:
    """Write each language's settings file; return the language codes written."""
    for language in languages:
        config = {**combined["config"], "lang": [language.code]}
        target = site_dir / language.prefix / INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"config": config, "docs": []}, ensure_ascii=False, separators=(",", ":"))
        target.write_text(payload, encoding="utf-8")
    return [language.code for language in languages]
