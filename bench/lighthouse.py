"""Lighthouse on the real site and on a default Material build of the same content.

    python3 dev.py test -k nothing                 # once, to create .venv
    (cd bench/lighthouse && npm ci)                # Lighthouse, pinned in package-lock.json
    .venv/bin/python bench/lighthouse.py

Both sites are served on 127.0.0.1 by a small server that compresses text with
gzip and sends a one-hour Cache-Control, like a static host. Lighthouse runs
with its default mobile settings (simulated slow 4G, throttled CPU) in Debian's
Chromium (CHROME_PATH=/usr/bin/chromium). It prints a Markdown table (scores and
bytes transferred) and writes every report to bench/results/.

    .venv/bin/python bench/lighthouse.py --compare-csp --repeat 3

measures what the Content-Security-Policy costs instead: the real site as built
("with CSP": its <meta> policies, and the headers `_headers` gives each path)
against a copy of the same build with every <meta http-equiv="Content-Security-Policy">
tag removed and no Content-Security-Policy header ("without CSP"; every other
header of `_headers` is sent to both). Both are served in turn on the same port
(same origin, same absolute URLs), alternating with/without, and it prints the
medians over the repeats, then every run. `--header-only` adds a third site: the
copy without <meta>, served with the CSP header (what the <meta> alone costs).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results"
PAGES = [("Home (fr)", ""), ("Home (en)", "en/"), ("Long guide (fr)", "guides/guide-tuo-propositions/")]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TEXT = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")


def send_gzipped(handler: http.server.SimpleHTTPRequestHandler, path: Path) -> bytes:
    """Sends the status and headers of ``path`` gzipped (level 6, as a static
    host would); returns the body to write. Also used by bench/search.py."""
    body = gzip.compress(path.read_bytes(), 6)
    handler.send_response(200)
    handler.send_header("Content-Type", handler.guess_type(str(path)))
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    return body


class CompressingHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "public, max-age=3600")
        super().end_headers()

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix.lower() not in TEXT or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().do_GET()
        self.wfile.write(send_gzipped(self, path))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(CompressingHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


DEFAULT_CONFIG = """site_name: Réduction des méfaits · base de connaissances
site_url: {site_url}
docs_dir: {docs}
site_dir: {site}
theme:
  name: material
  language: fr
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.keys
  - pymdownx.snippets:
      base_path: [{includes}]
      auto_append: [abbreviations.fr.md]
plugins:
  - search
  - i18n:
      docs_structure: suffix
      languages:
        - locale: fr
          default: true
          name: Français
        - locale: en
          name: English
