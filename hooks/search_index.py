"""The site's search index, from the finished site's HTML (kbsite/search_shards.py).

Event: ``on_post_build`` of the outer build, once every page, embed variant
and redirect page is written (after hooks/redirects.py, -111, so that its
``noindex`` pages are there to be skipped) and before the service worker's
version (-115, which hashes every file) and the output check (-130, which
checks these files too). tools/parallel_build.py runs the same step on the
merged site. Under ``mkdocs serve`` it reads the pages in the site folder, so
a ``--dirty`` rebuild still indexes the pages it did not render again.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority, get_plugin_logger

from kbsite import build_state, search_shards

log = get_plugin_logger("search_index")


@event_priority(build_state.FINAL_PRIORITY - 3)
def on_post_build(config, **kwargs):
    if not build_state.has_whole_site(config):
        return
    languages = [(language.code, language.prefix) for language in build_state.languages(config)]
    counts = search_shards.write_site(Path(config.site_dir), languages)
    log.info("search index: %s", ", ".join(f"{code} {count} pages" for code, count in counts.items()))
