"""python3 dev.py readability (hooks/kbsite/readability.py): what counts as
prose, the two formulas, and the emergency pages within the target."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import FRONT_MATTER, ROOT
from kbsite import readability


def test_prose_is_paragraphs_and_list_items_without_markdown():
    body = """# Un titre qui ne compte pas

Un paragraphe avec [un lien](https://example.org/) et du **gras**[^1] {#id}.
Il continue ici.

- un élément de liste
- un autre

| une | table |
|---|---|

```
du code
```

!!! danger "Urgence"
    Appelez le 911.

[^1]: Une note.
"""
    paragraphs, items = readability.prose(body)
    assert paragraphs == ["Un paragraphe avec un lien et du gras. Il continue ici.", "Appelez le 911."]
    assert items == ["un élément de liste", "un autre"]


def page(body: str) -> str:
    return FRONT_MATTER + body


def test_long_sentences_are_counted_in_paragraphs_only():
    long = " ".join(["mot"] * 40) + "."
    score = readability.score("x.md", page(f"# T\n\n{long}\n\n- {long}\n"), "fr")
    assert [words for words, _ in score.long_sentences] == [40]
    assert score.sentences == 2 and score.over_target == 1


@pytest.mark.parametrize("language, text, expected", [
    # Flesch: 206.835 - 1.015 x 4 words per sentence - 84.6 x 1 syllable per word
    ("en", "The cat sat down. The dog ran off.", 206.835 - 1.015 * 4 - 84.6 * 1),
    # Kandel-Moles: 207 - 1.015 x 3 - 73.6 x 1 (pyphen finds no hyphenation point)
    ("fr", "Le chat dort. Le chien court.", 207 - 1.015 * 3 - 73.6 * 1),
])
def test_the_formulas_are_flesch_and_kandel_moles(language, text, expected):
    score = readability.score("x.md", page(f"# T\n\n{text}\n"), language)
    assert score.ease == pytest.approx(expected, abs=0.1)


def test_the_emergency_pages_meet_the_plain_language_target():
    for name, language in (("surdose.md", "fr"), ("surdose.en.md", "en")):
        score = readability.score(name, (ROOT / "docs" / name).read_text(encoding="utf-8"), language)
        assert score.targeted and score.meets_target, (name, score.ease, score.long_sentences)


def test_the_command_prints_a_table_for_every_page():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "content.py"), "readability", "--targeted"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "| surdose.md | reference |" in result.stdout and "| guides/guide-tuo.md | guide |" in result.stdout
