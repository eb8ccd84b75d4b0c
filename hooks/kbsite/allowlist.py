"""The HTML a page's content may hold: elements, attributes, values, URL schemes.

One table for two uses: kbsite.content_html holds every page's rendered
content against it (our walker for the editor's message, nh3 as the
sanitizer that must agree), and kbsite.site_safety reads its URL rules
for the whole built site. What is here is what Python-Markdown and the
extensions of mkdocs.yml produce, plus the few raw HTML elements the pages
use (``kbd``, ``sup``, the privacy page's ``button``): nothing that runs
script, loads a file from another host, or lets content pose as the theme.
"""

from __future__ import annotations

import re

from . import srcset

ELEMENTS = frozenset("""
    a abbr article aside b blockquote br button caption cite code col colgroup dd del details dfn div dl dt em
    figcaption figure h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark ol p pre q s samp section small span
    strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr
""".split())

GLOBAL_ATTRIBUTES = frozenset("""
    id class lang dir title hidden role aria-label aria-labelledby aria-describedby aria-hidden
""".split())

ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang", "rel", "target", "type"}),
    "img": frozenset({"src", "srcset", "alt", "width", "height", "loading"}),
    "td": frozenset({"colspan", "rowspan", "style"}),
    "th": frozenset({"colspan", "rowspan", "scope", "style"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "details": frozenset({"open"}),
    "label": frozenset({"for"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    # pymdownx.tabbed: <input type="radio" name="__tabbed_1" id="__tabbed_1_1" checked>
    "input": frozenset({"type", "name", "checked"}),
    "button": frozenset({"type"}),
    # pymdownx.tabbed: <div class="tabbed-set" data-tabs="1:2">
    "div": frozenset({"data-tabs"}),
}

# Attributes whose value is held to a pattern (fullmatch), or to a set of values.
_NUMBER = re.compile(r"[0-9]{1,4}")
VALUES: dict[tuple[str, str], frozenset[str] | re.Pattern] = {
    ("input", "type"): frozenset({"radio"}),
    ("button", "type"): frozenset({"button"}),
    ("a", "target"): frozenset({"_blank"}),
    ("a", "type"): re.compile(r"[a-z0-9.+-]+/[a-z0-9.+-]+", re.I),
    ("img", "loading"): frozenset({"lazy", "eager"}),
    ("img", "width"): _NUMBER,
    ("img", "height"): _NUMBER,
    ("td", "colspan"): _NUMBER, ("td", "rowspan"): _NUMBER,
    ("th", "colspan"): _NUMBER, ("th", "rowspan"): _NUMBER,
    ("th", "scope"): frozenset({"row", "col", "rowgroup", "colgroup"}),
    ("col", "span"): _NUMBER, ("colgroup", "span"): _NUMBER,
    ("ol", "start"): re.compile(r"-?[0-9]{1,6}"),
    ("ol", "type"): frozenset({"1", "a", "A", "i", "I"}),
    ("li", "value"): re.compile(r"-?[0-9]{1,6}"),
    ("div", "data-tabs"): re.compile(r"[0-9]{1,4}:[0-9]{1,4}"),
    # Python-Markdown's tables: the only inline style a page may carry.
    ("td", "style"): re.compile(r"text-align: (?:left|right|center);"),
    ("th", "style"): re.compile(r"text-align: (?:left|right|center);"),
    ("*", "dir"): frozenset({"ltr", "rtl", "auto"}),
    ("*", "lang"): re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*"),
    ("*", "role"): re.compile(r"[a-z]+"),
    ("*", "aria-hidden"): frozenset({"true", "false"}),
}
BOOLEAN_ATTRIBUTES = frozenset({"hidden", "checked", "open", "reversed"})

# Ids and names starting with "__" belong to the theme (__config, __search,
# __drawer…): a page element with one would take the theme's place
# (DOM clobbering). pymdownx.tabbed's own radio buttons are the exception.
RESERVED_ID = re.compile(r"__")
TABBED_ID = re.compile(r"__tabbed_[0-9]+_[0-9]+")
TABBED_NAME = re.compile(r"__tabbed_[0-9]+")

# Nesting deeper than this is no page's structure; Material's search indexer
# is quadratic in it (6,000 nested <div> take 7 s, 80,000 hang the build).
MAX_DEPTH = 64

LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Attributes holding a URL the reader may follow, and one the page loads.
LINK_ATTRIBUTES = frozenset({"href", "cite"})
RESOURCE_ATTRIBUTES = frozenset({"src", "srcset"})

_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def normalised_url(value: str) -> str:
    """A URL attribute's value as a browser's URL parser reads it (the HTML
    parser has already decoded character references): leading and trailing
    C0 controls and spaces dropped, tabs and newlines removed anywhere,
    backslashes read as slashes (as for http and https)."""
    return _TAB_OR_NEWLINE.sub("", value.strip(_C0_AND_SPACE)).replace("\\", "/")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would use for this attribute value, lower case;
    None for a relative URL (``page/``, ``#id``, ``/x``, ``//host/x``)."""
    match = _SCHEME.match(normalised_url(value))
    return match.group(1).lower() if match else None


def is_other_host(value: str) -> bool:
    """True when the URL names a host (``https://x``, ``//x``): a page's own
    files are always written as relative addresses."""
    url = normalised_url(value)
    return url_scheme(value) is not None or url.startswith("//")


def srcset_urls(value: str) -> list[str]:
    """Every URL a srcset attribute can be read as: the HTML standard's parse
    (what a browser loads, kbsite/srcset.py) and a split on every comma (what
    a careless parser would load), so that a rule holds for both."""
    split = [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
    return list(dict.fromkeys(srcset.srcset_urls(value) + split))


def has_control_characters(value: str) -> bool:
    return any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value)


def allowed_attributes(element: str) -> frozenset[str]:
    return GLOBAL_ATTRIBUTES | ATTRIBUTES.get(element, frozenset())


def value_allowed(element: str, attribute: str, value: str) -> bool:
    rule = VALUES.get((element, attribute), VALUES.get(("*", attribute)))
    if rule is None:
        return True
    if isinstance(rule, frozenset):
        return value in rule
    return rule.fullmatch(value) is not None


def allowed_values(element: str, attribute: str) -> str:
    """The allowed values in words, for a message."""
    rule = VALUES.get((element, attribute), VALUES.get(("*", attribute)))
    if isinstance(rule, frozenset):
        return ", ".join(sorted(rule))
    if rule is _NUMBER:
        return "a number"
    if rule is not None and attribute == "style":
        return "text-align: left|right|center; (Markdown tables)"
    return "a plain value" if rule is None else f"a value matching {rule.pattern}"


def nh3_options() -> dict:
    """The same allow-list as nh3.clean() options (Ammonia, the sanitizer
    that must agree with our walker on every page)."""
    attributes = {element: set(allowed_attributes(element)) for element in ELEMENTS}
    return {
        "tags": set(ELEMENTS),
        "attributes": attributes,
        "url_schemes": set(LINK_SCHEMES),
        "link_rel": None,
        "strip_comments": True,
        "filter_style_properties": {"text-align"},
    }
