"""Hold a page's rendered content against the allow-list (kbsite.allowlist).

The content is parsed as a browser parses it inside the page (an HTML5
parser, lexbor through selectolax: character references decoded, ``<svg/x>``
and ``"x"onerror=`` read as attributes, ``<body onload>`` merged into the
page's body), so what is checked is what the reader's browser runs, however
the Markdown was written. Each element, attribute and URL outside the
allow-list is a Finding with the words an editor needs.

nh3 (Ammonia, a maintained sanitizer with a browser-grade parser) cleans the
same content with the same allow-list; if its result differs from the content
in anything our walker did not report, that difference is a Finding too. So a
gap in either one fails the build rather than reaching a reader. ``clean()``
is nh3's result, written in place of a refused page's content so that even a
failed build leaves no such file behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from selectolax.lexbor import LexborHTMLParser

from . import allowlist, material

# The content sits in an <article>, as on the page. The wrapper is known by
# its place (the body's first element), never by a name the content could copy.
_PAGE_OPEN = "<!DOCTYPE html><html><head></head><body><article>"
MAX_SHOWN = 60


@dataclass(frozen=True)
class Finding:
    message: str  # what is wrong and what is allowed, for the editor
    needles: tuple[str, ...]  # text to look for in the Markdown, most precise first
    fatal: bool = False  # nothing of the page may be kept (other steps would hang on it)

    def __str__(self) -> str:
        return self.message


def shown(value: str) -> str:
    """A value as quoted in a message: control characters made visible, cut."""
    text = "".join(c if 0x20 <= ord(c) != 0x7F else f"\\x{ord(c):02x}" for c in value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _parse(html: str) -> tuple[LexborHTMLParser, int]:
    """The content parsed in its page, and the wrapper's node id."""
    tree = LexborHTMLParser(_PAGE_OPEN + html)
    return tree, next(tree.body.iter(include_text=False)).mem_id


def _elements_message(tag: str) -> str:
    return (f"<{tag}> is not allowed; allowed elements: {', '.join(sorted(allowlist.ELEMENTS))} "
            "(CONTRIBUTING.md, \"HTML\")")


def _attribute_findings(tag: str, name: str, value: str | None) -> list[Finding]:
    text = "" if value is None else value
    quoted = f'{name}="{shown(text)}"' if value is not None else name
    if name.startswith("on"):
        return [Finding(f"{quoted} on <{tag}> is an event handler: it runs script; remove it", (name,))]
    if name not in allowlist.allowed_attributes(tag):
        allowed = ", ".join(sorted(allowlist.ATTRIBUTES.get(tag, ())) or ["none of its own"])
        return [Finding(f"{quoted} on <{tag}> is not allowed; allowed on <{tag}>: {allowed}, and on any element: "
                        f"{', '.join(sorted(allowlist.GLOBAL_ATTRIBUTES))}", (name,))]
    if name in allowlist.BOOLEAN_ATTRIBUTES:
        return []
    if "<" in text or ">" in text:
        what = "a title (link, abbreviation, tooltip) is plain text" if name == "title" else \
            "an attribute holds no markup"
        return [Finding(f'{name}="{shown(text)}" on <{tag}> holds < or >; {what}: remove them', (text[:40], name))]
    if name in ("class", "id") and material.THEME_TRIGGERS & set(text.split()):
        return [Finding(f'{name}="{shown(text)}" on <{tag}>: the theme would load a script from another site for '
                        f"it ({', '.join(sorted(material.THEME_TRIGGERS & set(text.split())))}); choose another",
                        (text, name))]
    if allowlist.has_control_characters(text):
        visible = "".join(c for c in text if not allowlist.has_control_characters(c))
        return [Finding(f"{name} on <{tag}> holds a control character ({shown(text)}): remove it", (visible, name))]
    if name in ("id", "for", "name") and allowlist.RESERVED_ID.match(text):
        tabbed = allowlist.TABBED_NAME if name == "name" else allowlist.TABBED_ID
        if not (tag in ("input", "label") and tabbed.fullmatch(text)):
            return [Finding(f'{name}="{shown(text)}" on <{tag}>: names starting with __ belong to the theme; '
                            "choose another", (text, name))]
    if name in allowlist.LINK_ATTRIBUTES:
        scheme = allowlist.url_scheme(text)
        if scheme is not None and scheme not in allowlist.LINK_SCHEMES:
            return [Finding(f"{name}=\"{shown(text)}\" on <{tag}>: the {shown(scheme)}: scheme is not allowed; a link "
                            f"may use {', '.join(sorted(allowlist.LINK_SCHEMES))} or a relative address",
                            (scheme, text, name))]
        return []
    if name in allowlist.RESOURCE_ATTRIBUTES:
        urls = allowlist.srcset_urls(text) if name == "srcset" else [text]
        if any(allowlist.is_other_host(url) for url in urls):
            return [Finding(f"{name}=\"{shown(text)}\" on <{tag}>: the page would load it from another host; put the "
                            "file under docs/ and give its relative address", (text, name))]
        return []
    if not allowlist.value_allowed(tag, name, text):
        return [Finding(f'{name}="{shown(text)}" on <{tag}> is not allowed; allowed: '
                        f"{allowlist.allowed_values(tag, name)}", (name,))]
    return []


