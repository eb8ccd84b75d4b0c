"""One language per process, for the parallel build (tools/parallel_build.py).

Inactive unless ``KB_BUILD_LANGUAGE`` is set (``mkdocs build`` and
``mkdocs serve`` build every language in one process, as static-i18n does).

Events:
- ``on_config`` (before static-i18n's, -100): makes that language the one
  static-i18n builds, so a non-default language goes to ``<code>/`` exactly
  as in static-i18n's nested build.
- ``on_post_build`` (just before static-i18n's): marks the build as already
  under way, so static-i18n does not go on to build the other languages in
  this process (another process builds them). ``build_state.phase(config).nested``
  is False in a split build, so the per-language steps of our hooks run.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from kbsite import build_state, lifecycle


@event_priority(lifecycle.FIRST)
def on_config(config, **kwargs):
    language = build_state.phase(config).only_language
    plugin = build_state.i18n_plugin(config)
    if language is None or plugin is None:
        return config
    known = [lang.locale for lang in plugin.config.languages if lang.build]
    if language not in known:
        raise PluginError(f"{build_state.SPLIT_VARIABLE}={language}: not a built language of mkdocs.yml "
                          f"(one of: {', '.join(known)})")
    plugin.current_language = language
    plugin.building = False
    return config


@event_priority(lifecycle.BEFORE_STATIC_I18N_POST_BUILD)
def on_post_build(config, **kwargs):
    plugin = build_state.i18n_plugin(config)
    if build_state.phase(config).only_language and plugin is not None:
        plugin.building = True  # static-i18n returns before its nested builds
