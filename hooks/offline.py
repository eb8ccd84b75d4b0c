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
from kbsite.offline import site_version, stamp_worker

WORKER = "sw.js"


@event_priority(build_state.FINAL_PRIORITY - 5)  # after _headers (embed.py) and the language files
def on_post_build(config, **kwargs):
    if not build_state.is_outer_build(config) or build_state.is_split_build():
        return  # a parallel build stamps it for the merged site
    site_dir = Path(config.site_dir)
    source = Path(config.theme.custom_dir or "overrides") / WORKER
    if not source.is_file():
        raise PluginError(f"hooks/offline.py: {source} is missing (the service worker's source)")
    try:
        stamp_worker(source, site_dir / WORKER, site_version(site_dir, exclude={WORKER}))
    except ValueError as error:
        raise PluginError(f"hooks/offline.py: {error}") from None
