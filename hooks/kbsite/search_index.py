"""Material's search settings, one file per language.

Material's search plugin, fed by static-i18n, writes a single
``search/search_index.json`` holding every language's entries. Our worker
(workers/kb-search.js) reads its own index (kbsite/search_shards.py), and
Material's dialog gets its settings (``config``) from its bundle
(kbsite/material.py): no page fetches this file. Each language still
gets ``<prefix>search/search_index.json``, with its settings and no entries,
so that the entries are published nowhere and the file says what the bundle
holds (its ``config`` is read from here at build time).
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
