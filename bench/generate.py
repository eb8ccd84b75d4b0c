"""Generate a bilingual doc tree of N pages per language for benchmarks.

Pages take the shapes of the real site: front matter, accented French headings,
abbreviations (defined by includes/abbreviations.<lang>.md), links between
pages (some with fragments, some to footnotes), an image, an admonition, a
table and an external link. Every link is valid, so a build with --strict
succeeds and the link checker has real work and nothing to report.

Pages go into the site's seven sections, in folders of at most GROUP_SIZE
pages (``guides/g003/page-00421.md``), as a knowledge base of thousands of
pages would be organised: a menu of hundreds of entries in one folder is
unusable for a reader, and Material would render all of them in every page.

    python bench/generate.py OUT_DIR --pages 1000
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["guides", "outils", "collaboration", "covid", "evenements", "histoires", "references"]
HEADINGS = {
    "fr": ["Matériel essentiel", "Accès au traitement", "Sécurité et naloxone", "Suivi en continu", "Équipes et pairs"],
    "en": ["Essential supplies", "Access to treatment", "Safety and naloxone", "Continuous follow-up", "Teams and peers"],
}
ANCHORS = {
    "fr": ["matériel-essentiel", "accès-au-traitement", "sécurité-et-naloxone", "suivi-en-continu", "équipes-et-pairs"],
    "en": ["essential-supplies", "access-to-treatment", "safety-and-naloxone", "continuous-follow-up", "teams-and-peers"],
}
TEXT = {
    "fr": "Les intervenantes et intervenants de première ligne offrent du matériel, de l'information et un accompagnement sans jugement.",
    "en": "Frontline workers offer supplies, information and support without judgement.",
}
# Terms defined in includes/abbreviations.<lang>.md (tooltips on every page).
ABBREVIATIONS = {
    "fr": "Le CAMI et le CIUSSS travaillent avec le TAO pendant la COVID-19.",
    "en": "The CIUSSS and OAT programmes adapted during COVID-19.",
}
GROUP_SIZE = 40


def page_paths(count: int) -> list[str]:
    """Round-robin over the sections, GROUP_SIZE pages per folder."""
    return [f"{SECTIONS[i % len(SECTIONS)]}/g{i // len(SECTIONS) // GROUP_SIZE:03d}/page-{i:05d}"
            for i in range(count)]


def relative(from_path: str, to_path: str) -> str:
    up = "../" * from_path.count("/")
    return f"{up}{to_path}"


def page_text(path: str, lang: str, paths: list[str], rng: random.Random) -> str:
    suffix = "" if lang == "fr" else ".en"
    number = int(path.rsplit("-", 1)[1])
    lines = [
        "---",
        f"title: {'Page' if lang == 'en' else 'Fiche'} {number}",
        f"description: {TEXT[lang][:100]}",
        f"type: {['guide', 'toolkit', 'story', 'practice', 'event', 'reference'][number % 6]}",
        "audience: [frontline]",
        f"topics: [{['overdose', 'naloxone', 'safer-supply', 'peer-work', 'covid-19'][number % 5]}]",
        "sources:",
        f"  - title: Benchmark source {number}",  # one source per page (a source has one URL site-wide)
        "    publisher: Benchmark publisher",
        "    date: 2021-04-12",
        f"    url: https://example.org/source/page-{number}",
        "last_reviewed: 2026-01-15",
        "review_every: 12",
        "---",
        "",
        f"# {'Page' if lang == 'en' else 'Fiche'} {number}",
        "",
    ]
    for index, heading in enumerate(HEADINGS[lang]):
        target = rng.choice(paths)
        anchor = ANCHORS[lang][rng.randrange(len(ANCHORS[lang]))]
        lines += [
            f"## {heading}",
            "",
            f"{TEXT[lang]} [{heading}]({relative(path, target)}{suffix}.md#{anchor}) "
            f"[^{index + 1}] <a href=\"#{ANCHORS[lang][0]}\">↑</a>",
            "",
        ]
    lines += [ABBREVIATIONS[lang], ""]
    lines += [
        '!!! warning "911"',
        f"    {TEXT[lang]}",
        "",
        "| A | B |",
        "|---|---|",
        f"| [{paths[0]}]({relative(path, paths[0])}{suffix}.md) | ![]({relative(path, 'assets/images/favicon.svg')}) |",
        "",
        f"[Source](https://example.org/source/page-{number})",
        "",
    ]
    lines += [f"[^{index + 1}]: {TEXT[lang]}" for index in range(len(HEADINGS[lang]))]
    return "\n".join(lines) + "\n"


def generate(out: Path, count: int, seed: int = 1) -> Path:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(ROOT / "docs" / "assets", out / "assets")
    rng = random.Random(seed)
    paths = page_paths(count - 1)  # plus the home page
    for lang in ("fr", "en"):
        suffix = "" if lang == "fr" else ".en"
        home = [f"# {'Accueil' if lang == 'fr' else 'Home'}", ""]
        home += [f"- [{p}]({p}{suffix}.md)" for p in paths[:50]]
        (out / f"index{suffix}.md").write_text(
            f"---\ntitle: {'Accueil' if lang == 'fr' else 'Home'}\n"
            "description: Home page of a generated site used to measure the cost of the build and its checks.\n"
            "type: reference\naudience: [frontline]\ntopics: [training]\nsources: []\n"
            "last_reviewed: 2026-01-15\nreview_every: 12\n---\n\n"
            + "\n".join(home) + "\n", encoding="utf-8")
        for path in paths:
            file = out / f"{path}{suffix}.md"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(page_text(path, lang, paths, rng), encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=1000, help="pages per language")
    args = parser.parse_args()
    generate(args.out, args.pages)
