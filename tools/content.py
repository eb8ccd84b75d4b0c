"""Editor commands over docs/ (run through dev.py, inside .venv).

    python3 dev.py new TYPE SLUG [--folder F] [--title "Titre"]   a new page pair
    python3 dev.py check [--format text|github]    files, front matter and snippets of every page
    python3 dev.py parity [--stamp PAGE.en.md]     translations: missing, outdated, different
    python3 dev.py report                          overdue reviews, then parity
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kbsite import content, frontmatter, translations, ui_text
from kbsite.languages import split_suffix, suffixed

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = ROOT  # mkdocs.yml and includes/ (ROOT only names files in messages)

DOCS = ROOT / "docs"
FOLDERS = {"guide": "guides", "toolkit": "outils", "story": "histoires", "practice": "pratiques",
           "event": "evenements", "reference": "references"}


def site_config() -> dict:
    """mkdocs.yml as data (its !ENV and python tags left out: not needed here)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load((REPOSITORY / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader) or {}


def languages() -> list[str]:
    """The site's languages (mkdocs.yml, i18n plugin), the default first."""
    for plugin in site_config().get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            found = [lang for lang in plugin["i18n"].get("languages") or [] if lang.get("build", True)]
            return [lang["locale"] for lang in sorted(found, key=lambda lang: not lang.get("default"))]
    return ui_text.languages()


def placeholders() -> list[str]:
    """The text a new page holds until an editor writes it, in every language."""
    return [ui_text.text(code, "new_page_placeholder") for code in languages()]


def page_text(language: str, page_type: str, title: str, reviewed: str, stamp: str | None = None) -> str:
    words = ui_text.strings(language)
    placeholder = words["new_page_placeholder"]
    description = words["new_page_description"].format(placeholder=placeholder)
    source = "" if page_type == "reference" else (
        f'\n  - title: "{placeholder}"\n    publisher: "{placeholder}"\n    date: n.d.\n')
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"description: {json.dumps(description, ensure_ascii=False)}",
        f"type: {page_type}",
        "audience: [frontline]",
        "topics: [training]",
        "sources:" + (source.rstrip("\n") if source else " []"),
        f"last_reviewed: {reviewed}",
        "review_every: 12",
    ]
    if stamp:
        lines.append(f'translated_from: "{stamp}"')
    lines += ["---", "", f"# {title}", "", f"## {words['new_page_heading']}", "", f"{placeholder}.", ""]
    return "\n".join(lines)


def new(args) -> int:
    folder = args.folder or FOLDERS[args.type]
    default, *others = languages()
    paths = {code: DOCS / folder / suffixed(f"{args.slug}.md", None if code == default else code)
             for code in (default, *others)}
    for path in paths.values():
        if path.exists():
            print(f"{path.relative_to(ROOT)} already exists: nothing written", file=sys.stderr)
            return 1
    paths[default].parent.mkdir(parents=True, exist_ok=True)
    title = args.title or args.slug.replace("-", " ").capitalize()
    reviewed = content.today().isoformat()
    paths[default].write_text(page_text(default, args.type, title, reviewed), encoding="utf-8")
    stamp = translations.fingerprint(paths[default].read_text(encoding="utf-8"))
    for code in others:
        translated_title = getattr(args, f"title_{code}", None) or title  # --title-en
        paths[code].write_text(page_text(code, args.type, translated_title, reviewed, stamp), encoding="utf-8")
    print("created " + " and ".join(str(path.relative_to(ROOT)) for path in paths.values()))
    quoted = " / ".join(f'"{text}"' for text in placeholders())
    print(f"Fill in every {quoted}, then: python3 dev.py serve")
    return 0


def own_assets() -> frozenset[str]:
    """The site's own files under docs/: mkdocs.yml's extra_css."""
    return frozenset(site_config().get("extra_css") or [])


def check(args) -> int:
    """What the build checks before it reads a page; the HTML each page renders
    to is checked by the build itself (hooks/html_allowlist.py)."""
    def shown(path: Path) -> str:
        for root in (ROOT, REPOSITORY):
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
        return path.as_posix()

    reports = content.check_docs(DOCS, shown, frontmatter.load_vocabulary(), content.today(),
                                 includes=REPOSITORY / "includes", own_assets=own_assets())
    for report in reports:
        line = f",line={report.line}" if report.line else ""
        if args.format == "github":
            print(f"::error file={report.file}{line}::{report.message}")
        else:
            print(f"{report.file}{f':{report.line}' if report.line else ''}: {report.message}")
    if args.format == "text":
        print(f"{len(reports)} problem(s)" if reports else "every page is valid")
    return 1 if reports else 0


