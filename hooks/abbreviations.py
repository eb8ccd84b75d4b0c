"""Abbreviations: a hover/tap definition wherever an abbreviation appears.

Events:
- ``on_config``: points pymdownx.snippets at ``includes/`` (absolute, so a
  build from any directory finds it) and reads every language's abbreviation
  file; a missing file, a malformed line or a duplicate fails the build with
  ``includes/abbreviations.<lang>.md:<line>``.
- ``on_page_markdown``: appends the file of the page's own language (an
  English page gets English definitions, a French page shown in the English
  build as a fallback keeps French ones) and fills the glossary page.

The parsing and the glossary live in kbsite.abbreviations.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from kbsite import abbreviations, build_state
from kbsite.languages import split_suffix

log = get_plugin_logger("abbreviations")
INCLUDES = Path(__file__).resolve().parent.parent / "includes"
SNIPPETS = "pymdownx.snippets"
_definitions: dict[str, list[abbreviations.Abbreviation]] = {}


def on_config(config, **kwargs):
    if SNIPPETS not in config.markdown_extensions:
        raise PluginError(f"hooks/abbreviations.py: mkdocs.yml must enable {SNIPPETS} (markdown_extensions)")
    codes = [language.code for language in build_state.languages(config)]
    definitions, problems = abbreviations.load(INCLUDES, codes)
    for problem in problems:
        log.error(problem)
    if problems:
        raise PluginError(f"{len(problems)} problem(s) in the abbreviation files: see the lines above")
    _definitions.clear()
    _definitions.update(definitions)
    options = config.mdx_configs.setdefault(SNIPPETS, {})
    options["base_path"] = [str(INCLUDES)]
    options["check_paths"] = True
    options["auto_append"] = [abbreviations.file_name(codes[0])]
    return config


def on_page_markdown(markdown, page, config, **kwargs):
    codes = [language.code for language in build_state.languages(config)]
    # The language the page is written in, from its file name (x.en.md).
    language = split_suffix(page.file.src_uri, codes[1:])[1] or codes[0]
    # MkDocs builds a new Markdown instance per page from config.mdx_configs,
    # after this event: the file set here is the one appended to this page.
    config.mdx_configs[SNIPPETS]["auto_append"] = [abbreviations.file_name(language)]
    return abbreviations.fill(markdown, _definitions.get(language, []), language)
