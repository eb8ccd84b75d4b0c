"""Old addresses of merged pages send readers to the new ones
(kbsite/redirects.py; the map is ``extra.kb_redirects`` in mkdocs.yml).

Event: ``on_post_build`` of the outer build, after every page and embed
variant is written (FINAL, -110) and before tap to call (-112), the service
worker's version (-115), the link check (-120, which follows the redirect
pages' links) and the output check (-130, which allows their refresh only to
the site itself). tools/parallel_build.py runs the same step on the merged
site. A mistake in the map (a page still there, a new page that does not
exist) fails the build, naming the entry.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state, redirects

log = get_plugin_logger("redirects")


@event_priority(build_state.FINAL_PRIORITY - 1)
def on_post_build(config, **kwargs):
    if not build_state.has_whole_site(config):
        return
    languages = [(language.code, language.prefix) for language in build_state.languages(config)]
    found, problems = redirects.read(config.extra.get("kb_redirects"), Path(config.docs_dir), languages)
    if problems:
        raise PluginError("redirects: " + "; ".join(problems))
    templates = [Path(directory) for directory in config.theme.dirs]
    try:
        written = redirects.write_site(Path(config.site_dir), found, languages, templates)
    except ValueError as error:
        raise PluginError(str(error)) from error
    log.debug("%d redirect page(s) written", len(written))
