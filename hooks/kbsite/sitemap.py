"""A sitemap per non-default language, for Material's instant navigation.

Material decides which links it may load without a full page load from
``sitemap.xml`` under its base URL. English pages use ``/en/`` as their base
(so that they fetch the English search index), so ``/en/sitemap.xml`` must
exist and list the English pages. The root ``sitemap.xml`` (static-i18n's,
every language with its alternates) stays as it is for search engines.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'


def write_sitemap(path: Path, urls: list[str]) -> None:
    body = "".join(f"  <url><loc>{escape(url)}</loc></url>\n" for url in sorted(set(urls)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body + "</urlset>\n", encoding="utf-8")
