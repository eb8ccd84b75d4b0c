"""Relevance of the site's search, as a reader gets it (issue 17).

Builds the real site (or takes a built one), serves it on 127.0.0.1 and, in
Debian's Chromium, types each query of tests/search_queries.yml into the
search box of that language's home page, through the real UI, and reads the
result list: the score is the share of queries whose page comes in the first
three distinct pages. Prints one line per query (rank or "missed") and the
score per language and per kind.

    .venv/bin/python bench/search_relevance.py            # build the real site
    .venv/bin/python bench/search_relevance.py --site site/  # a built site
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "search_queries.yml"
CHROMIUM = "/usr/bin/chromium"
SEARCH_INPUT = "input[data-md-component=search-query]"
READY = ("() => { const meta = document.querySelector('.md-search-result__meta');"
         " return meta && !/^(Taper|Type|Initiali)/.test(meta.textContent.trim()) }")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def build(site_url: str) -> Path:
    out = Path(tempfile.mkdtemp(prefix="kb-search-")) / "site"
    env = {"KB_SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1", "PATH": str(Path(sys.executable).parent)}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT, check=True,
                   env={**os.environ, **env})
    return out


def pages_found(page, base: str, query: str, timeout: float = 10_000) -> list[str]:
    """The distinct pages of the result list, in order, as site paths
    (also bench/search.py's measure of today's search)."""
    page.click(SEARCH_INPUT)
    page.fill(SEARCH_INPUT, "")
    page.keyboard.type(query)
    page.wait_for_function(READY, timeout=timeout)
    # Results of the last keystroke: the list no longer changes for 0.5 s (the
    # worker answers the keystrokes in order and drops the stale ones).
    links, deadline = None, time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")
        if now == links:
            break
        links = now
    return distinct_pages(links, base)


def distinct_pages(urls: list[str], base: str) -> list[str]:
    """The distinct pages of a list of result links, in order, as site paths
    (".../x/index.html" as ".../x/", as Pagefind gives it)."""
    found = []
    for url in urls:
        path = urlsplit(url).path[len(urlsplit(base).path):]
        path = path[: -len("index.html")] if path.endswith("index.html") else path
        if path not in found:
            found.append(path)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the real one)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{args.port}/"
    site = args.site or build(base)
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    queries = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    hits, totals, kinds = Counter(), Counter(), Counter()
    kind_totals = Counter()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for language, items in queries.items():
                context = browser.new_context(service_workers="block")
                page = context.new_page()
                home = base if language == "fr" else f"{base}{language}/"
                for item in items:
                    page.goto(home)
                    found = pages_found(page, base, item["query"])
                    rank = found.index(item["page"]) + 1 if item["page"] in found else None
                    ok = rank is not None and rank <= 3
                    totals[language] += 1
                    kind_totals[(language, item["kind"])] += 1
                    if ok:
                        hits[language] += 1
                        kinds[(language, item["kind"])] += 1
                    first = ", ".join(found[:3]) or "(nothing)"
                    print(f"{language} {'ok  ' if ok else 'MISS'} {item['query']!r:42} rank {rank or '-':>2}  "
                          f"want {item['page']}  got {first}")
                context.close()
            browser.close()
    finally:
        server.shutdown()
    print()
    for language in totals:
        print(f"{language}: {hits[language]}/{totals[language]} in the first three "
              f"({100 * hits[language] / totals[language]:.0f} %)")
        for (lang, kind), total in sorted(kind_totals.items()):
            if lang == language:
                print(f"  {kind:14} {kinds[(lang, kind)]}/{total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
