"""Search before and after issue 17, and Pagefind, side by side in one run.

Three engines over the same pages, each site built once with ``mkdocs build``:

- **lunr** (before): Material's own search, as the site had it until commit
  BEFORE (its code exported with ``git archive``, built over today's docs);
- **kb** (now): our index in small files (kbsite/search_shards.py) searched
  by workers/kb-search.js in Material's dialog;
- **Pagefind**: its bundle built from the finished site (``python -m
  pagefind``, PyPI ``pagefind[bin]``, into bench/.venv-pagefind).

On the real site and on a copy of it with its pages repeated to about N per
language (real text: the docs tree copied into subfolders):

1. Index: bytes raw and gzipped per language (lunr's ``search_index.json``,
   all of ``search/kb/``, Pagefind's bundle for both languages), and the time
   to index (kb: ``search_shards.write_site`` over the built site, again;
   Pagefind: its command).
2. A first query in Chromium over a slow 4G link made by the bench's own
   server (Lighthouse's mobile figures: 1.6 Mbit/s down, 150 ms round trip,
   per response) with the page's main thread slowed 4x (DevTools; it does
   not reach web workers, where every engine searches): from the click in
   the search box (which starts the download) through typing the query to its
   results on screen, the time and the bytes the server sent (gzip, headers
   included). lunr and kb: the real UI of the home page. Pagefind: a probe
   page of the same site that imports ``pagefind/pagefind.js`` and renders
   the first results (the engine's own cost, without Material's UI).
3. Relevance: tests/search_queries.yml, the page in the first three
   distinct results; lunr and kb through the real UI, Pagefind through its
   API.

Pagefind indexes only each page's ``<article>`` (``data-pagefind-body``
added to the copy of the built site, as a build step would), in the
language of ``<html lang>``; embed variants and redirect pages are left out.

    .venv/bin/python bench/search.py --pages 1000
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

from lighthouse import send_gzipped  # bench/lighthouse.py: the same gzip responses
from search_relevance import (  # the real UI, as there
    CHROMIUM,
    QUERIES,
    READY,
    SEARCH_INPUT,
    distinct_pages,
    pages_found,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "hooks"))  # kbsite.search_shards, timed in kb_index
PAGEFIND_VENV = BENCH / ".venv-pagefind"
BEFORE = "c823cfc"  # the last commit whose search was Material's lunr (issue 17)
# Lighthouse's "mobile slow 4G" (simulated throttling constants, applied here for real).
DOWNLOAD = 1.6 * 1024 * 1024 / 8  # bytes per second
LATENCY = 150  # ms
CPU_SLOWDOWN = 4
PROBE = """<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>probe</title>
<input id="q" autocomplete="off"><ol id="out"></ol>
<script type="module">
let pagefind = null;  // loaded on the first search, as the site's search would load it
window.kbSearch = async (query) => {{
  pagefind = pagefind || await import("{base}pagefind/pagefind.js");
  const found = await pagefind.search(query);
  const data = await Promise.all(found.results.slice(0, 10).map(r => r.data()));  // ten results, as a first screen
  document.getElementById("out").innerHTML = data.map(d => "<li><a href=\\"" + d.url + "\\">" + d.meta.title + "</a></li>").join("");
  return data.map(d => d.url);
}};
let timer = null;  // search once the reader pauses, not at every keystroke
document.getElementById("q").addEventListener("input", e => {{
  clearTimeout(timer);
  timer = setTimeout(async () => {{
    const query = e.target.value;
    await window.kbSearch(query);
    if (e.target.value === query) document.getElementById("out").dataset.query = query;  // the latest query's results
  }}, 250);
}});
window.kbReady = true;
</script>
"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript", ".pf_meta": "application/octet-stream"}

    def log_message(self, *args):
        pass


class GzipHandler(Quiet):
    """Serves files gzipped when the browser accepts it, as GitHub Pages does,
    and, while ``wire["throttle"]`` is set, as a slow 4G link would: each
    response waits one round trip, then is sent at the download rate. Counts
    what it sends (bodies and headers) while ``wire["counting"]`` is set: the
    physical measure, which also sees a web worker's requests (both engines
    search in a worker, out of the page's DevTools network view)."""

    wire = {"counting": False, "throttle": False, "bytes": 0, "requests": 0, "files": []}

    def send_head(self):
        if self.wire["throttle"]:
            time.sleep(LATENCY / 1000)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        return io.BytesIO(send_gzipped(self, path))

    def end_headers(self):
        if self.wire["counting"]:
            self.wire["requests"] += 1
            self.wire["bytes"] += sum(len(line) for line in getattr(self, "_headers_buffer", []))
            self.wire["files"].append(self.path)
        super().end_headers()

    def copyfile(self, source, outputfile):
        while chunk := source.read(16 * 1024):
            if self.wire["throttle"]:
                time.sleep(len(chunk) / DOWNLOAD)
            outputfile.write(chunk)
            if self.wire["counting"]:
                self.wire["bytes"] += len(chunk)


