#!/usr/bin/env python3
"""The steps over a built site (kbsite.site_steps), from the command line.

    python3 dev.py finish [-f mkdocs.yml] [-d SITE] [--only STEP ...]
        (tools/finish_site.py steps ...) every step, in order, or the named
        ones, with mkdocs.yml's settings: what the end of ``mkdocs build``
        does, over a site any builder wrote
    python3 dev.py linkcheck SITE [--site-url URL] [--external] [--format text|json|github] [--text-report FILE]
        [--docs-dir DOCS] [--cache FILE] [--ttl SECONDS] [--timeout SECONDS]
        (tools/finish_site.py linkcheck ...) the link report alone, on any
        folder of HTML (no mkdocs.yml needed)
    python3 dev.py safety SITE [--site-url URL] [--docs-dir DOCS]
        (tools/finish_site.py site_safety ...) the output check alone, on any
        built site

``steps`` prints each message as ``LEVEL - step: message``. With
``--docs-dir``, link defects are reported at their Markdown file and line,
so GitHub annotations land on the lines of a pull request. Each command exits
1 when it finds a defect.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kbsite import linkreport, material, settings, site_safety, site_steps
from kbsite.external import Settings

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = ROOT / "overrides"


def site_from_config(config_file: Path, site_dir: str | None) -> site_steps.Site:
    """The built site as mkdocs.yml describes it (MkDocs reads the file: its
    !ENV and Python tags)."""
    from mkdocs.config import load_config

    from kbsite import build_state

    config = load_config(str(config_file), site_dir=site_dir)
    return build_state.site(config, settings.environment())


def print_message(step: str, message: site_steps.Message) -> None:
    if message.level == "debug":
        return
    sys.stderr.write(f"{message.level.upper():<8} -  {step}: {message.text}\n")


def run_steps(site: site_steps.Site, only: tuple[str, ...] = (), name: str = "site") -> int:
    """Every step (or ``only``) over ``site``; 0 when the site is finished,
    1 when it is not, 2 when ``only`` names no step."""
    try:
        failures = site_steps.run(site, only, report=print_message)
    except site_steps.UnknownStep as error:  # a mistyped --only: the command's usage, not the site
        sys.stderr.write(f"{error}\n")
        return 2
    except site_steps.StepFailed as error:
        sys.stderr.write(f"{name}: {error}\n")
        return 1
    for failure in failures:
        sys.stderr.write(f"{name}: {failure}\n")
    return 1 if failures else 0


def steps(args) -> int:
    site = site_from_config(args.config_file.resolve(), args.site_dir)
    if not site.root.is_dir():
        sys.stderr.write(f"{site.root}: no built site here (python3 dev.py build)\n")
        return 1
    return run_steps(site, tuple(args.only or ()))


def linkcheck(args) -> int:
    if args.docs_dir and not args.docs_dir.is_dir():
        sys.stderr.write(f"--docs-dir {args.docs_dir} is not a directory\n")
        return 2
    external = Settings(timeout=args.timeout, ttl=args.ttl)
    locate = linkreport.markdown_locator(args.site_dir, args.docs_dir) if args.docs_dir else None
    items = linkreport.collect(args.site_dir, args.site_url, locate, args.external, args.cache, external,
                               workers=settings.environment().linkcheck_workers)
    output = linkreport.format_items(items, args.format)
    if output:
        print(output)
    if args.text_report:
        # The same items as text, for a reader of the run (one check, two renderings).
        args.text_report.write_text(linkreport.format_items(items, "text") + "\n" if items else "", encoding="utf-8")
    return 1 if any(item["error"] for item in items) else 0


def output_check(args) -> int:
    violations = site_safety.check(args.site_dir, args.site_url, [OVERRIDES, material.templates()], args.docs_dir)
    for violation in violations:
        print(violation)
    return 1 if violations else 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="command", required=True)
    run = commands.add_parser("steps", help="every step over the built site, in order")
    run.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml")
    run.add_argument("-d", "--site-dir", help="the built site (default: mkdocs.yml's site_dir)")
    run.add_argument("--only", nargs="+", metavar="STEP", help=f"only these steps: {', '.join(site_steps.NAMES)}")
    run.set_defaults(handler=steps)
    links = commands.add_parser("linkcheck", help="check the links of a built site directory")
    links.add_argument("site_dir", type=Path)
    links.add_argument("--site-url", default="", help="the URL the site is served from (for absolute links and a "
                       "sub-path)")
    links.add_argument("--external", action="store_true", help="also check http(s) links to other sites")
    links.add_argument("--format", choices=("text", "json", "github"), default="text")
    links.add_argument("--docs-dir", type=Path, help="the Markdown folder the site was built from: "
                       "report docs/<file>.md:<line> instead of the HTML page and line")
    links.add_argument("--text-report", type=Path, metavar="FILE", help="also write the report as text to FILE "
                       "(empty when nothing is broken), whatever --format prints")
    links.add_argument("--cache", type=Path, default=linkreport.DEFAULT_CACHE, help="external results cache (JSON)")
    links.add_argument("--ttl", type=float, default=Settings.ttl, help="seconds an external result stays valid")
    links.add_argument("--timeout", type=float, default=Settings.timeout, help="seconds per external request")
    links.set_defaults(handler=linkcheck)
    safety = commands.add_parser("site_safety", help="check that no file of a built site holds executable markup")
    safety.add_argument("site_dir", type=Path)
    safety.add_argument("--site-url", default="http://127.0.0.1:8000/", help="the URL the site is served from")
    safety.add_argument("--docs-dir", type=Path, help="the Markdown folder the site was built from (names the "
                        "page each problem comes from)")
    safety.set_defaults(handler=output_check)
    return main


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    if getattr(arguments, "site_dir", None) is not None and isinstance(arguments.site_dir, Path) \
            and not arguments.site_dir.is_dir():
        sys.stderr.write(f"{arguments.site_dir} is not a directory\n")
        return 2
    try:
        return arguments.handler(arguments)
    except settings.SettingsError as error:
        sys.stderr.write(f"{error}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
