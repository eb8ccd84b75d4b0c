"""Read the pages of a site in worker processes while it is being built.

MkDocs renders pages on one core; a machine has more. Each page written is
handed (a few at a time) to worker processes that extract its facts
(kbsite.sitelinks.page_facts). When the build ends, only the pages written
or rewritten after they were read are read again, then every target is
checked once against the finished site (kbsite.sitelinks.conclude).
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from pathlib import Path

from . import settings, sitelinks

BATCH = 8  # pages per task: fewer round trips, still early results


class BackgroundCheck:
    def __init__(self, root: Path, site_url: str, workers: int):
        self.root, self.site_url = Path(root), site_url
        self.base_path, self.origin = sitelinks._base(site_url)
        self.workers = workers
        self.pool = sitelinks.worker_pool(workers)
        self.futures: list[Future] = []
        self.waiting: list[str] = []  # written pages not yet handed out
        self.last: str | None = None  # the page being written now

    def page_written(self, page: str) -> None:
        """Called as each page is rendered: the previous one is on disk by now."""
        if self.last is not None:
            self.waiting.append(self.last)
        self.last = page
        if len(self.waiting) >= BATCH:
            self._submit(self.waiting)
            self.waiting = []

    def _submit(self, pages: list[str]) -> None:
        self.futures.append(self.pool.submit(sitelinks.page_facts, self.root, self.base_path, self.origin, pages))

    def finish(self) -> sitelinks.SiteCheck:
        try:
            facts: dict[str, sitelinks.PageFacts] = {}
            for future in self.futures:
                for fact in future.result():
                    facts[fact.page] = fact
            pages = sitelinks.html_pages(sitelinks.site_files(self.root))
            stale = [p for p in pages if p not in facts or facts[p].stamp != sitelinks.file_stamp(self.root / p)]
            facts.update(sitelinks.gather_facts(self.root, self.site_url, stale, self.workers, self.pool))
            for page in set(facts) - set(pages):
                del facts[page]  # removed since it was read
            return sitelinks.conclude(self.root, self.site_url, facts)
        finally:
            self.close()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def worker_count() -> int:
    """KB_LINKCHECK_WORKERS (kbsite.settings), or one per CPU."""
    return settings.environment().linkcheck_workers or os.cpu_count() or 1
