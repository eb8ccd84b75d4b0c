"""Partner embedding (hooks/embed.py): embed variants, oEmbed documents, the
_headers file, and a partner page of another origin sizing the iframes."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jsonschema
import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, free_port, indexed_pages, is_redirect_page, parse_headers, serve, served_headers

OEMBED_SCHEMA = json.loads((ROOT / "schema" / "oembed.schema.json").read_text(encoding="utf-8"))


def soup(path: Path) -> BeautifulSoup:
    """The file parsed, once while it is unchanged (a full page is read for its
    oEmbed link, its snippet, its title and its heading); not to be modified."""
    stat = path.stat()
    return _parsed(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=512)
def _parsed(path: Path, mtime_ns: int, size: int) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def heading(path: Path) -> str:
    """The page's H1 as a reader sees it (abbreviations inline, no permalink sign)."""
    return " ".join(soup(path).find("h1").get_text("").replace("¶", "").split())


def full_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                  if not p.relative_to(site).as_posix().startswith("embed/") and not is_redirect_page(p))


def oembed_of(site: Path, page: str, site_url: str) -> tuple[str, dict]:
    link = soup(site / page).find("link", rel="alternate", type="application/json+oembed")
    assert link is not None, page
    assert link["href"].startswith(site_url), link["href"]
    path = site / link["href"][len(site_url):]
    return link["href"], json.loads(path.read_text(encoding="utf-8"))


def snippet_of(site: Path, page: str) -> str:
    """The code the page's "Embed this page" box gives partners (our loader)."""
    return soup(site / page).select_one("details.kb-embed-control textarea").get_text()


# The iframe attributes WordPress 6.1 keeps (wp_filter_oembed_result), plus the
# class and sandbox it sets itself (other oEmbed sites keep ours).
WORDPRESS_IFRAME_ATTRIBUTES = {"src", "width", "height", "frameborder", "marginwidth", "marginheight", "scrolling",
                               "title", "class", "sandbox"}


# --- Every page of the real site -------------------------------------------------------

def test_every_page_has_a_valid_oembed_document_and_embed_variant(real_site):
    site, base = real_site.build.site_dir, real_site.base_url
    pages = full_pages(site)
    assert len(pages) >= 60
    for page in pages:
        _, document = oembed_of(site, page, base)
        jsonschema.validate(document, OEMBED_SCHEMA)
        # WordPress's shape: a blockquote linking to the page, then the card's iframe.
        html = BeautifulSoup(document["html"], "html.parser")
        assert [element.name for element in html.find_all(recursive=False)] == ["blockquote", "iframe"], page
        assert html.blockquote.a["href"] == base + page[: -len("index.html")]
        iframe = html.find("iframe")
        assert set(iframe.attrs) <= WORDPRESS_IFRAME_ATTRIBUTES and iframe["frameborder"] == "0", iframe.attrs
        assert iframe["src"] == base + "embed/" + page[: -len("index.html")] + "card.html"
        assert "allow-same-origin" not in iframe["sandbox"]  # the card works with an opaque origin
        card = soup(site / iframe["src"][len(base):])
        assert card.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        # The code to paste elsewhere: the full content, with the loader.
        embed_url = BeautifulSoup(snippet_of(site, page), "html.parser").find("iframe")["src"]
        assert embed_url == base + "embed/" + page[: -len("index.html")]
        variant = soup(site / embed_url[len(base):] / "index.html")
        assert variant.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert document["provider_url"] == base + ("en/" if page.startswith("en/") else "")
        # The page's title (its front matter title: Material's <title>, or the H1).
        title_tag = soup(site / page).title.get_text()
        assert document["title"] == heading(site / page) or title_tag.startswith(document["title"] + " - ") \
            or page in ("index.html", "en/index.html"), (page, document["title"])


def test_embed_variant_has_no_chrome_and_an_attributed_source_line(real_site):
    site, base = real_site.build.site_dir, real_site.base_url
    for language, page in (("fr", "guides/guide-tuo/"), ("en", "en/guides/guide-tuo/")):
        variant = soup(site / "embed" / page / "index.html")
        for chrome in (".md-header", ".md-sidebar", ".md-footer", ".md-search", ".md-tabs", "nav"):
            assert variant.select_one(chrome) is None, (page, chrome)
        assert variant.html["lang"] == language
        base_tag = variant.find("base")
        assert base_tag["target"] == "_top"
        # Relative URLs resolve as on the full page.
        assert urljoin(base + "embed/" + page, base_tag["href"]) == base + page
        source = variant.select_one(".kb-embed-source a")
        assert source["href"] == base + page and source["target"] == "_top"
        assert " ".join(source.get_text("").split()).startswith(heading(site / page / "index.html") + " — ")
        assert variant.select_one(".kb-embed-source time") is not None  # review date
        # The 911 block and the sources travel with the content.
        assert variant.select_one("article .kb-sources") is not None


