"""The build's order as written in kbsite/lifecycle.py is the order MkDocs follows.

MkDocs runs the hooks of an event by priority (``@event_priority``, highest
first), then in the order of ``hooks:`` in mkdocs.yml. Each hook file listed
there is loaded as MkDocs loads it and its ``on_*`` functions are sorted the
same way; the result must be lifecycle.EVENTS, so a hook, an event or a
priority added, moved or removed without updating the table fails here.
"""

from __future__ import annotations

import importlib.util
import re
import sys

from conftest import ROOT
from kbsite import lifecycle, site_steps


def hooks_in_order() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.findall(r"^  - hooks/(\S+\.py)\s*$", text, re.M)


def load_hook(name: str):
    key = f"hooks/{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, ROOT / "hooks" / name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


def events_as_mkdocs_runs_them() -> list[tuple[str, int, str]]:
    found = []
    for position, name in enumerate(hooks_in_order()):
        module = load_hook(name)
        for attribute in sorted(vars(module)):
            function = getattr(module, attribute)
            if attribute.startswith("on_") and callable(function):
                priority = getattr(function, "mkdocs_priority", 0)
                found.append((attribute, priority, position, name))
    found.sort(key=lambda item: (item[0], -item[1], item[2]))
    return [(event, priority, name) for event, priority, _, name in found]


def table_by_event() -> list[tuple[str, int, str]]:
    rows = [(event, priority, hook) for event, priority, hook, _ in lifecycle.EVENTS]
    return sorted(rows, key=lambda row: row[0])  # stable: keeps the table's order within an event


def test_every_hook_event_and_priority_is_in_the_table_in_the_order_mkdocs_runs_them():
    """The table, event by event, equals what MkDocs will call, in its order."""
    assert events_as_mkdocs_runs_them() == table_by_event()


def test_the_table_would_catch_a_hook_moved_in_mkdocs_yml():
    """Can fail: the same comparison with two hooks swapped in the list differs."""
    actual = events_as_mkdocs_runs_them()
    swapped = [(e, p, {"csp.py": "render_guard.py", "render_guard.py": "csp.py"}.get(h, h)) for e, p, h in actual]
    swapped.sort(key=lambda row: (row[0], -row[1], hooks_in_order().index(row[2])))
    assert swapped != table_by_event()


def test_every_post_build_step_over_the_site_is_in_site_steps_not_in_a_hook():
    """Stage 3 lives in kbsite.site_steps: the only post-build events left are
    the parallel build's guard, the 404 pages, the allow-list's failure, the
    steps themselves and the review-date list."""
    post_build = [hook for event, _, hook in events_as_mkdocs_runs_them() if event == "on_post_build"]
    assert post_build == ["language_split.py", "localized_404.py", "html_allowlist.py", "finish.py",
                          "content_model.py"]
    assert site_steps.NAMES == ("sitemaps", "search_settings", "material_bundle", "redirects", "phone_links",
                                "search_index", "headers", "offline", "linkcheck", "site_safety")
