"""A page's ``--8<--`` snippets: each must be a file of includes/, found.

pymdownx.snippets itself stops the build on a missing snippet with a
traceback and no file name. Here its own preprocessor (the same parsing,
the same path rules: inside ``base_path``, no URL) runs on each page that
has a snippet, before the build; a missing or outside file becomes
``docs/<file>.md:<line>: snippet: …``. Symbolic links are refused in
includes/ (kbsite.docs_files), so the plugin's ``abspath`` check holds for
the real path too.
"""

from __future__ import annotations

import re
from pathlib import Path

MARKER = "8<"
_MISSING = re.compile(r"Snippet at path '(.*)' could not be found")
_SECTION = re.compile(r"Snippet section '(.*)' could not be located")
MAX_REPORTS = 20


def options(includes: Path) -> dict:
    """pymdownx.snippets' options, the one place they are written: files of
    ``includes`` only (absolute, so a build from another folder finds them),
    never above it, never a URL, and a missing file is an error. The build
    gets them from hooks/abbreviations.py (with the page language's
    abbreviation file appended), the check before the build here."""
    return {"base_path": [str(includes.resolve())], "check_paths": True, "restrict_base_path": True,
            "url_download": False}


def _preprocessor(includes: Path):
    import markdown

    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options(includes)})
    return md.preprocessors["snippet"]


def problems(body: str, first_line: int, includes: Path) -> list[tuple[int, str]]:
    """(line, message) for every snippet of the page that is not a file of includes/."""
    if MARKER not in body:
        return []
    from pymdownx.snippets import SnippetMissingError

    lines = body.split("\n")
    found: list[tuple[int, str]] = []
    while len(found) < MAX_REPORTS:
        try:
            _preprocessor(includes).run(list(lines))
            return found
        except SnippetMissingError as error:
            missing, section = _MISSING.search(str(error)), _SECTION.search(str(error))
            needle = missing.group(1) if missing else (f":{section.group(1)}" if section else "")
            index = next((i for i, line in enumerate(lines) if needle and needle in line), None)
            if index is None:
                index = next((i for i, line in enumerate(lines) if MARKER in line), 0)
            if section:
                message = (f"no section {section.group(1)!r} in that file of includes/ (mark one with "
                           f"--8<-- [start:{section.group(1)}] and [end:{section.group(1)}])")
            else:
                message = (f"{needle!r} is not a file of includes/ (snippets come from includes/ only, by a "
                           "relative name such as \"abbreviations.fr.md\")")
            found.append((index + first_line, message))
            lines[index] = ""  # look for the next one
    return found
