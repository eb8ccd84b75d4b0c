"""The Content-Security-Policy: on every page, first, and the site works under it.

Served as a host would send it (``_headers`` applied, as well as each page's
``<meta>``), in Chromium: no page breaks the policy or logs an error, and
search, the language switcher, instant navigation, tooltips, offline reading
and the embeds keep working (the ``recorded_page`` fixture fails any test
whose pages broke the policy).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from conftest import ROOT, SEARCH_INPUT, record_csp_violations
from kbsite import csp


def html_files(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_every_page_has_the_policy_before_any_script(real_site):
    site = real_site.build.site_dir
    for relative in html_files(site):
        soup = BeautifulSoup((site / relative).read_text(encoding="utf-8"), "html.parser")
        meta = soup.select_one('head meta[http-equiv="Content-Security-Policy"]')
        assert meta is not None, relative
        policy = meta["content"]
        assert "'kb-inline-scripts'" not in policy, relative  # the placeholder was filled
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "object-src 'none'" in policy and "base-uri 'self'" in policy and "form-action 'self'" in policy
        assert "frame-ancestors" not in policy, "a <meta> cannot carry it (the browser logs an error)"
        first_script = soup.find("script")
        if first_script is not None:
            assert meta.sourceline < first_script.sourceline or (
                meta.sourceline == first_script.sourceline and meta.sourcepos < first_script.sourcepos), relative


def test_only_the_themes_own_inline_scripts_get_a_hash():
    patterns = csp.theme_inline_scripts()
    theme = ('<script>__md_scope=new URL("../..",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+'
             '_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),'
             '__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}'
             'catch(e){}}</script>')
    assert len(csp.theme_script_hashes(theme, patterns)) == 1
    # The same script with a scope that leaves its string, and a page's own script: no hash.
    broken_out = theme.replace('"../.."', '"").constructor.constructor("alert(1)")(),("')
    assert csp.theme_script_hashes(broken_out, patterns) == []
    assert csp.theme_script_hashes("<script>alert(1)</script>", patterns) == []
    page = ("<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self' "
            f"{csp.PLACEHOLDER}\">{theme}</head><body><script>alert(1)</script></body></html>")
    filled = csp.fill(page, patterns)
    assert filled.count("'sha256-") == 1 and csp.PLACEHOLDER not in filled


# No page breaks the policy or logs an error: tests/test_every_page.py (every page, loaded once).


def test_the_site_works_under_its_policy(real_site, recorded_page):
    """Search, instant navigation, a tooltip, the switcher and offline reading,
    in one visit; the fixture fails the test on any policy violation."""
    page = recorded_page.page
    base = real_site.base_url
    page.goto(base, wait_until="load")
    # Offline reading: the service worker registers (worker-src is 'self').
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
                           " || navigator.serviceWorker.getRegistration().then(r => !!r)", timeout=10_000)
    # Search (a worker, a fetched index) finds a page.
    page.click(SEARCH_INPUT)
    page.keyboard.type("naloxone")
    page.wait_for_selector(".md-search-result__item > a", timeout=10_000)
    # Instant navigation to the result, then a tooltip on an abbreviation.
    page.locator(".md-search-result__item > a").first.click()
    page.wait_for_load_state("load")
    page.goto(base + "guides/guide-tuo/", wait_until="load")
    abbr = page.locator("article abbr[title]").first
    definition = abbr.get_attribute("title")
    abbr.hover()
    tooltip = page.locator(".md-tooltip2__inner").first
    tooltip.wait_for(state="visible", timeout=5_000)
    assert tooltip.inner_text().strip() == definition
    # The language switcher, after instant navigation.
    page.hover(".md-header .md-select")
    page.locator('.md-select__link[hreflang="en"]').first.click()
    page.wait_for_url(base + "en/guides/guide-tuo/")
    assert page.locator("html").get_attribute("lang") == "en"


PLANTED = ('<script>alert(1)</script><img src="x" onerror="alert(1)">'
           '<a id="kb-planted" href="javascript:alert(1)">x</a>')
TRAP = """for (const name of ["alert", "confirm", "prompt", "print"])
  Object.defineProperty(window, name, {value: (v) => window.__kbxHit(name), writable: false})"""


def test_the_policy_alone_stops_a_script_planted_past_every_check(real_site, browser, tmp_path):
    """The last layer on its own: markup planted in a built page (as a bug in a
    template or hook would write it) does not run, under the page's <meta>
    policy only (no _headers) and under the header only (no <meta>)."""
    import shutil

    from conftest import free_port, serve

    marker = '<article class="md-content__inner md-typeset">'
    for variant in ("meta", "header"):
        site = tmp_path / variant
        shutil.copytree(real_site.build.site_dir, site)
        page = site / "guides" / "guide-tuo" / "index.html"
        html = page.read_text(encoding="utf-8").replace(marker, marker + PLANTED, 1)
        if variant == "header":
            html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
        page.write_text(html, encoding="utf-8")
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        # The real site's URLs are absolute to its own port: rebuild nothing, only serve it at that port.
        server = serve(site, port, with_headers=(variant == "header"))
        context = browser.new_context(service_workers="block")
        hits: list[str] = []
        context.expose_binding("__kbxHit", lambda source, name: hits.append(name))
        context.add_init_script(TRAP)
        violations = record_csp_violations(context)
        try:
            tab = context.new_page()
            tab.goto(base + "guides/guide-tuo/", wait_until="load")
            tab.click("#kb-planted", no_wait_after=True)
            tab.wait_for_timeout(300)
        finally:
            context.close()
            server.shutdown()
        assert hits == [], variant
        assert any("inline" in v for v in violations), (variant, violations)


def test_hosts_that_send_headers_can_leave_the_meta_out(tmp_path, browser):
    """KB_CSP_META=0 (Netlify, Cloudflare Pages): no <meta> policy, which makes
    Chromium's preload scanner wait; the header alone then carries the
    theme's hashes, and the site runs under it without a violation."""
    import shutil

    from conftest import FIXTURES, free_port, run_build, serve

    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "bilingual", docs)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    port = free_port()
    build = run_build(docs, tmp_path, site_url=f"http://127.0.0.1:{port}/", env={"KB_CSP_META": "0"}).ok()
    pages = sorted(build.site_dir.rglob("*.html"))
    assert pages and not any("Content-Security-Policy" in p.read_text(encoding="utf-8") for p in pages)
    assert "'sha256-" in (build.site_dir / "_headers").read_text(encoding="utf-8")
    server = serve(build.site_dir, port, with_headers=True)
    context = browser.new_context(service_workers="block")
    violations = record_csp_violations(context)
    try:
        page = context.new_page()
        for url in ("", "guides/materiel/", "en/", "en/guides/materiel/", "embed/guides/materiel/"):
            page.goto(f"http://127.0.0.1:{port}/{url}", wait_until="load")
        policy = page.evaluate("() => fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    finally:
        context.close()
        server.shutdown()
    assert violations == []
    assert policy and "frame-ancestors *" in policy  # the header was there (the embed variant's)
