"""Front matter of the content pages: read, validate against the JSON Schema.

Plain functions over files (no MkDocs): hooks/content_model.py calls them
for the build, dev.py for the reports. Dates stay strings while validating
(YAML would turn "2021-02-30" into an exception, not a message), then every
problem of every page is returned at once, as

    docs/<file>.md: <field>: <what is wrong, what is allowed>
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema" / "page.schema.json"
VOCABULARY = ROOT / "schema" / "vocabulary.yml"
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class _StringDates(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader (libyaml's when PyYAML has it: several times faster) that
    leaves dates as written: the schema checks them."""


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


_validators: dict[int, object] = {}  # id(schema) -> compiled validator


OPENING = re.compile(r"\A---[ \t]*\r?\n")


def split(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, line where the body starts). A
    UTF-8 byte-order mark is ignored, as MkDocs ignores it."""
    text = text.removeprefix("\ufeff")
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text, 1
    return match.group(1) or "", text[match.end():], text[: match.end()].count("\n") + 1


def read(text: str) -> dict:
    """The front matter as data (dates as strings). Raises yaml.YAMLError, ValueError.

    A build reads each page's front matter several times (checks, index pages,
    review dates): the parse is cached by the YAML text, and each caller gets
    its own copy."""
    raw, _, _ = split(text)
    if raw is None:
        return {}
    return copy.deepcopy(_parse(raw))


def unclosed(text: str) -> bool:
    """True when the page opens a front matter block and never closes it."""
    text = text.removeprefix("\ufeff")
    return bool(OPENING.match(text)) and FRONT_MATTER.match(text) is None


def _refuse_aliases(raw: str) -> None:
    """YAML anchors and aliases (&a, *a) let a few lines expand into billions
    of values (an "alias bomb"): a page has no use for them."""
    if "&" not in raw and "*" not in raw:
        return
    for token in yaml.scan(raw, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
            line = token.start_mark.line + 2  # the front matter starts on line 2
            raise ValueError(f"a YAML anchor or alias (&name / *name) at line {line}: not allowed; write each "
                             "value out")


def _refuse_non_text_keys(value, where: str = "") -> None:
    """Field names are text: ``1: x``, ``null: x`` or ``yes: x`` are read by
    YAML as a number, nothing or true, which no field is called."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{key!r} is not a field name{' in ' + where if where else ''}: field names are "
                                 "words (quote it if it must be a number)")
            _refuse_non_text_keys(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for item in value:
            _refuse_non_text_keys(item, where)


@functools.lru_cache(maxsize=16384)
def _parse(raw: str) -> dict:
    _refuse_aliases(raw)
    try:
        data = yaml.load(raw, Loader=_StringDates)
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise ValueError(f"a value YAML cannot read ({str(error).split(';')[0]})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("the front matter must be a list of `field: value` lines")
    _refuse_non_text_keys(data)
    for source in data.get("sources") or []:
        if isinstance(source, dict) and isinstance(source.get("date"), int) and not isinstance(source["date"], bool):
            source["date"] = str(source["date"])  # `date: 2021` means the year
    return data


def load_schema() -> dict:
    _validators.clear()  # a schema edited during `mkdocs serve` takes effect
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


TYPE_NAMES = {"array": "a list, e.g. [a, b]", "integer": "a whole number", "string": "text",
              "object": "a mapping of `field: value` lines", "boolean": "true or false"}


def _describe(value) -> str:
    kind = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
            dict: "a mapping", type(None): "empty"}.get(type(value), type(value).__name__)
    return f"{value!r} is {kind}"


def _problems(error) -> list[tuple[str, str]]:
    """A validation error in an editor's words: (field, what is wrong and what is allowed)."""
    field, validator, value, schema = _field(error.absolute_path), error.validator, error.instance, error.schema
    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        found = []
        for extra in sorted(set(value) - set(allowed)):
            close = difflib.get_close_matches(extra, allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            name = f"{field}.{extra}" if error.absolute_path else extra
            found.append((name, f"unknown field; {hint}allowed: {', '.join(allowed)}"))
        return found
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        name = f"{field}.{missing}" if error.absolute_path else missing
        return [(name, "missing; this field is required")]
    if validator == "enum":
        return [(field, f"{value!r} is not allowed; allowed: {', '.join(map(str, schema['enum']))}")]
    if validator == "type":
        return [(field, f"{_describe(value)}; expected {TYPE_NAMES.get(schema['type'], schema['type'])}")]
    if validator == "maxLength":
        return [(field, f"{len(value)} characters; at most {schema['maxLength']} allowed")]
    if validator == "minLength":
        return [(field, f"{len(value)} characters; at least {schema['minLength']} needed")]
    if validator == "minItems":
        return [(field, f"empty; at least {schema['minItems']} needed" if not value else f"at least {schema['minItems']} needed")]
    if validator == "uniqueItems":
        return [(field, "the same value is listed twice")]
    if validator in ("minimum", "maximum"):
        return [(field, f"{value!r} is out of range; allowed: {schema.get('minimum')} to {schema.get('maximum')}")]
    if validator == "format" and schema.get("format") == "date":
        return [(field, f"{value!r} is not a real date; write YYYY-MM-DD, e.g. 2021-04-12")]
    if validator == "pattern":
        hint = schema.get("description") or f"it must match {schema['pattern']}"
        return [(field, f"{value!r} is not valid; {hint}")]
    if validator == "anyOf" and isinstance(value, dict):
        return [(field, "needs a publisher or authors")]
    return [(field, error.message)]


def validate(data: dict, schema: dict) -> list[tuple[str, str]]:
    """(field, message) for every problem of one page's front matter."""
    from jsonschema import Draft202012Validator, FormatChecker

    validator = _validators.get(id(schema))
    if validator is None:  # building one costs more than validating a page
        validator = _validators[id(schema)] = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    found = [problem for error in errors for problem in _problems(error)]
    for number, source in enumerate(data.get("sources") or [], 1):
        date = source.get("date") if isinstance(source, dict) else None
        field = f"sources[{number}].date"
        if isinstance(date, str) and date.count("-") == 2 and _date(date) is None \
                and not any(name == field for name, _ in found):
            found.append((field, f"{date!r} is not a real date"))
    return found


def check_page(shown: str, text: str, schema: dict, today: dt.date | None = None) -> list[Problem]:
    """Every front matter problem of one Markdown page."""
    try:
        data = read(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""  # the front matter starts on line 2
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        # libyaml and pure-Python PyYAML word this one differently: say it one way.
        problem = problem.replace("not allowed in this context", "not allowed here")
        hint = " (put the value in quotes when it contains ': ' or starts with a special character)" \
            if "mapping values" in problem or "found character" in problem else ""
        return [Problem(shown, "front matter", f"not valid YAML{where}: {problem}{hint}")]
    except ValueError as error:
        return [Problem(shown, "front matter", str(error))]
    if unclosed(text):
        return [Problem(shown, "front matter", "the `---` block opened on line 1 is never closed: add a line "
                                               "`---` after the last field")]
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
    if isinstance(months, float) and months.is_integer():
        months = int(months)  # 12.0: JSON Schema calls it an integer, so does the notice
    if not reviewed or not isinstance(months, int) or isinstance(months, bool):
        return None
    month_index = reviewed.month - 1 + months
    year, month = reviewed.year + month_index // 12, month_index % 12 + 1
    for day in (reviewed.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


def field_line(text: str, field: str) -> int | None:
    """The file line where a front matter field is written, for annotations:
    "title" -> the `title:` line; "sources[2].date" -> the `date:` line of the
    second source (or the item's first line). None when it is not written."""
    raw, _, _ = split(text)
    if raw is None:
        return None
    lines = raw.split("\n")
    top, _, rest = field.partition(".")
    name, _, index = top.partition("[")
    start = next((i for i, line in enumerate(lines) if re.match(rf"{re.escape(name)}\s*:", line)), None)
    if start is None:
        return None
    if not index:
        return start + 2  # the front matter starts on line 2
    wanted, seen = int(index.rstrip("]")), 0
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line and not line[0].isspace() and not line.startswith("-"):
            break  # the next top-level field
        if re.match(r"\s*-\s", line) or line.strip() == "-":
            seen += 1
            if seen == wanted:
                key = rest.split(".")[0].split("[")[0]
                for j in range(i, len(lines)):
                    if j > i and (re.match(r"\s*-\s", lines[j]) or (lines[j] and not lines[j][0].isspace())):
                        break
                    if key and re.match(rf"\s*(?:-\s+)?{re.escape(key)}\s*:", lines[j]):
                        return j + 2
                return i + 2
    return start + 2