def pagefind_command() -> list[str]:
    python = PAGEFIND_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PAGEFIND_VENV)], check=True)
        subprocess.run([str(PAGEFIND_VENV / "bin" / "pip"), "install", "-q", "-r",
                        str(BENCH / "requirements-pagefind.txt")], check=True)
    return [str(python), "-m", "pagefind"]


def repeated_docs(copies: int, out: Path) -> Path:
    """docs/ and ``copies`` copies of its pages in subfolders (real text)."""
    shutil.copytree(ROOT / "docs", out)
    pages = [p for p in (ROOT / "docs").rglob("*.md")]
    for number in range(copies):
        for page in pages:
            relative = page.relative_to(ROOT / "docs")
            if len(relative.parts) == 1:
                continue  # top-level pages link upwards into sections: keep one of each
            target = out / relative.parts[0] / f"copie-{number:02d}" / Path(*relative.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            text = page.read_text(encoding="utf-8").replace("](../", "](../../").replace("](../../../", "](../../")
            target.write_text(text, encoding="utf-8")
    return out


def code_before(out: Path) -> Path:
    """The site's code at BEFORE (hooks, theme, config), without its docs."""
    out.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE, "hooks", "overrides", "mkdocs.yml",
                              "includes", "schema"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out


def build(docs: Path, out: Path, site_url: str, root: Path = ROOT) -> Path:
    config = out.parent / "mkdocs.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"INHERIT: {root / 'mkdocs.yml'}\ndocs_dir: {docs}\nsite_dir: {out}\n"
                      f"theme:\n  name: material\n  custom_dir: {root / 'overrides'}\n"
                      "extra:\n  kb_nav_order: []\n  kb_redirects: []\n", encoding="utf-8")
    # Every hook: the site steps (hooks/finish.py) write the search index and Material's
    # search settings; the link and output checks run with them.
    hooks = re.findall(r"^  - (hooks/\S+\.py)", (root / "mkdocs.yml").read_text(), re.M)
    config.write_text(config.read_text() + "hooks:\n" + "".join(f"  - {root / h}\n" for h in hooks))
    env = {**os.environ, "KB_SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)], check=True, env=env,
                   cwd=out.parent)
    return out


def mark_articles(site: Path) -> int:
    """data-pagefind-body on each full page's <article>; embed variants, redirect pages and 404s get none."""
    marked = 0
    for path in site.rglob("index.html"):
        relative = path.relative_to(site).as_posix()
        if relative.startswith("embed/"):
            continue
        html = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html[:2000]:
            continue
        new = html.replace('<article class="md-content__inner md-typeset">',
                           '<article class="md-content__inner md-typeset" data-pagefind-body>', 1)
        if new != html:
            path.write_text(new, encoding="utf-8")
            marked += 1
    return marked


def sizes(paths: list[Path]) -> tuple[int, int]:
    raw = sum(p.stat().st_size for p in paths)
    zipped = sum(len(gzip.compress(p.read_bytes(), 6)) for p in paths)
    return raw, zipped


def serve(site: Path, port: int):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def throttled_page(browser):
    """A fresh context (nothing cached) whose main thread runs CPU_SLOWDOWN
    times slower (DevTools' CPU throttling; it does not reach web workers)."""
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return context, page


LAST_CHANGE = """() => {
  window.__kbStart = window.__kbLast = performance.now()
  window.__kbFirst = 0
  new MutationObserver(() => {
    window.__kbLast = performance.now()
    if (!window.__kbFirst && document.querySelector(".md-search-result__item")) window.__kbFirst = window.__kbLast
  }).observe(document.querySelector(".md-search-result"), {childList: true, subtree: true, characterData: true})
}"""


