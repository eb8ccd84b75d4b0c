"""CSS and SVG rules (kbsite.markup_rules): what a regex would miss, a tokenizer reads.

The five CSS tricks came from a red-team pass: each hid a url() to another
host from the first, regular-expression version of the check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from kbsite import markup_rules

TRICKS = {
    "comment start in a string": 'a{content:"/*"} body{background:url(https://tracker.example/a.png)} b{content:"*/"}',
    "escaped quote in image-set": '.b{background-image:image-set("\\"" 3x, "https://tracker.example/b.png" 1x)}',
    "line break in a string": '@import "https://tracker.example/\\\nc.css";',
    "escaped star": "x{--a:/\\2a} .d{background:url(https://tracker.example/d.png)} y{--b:\\2a/}",
    "comment start in url()": "a{b:url(/*)} html{border-image:url(https://tracker.example/e.png)} /**/",
    "escaped url function": "body{background:u\\72l(//tracker.example/x)}",
    "javascript in url()": 'a{background:url("javascript:alert(1)")}',
    "expression()": "a{width:expression(alert(1))}",
}


def same_site(url: str) -> bool:
    return not url.startswith(("http:", "https:", "//"))


@pytest.mark.parametrize("name", TRICKS)
def test_a_hidden_load_is_found(name):
    assert markup_rules.css_problems(TRICKS[name], same_site), name


def test_the_sites_own_stylesheets_pass():
    material = Path(__import__("material").__file__).parent / "templates" / "assets" / "stylesheets"
    sheets = sorted(material.glob("*.min.css")) + [ROOT / "docs" / "assets" / "stylesheets" / "extra.css"]
    assert len(sheets) >= 3
    for sheet in sheets:
        assert markup_rules.css_problems(sheet.read_text(encoding="utf-8"), same_site) == [], sheet.name


def test_svg_keeps_to_the_elements_of_an_image():
    clean = ('<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"><stop offset="0"/>'
             '</linearGradient></defs><rect width="10" height="10" fill="url(#g)" style="stroke:url(#g)"/>'
             '<text font-family="\'Arial\'">Texte</text></svg>')
    assert markup_rules.svg_problems(clean) == []
    assert markup_rules.svg_problems((ROOT / "docs" / "assets" / "images" / "favicon.svg").read_text()) == []
    for bad in ('<svg xmlns="http://www.w3.org/2000/svg"><textarea>x</textarea></svg>',
                '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="u\\72l(https://tracker.example/x)"/></svg>',
                '<svg xmlns="http://www.w3.org/2000/svg" xmlns:q="http://www.w3.org/1999/xlink"><a>'
                '<set attributeName="q:href" to="javascript:alert(1)"/></a></svg>'):
        assert markup_rules.svg_problems(bad), bad
