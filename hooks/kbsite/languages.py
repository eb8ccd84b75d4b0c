"""Where each language lives: its source files (the ``.en.md`` suffix), its
place in the built site, and a page's counterparts."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # "fr"
    name: str  # "Français"
    prefix: str  # "" for the default language, "en/" for the others


@dataclass(frozen=True)
class Counterpart:
    language: Language
    url: str  # site-relative URL of the page shown in that language ("en/guides/x/")
    translated: bool  # False when that language has no translation of the page


# static-i18n's suffix: "x.en.md", "x.pt_BR.md" (a code is a language, optionally a region)
SUFFIX = re.compile(r"\.([a-z]{2,3}(?:_[A-Za-z]{2,4})?)\.md$")


def split_suffix(path: str, codes=None) -> tuple[str, str | None]:
    """A source file's default-language name and its language suffix:
    ``guides/x.en.md`` -> (``guides/x.md``, ``en``); ``guides/x.md`` -> (``guides/x.md``, None).
    ``codes``: the suffixes to recognise (the non-default languages); None:
    any suffix shaped like a language code (a docs tree read without the
    site's configuration)."""
    if codes is None:
        match = SUFFIX.search(path)
        return (path[: match.start()] + ".md", match.group(1)) if match else (path, None)
    for code in codes:
        if path.endswith(f".{code}.md"):
            return path[: -len(f".{code}.md")] + ".md", code
    return path, None


def suffixed(path: str, code: str | None) -> str:
    """The other way: ``guides/x.md`` in ``en`` -> ``guides/x.en.md``; no code
    (the default language) -> the path as it is."""
    return f"{path[:-3]}.{code}.md" if code else path


def site_relative(url: str) -> str:
    """A page URL as mkdocs gives it ("./", "en/x/") made site-relative ("", "en/x/")."""
    return "" if url in (".", "./") else url


def language_of_url(url: str, languages: list[Language]) -> Language:
    """The language a site-relative URL belongs to (longest matching prefix)."""
    best = None
    for language in languages:
        if url.startswith(language.prefix) and (best is None or len(language.prefix) > len(best.prefix)):
            best = language
    if best is None:
        raise ValueError(f"no language owns {url!r}")
    return best


def switch_targets(counterparts: list[Counterpart]) -> dict[str, str]:
    """Where the language switcher goes: the counterpart page when it is a
    real translation, otherwise that language's home page."""
    return {
        c.language.code: (c.url if c.translated else c.language.prefix)
        for c in counterparts
    }


def site_base(site_url: str) -> str:
    """``site_url`` ending with one slash: the base absolute page URLs are joined to."""
    return site_url if site_url.endswith("/") else site_url + "/"


def hreflang_links(counterparts: list[Counterpart], site_url: str, default: str) -> list[tuple[str, str]]:
    """``(hreflang, absolute URL)`` pairs for ``<link rel="alternate">``.

    Only real translations are announced; ``x-default`` points to the default
    language's version, or is left out when the page has none.
    """
    base = site_base(site_url)
    links = [(c.language.code, base + c.url) for c in counterparts if c.translated]
    default_url = dict(links).get(default)
    if default_url is not None:
        links.append(("x-default", default_url))
    return links