def test_embed_variants_are_not_in_sitemaps_or_search(real_site):
    site = real_site.build.site_dir
    for sitemap in ("sitemap.xml", "en/sitemap.xml"):
        assert "/embed/" not in (site / sitemap).read_text(encoding="utf-8")
    for prefix in ("", "en/"):
        locations = [page["u"] for page in indexed_pages(site, prefix)]
        assert len(locations) > 20 and not any("embed/" in location for location in locations)


def test_full_pages_offer_the_snippet_to_copy(real_site):
    site, base = real_site.build.site_dir, real_site.base_url
    for page, summary in (("surdose/index.html", "Intégrer cette page"), ("en/surdose/index.html", "Embed this page")):
        control = soup(site / page).select_one("details.kb-embed-control")
        assert control.find("summary").get_text(strip=True) == summary
        # The address for WordPress and other oEmbed sites, the code for the others.
        address = control.find("input")
        assert address["value"] == base + page[: -len("index.html")] and address.has_attr("readonly")
        code = BeautifulSoup(control.find("textarea").get_text(), "html.parser")
        assert code.find("iframe")["src"] == base + "embed/" + page[: -len("index.html")]
        assert code.find("script")["src"] == base + "assets/javascripts/kb-embed.js"
        labels = {label["for"] for label in control.find_all("label")}
        assert labels == {address["id"], control.find("textarea")["id"]}
        assert "WordPress" in control.get_text()


# --- _headers: framing allowed under embed/ only --------------------------------------

@pytest.mark.parametrize("host", ["netlify", "cloudflare"])
def test_headers_allow_framing_of_embed_variants_only(real_site, host):
    site = real_site.build.site_dir
    rules = parse_headers((site / "_headers").read_text(encoding="utf-8"))
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        paths = ["/" + relative]
        if relative.endswith("index.html"):
            paths.append("/" + relative[: -len("index.html")])
        meta = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser").select_one(
            'meta[http-equiv="Content-Security-Policy"]')["content"]
        for path in paths:
            headers = served_headers(rules, path, host)
            assert headers.get("referrer-policy") == "no-referrer", path
            expected = "*" if relative.startswith("embed/") else "'self'"
            if relative == "404.html" and path == "/404.html" or not relative.endswith("404.html"):
                # One policy per path (Cloudflare would join two with ", "), with the framing rule
                # and every hash the page's own <meta> policy allows.
                policy = directives(headers.get("content-security-policy", ""))
                assert policy["frame-ancestors"] == [expected], (host, path, headers)
                assert set(directives(meta)["script-src"]) <= set(policy["script-src"]), (host, path)
                assert {k: v for k, v in policy.items() if k not in ("frame-ancestors", "script-src")} == \
                    {k: v for k, v in directives(meta).items() if k != "script-src"}, (host, path)


@pytest.mark.parametrize("host", ["netlify", "cloudflare"])
def test_every_document_gets_one_policy_and_subresources_none(real_site, host):
    """An SVG or XML file opened on its own is a document of our origin: it
    gets the page policy; the scripts, stylesheets and data pages fetch get no
    policy of their own (547 bytes each, for nothing)."""
    site = real_site.build.site_dir
    rules = parse_headers((site / "_headers").read_text(encoding="utf-8"))
    documents = [p for p in site.rglob("*") if p.suffix in (".html", ".svg", ".xml")]
    assert any(p.suffix == ".svg" for p in documents) and any(p.suffix == ".xml" for p in documents)
    for path in documents:
        headers = served_headers(rules, "/" + path.relative_to(site).as_posix(), host)
        policy = directives(headers["content-security-policy"])  # one policy: a joined pair fails here
        assert policy["object-src"] == ["'none'"] and policy["script-src"][0] == "'self'", path
    for path in [*site.glob("assets/javascripts/*.js"), *site.glob("assets/stylesheets/*.css"),
                 site / "search" / "search_index.json"]:
        assert "content-security-policy" not in served_headers(rules, "/" + path.relative_to(site).as_posix(), host)


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: sources}; a directive twice fails."""
    result: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        assert name not in result, f"{name} twice in {policy!r}"
        result[name] = sources
    return result


def test_headers_follow_a_sub_path_site_url(build_fixture):
    build = build_fixture("embed", site_url="https://org.github.io/kb/").ok()
    rules = dict(parse_headers((build.site_dir / "_headers").read_text(encoding="utf-8")))
    assert directives(dict(rules["/kb/embed/*"])["content-security-policy"])["frame-ancestors"] == ["*"]
    assert directives(dict(rules["/kb/en/guide/*"])["content-security-policy"])["frame-ancestors"] == ["'self'"]
    assert "/kb/*" in rules and "/embed/*" not in rules and "/en/guide/*" not in rules
    _, document = oembed_of(build.site_dir, "guide/index.html", "https://org.github.io/kb/")
    assert 'src="https://org.github.io/kb/embed/guide/card.html"' in document["html"]
    assert 'src="https://org.github.io/kb/embed/guide/"' in snippet_of(build.site_dir, "guide/index.html")


# --- A partner page of another origin -------------------------------------------------

PARTNER_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title>
<script>
  window.kbMessages = [];
  window.addEventListener("message", function (event) {{ window.kbMessages.push(JSON.stringify(event.data)); }});
</script></head>
<body style="margin:0">
<h1>Un organisme partenaire</h1>
<div id="first" style="width:600px">{first}</div>
<p>Entre les deux cadres.</p>
<div id="second" style="width:400px">{second}</div>
</body></html>
"""


