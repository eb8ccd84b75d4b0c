"""Every page of the real site, loaded once in Chromium, as a reader's browser
sees it (served with its ``_headers``, the service worker allowed).

On each page, until the network has been idle for half a second: no request
to another host, no cookie, nothing kept in web storage, no Content-Security-
Policy violation, no console error, no uncaught exception, and no axe-core
WCAG 2.2 A/AA violation. These were three sweeps (privacy, policy, axe), each
loading all 171 pages; one load now serves all the checks, and the sweep is cut
in shards that pytest-xdist runs side by side. ``test_the_sweep_can_fail``
shows that each check finds what it is for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from conftest import (
    axe_init_script,
    axe_results,
    free_port,
    google_fonts,
    record_csp_violations,
    request_host,
    serve,
    site_pages,
    start_axe,
    visit_in_tabs,
)

SHARDS = 4


@dataclass
class Findings:
    """What a sweep saw, by kind; a clean site leaves every list empty."""

    requests: list[str] = field(default_factory=list)
    policy: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    axe: dict[str, list[str]] = field(default_factory=dict)
    storage: dict[str, list[int]] = field(default_factory=dict)
    cookies: list[dict] = field(default_factory=list)

    def outside_hosts(self, host: str) -> list[str]:
        return [url for url in self.requests if request_host(url) not in (host, None)]


def web_storage(page) -> list[int]:
    return page.evaluate("() => [localStorage.length, sessionStorage.length]")


def sweep(browser, urls: list[str], axe_source: str) -> Findings:
    """Load each URL in its own tab (six side by side) until the network is
    idle, then run axe-core on it and read its web storage."""
    found = Findings()
    context = browser.new_context()
    context.add_init_script(axe_init_script(axe_source))
    found.policy = record_csp_violations(context)
    context.on("request", lambda request: found.requests.append(request.url))
    context.on("console", lambda message: message.type == "error"
               and found.console.append(f"{message.page.url if message.page else '?'}: {message.text}"))
    context.on("weberror", lambda error: found.exceptions.append(f"{error.page.url if error.page else '?'}: {error.error}"))
    try:
        results = visit_in_tabs(context, urls, wait_until="networkidle",
                                then=(lambda page, url: start_axe(page, None),
                                      lambda page, url: (axe_results(page), web_storage(page))))
        found.axe = {url: violations for url, (violations, _) in results.items() if violations}
        found.storage = {url: lengths for url, (_, lengths) in results.items() if lengths != [0, 0]}
        assert len(results) == len(urls)
        found.cookies = context.cookies()
    finally:
        context.close()
    return found


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_page_leaves_the_site_breaks_the_policy_logs_an_error_or_fails_axe(real_site, browser, axe_source, shard):
    every = site_pages(real_site.build.site_dir)
    assert len(every) >= 160  # full pages, embed variants, 404 pages, the offline page
    found = sweep(browser, [real_site.base_url + url for url in every[shard::SHARDS]], axe_source)
    assert found.outside_hosts("127.0.0.1") == []
    assert google_fonts(found.requests) == []
    assert found.cookies == []
    assert found.storage == {}  # offline copies are in the cache: see vie-privee.md
    assert found.policy == [], "the site broke its own Content-Security-Policy"
    assert found.console == []
    assert found.exceptions == []
    assert found.axe == {}


BROKEN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title>
<meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'self' 'unsafe-inline'; img-src 'self' http://localhost:{port}">
</head><body><main><h1>Broken</h1>
<img src="http://localhost:{port}/outside.png">
<script src="http://localhost:{port}/refused.js"></script>
<script>document.cookie = "kept=1"; localStorage.setItem("kept", "1"); console.error("logged");
setTimeout(() => { throw new Error("uncaught") }, 0)</script>
</main></body></html>
"""


def test_the_sweep_can_fail(tmp_path, browser, axe_source):
    """A page with one of each fault, each reported by its check; "another
    host" is the test's own server named ``localhost``, so nothing leaves the
    machine."""
    port = free_port()
    (tmp_path / "index.html").write_text(BROKEN_PAGE.replace("{port}", str(port)), encoding="utf-8")
    server = serve(tmp_path, port)
    try:
        found = sweep(browser, [f"http://127.0.0.1:{port}/"], axe_source)
    finally:
        server.shutdown()
    # (Chromium reports the refused script's request too: the check sees what was asked for.)
    assert sorted(found.outside_hosts("127.0.0.1")) == [f"http://localhost:{port}/outside.png",
                                                          f"http://localhost:{port}/refused.js"]
    assert [cookie["name"] for cookie in found.cookies] == ["kept"]
    assert list(found.storage.values()) == [[1, 0]]
    assert any("refused.js" in violation for violation in found.policy), found.policy
    assert any("logged" in line for line in found.console), found.console
    assert any("uncaught" in line for line in found.exceptions), found.exceptions
    assert any(violation.startswith("image-alt") for violations in found.axe.values() for violation in violations)
