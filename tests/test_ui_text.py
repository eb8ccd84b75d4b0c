"""The interface text catalogue (schema/ui.yml, kbsite/ui_text.py) and the one
language-suffix helper (kbsite/languages.py): complete in every language,
every key the templates ask for exists, a missing key is an error naming it."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT
from kbsite import ui_text
from kbsite.languages import split_suffix, suffixed

KB_T = re.compile(r"""kb_t\(\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*(["'])(?P<key>[^"']+)\1\s*\)""")


def site_languages() -> list[str]:
    """mkdocs.yml's i18n languages, the default first."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    return [lang["locale"] for lang in sorted(i18n["languages"], key=lambda lang: not lang.get("default"))]


def template_keys() -> dict[str, set[str]]:
    """Every kb_t("key") of overrides/, by template."""
    found = {}
    for path in sorted((ROOT / "overrides").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        calls = text.count("kb_t(")
        keys = {m["key"] for m in KB_T.finditer(text)}
        assert len(KB_T.findall(text)) == calls, f"{path.name}: a kb_t call whose key is not a literal"
        if keys:
            found[path.relative_to(ROOT).as_posix()] = keys
    return found


def test_every_language_of_the_site_has_a_table_with_every_key():
    assert ui_text.languages() == site_languages()  # the default first: it is the fallback
    tables = ui_text.catalogue()
    default = tables[ui_text.languages()[0]]
    for language, table in tables.items():
        assert table.keys() == default.keys(), language
    assert all(len(table["months"]) == 12 for table in tables.values())


def test_every_key_the_templates_use_exists():
    used = template_keys()
    assert used, "no kb_t call found in overrides/"
    keys = ui_text.strings(ui_text.languages()[0]).keys()
    missing = {template: sorted(k - keys) for template, k in used.items() if k - keys}
    assert missing == {}
    assert not (ROOT / "overrides" / "partials" / "kb-text.html").exists()
    assert not any("kb-text.html" in p.read_text(encoding="utf-8") for p in (ROOT / "overrides").rglob("*.html"))


def test_every_key_is_used_somewhere():
    """A text nobody shows is a text nobody keeps up to date."""
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("overrides", "hooks", "tools")
                     for p in (ROOT / folder).rglob("*") if p.suffix in (".html", ".py"))
    unused = [key for key in ui_text.strings(ui_text.languages()[0]) if f'"{key}"' not in code
              and f"'{key}'" not in code]
    assert unused == []


def test_texts_are_plain_text():
    """Templates escape what they print: markup here would show as text."""
    for language, table in ui_text.catalogue().items():
        for key, value in table.items():
            for text in value if isinstance(value, list) else [value]:
                assert not re.search(r"[<>]|&[#A-Za-z]", text), f"{language}.{key}"


def test_a_missing_key_is_an_error_that_names_it():
    with pytest.raises(ui_text.TextError, match=r"no text 'no_such_key' \(language 'en'\)"):
        ui_text.text("en", "no_such_key")
    with pytest.raises(ui_text.TextError, match="is a list"):
        ui_text.text("fr", "months")


def test_a_catalogue_missing_a_key_in_one_language_fails_naming_both(tmp_path):
    path = tmp_path / "ui.yml"
    path.write_text("fr:\n  a: Un\n  b: Deux\nen:\n  a: One\n", encoding="utf-8")
    with pytest.raises(ui_text.TextError, match=r"ui.yml: 'en' has no text 'b' \('fr' has\)"):
        ui_text.load(path, "ui.yml")
    path.write_text("fr:\n  a: Un\nen:\n  a: [One]\n", encoding="utf-8")
    with pytest.raises(ui_text.TextError, match=r"en\.a must be a text"):
        ui_text.load(path, "ui.yml")


def test_a_language_without_a_table_gets_the_default_languages_text():
    default = ui_text.languages()[0]
    assert ui_text.text("xx", "reviewed") == ui_text.text(default, "reviewed")


def test_one_helper_splits_and_joins_the_language_suffix():
    assert split_suffix("guides/x.en.md", ["en"]) == ("guides/x.md", "en")
    assert split_suffix("guides/x.en.md", ["es"]) == ("guides/x.en.md", None)
    assert split_suffix("guides/x.md", ["en"]) == ("guides/x.md", None)
    assert split_suffix("guides/x.pt_BR.md") == ("guides/x.md", "pt_BR")  # any code, without the config
    assert split_suffix("guides/en.md") == ("guides/en.md", None)
    assert suffixed("guides/x.md", "en") == "guides/x.en.md" and suffixed("guides/x.md", None) == "guides/x.md"
