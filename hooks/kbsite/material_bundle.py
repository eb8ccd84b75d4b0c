"""Turn off Material 9.8's alternate-link click interception in the built bundle.

Material's ``setupAlternate`` fetches ``sitemap.xml`` next to every URL found in
a ``<link rel="alternate">`` and, on any click whose target starts with one of
those URLs, rewrites the target as if each alternate were a sibling site
(``/en/``, ``/de/``). With per-page hreflang links at directory URLs this
hijacks ordinary links (``/guides/`` is a prefix of ``/guides/x/``) and costs
two 404 requests per page. We narrow its selector so it matches nothing;
our own ``kb-languages.js`` does the language switching.
"""

from __future__ import annotations

from pathlib import Path

ORIGINAL = '"link[rel=alternate]"'
NARROWED = '"link[rel=alternate][data-md-alternate-site]"'


class BundleChanged(Exception):
    """Material's bundle no longer has the code this patch expects."""


def disable_alternate_interception(site_dir: Path) -> Path:
    bundles = sorted((site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    if len(bundles) != 1:
        raise BundleChanged(f"expected one Material bundle in {site_dir}/assets/javascripts, found {len(bundles)}")
    bundle = bundles[0]
    text = bundle.read_text(encoding="utf-8")
    if NARROWED in text and ORIGINAL not in text:
        return bundle  # already patched (dirty rebuild)
    count = text.count(ORIGINAL)
    if count != 1:
        raise BundleChanged(
            f"{bundle.name}: expected {ORIGINAL} once, found it {count} times; "
            "Material changed its language selector code: re-check hooks/language_switcher.py"
        )
    bundle.write_text(text.replace(ORIGINAL, NARROWED), encoding="utf-8")
    return bundle
