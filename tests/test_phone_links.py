"""Tap to call (kbsite/phone_links.py): 911 and the support team's line are
tel: links wherever a page, a template or an embed shows them (issue 18)."""

from __future__ import annotations

import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from kbsite.phone_links import link_numbers

NUMBER = re.compile(r"(?<![\w-])(911|514[ \u00a0]863-7234)(?![\w-])")
NOT_TEXT = ("script", "style", "template", "textarea", "title", "code", "pre")


@pytest.mark.parametrize("html, expected", [
    ("<p>Appelez le <strong>911</strong>.</p>", '<p>Appelez le <strong><a class="kb-tel" href="tel:911">911</a></strong>.</p>'),
    ("<p>514 863-7234</p>", '<p><a class="kb-tel" href="tel:+15148637234">514 863-7234</a></p>'),
    ("<p>514&nbsp;863-7234</p>", '<p><a class="kb-tel" href="tel:+15148637234">514&nbsp;863-7234</a></p>'),
    ('<a href="tel:911">appelez le 911</a>', '<a href="tel:911">appelez le 911</a>'),  # already a link
    ('<div title="911" data-x="911">x</div>', '<div title="911" data-x="911">x</div>'),  # attributes
    ("<title>911</title><code>911</code><pre>911</pre><script>911</script><!-- 911 -->",
     "<title>911</title><code>911</code><pre>911</pre><script>911</script><!-- 911 -->"),
    ("<p>2911, 9110, 911-2, n911</p>", "<p>2911, 9110, 911-2, n911</p>"),  # not the number
    ("<abbr title='x'>911</abbr> <article>911</article>",
     '<abbr title=\'x\'><a class="kb-tel" href="tel:911">911</a></abbr> <article><a class="kb-tel" href="tel:911">911</a></article>'),
])
def test_numbers_in_text_become_tel_links(html, expected):
    assert link_numbers(html) == expected


def unlinked_numbers(html: str) -> list[str]:
    """Text of the page with an emergency number that is not inside a tel: link."""
    tree = LexborHTMLParser(html)
    found = []
    for node in tree.root.traverse(include_text=True):
        if node.tag != "-text" or not NUMBER.search(node.text(deep=False) or ""):
            continue
        parent, inside = node.parent, False
        while parent is not None:
            if parent.tag in NOT_TEXT or (parent.tag == "a" and (parent.attributes.get("href") or "").startswith("tel:")):
                inside = True
                break
            parent = parent.parent
        if not inside:
            found.append(node.text(deep=False).strip())
    return found


def test_every_emergency_number_of_the_real_site_is_a_tel_link(real_site):
    site = real_site.build.site_dir
    pages = sorted(site.rglob("*.html"))
    missing, without_911 = {}, []
    for path in pages:
        html = path.read_text(encoding="utf-8")
        relative = path.relative_to(site).as_posix()
        if unlinked := unlinked_numbers(html):
            missing[relative] = unlinked
        if not relative.startswith("embed/") and 'href="tel:911"' not in html:
            without_911.append(relative)
    assert missing == {}
    assert without_911 == []  # the footer (or the page itself) gives 911 on every page a reader opens
    # The support team's line, on its page, in both languages.
    for page in ("outils/joindre-equipe-soutien/index.html", "en/outils/joindre-equipe-soutien/index.html"):
        links = LexborHTMLParser((site / page).read_text(encoding="utf-8")).css('a[href="tel:+15148637234"]')
        assert links, page
