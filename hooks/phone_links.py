"""Tap to call (kbsite/phone_links.py): 911 and the support team's line become
``tel:`` links in every HTML file of the finished site.

Event: ``on_post_build`` of the outer build, after every HTML file is written
(pages, embed variants and cards, 404 pages: priority FINAL, -110) and before
the service worker's version (-115), the link check (-120) and the output
check (-130) read them. tools/parallel_build.py runs the same step on the
merged site.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state
from kbsite.phone_links import link_site

log = get_plugin_logger("phone_links")


@event_priority(build_state.FINAL_PRIORITY - 2)
def on_post_build(config, **kwargs):
    if not build_state.has_whole_site(config):
        return
    changed = link_site(Path(config.site_dir))
    log.debug("emergency numbers linked in %d file(s)", changed)