def kind(path: str) -> str:
    """What a response was, for the report: "kb shard", "kb page" or the file's name."""
    path = path.split("?")[0]
    if re.search(r"/search/kb/(\w+/)?s/", path):
        return "kb shard"
    if re.search(r"/search/kb/(\w+/)?p/", path):
        return "kb page"
    return re.sub(r"[0-9a-f]{6,}", "*", path.rsplit("/", 1)[-1])


def first_query(browser, url: str, query: str, engine: str) -> tuple[float, float, int, int, list[str]]:
    """Seconds from the click in the search box to the first results on screen
    and to the list's last change (the whole query's complete list), and the
    bytes, responses and kinds of file the server sent meanwhile."""
    context, page = throttled_page(browser)
    wire = GzipHandler.wire
    try:
        wire["throttle"] = True
        page.goto(url, wait_until="load")
        if engine == "pagefind":
            page.wait_for_function("() => window.kbReady === true", timeout=120_000)
        page.wait_for_timeout(1000)
        wire.update(counting=True, bytes=0, requests=0, files=[])
        start = time.perf_counter()
        if engine in ("lunr", "kb"):
            # The results of the whole query: the list's last change, in the page's
            # clock, once it has not changed for 2 s (as-you-type shows earlier ones).
            page.evaluate(LAST_CHANGE)
            page.click(SEARCH_INPUT)
            page.keyboard.type(query)
            page.wait_for_function(READY, timeout=120_000)
            page.wait_for_selector(".md-search-result__item", timeout=120_000)
            page.wait_for_function("() => performance.now() - window.__kbLast > 2000", timeout=120_000)
            first, seconds = page.evaluate(
                "() => [(window.__kbFirst - window.__kbStart) / 1000, (window.__kbLast - window.__kbStart) / 1000]")
        else:
            page.click("#q")
            page.keyboard.type(query)
            page.wait_for_selector(f'#out[data-query="{query}"] li', timeout=120_000)
            first = seconds = time.perf_counter() - start
        page.wait_for_timeout(500)  # late requests of the same query
        kinds = sorted({kind(path) for path in wire["files"]})
        return first, seconds, wire["bytes"], wire["requests"], kinds
    finally:
        wire.update(counting=False, throttle=False)
        context.close()



def relevance(browser, base: str, queries: dict, engine: str) -> dict[str, tuple[int, int, list[str]]]:
    scores = {}
    for language, items in queries.items():
        context = browser.new_context(service_workers="block")
        page = context.new_page()
        hits, missed = 0, []
        if engine == "pagefind":
            page.goto(f"{base}{'' if language == 'fr' else language + '/'}kb-pagefind-probe.html")
            page.wait_for_function("() => window.kbReady === true", timeout=60_000)
        for item in items:
            if engine in ("lunr", "kb"):
                page.goto(base if language == "fr" else f"{base}{language}/")
                found = pages_found(page, base, item["query"], timeout=20_000)
            else:
                urls = [base.rstrip("/") + u if u.startswith("/") else u
                        for u in page.evaluate("q => window.kbSearch(q)", item["query"])]
                found = distinct_pages(urls, base)
            if item["page"] in found[:3]:
                hits += 1
            else:
                missed.append(f"{item['query']} ({found.index(item['page']) + 1 if item['page'] in found else '-'})")
        scores[language] = (hits, len(items), missed)
        context.close()
    return scores


def kb_index(site: Path) -> tuple[dict, float]:
    """Bytes of each language's search/kb/ folder, and the time to write both again."""
    from kbsite import search_shards

    files = {lang: sorted(p for p in (site / prefix / "search" / "kb").rglob("*") if p.is_file())
             for lang, prefix in (("fr", ""), ("en", "en/"))}
    found = {lang: (*sizes(paths), len(paths)) for lang, paths in files.items()}
    start = time.perf_counter()
    search_shards.write_site(site, [("fr", ""), ("en", "en/")])
    return found, time.perf_counter() - start