def parity(args) -> int:
    if args.stamp:
        relative = Path(args.stamp).resolve().relative_to(DOCS).as_posix()
        changed = translations.stamp(DOCS, relative, languages())
        print(f"{'stamped' if changed else 'already up to date'}: docs/{relative}")
        return 0
    text, clean = translations.report(DOCS, languages())
    print(text)
    return 0 if clean else 1


def report(args) -> int:
    overdue = content.overdue_pages(DOCS, content.today())
    print(f"Pages past their review date: {len(overdue)}")
    for path, due in overdue:
        print(f"  {path}: review due {due.isoformat()}")
    markers = placeholders()
    unfinished = [p for p in sorted(DOCS.rglob("*.md"))
                  if any(marker in p.read_text(encoding="utf-8") for marker in markers)]
    print(f"Pages with placeholder text: {len(unfinished)}")
    for path in unfinished:
        print(f"  {path.relative_to(ROOT).as_posix()}")
    text, clean = translations.report(DOCS, languages())
    print(text)
    return 0 if clean and not overdue and not unfinished else 1


def readability(args) -> int:
    """Per page: words per sentence, long sentences, reading ease (kbsite/readability.py)."""
    from kbsite import readability as measure

    scores = []
    patterns = [pattern.removeprefix("docs/") for pattern in args.pages]  # as a shell completes them
    default, *others = languages()
    for path in sorted(DOCS.rglob("*.md")):
        relative = path.relative_to(DOCS).as_posix()
        if patterns and not any(Path(relative).match(pattern) for pattern in patterns):
            continue
        language = split_suffix(relative, others)[1] or default
        scores.append(measure.score(relative, path.read_text(encoding="utf-8"), language))
    if args.targeted:
        scores = [item for item in scores if item.targeted]
    if patterns and not scores:
        print(f"no page of docs/ matches {' '.join(args.pages)}", file=sys.stderr)
        return 1
    print(measure.table(scores))
    if args.long:
        for item in scores:
            for words, start in item.long_sentences:
                print(f"docs/{item.path}: {words} words: {start}")
    missed = [item for item in scores if item.targeted and not item.meets_target]
    print(f"\n{len(missed)} of {sum(item.targeted for item in scores)} guide, toolkit and emergency page(s) "
          f"below the target")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Editor commands over docs/.")
    parser.add_argument("--docs", type=Path, help="the Markdown folder to work on (default: this repository's "
                        "docs/; files are then named relative to its parent folder)")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("new", help="create a French/English page pair with valid front matter")
    command.add_argument("type", choices=sorted(FOLDERS))
    command.add_argument("slug", type=lambda s: s if s.replace("-", "").isalnum() and s.islower() else
                         parser.error(f"slug {s!r}: lower-case letters, digits and dashes only"))
    command.add_argument("--folder", help=f"folder under docs/ (default by type: {FOLDERS})")
    command.add_argument("--title", help="French title")
    command.add_argument("--title-en", help="English title")
    command.set_defaults(run=new)
    command = commands.add_parser("check", help="validate the files, front matter and snippets of every page")
    command.add_argument("--format", choices=("text", "github"), default="text")
    command.set_defaults(run=check)
    command = commands.add_parser("parity", help="translation parity report")
    command.add_argument("--stamp", metavar="PAGE.en.md", help="record that this English page follows the current French page")
    command.set_defaults(run=parity)
    command = commands.add_parser("report", help="overdue reviews, placeholders, translation parity")
    command.set_defaults(run=report)
    command = commands.add_parser("readability", help="words per sentence, long sentences, reading ease per page")
    command.add_argument("pages", nargs="*", help="glob patterns under docs/ (default: every page)")
    command.add_argument("--targeted", action="store_true", help="guides, toolkits and the emergency pages only")
    command.add_argument("--long", action="store_true", help="list every sentence over 30 words")
    command.set_defaults(run=readability)
    args = parser.parse_args(argv)
    if args.docs is not None:
        global DOCS, ROOT
        DOCS = args.docs.resolve()
        ROOT = DOCS.parent
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