@pytest.fixture
def partner(serve_fixture, tmp_path):
    site = serve_fixture("embed")
    guide = snippet_of(site.build.site_dir, "guide/index.html")
    home = snippet_of(site.build.site_dir, "en/index.html")
    folder = tmp_path / "partner"
    folder.mkdir()
    (folder / "index.html").write_text(PARTNER_PAGE.format(first=guide, second=home), encoding="utf-8")
    port = free_port()
    server = serve(folder, port)
    yield site, f"http://127.0.0.1:{port}/"
    server.shutdown()


def frame_heights(page, selector: str):
    element = page.locator(f"{selector} iframe")
    outer = element.evaluate("frame => frame.getBoundingClientRect().height")
    inner = element.content_frame.locator("body").evaluate("body => body.getBoundingClientRect().height")
    return outer, inner


def wait_for_fit(page, selector: str, tolerance: float = 3.0):
    """The iframe's height once it matches its content's (or the last seen after 10 s)."""
    for _ in range(100):
        outer, inner = frame_heights(page, selector)
        if abs(outer - inner) <= tolerance and outer != 600:
            return outer, inner
        page.wait_for_timeout(100)
    return frame_heights(page, selector)


def test_partner_iframes_fit_their_content_and_follow_changes(partner, browser):
    site, partner_url = partner
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page = context.new_page()
        page.goto(partner_url)
        # Both embeds on the page take the height of their own content.
        outer, inner = wait_for_fit(page, "#first")
        assert abs(outer - inner) <= 3 and outer != 600, (outer, inner)
        outer2, inner2 = wait_for_fit(page, "#second")
        assert abs(outer2 - inner2) <= 3 and outer2 != 600, (outer2, inner2)
        frame = page.locator("#first iframe").content_frame
        # No site chrome inside.
        for chrome in (".md-header", ".md-sidebar", ".md-footer", ".md-search"):
            assert frame.locator(chrome).count() == 0
        # Opening the collapsed block makes the iframe grow with its content.
        frame.locator("details summary").first.click()
        page.wait_for_function(f"document.querySelector('#first iframe').getBoundingClientRect().height > {outer + 50}")
        grown, inner = wait_for_fit(page, "#first")
        assert grown > outer + 50 and abs(grown - inner) <= 3, (outer, grown, inner)
        # A narrower window makes lines wrap: the iframe follows.
        page.evaluate("document.querySelector('#first').style.width = '320px'")
        page.wait_for_function(f"document.querySelector('#first iframe').getBoundingClientRect().height > {grown + 20}")
        narrow, _ = wait_for_fit(page, "#first")
        # A larger font size inside the page (the reader's zoom): the iframe follows.
        frame.locator("html").evaluate("html => { html.style.fontSize = '200%' }")
        page.wait_for_function(f"document.querySelector('#first iframe').getBoundingClientRect().height > {narrow + 100}")
        zoomed, inner = wait_for_fit(page, "#first")
        assert abs(zoomed - inner) <= 3, (zoomed, inner)
        # The child never sends the partner's address: only its own height.
        messages = page.evaluate("window.kbMessages")
        assert messages and all(json.loads(m).keys() == {"type", "height"} for m in messages)
        assert not any(urlsplit(partner_url).netloc in m for m in messages)
        # Every request stayed on 127.0.0.1 (the partner's port and the site's).
        assert {urlsplit(url).hostname for url in requests if url.startswith("http")} == {"127.0.0.1"}
        assert context.cookies() == []
        # The source line opens the full page in the top window, not in the iframe.
        with page.expect_navigation():
            frame.locator(".kb-embed-source a").click()
        assert page.url == site.base_url + "guide/"
    finally:
        context.close()


