"""Shared fixtures: build a doc tree into tmp_path, parse its HTML, serve it.

Every build runs ``mkdocs build`` in a subprocess with a config that inherits
the repository's mkdocs.yml (theme, plugins, hooks, checks) and swaps in the
scenario's doc tree, so what is tested is what ships.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MKDOCS = Path(sys.executable).parent / "mkdocs"
CHROMIUM = "/usr/bin/chromium"


def is_redirect_page(path: Path) -> bool:
    """A page of kbsite/redirects.py (an old address that sends the reader on),
    not a page of content: sweeps over the site's pages leave it out, and
    tests/test_redirects.py checks it."""
    return 'http-equiv="refresh"' in path.read_text(encoding="utf-8")[:2000]


def indexed_pages(site_dir: Path, prefix: str = "") -> list[dict]:
    """The pages of one language's search index (kbsite/search_shards.py):
    {"u": address relative to the language root, "t": title, "s": sections}."""
    folder = site_dir / prefix / "search" / "kb"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    pages = folder / manifest["version"] / "p"
    return [json.loads((pages / f"{n}.json").read_text(encoding="utf-8")) for n in range(manifest["pages"])]


SEARCH_INPUT = "input[data-md-component=search-query]"
# Material's result meta line once the worker is ready ("Taper"/"Type"/"Initializing" before)
SEARCH_READY = (
    "() => { const meta = document.querySelector('.md-search-result__meta');"
    " return meta && !/^(Taper|Type|Initiali)/.test(meta.textContent.trim()) }"
)


def search_results(page) -> list[str]:
    """The result links on screen."""
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")


def search(page, query: str) -> list[str]:
    """The result links for ``query`` typed into the search box (emptied
    first), once the list has stopped changing: the worker answers each
    keystroke and drops the stale ones (bench/search_relevance.py's
    ``pages_found`` does the same in the bench, which does not import tests/)."""
    page.click(SEARCH_INPUT)
    page.fill(SEARCH_INPUT, "")
    page.keyboard.type(query)
    page.wait_for_function(SEARCH_READY, timeout=15_000)
    links = None
    for _ in range(60):
        page.wait_for_timeout(250)
        now = search_results(page)
        if now == links:
            return now
        links = now
    return links


# Counts the search worker's answers (RESULT is 3 in Material's messages and
# in workers/kb-search.js): an init script, so only observation is added.
COUNT_SEARCH_ANSWERS = """(() => {
  const Native = window.Worker;
  window.__kbSearchAnswers = 0;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data && event.data.type === 3) window.__kbSearchAnswers++;
      });
    }
  };
})()"""


def search_whole_query(page, query: str) -> list[str]:
    """The result links for ``query`` put in the search box at once, as a
    paste would (one keyup: Material sends one query, the worker answers it
    once), read as soon as that answer is on screen. For many queries in a
    row; ``search`` types key by key, as a reader does. The page must carry
    COUNT_SEARCH_ANSWERS (``page.add_init_script``) before it loads."""
    if page.input_value(SEARCH_INPUT) == query:
        return search_results(page)
    answered = page.evaluate("() => window.__kbSearchAnswers")
    page.fill(SEARCH_INPUT, query)
    page.press(SEARCH_INPUT, "End")
    page.wait_for_function("n => window.__kbSearchAnswers > n", arg=answered, timeout=15_000)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    return search_results(page)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def repo_config() -> dict:
    """The repository's mkdocs.yml as plain data: !ENV and python tags read as None."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def repo_hooks() -> list[str]:
    return [str(ROOT / hook) for hook in repo_config()["hooks"]]


def write_config(workdir: Path, docs_dir: Path, site_dir: Path, extra: str = "", redirects: dict | None = None) -> Path:
    hooks = "".join(f"  - {hook}\n" for hook in repo_hooks())
    real_docs = Path(docs_dir).resolve() == (ROOT / "docs").resolve()
    config = workdir / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {docs_dir}\n"
        f"site_dir: {site_dir}\n"
        f"theme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n"
        # The real site's navigation order names pages a fixture does not have.
        # Fixtures have no overdose page to keep offline, and none of the real
        # site's redirects (the pages they lead to): only their own, if any, as
        # a list, which replaces the inherited mapping instead of merging with it.
        + ("" if real_docs else "extra:\n  kb_nav_order: []\n  kb_offline_keep: [{path: '', fr: Accueil, en: Home}]\n"
           f"  kb_redirects: {json.dumps([{old: new} for old, new in (redirects or {}).items()])}\n")
        + f"hooks:\n{hooks}" + extra,
        encoding="utf-8",
    )
    return config


