"""Navigation in reading order (``extra.kb_nav_order``).

Events:
- ``on_nav`` (after static-i18n's, which rebuilds the navigation per
  language): reorders the entries of each level, then the flat page list and the
  previous/next links, so the footer follows the sidebar. A name in the list
  that matches nothing is reported (a renamed folder would otherwise silently
  fall to the bottom).

The ordering lives in kbsite.navorder.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.pages import Page

from kbsite import build_state, lifecycle, navorder

log = get_plugin_logger("nav_order")


def first_page(item) -> Page | None:
    if isinstance(item, Page):
        return item
    for child in getattr(item, "children", None) or []:
        page = first_page(child)
        if page is not None:
            return page
    return None


def flatten(items) -> list[Page]:
    pages = []
    for item in items:
        if isinstance(item, Page):
            pages.append(item)
        pages += flatten(getattr(item, "children", None) or [])
    return pages


@event_priority(lifecycle.AFTER_STATIC_I18N)  # after static-i18n's on_nav
def on_nav(nav, config, **kwargs):
    order = list(config.extra.get("kb_nav_order") or [])
    if not order:
        return nav
    codes = [language.code for language in build_state.languages(config)][1:]

    def name_of(item, depth: int) -> str | None:
        page = first_page(item)
        if page is None:
            return None
        return navorder.entry_name(page.file.src_uri, isinstance(item, Page), depth, codes)

    seen: list[str] = []

    def reorder(items, depth: int):
        seen.extend(name_of(item, depth) or "" for item in items)
        for item in items:
            if getattr(item, "children", None):
                item.children = reorder(item.children, depth + 1)
        return navorder.ordered(items, lambda item: name_of(item, depth), order)

    nav.items = reorder(nav.items, 0)
    missing = navorder.unknown_names(seen, order)
    if missing:
        log.warning(f"mkdocs.yml: extra.kb_nav_order names {', '.join(missing)}, which no page or folder of "
                    "docs/ has")
    nav.pages = flatten(nav.items)
    for previous, page, following in zip([None, *nav.pages[:-1]], nav.pages, [*nav.pages[1:], None]):
        page.previous_page, page.next_page = previous, following
    return nav