def test_embed_ignores_messages_from_other_origins(partner, browser):
    site, partner_url = partner
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(partner_url)
        outer, _ = wait_for_fit(page, "#first")
        # A script of the partner page forging a height message (wrong source window) is ignored.
        page.evaluate("window.postMessage({type: 'kb-embed:height', height: 5}, '*')")
        page.wait_for_timeout(300)
        assert abs(page.locator("#first iframe").evaluate("f => f.getBoundingClientRect().height") - outer) <= 1
    finally:
        context.close()


PROBE = """
var seen = [];
try { top.location.href = "http://127.0.0.1:9/taken"; seen.push("navigated") } catch (e) { seen.push("navigation " + e.name) }
try { seen.push("read " + parent.document.title) } catch (e) { seen.push("parent " + e.name) }
document.title = seen.join(", ");
parent.postMessage({kbProbe: document.title}, "*");
"""


def test_nothing_in_an_embed_can_navigate_or_script_the_partner_page(partner, browser, tmp_path):
    """The iframe is sandboxed: the embed keeps its origin and its script, but a
    script in it (here a probe served as one of the site's files, run on load,
    without any click) can neither move the partner's page nor reach its
    document; a link to another site opens a new tab, not the top window.
    (Popups are allowed, for those links: Playwright's Chromium blocks none,
    so a script-opened window is not tested; no editor script runs anyway.)

    Nothing is evaluated in either page before the probe has reported: a
    Playwright evaluate counts as a user gesture, and the sandbox rightly lets
    a frame with a gesture navigate the top window (that is a reader's click).
    The probe is in the partner's page from the start, and reports through a
    message the partner's page logs to the console. (Without a gesture,
    Chromium refuses a cross-origin frame's top navigation even unsandboxed:
    a run without the sandbox passes too. The sandbox's own attributes are
    held by the output check, kbsite/site_safety.py, and tests/test_site_safety.py.)"""
    site, partner_url = partner
    embed_dir = site.build.site_dir / "embed"
    (embed_dir / "probe.js").write_text(PROBE, encoding="utf-8")
    (embed_dir / "probe.html").write_text('<!doctype html><title>probe</title><script src="probe.js"></script>',
                                          encoding="utf-8")
    code = re.sub(r'src="[^"]*embed/guide/"', f'src="{site.base_url}embed/probe.html"',
                  snippet_of(site.build.site_dir, "guide/index.html"))
    page_with_probe = (tmp_path / "partner" / "index.html").read_text(encoding="utf-8").replace(
        "</body>", f'<div id="probe">{code}</div>\n<script>window.addEventListener("message", function (event) '
                   '{ if (event.data && event.data.kbProbe) console.log("kbProbe: " + event.data.kbProbe); });'
                   "</script></body>")
    (tmp_path / "partner" / "probe.html").write_text(page_with_probe, encoding="utf-8")
    context = browser.new_context()
    try:
        page = context.new_page()
        reports = []
        page.on("console", lambda message: message.text.startswith("kbProbe: ") and reports.append(message.text[9:]))
        page.goto(partner_url + "probe.html")
        for _ in range(200):
            if reports:
                break
            page.wait_for_timeout(100)
        outcome = reports[0] if reports else None
        page.wait_for_timeout(300)
        partner_url = partner_url + "probe.html"
        assert page.url == partner_url, outcome
        assert outcome == "navigation SecurityError, parent SecurityError", outcome
        # A reader's click on a link to another site: a new tab, the partner's page stays.
        guide = page.locator("#first iframe").content_frame
        with context.expect_page() as popup:
            guide.locator('a[href="https://example.org/"]').click()
        assert popup.value is not None
        page.wait_for_timeout(200)
        assert page.url == partner_url, "a link to another site took the partner's page away"
    finally:
        context.close()


def test_every_embed_variant_resolves_to_its_full_page_and_existing_assets(real_site):
    """The link checker skips embed variants (they repeat their full page's
    links): their own parts are checked here, for every one of them."""
    site, base = real_site.build.site_dir, real_site.base_url
    variants = sorted(p for p in [*site.joinpath("embed").rglob("index.html"), *site.joinpath("embed").rglob("card.html")]
                      if not is_redirect_page(p))
    assert len(variants) == 2 * len(full_pages(site))
    for variant_file in variants:
        relative = variant_file.relative_to(site).as_posix()
        variant = soup(variant_file)
        folder = relative[: relative.rindex("/") + 1] if "/" in relative else ""
        resolved = urljoin(base + relative, variant.find("base")["href"])
        assert resolved == base + folder[len("embed/"):], relative
        assert (site / resolved[len(base):] / "index.html").is_file()
        for tag, attribute in (("link", "href"), ("script", "src")):
            for element in variant.find_all(tag, attrs={attribute: True}):
                url = urljoin(resolved, element[attribute])
                if url.startswith(base) and element.get("rel") != ["canonical"]:
                    assert (site / urlsplit(url).path.lstrip("/")).exists(), (relative, url)
