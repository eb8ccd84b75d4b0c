"""Embeds where partners publish (issue 15): a real WordPress, a partner site
that keeps only a bare iframe, and the height of every real page's card.

WordPress is Debian's package with a private MariaDB (tests/wordpress_site.py,
the ``wordpress`` fixture); it may fetch our site only, served at
``embed_origin``. Posts embed a French and an English page the way an editor
does (an Embed block of the page's address); Chromium then reads the public
post at 1,200 and 360 px.
"""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import Served, free_port, is_redirect_page, serve

# One WordPress for the whole file: with pytest-xdist, its tests stay on one worker.
pytestmark = pytest.mark.xdist_group("wordpress")

WIDTHS = (1200, 360)
PAGES = ("guide/", "en/guide/")  # tests/fixtures/embed: a French and an English guide


@pytest.fixture(scope="session")
def embedded_site(tmp_path_factory, embed_origin) -> Served:
    """tests/fixtures/embed built for ``embed_origin`` and served there, with _headers."""
    from conftest import build_fixture_into

    base_url = embed_origin + "/"
    build = build_fixture_into(tmp_path_factory.mktemp("embedded"), "embed", base_url).ok()
    server = serve(build.site_dir, urllib.parse.urlsplit(embed_origin).port, with_headers=True)
    yield Served(build, base_url)
    server.shutdown()


def embed_block(url: str) -> str:
    """What WordPress's block editor saves for an Embed block of ``url``."""
    return (f'<!-- wp:embed {{"url":"{url}","type":"wp-embed"}} -->\n'
            '<figure class="wp-block-embed is-type-wp-embed"><div class="wp-block-embed__wrapper">\n'
            f"{url}\n</div></figure>\n<!-- /wp:embed -->")


@pytest.fixture(scope="session")
def posts(wordpress, embedded_site) -> dict[str, str]:
    """One published post per page, embedding it; WordPress fetched our page and its oEmbed document only."""
    published = {}
    for page in PAGES:
        seen = len(wordpress.requests_log())
        published[page] = wordpress.publish(f"Partenaire : {page}", embed_block(embedded_site.base_url + page))
        with urllib.request.urlopen(published[page], timeout=60):  # the first view fetches the embed (then cached)
            pass
        made = wordpress.requests_log()[seen:]
        paths = [urllib.parse.urlsplit(request["url"]).path for request in made]
        assert all(request["url"].startswith(embedded_site.base_url) and request["allowed"] for request in made), made
        assert paths == [f"/{page}", f"/embed/{page}oembed.json"], made
    return published


def test_wordpress_keeps_the_blockquote_and_the_card_iframe(posts, embedded_site):
    for page, post in posts.items():
        with urllib.request.urlopen(post, timeout=60) as response:
            html = LexborHTMLParser(response.read().decode("utf-8"))
        quote = html.css_first("blockquote.wp-embedded-content")
        iframe = html.css_first("iframe.wp-embedded-content")
        assert quote is not None and iframe is not None, post
        assert quote.css_first("a").attributes["href"] == embedded_site.base_url + page
        assert iframe.attributes["src"].startswith(f"{embedded_site.base_url}embed/{page}card.html#?secret=")
        assert iframe.attributes["frameborder"] == "0"
        # WordPress loads its resizer because of the blockquote.
        assert any("wp-embed" in (script.attributes.get("src") or "") for script in html.css("script")), post


