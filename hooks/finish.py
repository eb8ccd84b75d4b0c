"""The end of the build: the site's settings checked first, the steps over the finished site last.

Events:
- ``on_startup``: remembers ``build`` or ``serve`` (serve warns where build fails).
- ``on_config``: checks the site's settings (``extra.kb_*`` against
  schema/extra.schema.json, the ``KB_*`` variables; kbsite.settings) and
  fails naming the key or variable.
- ``on_files`` / ``on_post_page`` (big sites): the link check reads each
  page as soon as it is written, in worker processes (kbsite.background).
- ``on_post_build``, once every language is written (after static-i18n's
  nested builds, -100, and localized_404's pages, -110): runs
  kbsite.site_steps over the site, in the order that module lists. A
  defect found by the link check or the output check fails ``mkdocs build``
  and is a warning under ``mkdocs serve``; a step that cannot finish the
  site fails both. Not in a one-language process of the parallel build,
  which runs the same steps over its merged site.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state, lifecycle, settings, site_steps, sitelinks
from kbsite.background import BackgroundCheck, worker_count

_state: dict = {"command": "build", "background": None}


def on_startup(command, **kwargs):
    _state["command"] = command


@event_priority(lifecycle.SETTINGS)  # before any hook reads a setting
def on_config(config, **kwargs):
    problems = settings.extra_problems(config.extra)
    try:
        settings.environment()
    except settings.SettingsError as error:
        problems.append(str(error))
    if problems:
        raise PluginError("mkdocs.yml settings: " + "; ".join(problems))
    return config


def on_pre_build(config, **kwargs):
    if not build_state.phase(config).nested and _state["background"] is not None:
        _state["background"].close()
        _state["background"] = None


def on_files(files, config, **kwargs):
    if not build_state.phase(config).whole_site or _state["background"] is not None:
        return files
    pages = sum(1 for f in files if f.is_documentation_page()) * len(build_state.languages(config))
    asked = settings.environment().linkcheck_workers is not None  # tests force it on small sites
    workers = worker_count()
    if workers > 1 and (asked or pages >= sitelinks.PARALLEL_FROM):
        _state["background"] = BackgroundCheck(Path(config.site_dir), config.site_url or "", workers)
    return files


def on_post_page(output, page, config, **kwargs):
    if _state["background"] is not None:
        _state["background"].page_written(Path(page.file.dest_path).as_posix())
    return output


def _report(step: str, message: site_steps.Message) -> None:
    level = message.level
    if level == "error" and _state["command"] == "serve":
        level = "warning"  # the editor keeps the preview
    getattr(get_plugin_logger(step), level)(message.text)


@event_priority(lifecycle.SITE_STEPS)  # after localized_404's pages (AFTER_STATIC_I18N)
def on_post_build(config, **kwargs):
    if not build_state.phase(config).whole_site:
        return
    background, _state["background"] = _state["background"], None
    site = build_state.site(config, settings.environment(), background)
    try:
        failures = site_steps.run(site, report=_report)
    except site_steps.StepFailed as error:
        raise PluginError(str(error)) from None
    finally:
        if background is not None:
            background.close()  # a step before the link check failed: stop its workers (twice is harmless)
    if failures and _state["command"] != "serve":
        raise PluginError("; ".join(failures))