"""


def build_ours(site: Path, site_url: str) -> None:
    env = {**os.environ, "KB_SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([str(MKDOCS), "build", "--strict", "-q", "-d", str(site)], cwd=ROOT, env=env, check=True)


def build_default(workdir: Path, site: Path, site_url: str) -> None:
    """Material with its defaults (fonts from Google, no hooks, no overrides), same pages."""
    config = workdir / "default.yml"
    config.write_text(DEFAULT_CONFIG.format(site_url=site_url, docs=ROOT / "docs", site=site,
                                            includes=ROOT / "includes"), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([str(MKDOCS), "build", "-q", "-f", str(config)], cwd=workdir, env=env, check=True)


def parse_headers_file(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Netlify ``_headers``: rules of a path line and indented ``Name: value`` lines."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
        else:
            rules.append((line.strip(), []))
    return rules


def headers_for(rules: list[tuple[str, list[tuple[str, str]]]], url_path: str) -> dict[str, str]:
    """The headers for one path: a rule ending in ``*`` is a prefix, any other
    is the exact path; for each header the last matching rule wins (Netlify)."""
    found: dict[str, str] = {}
    for pattern, headers in rules:
        if url_path.startswith(pattern[:-1]) if pattern.endswith("*") else url_path == pattern:
            for name, value in headers:
                found[name] = value
    return found


class SwitchableHandler(CompressingHandler):
    """Serves ``state["root"]`` with the ``_headers`` of ``state["rules"]``,
    leaving out Content-Security-Policy unless ``state["csp"]``."""

    state: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.state["root"]), **kwargs)

    def end_headers(self):
        url_path = self.path.split("?", 1)[0].split("#", 1)[0]
        for name, value in headers_for(self.state["rules"], url_path).items():
            if name.lower() != "content-security-policy" or self.state["csp"]:
                self.send_header(name, value)
        super().end_headers()


CSP_META = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="[^"]*">')


def copy_without_csp_meta(source: Path, target: Path) -> tuple[int, int]:
    """A copy of the built site with every CSP <meta> tag removed (nothing else
    changes). Returns (HTML files changed, tags removed)."""
    shutil.copytree(source, target)
    files = tags = 0
    for path in target.rglob("*.html"):
        data = path.read_bytes()
        stripped, count = CSP_META.subn(b"", data)
        if count:
            path.write_bytes(stripped)
            files += 1
            tags += count
        if b"Content-Security-Policy" in stripped:
            sys.exit(f"{path}: a Content-Security-Policy the regex did not remove")
    return files, tags


def lighthouse(url: str, output: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={output}",
               f"--only-categories={','.join(CATEGORIES)}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    subprocess.run(command, env=env, check=True, timeout=300)
    report = json.loads(output.read_text(encoding="utf-8"))
    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    hosts = sorted({item["url"].split("/")[2] for item in requests if item["url"].startswith("http")})
    return {
        "scores": scores,
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "requests": len(requests),
        "hosts": hosts,
        "failed": [a for a in ("is-on-https", "errors-in-console", "meta-description", "hreflang", "color-contrast",
                               "link-in-text-block", "target-size")
                   if a in audits and audits[a].get("score") not in (None, 1)],
    }


def run_details(output: Path) -> dict:
    """What --compare-csp reports besides lighthouse()'s figures, from the saved report."""
    report = json.loads(output.read_text(encoding="utf-8"))
    audits = report["audits"]

    def items(audit):
        return (audits.get(audit, {}).get("details") or {}).get("items", [])

    observed = items("metrics")[0]
    requests = items("network-requests")
    bundle = [r["networkRequestTime"] for r in requests if "/assets/javascripts/bundle." in r["url"]]
    return {
        "metrics": {key: audits[key]["numericValue"] for key in
                    ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time")},
        # Unthrottled, as Chromium painted on this machine (the metrics above are simulated).
        "observed": (observed["observedFirstContentfulPaint"], observed["observedLargestContentfulPaint"]),
        # When Material's bundle was requested (ms after navigation start): a <meta> CSP holds
        # Chromium's preload scanner back until the parser has read it.
        "bundle_requested": bundle[0] if bundle else None,
        "console": [(item.get("source"), item.get("description")) for item in items("errors-in-console")],
        "issues": [(item.get("issueType"), len((item.get("subItems") or {}).get("items", [])))
                   for item in items("inspector-issues")],
        "csp_xss": [item.get("description") for item in items("csp-xss")],
        "warnings": report.get("runWarnings", []),
    }


def compare_csp(repeat: int, header_only: bool = False) -> None:
    """The real site with and without its Content-Security-Policy, alternately
    (``header_only``: also the copy without <meta> served with the CSP header)."""
    runs: dict[tuple[str, str], list[dict]] = {}
    sites = ("with CSP", "without CSP") + (("CSP header only",) if header_only else ())
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        port = free_port()
        site_url = f"http://127.0.0.1:{port}/"
        with_csp, without_csp = temp / "with-csp", temp / "without-csp"
        build_ours(with_csp, site_url)
        files, tags = copy_without_csp_meta(with_csp, without_csp)
        html = sum(1 for _ in with_csp.rglob("*.html"))
        print(f"copy without CSP: {tags} <meta> tags removed from {files} of {html} HTML files",
              file=sys.stderr, flush=True)
        rules = parse_headers_file((with_csp / "_headers").read_text(encoding="utf-8"))
        roots = {"with CSP": (with_csp, True, "with"), "without CSP": (without_csp, False, "without"),
                 "CSP header only": (without_csp, True, "header")}
        SwitchableHandler.state = {"root": with_csp, "rules": rules, "csp": True}
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), SwitchableHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            for n in range(repeat):
                order = sites[n % len(sites):] + sites[:n % len(sites)]  # each site leads in turn
                for page_label, path in PAGES:
                    for site in order:
                        root, csp, tag = roots[site]
                        SwitchableHandler.state.update(root=root, csp=csp)
                        slug = path.strip("/").replace("/", "_") or "home"
                        name = f"csp-{tag}-{slug}-{n + 1}.json"
                        result = lighthouse(site_url + path, RESULTS / name)
                        result.update(run_details(RESULTS / name))
                        runs.setdefault((page_label, site), []).append(result)
                        print(f"run {n + 1} · {site} · {page_label}: perf {result['scores']['performance']}, "
                              f"{ {k: round(v) for k, v in result['metrics'].items()} }, "
                              f"observed FCP/LCP {[round(v) for v in result['observed']]}, "
                              f"bundle requested {result['bundle_requested']}, {result['bytes']} B, "
                              f"{result['requests']} requests, console {result['console']}, "
                              f"issues {result['issues']}, csp-xss {result['csp_xss']}, "
                              f"warnings {result['warnings']}", file=sys.stderr, flush=True)
        finally:
            server.shutdown()
            server.server_close()

    med = statistics.median
    print(f"Medians of {repeat} runs per page and site (FCP, LCP, TBT: Lighthouse's simulated values).\n")
    print("| Page | Site | Performance | FCP | LCP | TBT | Transferred | Console errors | Best practices |")
    print("|---|---|---|---|---|---|---|---|---|")
    for page_label, _ in PAGES:
        for site in sites:
            rs = runs[(page_label, site)]
            m = [med([r["metrics"][k] for r in rs]) for k in
                 ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time")]
            print(f"| {page_label} | {site} | {med([r['scores']['performance'] for r in rs]):.2f} | "
                  f"{m[0]:.0f} ms | {m[1]:.0f} ms | {m[2]:.0f} ms | "
                  f"{med([r['bytes'] for r in rs]) / 1024:.1f} KB | {med([len(r['console']) for r in rs]):g} | "
                  f"{med([r['scores']['best-practices'] for r in rs]):.2f} |")
    print("\nEvery run: performance, simulated FCP / LCP / TBT (ms), observed FCP / LCP (ms), "
          "bundle requested at (ms), bytes, requests, console errors, best practices.\n")
    print("| Page | Site | Runs |")
    print("|---|---|---|")
    for page_label, _ in PAGES:
        for site in sites:
            cells = [f"{r['scores']['performance']:.2f}, {r['metrics']['first-contentful-paint']:.0f} / "
                     f"{r['metrics']['largest-contentful-paint']:.0f} / {r['metrics']['total-blocking-time']:.0f}, "
                     f"{r['observed'][0]:.0f} / {r['observed'][1]:.0f}, {r['bundle_requested'] or 0:.0f}, "
                     f"{r['bytes']}, {r['requests']}, {len(r['console'])}, {r['scores']['best-practices']:.2f}"
                     for r in runs[(page_label, site)]]
            print(f"| {page_label} | {site} | {' · '.join(cells)} |")
    everything = [r for rs in runs.values() for r in rs]
    console = sorted({c for r in everything for c in r["console"]}, key=str)
    issues = sorted({i[0] for r in everything for i in r["issues"]}, key=str)
    print(f"\nConsole errors in any run: {console or 'none'}. Inspector issues (CSP violations among them) "
          f"in any run: {issues or 'none'}.")
    for site in sites:
        notes = sorted({n for (_, s), rs in runs.items() if s == site for r in rs for n in r["csp_xss"]}, key=str)
        print(f"csp-xss ({site}): {notes or 'nothing to report'}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare-csp", action="store_true",
                        help="the real site with and without its Content-Security-Policy")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page and site for --compare-csp (default 3)")
    parser.add_argument("--header-only", action="store_true",
                        help="with --compare-csp: also the copy without <meta>, served with the CSP header")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm ci` in bench/lighthouse")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    RESULTS.mkdir(exist_ok=True)
    if args.compare_csp:
        return compare_csp(args.repeat, args.header_only)
    rows = []
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        for label, builder in (("this site", "ours"), ("default Material", "default")):
            port = free_port()
            site_url = f"http://127.0.0.1:{port}/"
            site = temp / builder
            if builder == "ours":
                build_ours(site, site_url)
            else:
                build_default(temp, site, site_url)
            server = serve(site, port)
            try:
                for page_label, path in PAGES:
                    name = f"{builder}-{path.strip('/').replace('/', '_') or 'home'}.json"
                    result = lighthouse(site_url + path, RESULTS / name)
                    rows.append((label, page_label, result))
                    print(f"{label} · {page_label}: {result}", file=sys.stderr, flush=True)
            finally:
                server.shutdown()
    print("| Site | Page | Performance | Accessibility | Best practices | SEO | Transferred | Requests | Hosts |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, page_label, r in rows:
        s = r["scores"]
        print(f"| {label} | {page_label} | {s['performance']:.2f} | {s['accessibility'] * 100:.0f} | "
              f"{s['best-practices']:.2f} | {s['seo']:.2f} | {r['bytes'] / 1024:.1f} KB | {r['requests']} | "
              f"{', '.join(r['hosts'])} |")


if __name__ == "__main__":
    main()
