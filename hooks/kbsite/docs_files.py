"""What files docs/ and includes/ may hold: types, names, sizes, encodings.

Everything under docs/ is copied to the site's origin, where a browser runs
an HTML page, a script or an SVG with a handler as our own. So docs/ takes an
explicit list of file types (Markdown, images and PDF), the
site's own stylesheets (mkdocs.yml ``extra_css``, held to the CSS rules),
SVG only without script, handlers, foreignObject or external references,
names in lower-case ASCII, no symbolic link (it would pull a file from
outside the repository), and a size and encoding a build reads in bounded
time. includes/ (appended to pages by pymdownx.snippets) takes Markdown only.

Plain functions returning ``(file, line or None, message)``; kbsite.content
turns them into the build's reports.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import markup_rules

NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*")
SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".ico": (b"\x00\x00\x01\x00",),
    ".pdf": (b"%PDF-",),
}
# No .txt or .csv: a browser runs a text/plain file as a worker script when the
# host does not send X-Content-Type-Options: nosniff (GitHub Pages may not).
TEXT_TYPES = {".md", ".svg"}
ALLOWED = set(SIGNATURES) | TEXT_TYPES | {".webp", ".avif"}
MAX_TEXT = 1_000_000  # bytes: the biggest page today is 13 KB
MAX_FILE = 25_000_000
KINDS = "Markdown (.md), images (.png .jpg .jpeg .gif .webp .avif .ico .svg) and .pdf"


def _signature_ok(suffix: str, head: bytes) -> bool:
    if suffix == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if suffix == ".avif":
        return head[4:12] in (b"ftypavif", b"ftypavis")
    return any(head.startswith(signature) for signature in SIGNATURES[suffix])


def read_text(path: Path, shown: str) -> tuple[str | None, tuple[str, int | None, str] | None]:
    """A text file's content (UTF-8, a byte-order mark allowed), or the
    problem that keeps it from being read."""
    data = path.read_bytes()
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return None, (shown, line, "a binary file, not text (a NUL byte); save it as UTF-8 text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, (shown, line, f"not UTF-8 text (byte 0x{data[error.start]:02X}); save the file as UTF-8")


def _file_problems(path: Path, relative: str, shown: str, own_assets: set[str]) -> list[tuple[str, int | None, str]]:
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if relative in own_assets:
        if size > MAX_TEXT:
            return [(shown, None, f"{size:,} bytes; a stylesheet may have at most {MAX_TEXT:,}")]
        text, problem = read_text(path, shown)
        if problem:
            return [problem]
        return [(shown, None, problem) for problem in markup_rules.css_problems(text, _relative_only)]
    if suffix not in ALLOWED:
        return [(shown, None, f"a {suffix or 'suffix-less'} file is not allowed under docs/; allowed: {KINDS} "
                              "(the site's own scripts and styles live in overrides/)")]
    limit = MAX_TEXT if suffix in TEXT_TYPES else MAX_FILE
    if size > limit:
        return [(shown, None, f"{size:,} bytes; at most {limit:,} allowed for a {suffix} file")]
    if suffix in TEXT_TYPES:
        text, problem = read_text(path, shown)
        if problem:
            return [problem]
        if suffix == ".svg":
            return [(shown, None, f"SVG: {problem}") for problem in markup_rules.svg_problems(text)]
        return []
    with open(path, "rb") as file:
        head = file.read(16)
    if not _signature_ok(suffix, head):
        return [(shown, None, f"the content is not a {suffix} file (its first bytes say otherwise)")]
    return []


def _relative_only(url: str) -> bool:
    from . import allowlist

    return not allowlist.is_other_host(url) or allowlist.url_scheme(url) == "data"


def tree_problems(root: Path, shown, own_assets: set[str] = frozenset(), markdown_only: bool = False
                  ) -> list[tuple[str, int | None, str]]:
    """Every problem of the files under ``root`` (docs/ or includes/).
    ``shown(path)`` names a file for the editor; ``own_assets``: the site's
    own files under docs/ (e.g. ``assets/stylesheets/extra.css``)."""
    problems = []
    if root.is_symlink():
        return [(shown(root), None, "a symbolic link: the folder must be in the repository itself")]
    for directory, folders, names in os.walk(root, followlinks=False):
        here = Path(directory)
        for name in sorted(folders):
            if (here / name).is_symlink():
                problems.append((shown(here / name), None, "a symbolic link to a folder: put the files themselves here"))
            elif not NAME.fullmatch(name):
                problems.append((shown(here / name), None, _name_message(name)))
        folders[:] = sorted(f for f in folders if not (here / f).is_symlink() and NAME.fullmatch(f))
        for name in sorted(names):
            path = here / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                problems.append((shown(path), None, "a symbolic link: it would pull a file from outside the "
                                                    "repository into the site; copy the file here instead"))
            elif not NAME.fullmatch(name):
                problems.append((shown(path), None, _name_message(name)))
            elif markdown_only and path.suffix != ".md":
                problems.append((shown(path), None, "only Markdown (.md) files belong in includes/"))
            elif not path.is_file():
                problems.append((shown(path), None, "not a regular file"))
            else:
                problems += _file_problems(path, relative, shown(path), own_assets)
    return problems


def _name_message(name: str) -> str:
    return (f"the name {name!r} is not allowed: lower-case letters a-z, digits, - and _ only, with . before a "
            "suffix (e.g. guide-tuo.en.md)")
