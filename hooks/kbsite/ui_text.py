"""The site's interface text, one table per language, read from schema/ui.yml.

``text(language, key)`` is what templates call as ``kb_t(lang, "key")`` (a
Jinja global, hooks/language_switcher.py) and Python code calls directly;
``strings(language)`` is a language's whole table. The file's first language
is the default: a language it has no table for gets the default's text.
The file is read and checked once: every language must have every key, so a
key missing in one language fails the build naming the key, not a page.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

CATALOGUE = Path(__file__).resolve().parents[2] / "schema" / "ui.yml"
SHOWN = "schema/ui.yml"


class TextError(KeyError):
    """A text the catalogue does not have, or a catalogue the site cannot use."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0])


class Table(dict):
    """One language's strings; an unknown key is an error that names it."""

    def __init__(self, language: str, values: dict):
        super().__init__(values)
        self.language = language

    def __missing__(self, key):
        raise TextError(f"{SHOWN}: no text {key!r} (language {self.language!r})")


def _kind(value) -> str | None:
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "a list of texts"
    return None


def load(path: Path = CATALOGUE, shown: str = SHOWN) -> dict[str, Table]:
    """Every language's table, in the file's order (the default first)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data or not all(isinstance(t, dict) for t in data.values()):
        raise TextError(f"{shown}: expected one table of texts per language (fr: {{key: text}}, en: …)")
    default, *_ = data
    for language, table in data.items():
        for lacking, having, keys in ((language, default, data[default].keys() - table.keys()),
                                      (default, language, table.keys() - data[default].keys())):
            if keys:
                raise TextError(f"{shown}: {lacking!r} has no text {', '.join(map(repr, sorted(keys)))} "
                                f"({having!r} has)")
        for key, value in table.items():
            if _kind(value) is None or _kind(value) != _kind(data[default][key]):
                raise TextError(f"{shown}: {language}.{key} must be {_kind(data[default][key]) or 'a text'}, "
                                f"as in {default!r}")
    return {language: Table(language, table) for language, table in data.items()}


@functools.cache
def catalogue() -> dict[str, Table]:
    return load()


def languages() -> list[str]:
    """The catalogue's languages, the default first."""
    return list(catalogue())


def strings(language: str) -> Table:
    """``language``'s table, or the default language's when it has none."""
    tables = catalogue()
    return tables[language] if language in tables else tables[next(iter(tables))]


def text(language: str, key: str) -> str:
    """One text of ``language`` (the templates' ``kb_t``)."""
    value = strings(language)[key]
    if not isinstance(value, str):
        raise TextError(f"{SHOWN}: {key!r} is a list, not a text")
    return value
