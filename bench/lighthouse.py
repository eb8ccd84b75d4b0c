"""Lighthouse on the real site and on a default Material build of the same content.

    python3 dev.py test -k nothing                 # once, to create .venv
    (cd bench/lighthouse && npm ci)                # Lighthouse, pinned in package-lock.json
    .venv/bin/python bench/lighthouse.py

Both sites are served on 127.0.0.1 by a small server that compresses text with
gzip and sends a one-hour Cache-Control, like a static host. Lighthouse runs
with its default mobile settings (simulated slow 4G, throttled CPU) in Debian's
Chromium (CHROME_PATH=/usr/bin/chromium). It prints a Markdown table (scores and
bytes transferred) and writes every report to bench/results/.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import socket
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
        if not path.suffix.lower() in TEXT or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


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


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm ci` in bench/lighthouse")
    RESULTS.mkdir(exist_ok=True)
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
