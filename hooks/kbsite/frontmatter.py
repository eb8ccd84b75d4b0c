"""Front matter of the content pages: read, validate against the JSON Schema.

Plain functions over files (no MkDocs): hooks/content_model.py calls them
for the build, dev.py for the reports. Dates stay strings while validating
(YAML would turn "2021-02-30" into an exception, not a message), then every
problem of every page is returned at once, as

    docs/<file>.md: <field>: <what is wrong, what is allowed>
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema" / "page.schema.json"
VOCABULARY = ROOT / "schema" / "vocabulary.yml"
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class _StringDates(yaml.SafeLoader):
    """SafeLoader that leaves dates as written: the schema checks them."""


_StringDates.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Problem:
    file: str  # as shown to the editor: "docs/guides/x.md"
    field: str  # "sources[2].date", or "front matter"
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


def split(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, line where the body starts)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text, 1
    return match.group(1) or "", text[match.end():], text[: match.end()].count("\n") + 1


def read(text: str) -> dict:
    """The front matter as data (dates as strings). Raises yaml.YAMLError, ValueError."""
    raw, _, _ = split(text)
    if raw is None:
        return {}
    data = yaml.load(raw, Loader=_StringDates)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("the front matter must be a list of `field: value` lines")
    return data


def load_schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def load_vocabulary() -> dict[str, dict[str, dict[str, str]]]:
    return yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))


def vocabulary_problems(schema: dict, vocabulary: dict) -> list[Problem]:
    """Every closed list of the schema has labels in both languages, and no more."""
    problems = []
    lists = {
        "types": schema["properties"]["type"]["enum"],
        "audience": schema["properties"]["audience"]["items"]["enum"],
        "topics": schema["properties"]["topics"]["items"]["enum"],
    }
    for name, values in lists.items():
        labels = vocabulary.get(name, {})
        for value in values:
            missing = [lang for lang in ("fr", "en") if not (labels.get(value) or {}).get(lang)]
            if missing:
                problems.append(Problem("schema/vocabulary.yml", f"{name}.{value}", f"no label in {', '.join(missing)}"))
        for value in set(labels) - set(values):
            problems.append(Problem("schema/vocabulary.yml", f"{name}.{value}", "not in schema/page.schema.json"))
    return problems


def _field(path) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "front matter"


def _message(error) -> str:
    """A validation error in an editor's words: what is wrong, what is allowed."""
    validator, value = error.validator, error.instance
    schema = error.schema
    if validator == "additionalProperties":
        allowed = ", ".join(sorted(schema.get("properties", {})))
        extra = sorted(set(value) - set(schema.get("properties", {})))
        return f"unknown field {', '.join(map(repr, extra))}; allowed fields: {allowed}"
    if validator == "required":
        return error.message.replace("is a required property", "is missing (required)")
    if validator == "enum":
        return f"{value!r} is not allowed; allowed: {', '.join(schema['enum'])}"
    if validator == "type":
        expected = schema["type"]
        return f"{value!r} is a {type(value).__name__.replace('str', 'text').replace('dict', 'mapping')}; expected {expected}"
    if validator == "maxLength":
        return f"{len(value)} characters; at most {schema['maxLength']}"
    if validator == "minLength":
        return f"{len(value)} characters; at least {schema['minLength']}"
    if validator == "minItems":
        return f"empty; at least {schema['minItems']} needed" if not value else f"at least {schema['minItems']} needed"
    if validator == "uniqueItems":
        return "the same value is listed twice"
    if validator in ("minimum", "maximum"):
        bound = schema[validator]
        return f"{value!r} is {'below' if validator == 'minimum' else 'above'} {bound}; allowed: {schema.get('minimum', '')}–{schema.get('maximum', '')}"
    if validator == "format" and schema.get("format") == "date":
        return f"{value!r} is not a real date; write YYYY-MM-DD (for example 2021-04-12)"
    if validator == "pattern":
        hint = schema.get("description") or f"must match {schema['pattern']}"
        return f"{value!r} is not valid: {hint}"
    if validator == "anyOf" and isinstance(value, dict):
        return "needs a publisher or authors"
    return error.message


def validate(data: dict, schema: dict) -> list[tuple[str, str]]:
    """(field, message) for every problem of one page's front matter."""
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [(_field(error.absolute_path), _message(error)) for error in errors]


def check_page(shown: str, text: str, schema: dict, today: dt.date | None = None) -> list[Problem]:
    """Every front matter problem of one Markdown page."""
    try:
        data = read(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (front matter line {mark.line + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return [Problem(shown, "front matter", f"not valid YAML{where}: {problem}")]
    except ValueError as error:
        return [Problem(shown, "front matter", str(error))]
    if split(text)[0] is None:
        return [Problem(shown, "front matter", "missing: the page must start with a `---` block (python3 dev.py new makes one)")]
    problems = [Problem(shown, field, message) for field, message in validate(data, schema)]
    reviewed = _date(data.get("last_reviewed"))
    if reviewed and today and reviewed > today:
        problems.append(Problem(shown, "last_reviewed", f"{reviewed} is in the future; use the date the page was last checked"))
    return problems


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def next_review(data: dict) -> dt.date | None:
    """last_reviewed + review_every months (day clipped to the month's end)."""
    reviewed, months = _date(data.get("last_reviewed")), data.get("review_every")
    if not reviewed or not isinstance(months, int):
        return None
    month_index = reviewed.month - 1 + months
    year, month = reviewed.year + month_index // 12, month_index % 12 + 1
    for day in (reviewed.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None
