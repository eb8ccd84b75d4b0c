"""Content model: validated front matter, safe HTML, review dates, sources, translations.

Events:
- ``on_startup``: remembers ``build`` or ``serve``.
- ``on_config``: no edit link when no repository is configured.
- ``on_pre_build`` (outer build, before any page is read): checks the files
  of docs/ and includes/ (types, names, symbolic links, encodings, SVG), the
  front matter of every page of both languages against
  schema/page.schema.json, each page's snippets and renderer limits, and
  fails with all problems at once (MkDocs would otherwise stop at the first
  bad file or YAML date with a traceback). In a parallel build each process
  checks its own language's pages. (The HTML a page renders to is checked
  by hooks/html_allowlist.py.)
- ``on_page_markdown``: gives the templates ``page.meta.kb`` (type, review
  dates, sources, translation state) in the language being built, and fills
  the topic and type index pages.
- ``on_page_content`` (after the HTML allow-list): the content cut at its
  title, for the meta line the templates put after it.
- ``on_post_build`` (outer build): lists the pages past their review date.

The logic lives in kbsite.frontmatter, kbsite.docs_files, kbsite.content and
kbsite.translations; this module only adapts it to MkDocs.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state, content, frontmatter, indexes, lifecycle
from kbsite.languages import split_suffix

log = get_plugin_logger("content_model")
_state: dict = {"command": "build", "vocabulary": {}, "catalogue": []}


def shown_path(path: Path, config) -> str:
    try:
        return path.relative_to(Path(config.config_file_path).parent).as_posix()
    except ValueError:
        return path.as_posix()


def on_startup(command, **kwargs):
    _state["command"] = command


def on_config(config, **kwargs):
    # Without KB_REPO_URL there is nowhere to edit: MkDocs would still write a
    # relative "edit/main/docs/…" link, broken on every page.
    if not config.repo_url:
        config.edit_uri = ""
    return config


def on_pre_build(config, **kwargs):
    phase = build_state.phase(config)
    if phase.nested:
        return
    _state["vocabulary"] = frontmatter.load_vocabulary()
    docs = Path(config.docs_dir)
    languages = build_state.languages(config)
    codes = [language.code for language in languages[1:]]

    def built_here(path):  # a parallel build: each process checks its own language's pages
        return phase.builds(split_suffix(path.name, codes)[1] or languages[0].code)

    snippets = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path") or []
    problems = [str(r) for r in content.check_docs(docs, lambda path: shown_path(path, config),
                                                  _state["vocabulary"], content.today(),
                                                  only=built_here if phase.only_language else None,
                                                  citations=phase.builds(languages[0].code),
                                                  includes=Path(snippets[0]) if snippets else None,
                                                  own_assets=frozenset(config.extra_css))]
    for problem in problems:
        log.error(problem)
    if problems:
        raise PluginError(f"{len(problems)} content problem(s): see the lines above (schema/page.schema.json, "
                          "CONTRIBUTING.md)")
    _state["catalogue"] = indexes.catalogue(docs, [language.code for language in build_state.languages(config)])


def on_page_markdown(markdown, page, config, files, **kwargs):
    language = build_state.current_language(config)
    default = build_state.languages(config)[0].code
    info = content.page_info(page.meta, page.file.src_uri, Path(config.docs_dir), language, default,
                             _state["vocabulary"], content.today())
    page.meta["kb"] = info
    return indexes.fill(markdown, page.file.src_uri, language, _state["catalogue"], _state["vocabulary"])


@event_priority(lifecycle.AFTER_ALLOWLIST)  # after hooks/html_allowlist.py: the content is the checked one
def on_page_content(html, page, config, files, **kwargs):
    info = page.meta.get("kb") if page.meta else None
    if info is not None:
        info.content_parts = content.split_at_title(html)
    return html


@event_priority(lifecycle.REPORTS)
def on_post_build(config, **kwargs):
    phase = build_state.phase(config)
    if phase.nested or not phase.builds(build_state.languages(config)[0].code):
        return  # a parallel build: listed once, by the default language's process
    overdue = content.overdue_pages(Path(config.docs_dir), content.today())
    if overdue:
        log.info(f"{len(overdue)} page(s) past their review date (python3 dev.py report):")
        for path, due in overdue:
            log.info(f"  {path}: review due {due.isoformat()}")
