"""Frontline reader quality, measured in Chromium on the real site: accessibility
(axe-core, keyboard), weight of a first visit, offline reading, printing."""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import QuietHandler, axe_violations, free_port

FIRST_VISIT_BUDGET = 150 * 1024


# Every page's axe-core check is in tests/test_every_page.py (one load serves all the checks).


def test_axe_would_catch_the_default_link_styling(real_site, browser, axe_source):
    """The check is real: without our underline, Material's links fail."""
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    try:
        page.goto(real_site.base_url + "a-propos/")
        page.add_style_tag(content=".md-typeset a:not(.headerlink):not(.md-button) { text-decoration: none !important; }")
        assert any(v.startswith("link-in-text-block") for v in axe_violations(page, axe_source))
    finally:
        context.close()


@pytest.mark.parametrize("home, skip, search, switcher", [
    ("", "Aller au contenu", "Rechercher", "English"),
    ("en/", "Skip to content", "Search", "Français"),
])
def test_keyboard_reaches_skip_link_search_and_language_switcher(real_site, browser, home, skip, search, switcher):
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    try:
        page.goto(real_site.base_url + home)
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.textContent.trim()")
        assert focused == skip
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        labels = []
        for _ in range(30):
            page.keyboard.press("Tab")
            labels.append(page.evaluate(
                "() => { const e = document.activeElement; return [e.getAttribute('aria-label') || '', e.getAttribute('title') || '', e.textContent.trim(), e.getAttribute('hreflang') || ''].join('|') }"))
        assert any(search in label for label in labels), labels
        assert any(switcher in label for label in labels), labels
    finally:
        context.close()


# --- Weight of a first visit ------------------------------------------------------------

class LoggingHandler(QuietHandler):
    """Records each file sent with a body (a 304 revalidation sends none)."""

    def send_response(self, code, message=None):
        if code == 200 and self.command == "GET":
            self.server.requested.append(unquote(urlsplit(self.path).path))
        super().send_response(code, message)


@pytest.fixture
def logged_site(real_site):
    port = free_port()
    handler = functools.partial(LoggingHandler, directory=str(real_site.build.site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.requested = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, f"http://127.0.0.1:{port}/", real_site.build.site_dir
    server.shutdown()


def served_file(site: Path, path: str) -> Path:
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


@pytest.mark.parametrize("url", ["guides/guide-tuo/", "en/surdose/", ""])
def test_first_visit_transfers_at_most_150_kb_compressed(logged_site, browser, url):
    server, base, site = logged_site
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base + url, wait_until="networkidle")
        page.wait_for_selector("html[data-kb-kept]", timeout=15000)  # offline copies made too
        page.wait_for_timeout(500)
    finally:
        context.close()
    files = [served_file(site, path) for path in server.requested]
    sizes = {path: len(gzip.compress(file.read_bytes(), 6)) for path, file in zip(server.requested, files)}
    total = sum(len(gzip.compress(file.read_bytes(), 6)) for file in files)  # every transfer, repeats included
    assert total <= FIRST_VISIT_BUDGET, (total, sorted(sizes.items(), key=lambda kv: -kv[1])[:10])
    # No search index byte until the reader reaches for search (kbsite/material.py):
    # tests/test_browser.py then finds the reader's language's index, and only that one, fetched.
    assert [path for path in server.requested if "/search/" in path] == []


# --- Offline -------------------------------------------------------------------------------

@pytest.mark.parametrize("visited, home, overdose, notice", [
    ("guides/guide-tuo/", "", "surdose/", "Hors ligne"),
    ("en/guides/guide-tuo/", "en/", "en/surdose/", "Offline"),
])
def test_visited_home_and_overdose_pages_open_offline(real_site, browser, visited, home, overdose, notice):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(real_site.base_url + visited)
        page.wait_for_selector("html[data-kb-kept]", timeout=15000)
        assert page.locator("[data-kb-offline]").is_hidden()
        context.set_offline(True)
        page.reload()
        assert page.locator("article h1").count() == 1
        banner = page.locator("[data-kb-offline]")
        assert banner.is_visible() and notice in banner.inner_text() and "911" in banner.inner_text()
        for url in (home, overdose):
            page.goto(real_site.base_url + url)
            assert page.locator("article h1").count() == 1, url
            assert "911" in page.locator("article").inner_text()
        # A page never opened on this device: the offline page, with 911.
        page.goto(real_site.base_url + ("en/" if home else "") + "outils/materiel-essentiel/")
        assert "911" in page.locator("body").inner_text() and page.locator("h1").first.inner_text() == "Hors ligne"
        context.set_offline(False)
    finally:
        context.close()


def test_forget_button_deletes_the_offline_copies(real_site, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(real_site.base_url + "vie-privee/")
        page.wait_for_selector("html[data-kb-kept]", timeout=15000)
        assert page.evaluate("async () => (await caches.keys()).length") == 1
        page.get_by_role("button", name="Effacer les copies gardées sur cet appareil").click()
        page.locator("#kb-forget-status").wait_for(state="visible", timeout=10000)
        assert page.evaluate("async () => (await caches.keys()).length") == 0
        assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    finally:
        context.close()


def test_service_worker_version_follows_the_content(real_site, tmp_path):
    """Same files, same version (reproducible); any change, a new version, whose
    worker deletes the old cache on activation (the next visit with a connection)."""
    import shutil

    from kbsite.offline import site_version

    worker = (real_site.build.site_dir / "sw.js").read_text(encoding="utf-8")
    assert "__KB_VERSION__" not in worker
    copy = tmp_path / "site"
    shutil.copytree(real_site.build.site_dir, copy)
    version = site_version(copy, exclude={"sw.js"})
    assert f'var VERSION = "{version}"' in worker
    (copy / "sw.js").write_text("changed", encoding="utf-8")
    assert site_version(copy, exclude={"sw.js"}) == version
    page = copy / "surdose" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert site_version(copy, exclude={"sw.js"}) != version
    assert 'name.indexOf("kb-") === 0 && name !== CACHE' in worker  # old caches deleted on activation


# --- Print -------------------------------------------------------------------------------

def test_print_shows_the_text_sources_and_link_addresses_only(real_site, browser):
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(real_site.base_url + "guides/demandes-de-sevrage/")  # the withdrawal tools: links to documents
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary', '.md-footer',
            '.kb-embed-control', '.md-tabs', '.kb-offline'].filter(s => document.querySelector(s))
            .map(s => [s, getComputedStyle(document.querySelector(s)).display])""")
        assert all(display == "none" for _, display in hidden), hidden
        assert page.locator("article .kb-sources").is_visible()
        after = page.evaluate("""() => { const a = document.querySelector('article a[href*="dependanceitinerance.ca"]');
            return [a.getAttribute('href'), getComputedStyle(a, '::after').content]; }""")
        assert after[0] in after[1], after
        assert page.evaluate("() => [...document.querySelectorAll('article details')].every(d => d.open)")
    finally:
        context.close()


def test_every_dialog_has_an_accessible_name(real_site):
    """Lighthouse's aria-dialog-name (not in axe's WCAG tags): Material's search
    dialog has no name unless overrides/partials/search.html gives it one."""
    from bs4 import BeautifulSoup

    site = real_site.build.site_dir
    for path in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for dialog in soup.select('[role="dialog"], [role="alertdialog"]'):
            assert dialog.get("aria-label") or dialog.get("aria-labelledby"), path