@dataclass
class BuildResult:
    site_dir: Path
    returncode: int
    log: str
    site_url: str

    def ok(self) -> "BuildResult":
        assert self.returncode == 0, f"mkdocs build failed:\n{self.log}"
        return self

    def path(self, url_path: str) -> Path:
        path = self.site_dir / url_path.lstrip("/")
        return path / "index.html" if url_path.endswith("/") or url_path == "" else path

    def html(self, url_path: str) -> BeautifulSoup:
        return BeautifulSoup(self.path(url_path).read_text(encoding="utf-8"), "html.parser")

    def pages(self) -> list[Path]:
        return sorted(self.site_dir.rglob("*.html"))


def run_build(docs_dir: Path, workdir: Path, site_url: str = "http://127.0.0.1:8000/", extra: str = "",
              strict: bool = True, env: dict | None = None, parallel: bool = False, timeout: float = 300,
              redirects: dict | None = None) -> BuildResult:
    """``mkdocs build``, or with ``parallel`` the build `python3 dev.py build`
    runs (tools/parallel_build.py: one process per language)."""
    workdir.mkdir(parents=True, exist_ok=True)
    site_dir = workdir / "site"
    config = write_config(workdir, docs_dir, site_dir, extra, redirects)
    env = {**os.environ, "KB_SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    build = [sys.executable, str(ROOT / "tools" / "parallel_build.py")] if parallel else [str(MKDOCS), "build"]
    result = subprocess.run(
        [*build, *(["--strict"] if strict else []), "-f", str(config)],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout,
    )
    return BuildResult(site_dir, result.returncode, result.stdout + result.stderr, site_url)


def build_fixture_into(workdir: Path, name: str, site_url: str, extra: str = "", strict: bool = True,
                       redirects: dict | None = None) -> BuildResult:
    """The fixture's docs go to workdir/docs, beside the generated mkdocs.yml,
    so reports name them ``docs/<file>.md`` as in the real repository."""
    docs = workdir / "docs"
    shutil.copytree(FIXTURES / name, docs)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets", dirs_exist_ok=True)
    return run_build(docs, workdir, site_url, extra, strict, redirects=redirects)


FRONT_MATTER = """---
title: {title}
description: Une page de test écrite par les tests, pour un seul scénario de la vérification.
type: reference
audience: [frontline]
topics: [training]
sources: []
last_reviewed: 2026-01-15
review_every: 12
---

"""


def page_text(body: str, title: str = "Page de test") -> str:
    """A page with valid front matter; its body starts on line BODY_LINE."""
    return FRONT_MATTER.format(title=title) + body


BODY_LINE = FRONT_MATTER.count("\n") + 1


def write_tree(docs: Path, files: dict[str, str | bytes]) -> Path:
    """A doc tree written by a test: ``{"x.md": text or bytes}``, plus the
    site's assets and a home page when the test gives none."""
    files = {"index.md": page_text("# Accueil\n", "Accueil"), **files}
    for name, content in files.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets", dirs_exist_ok=True)
    return docs


@pytest.fixture
def build_fixture(tmp_path):
    """Build ``tests/fixtures/<name>/`` (a doc tree) into tmp_path; the test may change the output."""

    def build(name: str, site_url: str = "http://127.0.0.1:8000/", extra: str = "", strict: bool = True) -> BuildResult:
        return build_fixture_into(tmp_path / name, name, site_url, extra, strict)

    return build


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory):
    """Read-only builds of fixture trees, one per (name, site_url, extra,
    strict) for the whole session: tests that read the same build share it
    (a test that changes the output copies it first, or uses build_fixture)."""
    cache: dict[tuple, BuildResult] = {}

    def get(name: str, site_url: str = "http://127.0.0.1:8000/", extra: str = "", strict: bool = True) -> BuildResult:
        key = (name, site_url, extra, strict)
        if key not in cache:
            cache[key] = build_fixture_into(tmp_path_factory.mktemp(name), name, site_url, extra, strict)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def fixture_site(shared_build):
    """Read-only builds of fixture trees that must succeed, one per name for the whole session."""

    def get(name: str) -> BuildResult:
        return shared_build(name).ok()

    return get


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def parse_headers(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """A ``_headers`` file (Netlify and Cloudflare Pages syntax) as rules."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith((" ", "\t")):
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip().lower(), value.strip()))
    return rules


def matches(rule: str, path: str) -> bool:
    if rule.endswith("*"):
        return path.startswith(rule[:-1])
    return path == rule


def served_headers(rules, path: str, host: str) -> dict[str, str]:
    """Netlify: a later matching rule replaces the same header; Cloudflare Pages:
    values of the same header from several matching rules are joined."""
    result: dict[str, str] = {}
    for rule, headers in rules:
        if not matches(rule, path):
            continue
        for name, value in headers:
            if host == "cloudflare" and name in result:
                result[name] += ", " + value
            else:
                result[name] = value
    return result


class HeadersHandler(QuietHandler):
    """Serves a built site as Netlify would: with the headers of its ``_headers``."""

    rules: list = []

    def end_headers(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        for name, value in served_headers(self.rules, path, "netlify").items():
            self.send_header(name, value)
        super().end_headers()


@dataclass
class Served:
    build: BuildResult
    base_url: str


def serve(directory: Path, port: int, with_headers: bool = False) -> http.server.ThreadingHTTPServer:
    """Serve a folder on 127.0.0.1; ``with_headers``: with its ``_headers``
    (the Content-Security-Policy and framing rules a host would send)."""
    if with_headers:
        rules = parse_headers((Path(directory) / "_headers").read_text(encoding="utf-8"))
        handler = functools.partial(type("SiteHandler", (HeadersHandler,), {"rules": rules}), directory=str(directory))
    else:
        handler = functools.partial(QuietHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that closes a tab mid-response (the sweeps close theirs) is
    not an error of the site: no traceback for it; anything else is printed."""

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Served:
    """The repository's own docs, built once and served on 127.0.0.1."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/"
    build = run_build(ROOT / "docs", tmp_path_factory.mktemp("real"), base_url).ok()
    server = serve(build.site_dir, port, with_headers=True)
    yield Served(build, base_url)
    server.shutdown()


# The date-dependent outputs pinned as a deployment pins them (the commit's date).
PINNED = {"SOURCE_DATE_EPOCH": "1764028800", "KB_TODAY": "2026-12-01"}
SUB_PATH_URL = "https://org.github.io/kb/"


@pytest.fixture(scope="session")
def pinned_real_build(tmp_path_factory) -> BuildResult:
    """The real site, built once under a sub-path with the dates pinned, for
    the tests that compare another build with it or only read it."""
    return run_build(ROOT / "docs", tmp_path_factory.mktemp("pinned"), site_url=SUB_PATH_URL, env=PINNED).ok()


@pytest.fixture(scope="session")
def serve_fixture(tmp_path_factory):
    """Build a fixture doc tree with the site_url it is then served at, once
    per name for the whole session (the tests that use it only read it)."""
    served: dict[str, Served] = {}
    servers = []

    def start(name: str) -> Served:
        if name not in served:
            port = free_port()
            base_url = f"http://127.0.0.1:{port}/"
            build = build_fixture_into(tmp_path_factory.mktemp(f"served-{name}"), name, base_url).ok()
            servers.append(serve(build.site_dir, port, with_headers=True))
            served[name] = Served(build, base_url)
        return served[name]

    yield start
    for server in servers:
        server.shutdown()


def launch_chromium(playwright):
    """Debian's Chromium, headless, with nothing of its own on the network."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            # Sweeps load several tabs at once (visit_in_tabs): none of them is slowed as a background tab.
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows",
        ],
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get install -y chromium` (python3 dev.py test does it as root)")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def visit_in_tabs(context, urls: list[str], wait_until: str = "load", tabs: int = 6, then=()) -> dict:
    """Open every URL of ``urls`` in ``context``, ``tabs`` at a time, each
    waited for until ``wait_until`` (as ``page.goto`` would). Each function of
    ``then`` runs on every loaded page of the batch before the next function
    does (start a check on every tab, then collect each result), and the last
    one's result is returned by URL. The pages load side by side in the
    browser, so a sweep waits out its network-idle windows together, and
    checks run on both cores, instead of one page after the other; each page
    is still loaded whole, in its own tab, from its address."""
    results = {}
    pages = [context.new_page() for _ in range(min(tabs, len(urls)))]
    try:
        for start in range(0, len(urls), len(pages)):
            batch = list(zip(pages, urls[start:start + len(pages)]))
            for page, url in batch:
                page.goto(url, wait_until="commit")
            for page, url in batch:
                page.wait_for_load_state(wait_until)
            for step in then:
                for page, url in batch:
                    results[url] = step(page, url)
    finally:
        for page in pages:
            page.close()
    return results


# --- axe-core (dev.py fetches it into .venv) ---------------------------------------------

AXE_VERSION = "4.14.1"  # dev.py's AXE_VERSION
AXE = ROOT / ".venv" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with `python3 dev.py test` (it fetches axe-core)")
    return AXE.read_text(encoding="utf-8")


def site_pages(site: Path) -> list[str]:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if not is_redirect_page(p))
    return [p[: -len("index.html")] if p.endswith("index.html") else p for p in pages]


def start_axe(page, axe_source: str | None) -> None:
    """axe-core's WCAG 2.2 A/AA rules, started on the page (not awaited).
    ``axe_source`` is evaluated first, unless it is None: the page's context
    then has axe_init_script, so axe-core was there from the page's start."""
    # Evaluated through the DevTools protocol: an injected <script> would be
    # refused by the page's Content-Security-Policy, as any inline script is.
    # resultTypes: every violating node is still reported; passes and
    # incomplete results keep one node each, which is what makes a run slow
    # (measured on 24 pages of the site: axe.run 6.0 s, 3.4 s with it).
    # The run starts from a task of its own, so that the call returns at once
    # and a sweep's tabs run axe side by side: axe.run does much of its work
    # before its first await, which the call used to wait for, one tab after
    # the other (measured on 48 pages of the site: the source's evaluate and
    # the run's start took 275 ms a page; 175 ms with axe_init_script alone;
    # 16 ms with both).
    if axe_source is not None:
        page.evaluate(axe_source)
    page.evaluate("tags => { window.__kbAxe = new Promise(resolve => setTimeout(() => resolve(axe.run(document,"
                  " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})), 0)) }", WCAG_TAGS)


def axe_init_script(axe_source: str) -> str:
    """axe-core as a context's init script, in each top-level document before
    its own scripts (not in frames, where start_axe never put it): a sweep's
    tabs compile it while they load, side by side, instead of one after the
    other after load (see start_axe for the figures)."""
    return "if (window === window.top) {\n" + axe_source + "\n}"


def axe_results(page) -> list[str]:
    """The violations of the run start_axe started, once it has finished."""
    result = page.evaluate("() => window.__kbAxe")
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]


def axe_violations(page, axe_source: str) -> list[str]:
    start_axe(page, axe_source)
    return axe_results(page)


CSP_REPORTER = """document.addEventListener("securitypolicyviolation", (event) =>
  window.__kbCspViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " on " + location.href))"""


def record_csp_violations(context) -> list[str]:
    """Every Content-Security-Policy violation of every page of the context."""
    violations: list[str] = []
    context.expose_binding("__kbCspViolation", lambda source, text: violations.append(text))
    context.add_init_script(CSP_REPORTER)
    return violations


class RecordedPage:
    """A page whose every request, cookie and CSP violation is kept (privacy
    checks; the fixture fails a test whose pages broke the policy)."""

    def __init__(self, context, page):
        self.context = context
        self.page = page
        self.requests: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        self.csp_violations: list[str] = []

    def hosts(self) -> set[str]:
        return {request_host(url) for url in self.requests} - {None}


def google_fonts(urls: list[str]) -> list[str]:
    """The requests of ``urls`` to Google Fonts (Material's default font loading)."""
    return [url for url in urls if "fonts.googleapis" in url or "fonts.gstatic" in url]


def request_host(url: str) -> str | None:
    """The host a request went to; None for data: and blob: URLs, which go nowhere."""
    from urllib.parse import urlsplit

    return None if url.startswith(("data:", "blob:")) else urlsplit(url).hostname


@pytest.fixture
def recorded_page(browser):
    context = browser.new_context()
    violations = record_csp_violations(context)
    page = context.new_page()
    recorded = RecordedPage(context, page)
    recorded.csp_violations = violations
    yield recorded
    context.close()
    assert violations == [], "the site broke its own Content-Security-Policy"


# --- A real WordPress (tests/wordpress_site.py) ------------------------------------------

@pytest.fixture(scope="session")
def embed_origin() -> str:
    """The one origin the shared WordPress may fetch: the site it embeds is served there."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory, embed_origin):
    """Debian's WordPress with a private MariaDB, shared by the session, allowed
    to fetch ``embed_origin`` only. Skipped when its Debian packages are missing,
    except under CI=true, where that fails (CI installs them: .ci/run)."""
    from wordpress_site import WordPress, available

    reason = available()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the WordPress tests: {reason}")
        pytest.skip(reason)
    with WordPress(tmp_path_factory.mktemp("wordpress"), embed_origin) as site:
        yield site
