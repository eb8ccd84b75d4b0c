"""The site's own settings, read and validated in one place.

Two channels, each with one reader here:

- ``extra:`` in mkdocs.yml: the site's settings (``kb_nav_order``,
  ``kb_offline_keep``, ``kb_redirects``), checked against
  ``schema/extra.schema.json``: an unknown ``kb_`` key (a typo) or a value of
  the wrong shape is an error naming the key, not a setting silently ignored.
- environment variables: deployment and test values only (README, "Settings").
  Each is parsed by ``environment()``; a value that is not one of the allowed
  spellings is an error naming the variable.

Plain Python: no MkDocs object (the MkDocs adapter is kbsite.build_state).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

SCHEMA = Path(__file__).resolve().parents[2] / "schema" / "extra.schema.json"

BUILD_LANGUAGE = "KB_BUILD_LANGUAGE"  # set by tools/parallel_build.py for each of its processes
TRUE, FALSE = ("1", "true", "yes"), ("", "0", "false", "no")


class SettingsError(ValueError):
    """A setting with a value the site cannot use."""


@dataclass(frozen=True)
class Environment:
    build_language: str | None  # KB_BUILD_LANGUAGE: set by tools/parallel_build.py for its processes
    external_links: bool  # KB_LINKCHECK_EXTERNAL: check links to other sites too
    linkcheck_workers: int | None  # KB_LINKCHECK_WORKERS: link-check processes (default: one per CPU)
    today: dt.date | None  # KB_TODAY (YYYY-MM-DD): the build's date, pinned (tests, reproducible builds)
    csp_meta: bool  # KB_CSP_META: the <meta> policy in every page (0: the host sends _headers' policy)


def _flag(name: str, environ, default: bool = False) -> bool:
    value = environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise SettingsError(f"{name}={environ[name]!r}: expected one of {', '.join(repr(v) for v in TRUE + FALSE[1:])}")


def _count(name: str, environ) -> int | None:
    value = environ.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"{name}={value!r}: expected a whole number of 1 or more")
    return int(value)


def _date(name: str, environ) -> dt.date | None:
    value = environ.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r}: expected a date written YYYY-MM-DD") from None


def environment(environ=None) -> Environment:
    """Every ``KB_*`` variable the Python code reads, parsed and checked."""
    environ = os.environ if environ is None else environ
    return Environment(
        build_language=build_language(environ),
        external_links=_flag("KB_LINKCHECK_EXTERNAL", environ),
        linkcheck_workers=_count("KB_LINKCHECK_WORKERS", environ),
        today=_date("KB_TODAY", environ),
        csp_meta=_flag("KB_CSP_META", environ, default=True),
    )


def build_language(environ=None) -> str | None:
    """KB_BUILD_LANGUAGE alone (asked by every hook on every event; the other
    variables are checked once, at the start of the build)."""
    environ = os.environ if environ is None else environ
    return environ.get(BUILD_LANGUAGE, "").strip() or None


def today(environ=None) -> dt.date:
    return environment(environ).today or dt.date.today()


def extra_problems(extra: dict) -> list[str]:
    """What is wrong with the site's ``extra:`` settings, each naming its key."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    known = set(schema["properties"])
    # A key left with nothing under it (YAML null) means "none", as before the schema.
    ours = {key: value for key, value in (extra or {}).items() if key.startswith("kb_") and value is not None}
    problems = [f"extra.{key}: not a setting of this site (known: {', '.join(sorted(known))})"
                for key in sorted(set(ours) - known)]
    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors({k: v for k, v in ours.items() if k in known}), key=str):
        where = "extra." + ".".join(str(part) for part in error.absolute_path)
        problems.append(f"{where}: {error.message}")
    return problems
