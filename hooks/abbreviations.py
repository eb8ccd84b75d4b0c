"""Abbreviations: a hover/tap definition wherever an abbreviation appears.

Events:
- ``on_config``: points pymdownx.snippets at ``includes/`` (absolute, so a
  build from any directory finds it; files inside it only, never a URL) and
  reads every language's abbreviation file; a missing file, a malformed
  line, a definition that is not plain text or a duplicate fails the build
  with ``includes/abbreviations.<lang>.md:<line>``.
- ``on_page_markdown``: appends the file of the page's own language (an
  English page gets English definitions, a French page shown in the English
  build as a fallback keeps French ones) and fills the glossary page.

The parsing and the glossary live in kbsite.abbreviations.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from kbsite import abbreviations, build_state, snippets
from kbsite.languages import split_suffix

log = get_plugin_logger("abbreviations")
INCLUDES = Path(__file__).resolve().parent.parent / "includes"
SNIPPETS = "pymdownx.snippets"
_definitions: dict[str, list[abbreviations.Abbreviation]] = {}


def includes_dir(config) -> Path:
    """includes/ beside mkdocs.yml (a test's or a fork's), else the repository's."""
    local = Path(config.config_file_path).parent / "includes"
    return local if local.is_dir() or local.is_symlink() else INCLUDES


def on_config(config, **kwargs):
    if SNIPPETS not in config.markdown_extensions:
        raise PluginError(f"mkdocs.yml: markdown_extensions must include {SNIPPETS}, which adds the abbreviation files "
                          "of includes/ to every page (hooks/abbreviations.py)")
    codes = [language.code for language in build_state.languages(config)]
    includes = includes_dir(config)
    if includes.is_symlink():
        raise PluginError(f"{includes.name}/ is a symbolic link: snippets must come from the repository itself")
    definitions, problems = abbreviations.load(includes, codes)
    for problem in problems:
        log.error(problem)
    if problems:
        raise PluginError(f"{len(problems)} problem(s) in the abbreviation files: see the lines above")
    _definitions.clear()
    _definitions.update(definitions)
    options = config.mdx_configs.setdefault(SNIPPETS, {})
    options.update(snippets.options(includes))
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
