"""Every page renders in bounded time, or the build names the page (kbsite.render_guard).

Events:
- ``on_config``: adds the guard to the Markdown extensions: a conversion
  past 5 s, or one that recurses too deep, raises PluginError naming the
  file, instead of a hang or a RecursionError traceback. (The limits that can
  be checked before rendering, with the line, are part of the content checks
  of hooks/content_model.py.)
- ``on_page_markdown``: tells the guard which file is being rendered.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from kbsite.render_guard import GuardExtension

_current = {"file": "a page"}


def on_config(config, **kwargs):
    if not any(isinstance(extension, GuardExtension) for extension in config.markdown_extensions):
        config.markdown_extensions.append(GuardExtension(lambda: _current["file"], PluginError))
    return config


def on_page_markdown(markdown, page, config, **kwargs):
    path = Path(page.file.abs_src_path or page.file.src_uri)
    try:
        _current["file"] = path.relative_to(Path(config.config_file_path).parent).as_posix()
    except ValueError:
        _current["file"] = path.as_posix()
    return markdown