def walk(html: str) -> list[Finding]:
    """Every element, attribute and value of the content outside the allow-list."""
    tree, wrapper = _parse(html)
    findings: list[Finding] = []
    for node in (tree.root, tree.head, tree.body):  # <html x> and <body x> in content land here
        for name, value in (node.attributes if node is not None else {}).items():
            findings.append(Finding(f"{name}= on <{node.tag}> (written as <{node.tag} …> in the page): <{node.tag}> "
                                    "is not allowed in a page", (f"<{node.tag}", name)))
    for node in tree.head.iter() if tree.head is not None else []:
        findings.append(Finding(_elements_message(node.tag), (f"<{node.tag}",)))
    depth = {tree.body.mem_id: 0}
    for node in tree.body.traverse(include_text=False):
        if not node.is_element_node:
            continue  # comments: inert, shown to no one
        tag = node.tag
        parent = node.parent
        depth[node.mem_id] = level = depth.get(parent.mem_id, 0) + 1 if parent is not None else 0
        if level > allowlist.MAX_DEPTH + 1:  # the wrapper is one level
            return findings + [Finding(f"HTML nested more than {allowlist.MAX_DEPTH} levels deep: simplify the "
                                       "structure", (f"<{tag}",), fatal=True)]
        if tag == "body" or node.mem_id == wrapper:
            continue
        if tag not in allowlist.ELEMENTS:
            findings.append(Finding(_elements_message(tag), (f"<{tag}", tag)))
            continue  # its attributes go with it; its children are checked on their own
        for name, value in node.attributes.items():
            findings.extend(_attribute_findings(tag, name, value))
    return findings


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: our value rules (schemes of every URL attribute,
    other hosts, reserved ids, titles) on top of its own."""
    return None if _attribute_findings(tag, name, value) else value


def clean(html: str) -> str:
    """The content as nh3 leaves it under the allow-list."""
    return nh3.clean(html, attribute_filter=_keep_attribute, **allowlist.nh3_options())


def _canonical(html: str) -> list[tuple]:
    """The content as a flat list of elements (name, sorted attributes) and
    text, in document order: two parses compare equal when a browser would
    build the same page from them."""
    tree, wrapper = _parse(html)
    events: list[tuple] = []
    for node in tree.body.traverse(include_text=True):
        tag = node.tag
        if tag == "body" or node.is_comment_node or node.mem_id == wrapper:
            continue
        if tag == "-text":
            text = node.text(deep=False)
            if events and events[-1][0] == "text":
                events[-1] = ("text", events[-1][1] + text)
            else:
                events.append(("text", text))
            continue
        attributes = []
        for name, value in sorted(node.attributes.items()):
            value = value or ""  # <x hidden> and <x hidden=""> are the same
            if name == "style":
                value = value.replace(" ", "").rstrip(";")
            attributes.append((name, value))
        events.append(("element", tag, tuple(attributes)))
    return events


def sanitizer_findings(html: str) -> list[Finding]:
    """What nh3 removes from the content, as one Finding (or none). Its own
    rules only (no Python callback: the walker has applied the value rules),
    so that the comparison costs little."""
    before, after = _canonical(html), _canonical(nh3.clean(html, **allowlist.nh3_options()))
    if before == after:
        return []
    for index, event in enumerate(before):
        if index >= len(after) or after[index] != event:
            what = (f"<{event[1]}{''.join(f' {k}' for k, _ in event[2])}>" if event[0] == "element"
                    else f"text {shown(event[1])!r}")
            needle = (f"<{event[1]}",) if event[0] == "element" else (event[1][:40],)
            return [Finding(f"the sanitizer (nh3) removes something at {what}; only the allow-list's elements, "
                            "attributes and addresses may be written (CONTRIBUTING.md, \"HTML\")", needle)]
    return [Finding("the sanitizer (nh3) removes something at the end of the page", ())]


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_NOT_NESTING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "br", "hr", "img", "input", "wbr",
                          "col", "area", "base", "embed", "link", "meta", "source", "track"})


def estimated_depth(html: str) -> int:
    """An upper bound of the element nesting, in one linear pass (a parser
    takes time quadratic in the depth: 80,000 nested <div> take 9 s)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        if match.group(2).lower() in _NOT_NESTING:
            continue
        depth = max(depth - 1, 0) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def check(html: str) -> list[Finding]:
    """Every problem of a page's rendered content; empty when it is allowed."""
    if estimated_depth(html) > 4 * allowlist.MAX_DEPTH:
        return [Finding(f"HTML nested more than {allowlist.MAX_DEPTH} levels deep: simplify the structure",
                        ("<div", "<"), fatal=True)]
    findings = walk(html)
    if not findings:
        findings = sanitizer_findings(html)
    return findings


def refused_content(html: str, findings: list[Finding]) -> str:
    """What a refused page is written with: the sanitizer's output, or
    nothing when even that would stall the build."""
    return "" if any(finding.fatal for finding in findings) else clean(html)
