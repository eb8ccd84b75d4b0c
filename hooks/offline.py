"""Offline reading: the service worker's version.

Events:
- ``on_post_build`` (outer build, after every page and file is written):
  writes ``sw.js`` from ``overrides/sw.js`` with a version derived
  from the content of every other file of the site. The same site gives the
  same version (reproducible builds); any change gives a new one, so readers'
  devices drop the old offline copies on their next visit with a connection.
  (tools/parallel_build.py stamps it for the merged site of a parallel build.)
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from kbsite import build_state
from kbsite.offline import WORKER, stamp_site


@event_priority(build_state.FINAL_PRIORITY - 5)  # after _headers (embed.py) and the language files
def on_post_build(config, **kwargs):
    if not build_state.has_whole_site(config):
        return
    try:
        stamp_site(Path(config.theme.custom_dir or "overrides") / WORKER, Path(config.site_dir))
    except ValueError as error:
        raise PluginError(f"hooks/offline.py: {error}") from None