def watch(context) -> tuple[list[str], list[str]]:
    """(every request URL, every console error and page error) of a browser context."""
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda request: requests.append(request.url))

    def on_page(page):
        page.on("console", lambda message: errors.append(f"{page.url}: {message.text}")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    context.on("page", on_page)
    return requests, errors


def fitted(page, iframe_selector: str, tolerance: float = 10, previous: float | None = None):
    """(iframe height, embedded document height) once they agree within
    ``tolerance`` (and differ from ``previous``), or as last seen after 15 s."""
    iframe = page.locator(iframe_selector)
    frame = iframe.content_frame
    for _ in range(150):
        outer = iframe.evaluate("element => element.getBoundingClientRect().height")
        inner = frame.locator("body").evaluate("body => Math.ceil(body.getBoundingClientRect().height)")
        if abs(outer - inner) <= tolerance and (previous is None or abs(outer - previous) > tolerance):
            return outer, inner
        page.wait_for_timeout(100)
    return outer, inner


def visible(page, selector: str) -> bool:
    """The element is on screen, not clipped away, and what a click at its centre hits."""
    return page.locator(selector).evaluate("""element => {
        const box = element.getBoundingClientRect();
        if (box.width < 100 || box.height < 100) return false;
        element.scrollIntoView();
        const again = element.getBoundingClientRect();
        return document.elementFromPoint(again.left + again.width / 2, again.top + Math.min(50, again.height / 2)) === element;
    }""")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_path", PAGES)
def test_an_embed_in_wordpress_is_visible_sized_and_opens_the_full_page(browser, posts, embedded_site, page_path, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    requests, errors = watch(context)
    try:
        page = context.new_page()
        page.goto(posts[page_path], wait_until="load")
        iframe = "iframe.wp-embedded-content"
        outer, inner = fitted(page, iframe)
        assert abs(outer - inner) <= 10, (outer, inner)
        assert 200 <= outer <= 1000, outer  # WordPress's clamp: the card fits inside it
        assert visible(page, iframe)
        assert page.locator("blockquote.wp-embedded-content").is_hidden()  # wp-embed.js hid the fallback
        # The embed is no wider than its column (no border overflowing a phone's 312 px).
        widths = page.locator(iframe).evaluate(
            "element => [element.getBoundingClientRect().width, element.parentElement.getBoundingClientRect().width]")
        assert widths[0] <= widths[1] + 0.5, widths
        # A content change inside the embed: the iframe follows.
        frame = page.locator(iframe).content_frame
        frame.locator("article").evaluate("""article => { for (let i = 0; i < 4; i++) {
            const p = document.createElement('p'); p.textContent = 'Une ligne ajoutée pour grandir le cadre.';
            article.append(p); } }""")
        grown, inner = fitted(page, iframe, previous=outer)
        assert grown > outer and abs(grown - inner) <= 10, (outer, grown, inner)
        # The source line opens the full page in the top window.
        with page.expect_navigation():
            frame.locator(".kb-embed-source a").click()
        assert page.url == embedded_site.base_url + page_path
        # No request to another host, no error anywhere (the post, the sandboxed card, the full page).
        hosts = {urllib.parse.urlsplit(url).hostname for url in requests if url.startswith("http")}
        assert hosts == {"127.0.0.1"}, sorted(set(requests))
        assert errors == [], errors
    finally:
        context.close()


def test_a_link_in_the_card_opens_the_full_page_at_its_section(browser, posts, embedded_site):
    context = browser.new_context(viewport={"width": 360, "height": 900})
    requests, errors = watch(context)
    try:
        page = context.new_page()
        page.goto(posts["guide/"], wait_until="load")
        frame = page.locator("iframe.wp-embedded-content").content_frame
        section = frame.locator(".kb-embed-card li a").first
        href = section.get_attribute("href")
        assert href.startswith(embedded_site.base_url + "guide/#"), href
        with page.expect_navigation():
            section.click()
        assert page.url == href
        assert errors == [], errors
    finally:
        context.close()


def test_a_link_to_another_site_leads_to_the_full_page_in_wordpress(browser, posts, embedded_site):
    """WordPress's sandbox allows no popup and wp-embed.js follows links to our
    site only: a link to another site (none is in a card today; the full
    embed variant has some) takes the reader to our full page, where it works,
    and logs no error."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requests, errors = watch(context)
    try:
        page = context.new_page()
        page.goto(posts["guide/"], wait_until="load")
        shown = "() => { const f = document.querySelector('iframe.wp-embedded-content'); return f && !f.getAttribute('style') }"
        try:  # wp-embed.js removes the iframe's hiding style on the card's first message
            page.wait_for_function(shown, timeout=15_000)
        except Exception:
            state = page.evaluate("() => { const f = document.querySelector('iframe.wp-embedded-content');"
                                  " return [f.getAttribute('style'), f.height, f.src] }")
            pytest.fail(f"WordPress never showed the card (no message from it reached wp-embed.js): {state}")
        frame = page.locator("iframe.wp-embedded-content").content_frame
        frame.locator("article").evaluate("""article => { const a = document.createElement('a');
            a.href = 'https://example.org/'; a.id = 'elsewhere'; a.textContent = 'un autre site';
            article.prepend(a); }""")
        link = frame.locator("#elsewhere")
        try:
            with page.expect_navigation():
                link.click(timeout=20_000)
        except Exception as error:  # seen once in a full run: say what the page looked like
            box = page.locator("iframe.wp-embedded-content").bounding_box()
            pytest.fail(f"the link could not be clicked ({type(error).__name__}): iframe box {box}, "
                        f"link box {link.bounding_box()}, page at {page.url}")
        assert page.url == embedded_site.base_url + "guide/"
        assert "example.org" not in " ".join(requests) and errors == [], (requests, errors)
    finally:
        context.close()


BARE_PARTNER = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"></head>
<body style="margin:0 24px"><h1>Un organisme partenaire</h1><div id="embed">{iframe}</div></body></html>
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_a_bare_iframe_without_script_is_readable_and_links_to_the_full_page(browser, embedded_site, tmp_path, width):
    """A site builder that keeps only the iframe of the code we give (no script):
    a fixed height, the source line on screen, a working link to the full page."""
    full = embedded_site.build.site_dir / "guide" / "index.html"
    code = LexborHTMLParser(full.read_text(encoding="utf-8")).css_first("details.kb-embed-control textarea").text()
    iframe = re.search(r"<iframe\b[^>]*></iframe>", code).group(0)  # the script is what such a site strips
    folder = tmp_path / "bare"
    folder.mkdir()
    (folder / "index.html").write_text(BARE_PARTNER.format(iframe=iframe), encoding="utf-8")
    port = free_port()
    server = serve(folder, port)
    context = browser.new_context(viewport={"width": width, "height": 900})
    requests, errors = watch(context)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/", wait_until="load")
        page.wait_for_timeout(500)
        assert page.locator("#embed iframe").evaluate("element => element.getBoundingClientRect().height") == 600
        assert visible(page, "#embed iframe")
        frame = page.locator("#embed iframe").content_frame
        source = frame.locator(".kb-embed-source a")
        assert source.is_visible()
        inside = source.evaluate("link => link.getBoundingClientRect().bottom")
        assert inside < 600, inside  # readable without scrolling inside the frame
        with page.expect_navigation():
            source.click()
        assert page.url == embedded_site.base_url + "guide/"
        hosts = {urllib.parse.urlsplit(url).hostname for url in requests if url.startswith("http")}
        assert hosts == {"127.0.0.1"} and errors == [], (sorted(set(requests)), errors)
    finally:
        context.close()
        server.shutdown()


def test_every_card_of_the_real_site_fits_wordpress_at_a_phone_column(browser, real_site):
    """WordPress clamps an embed to 200-1,000 px: every real page's card, 312 px
    wide (a 360 px phone's column), must be shorter than that."""
    site, base = real_site.build.site_dir, real_site.base_url
    cards = sorted(p.relative_to(site).as_posix() for p in site.joinpath("embed").rglob("card.html")
                   if not is_redirect_page(p))
    assert len(cards) >= 60
    context = browser.new_context(viewport={"width": 312, "height": 800})
    tall = {}
    try:
        page = context.new_page()
        for card in cards:
            page.goto(base + card, wait_until="load")
            height = page.locator("body").evaluate("body => Math.ceil(body.getBoundingClientRect().height)")
            if not 200 <= height <= 1000:
                tall[card] = height
    finally:
        context.close()
    assert tall == {}, tall
