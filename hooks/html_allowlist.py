"""Every page's rendered content against the HTML allow-list (kbsite.allowlist).

Events:
- ``on_pre_build`` (outer build): forgets the problems of a previous build.
- ``on_page_content`` (last, after every extension and plugin): checks the
  HTML the page's Markdown became, includes and snippets in. Each problem is
  logged once as ``docs/<file>.md:<line>: html: <what, what is allowed>``
  (the line where it is written, in the page or in ``includes/``), and the
  page keeps only what the sanitizer allows, so no written file holds it.
- ``on_post_build`` (outer build, after every language): fails the build
  when a page had a problem (``mkdocs serve`` too, as for front matter: the
  editor sees the list, and the pages shown hold only what is allowed).

The checks live in kbsite.content_html, the line search in kbsite.source_lines.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state, content_html, frontmatter, lifecycle, source_lines

log = get_plugin_logger("html_allowlist")
SNIPPETS = "pymdownx.snippets"
_problems: list[str] = []


def on_pre_build(config, **kwargs):
    if not build_state.phase(config).nested:
        _problems.clear()


def _shown(path: Path, config) -> str:
    try:
        return path.resolve().relative_to(Path(config.config_file_path).resolve().parent).as_posix()
    except ValueError:
        return path.as_posix()


def _sources(page, config) -> list[source_lines.Source]:
    """The page's file, then every file pymdownx.snippets adds to it."""
    path = Path(page.file.abs_src_path) if page.file.abs_src_path else None
    text = path.read_text(encoding="utf-8-sig") if path and path.is_file() else (page.markdown or "")
    _, _, body_line = frontmatter.split(text)
    sources = [source_lines.Source(_shown(path, config) if path else page.file.src_uri, text, body_line)]
    options = config.mdx_configs.get(SNIPPETS, {})
    bases = [Path(base) for base in options.get("base_path", [])]
    for name in list(options.get("auto_append", [])) + source_lines.snippet_paths(text):
        for base in bases:
            candidate = base / name
            if candidate.is_file():
                sources.append(source_lines.Source(_shown(candidate, config),
                                                   candidate.read_text(encoding="utf-8", errors="replace")))
                break
    return sources


@event_priority(lifecycle.ALLOWLIST)
def on_page_content(html, page, config, files, **kwargs):
    findings = content_html.check(html)
    if not findings:
        return html
    locator = source_lines.Locator(_sources(page, config))
    for finding in findings:
        file, line = locator.locate(finding.needles)
        problem = f"{file}:{line}: html: {finding}" if line else f"{file}: html: {finding}"
        if problem not in _problems:
            _problems.append(problem)
            log.error(problem)
    return content_html.refused_content(html, findings)


@event_priority(lifecycle.AFTER_STATIC_I18N)
def on_post_build(config, **kwargs):
    if build_state.phase(config).nested or not _problems:
        return
    raise PluginError(f"{len(_problems)} HTML problem(s) in the pages: see the lines above "
                      "(CONTRIBUTING.md, \"HTML\")")
