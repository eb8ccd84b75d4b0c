"""A page renders in bounded time, or fails with a message naming its file.

Python-Markdown has inputs it cannot handle: lists or block quotes nested a
few hundred levels deep (RecursionError, or seconds per level), thousands of
``[`` in one paragraph (quadratic: 8,000 take 9 s). Two guards:

- ``limit_problems`` (before the build reads any page): the nesting depth
  of every line and the brackets of every paragraph, against limits far
  above what a page needs, reported at the line; ``malformed_links``: link
  targets ``urlsplit`` cannot read (``http://localhost]``), on which MkDocs'
  own link rewriting raises;
- ``GuardExtension`` (a Python-Markdown extension added by hooks/render_guard.py):
  every conversion runs under a time limit (main thread: the timer is a
  signal) and turns a RecursionError, or a ValueError from a malformed URL
  that ``malformed_links`` did not see, into a message, through ``error``
  (MkDocs' PluginError in a build, so no traceback).
"""

from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

from markdown.extensions import Extension

from . import sourcemap

MAX_DEPTH = 32
MAX_BRACKETS = 1000
SECONDS = 5
_PREFIX = re.compile(r"[ \t>]*")
_LIST_MARKERS = re.compile(r"(?:[-*+]|[0-9]{1,9}[.)])[ \t]+")


def _depth(line: str) -> int:
    prefix = _PREFIX.match(line).group(0)
    depth = prefix.count(">") + len(prefix.replace(">", "").expandtabs(4)) // 4
    rest = line[len(prefix):]
    while (marker := _LIST_MARKERS.match(rest)) is not None:
        depth += 1
        rest = rest[marker.end():]
    return depth


def limit_problems(body: str, first_line: int = 1) -> list[tuple[int, str]]:
    """(line, message) for every place the body is past the renderer's limits."""
    problems = []
    paragraph_start, brackets, reported_depth, reported_brackets = None, 0, False, False
    for number, line in enumerate(body.split("\n"), start=first_line):
        depth = _depth(line)
        if depth > MAX_DEPTH and not reported_depth:
            problems.append((number, f"nested {depth} levels deep (lists, quotes, indentation); at most "
                                     f"{MAX_DEPTH}: simplify the structure"))
            reported_depth = True
        if not line.strip():
            paragraph_start, brackets, reported_brackets = None, 0, False
            continue
        if paragraph_start is None:
            paragraph_start = number
        brackets += line.count("[")
        if brackets > MAX_BRACKETS and not reported_brackets:
            problems.append((paragraph_start, f"more than {MAX_BRACKETS} '[' in one paragraph: the Markdown "
                                              "renderer would take minutes; split it or write them as &#91;"))
            reported_brackets = True
    return problems


def malformed_links(text: str) -> list[tuple[int, str]]:
    """(line, message) for every link target of a Markdown text that is not
    a URL at all (MkDocs would stop on it with a traceback)."""
    problems = []
    for line, target, _ in sourcemap.markdown_targets(text):
        try:
            urlsplit(target)
        except ValueError as error:
            problems.append((line, f"link target {target!r} is not a valid URL ({error})"))
    return problems


class RenderTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    """Raise RenderTimeout after ``seconds`` (main thread only: elsewhere, as
    under ``mkdocs serve``'s builder thread, nothing is limited)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise RenderTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class GuardExtension(Extension):
    """Wraps the Markdown instance's ``convert``. ``describe()`` names what is
    being rendered (the page's file); ``error`` is the exception to raise."""

    def __init__(self, describe, error=RuntimeError, seconds: float = SECONDS, **kwargs):
        self.describe, self.error, self.seconds = describe, error, seconds
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        convert = md.convert

        def guarded(source: str) -> str:
            try:
                with time_limit(self.seconds):
                    return convert(source)
            except RecursionError:
                raise self.error(f"{self.describe()}: nested too deeply for the Markdown renderer "
                                 f"(lists, quotes or emphasis); simplify the structure") from None
            except RenderTimeout:
                raise self.error(f"{self.describe()}: the Markdown renderer took more than {self.seconds:g} s "
                                 "on this page (a pathological structure: thousands of brackets, markers or "
                                 "levels); simplify it") from None
            except ValueError as error:  # urlsplit in MkDocs' link rewriting: "Invalid IPv6 URL"
                raise self.error(f"{self.describe()}: a link of this page is not a valid URL ({error}); "
                                 "check the addresses written with [ ] and ]") from None

        md.convert = guarded
