"""Navigation order, from a list of docs-relative file and folder names.

MkDocs sorts an automatic navigation alphabetically, which puts "En cas de
surdose" near the bottom. ``extra.kb_nav_order`` in mkdocs.yml names entries
in the order readers need them: top-level ones (``surdose.md``, ``guides``)
and, inside a folder, its pages (``guides/guide-tuo.md``). Entries it does not
name keep their alphabetical place after the named ones of their level.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Callable, Iterable, TypeVar

from .languages import split_suffix

T = TypeVar("T")


def entry_name(src_uri: str, is_page: bool, depth: int, language_codes: Iterable[str]) -> str:
    """A page: its file without the language suffix (``guides/x.en.md`` -> ``guides/x.md``);
    a section at ``depth`` (0 = top level): its folder (``guides``)."""
    if not is_page:
        return "/".join(PurePosixPath(src_uri).parts[: depth + 1])
    return split_suffix(src_uri, language_codes)[0]


def ordered(items: list[T], name_of: Callable[[T], str | None], order: list[str]) -> list[T]:
    """``items`` sorted by their name's position in ``order``; unnamed ones after, stable."""
    rank = {name: position for position, name in enumerate(order)}
    return sorted(items, key=lambda item: rank.get(name_of(item) or "", len(order)))


def unknown_names(names: Iterable[str], order: list[str]) -> list[str]:
    """Names in ``order`` that match no top-level entry (a typo, a renamed folder)."""
    present = set(names)
    return [name for name in order if name not in present]
