"""The output invariant over the finished site (kbsite.site_safety).

As a MkDocs hook:
- ``on_startup``: remembers whether this is ``build`` or ``serve``.
- ``on_post_build`` (outer build, last: after every language, the embed
  variants, ``_headers`` and the service worker are written): reads back
  every file of the site. A violation fails ``mkdocs build``, naming the
  output file and the Markdown it comes from; ``mkdocs serve`` warns. Not in
  a one-language process of the parallel build, which checks the merged site.

Standalone, on any built site directory (whatever built it):

    python hooks/site_safety.py SITE_DIR [--site-url URL] [--docs-dir DOCS]

It exits 1 when it finds a violation.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HOOKS = Path(__file__).resolve().parent
if str(HOOKS) not in sys.path:  # run as a script
    sys.path.insert(0, str(HOOKS))

from kbsite import build_state, csp, site_safety  # noqa: E402
from kbsite.sourcemap import page_source, suffix_languages  # noqa: E402

OVERRIDES = HOOKS.parent / "overrides"
_command = {"name": "build"}


def source_finder(docs_dir: Path | None, shown):
    """sources(relative) for check_site: the Markdown file an HTML page (or
    its embed variant) comes from, as ``shown(path)`` names it."""
    if docs_dir is None or not docs_dir.is_dir():
        return None
    markdown = {p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")}
    languages = suffix_languages(markdown)

    def sources(relative: str) -> str | None:
        page = relative[len(site_safety.EMBED_DIR) + 1:] if relative.startswith(site_safety.EMBED_DIR + "/") \
            else relative
        found = page_source(page, markdown, languages) if page.endswith(".html") else None
        return shown(docs_dir / found.path) if found else None

    return sources


def check(site_dir: Path, site_url: str, theme_dirs: list[Path], docs_dir: Path | None = None,
          shown=lambda path: path.as_posix()) -> list[site_safety.Violation]:
    policy = site_safety.make_policy(site_url, theme_dirs)
    workers = os.cpu_count() or 1
    return site_safety.check_site(site_dir, policy, workers, source_finder(docs_dir, shown))


# --- MkDocs hook --------------------------------------------------------------

def on_startup(command, **kwargs):
    _command["name"] = command


def _event_priority(priority):
    try:
        from mkdocs.plugins import event_priority
    except ImportError:  # pragma: no cover - the standalone check needs no MkDocs
        return lambda function: function
    return event_priority(priority)


@_event_priority(build_state.FINAL_PRIORITY - 20)  # after _headers, sw.js and the link check
def on_post_build(config, **kwargs):
    if not build_state.has_whole_site(config):
        return
    from mkdocs.exceptions import PluginError
    from mkdocs.plugins import get_plugin_logger

    log = get_plugin_logger("site_safety")
    root = Path(config.config_file_path).parent

    def shown(path: Path) -> str:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    violations = check(Path(config.site_dir), config.site_url or "", [Path(d) for d in config.theme.dirs],
                       Path(config.docs_dir), shown)
    serving = _command["name"] == "serve"
    for violation in violations:
        (log.warning if serving else log.error)(str(violation))
    if violations and not serving:
        raise PluginError(f"{len(violations)} unsafe file(s) in the built site: see the lines above "
                          "(hooks/kbsite/site_safety.py)")


# --- Standalone ---------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check that no file of a built site holds executable markup.")
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--site-url", default="http://127.0.0.1:8000/", help="the URL the site is served from")
    parser.add_argument("--docs-dir", type=Path, help="the Markdown folder the site was built from (names the "
                        "page each problem comes from)")
    args = parser.parse_args(argv)
    if not args.site_dir.is_dir():
        parser.error(f"{args.site_dir} is not a directory")
    theme_dirs = [OVERRIDES, csp.material_templates()]
    violations = check(args.site_dir, args.site_url, theme_dirs, args.docs_dir)
    for violation in violations:
        print(violation)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