def measure(label: str, docs: Path, work: Path, port: int, browser, queries: dict, query: str) -> dict:
    base, before_base = f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port + 10}/"
    site = build(docs, work / "site", base)
    before = build(docs, work / "before" / "site", before_base, root=code_before(work / "before-code"))
    pages = {lang: len([p for p in (site if lang == "fr" else site / lang).rglob("index.html")
                        if not p.relative_to(site).as_posix().startswith(("embed/", "en/") if lang == "fr" else "en/embed")])
             for lang in ("fr", "en")}
    lunr = {lang: sizes([before / ("" if lang == "fr" else "en") / "search" / "search_index.json"]) for lang in ("fr", "en")}
    kb, kb_seconds = kb_index(site)
    marked = mark_articles(site)
    start = time.perf_counter()
    subprocess.run([*pagefind_command(), "--site", str(site), "--output-subdir", "pagefind", "--quiet"], check=True)
    pagefind_seconds = time.perf_counter() - start
    bundle = sorted(p for p in (site / "pagefind").rglob("*") if p.is_file())
    pagefind_total = sizes(bundle)
    for lang, prefix in (("fr", ""), ("en", "en/")):
        (site / prefix / "kb-pagefind-probe.html").write_text(PROBE.format(lang=lang, base=base), encoding="utf-8")
    result = {"label": label, "pages": pages, "marked": marked, "lunr_index": lunr, "kb_index": kb,
              "kb_seconds": round(kb_seconds, 2), "pagefind_seconds": round(pagefind_seconds, 2),
              "pagefind_bundle": pagefind_total, "pagefind_files": len(bundle)}
    server = serve(site, port)
    try:
        for lang, prefix in (("fr", ""), ("en", "en/")):
            q = query if lang == "fr" else "overdose"
            result[f"first_query_kb_{lang}"] = first_query(browser, base + prefix, q, "kb")
            result[f"first_query_pagefind_{lang}"] = first_query(browser, base + prefix + "kb-pagefind-probe.html", q,
                                                                  "pagefind")
        if queries:
            result["relevance_kb"] = relevance(browser, base, queries, "kb")
            result["relevance_pagefind"] = relevance(browser, base, queries, "pagefind")
    finally:
        server.shutdown()
    server = serve(before, port + 10)
    try:
        for lang, prefix in (("fr", ""), ("en", "en/")):
            q = query if lang == "fr" else "overdose"
            result[f"first_query_lunr_{lang}"] = first_query(browser, before_base + prefix, q, "lunr")
        if queries:
            result["relevance_lunr"] = relevance(browser, before_base, queries, "lunr")
    finally:
        server.shutdown()
    return result


def report(result: dict) -> None:
    print(f"\n## {result['label']}: {result['pages']['fr']} French and {result['pages']['en']} English pages "
          f"({result['marked']} marked for Pagefind)")
    for lang in ("fr", "en"):
        raw, zipped = result["lunr_index"][lang]
        print(f"lunr index {lang}: {raw / 1024:.1f} KB raw, {zipped / 1024:.1f} KB gzip")
    for lang in ("fr", "en"):
        raw, zipped, count = result["kb_index"][lang]
        print(f"kb index {lang}: {count} files, {raw / 1024:.1f} KB raw, {zipped / 1024:.1f} KB gzip")
    print(f"kb indexing (both languages): {result['kb_seconds']} s")
    raw, zipped = result["pagefind_bundle"]
    print(f"Pagefind bundle (both languages, {result['pagefind_files']} files): {raw / 1024:.1f} KB raw, "
          f"{zipped / 1024:.1f} KB gzip; indexing {result['pagefind_seconds']} s")
    for lang in ("fr", "en"):
        for engine in ("lunr", "kb", "pagefind"):
            first, seconds, transferred, requests, kinds = result[f"first_query_{engine}_{lang}"]
            print(f"first query {lang} {engine:8}: {first:.2f} s to the first results, {seconds:.2f} s to the last, "
                  f"{transferred / 1024:.1f} KB sent in {requests} responses ({', '.join(kinds)})")
    for engine in ("lunr", "kb", "pagefind"):
        for lang, (hits, total, missed) in (result.get(f"relevance_{engine}") or {}).items():
            print(f"relevance {engine:8} {lang}: {hits}/{total} in the first three; missed: {', '.join(missed) or '-'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages per language of the repeated site")
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    queries = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="kb-search-bench-"))
    real_pages = len([p for p in (ROOT / "docs").rglob("*.md") if not p.name.endswith(".en.md")])
    section_pages = len([p for p in (ROOT / "docs").rglob("*.md")
                         if not p.name.endswith(".en.md") and len(p.relative_to(ROOT / "docs").parts) > 1])
    copies = max(0, round((args.pages - real_pages) / max(section_pages, 1)))
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        results.append(measure("real site", ROOT / "docs", work / "real", args.port, browser, queries, "surdose"))
        report(results[-1])
        big = repeated_docs(copies, work / "big-docs")
        results.append(measure(f"repeated site ({copies} copies)", big, work / "big", args.port + 1, browser, {},
                               "surdose"))
        report(results[-1])
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
