"""Rules for markup that is not page content: SVG and XML files, CSS.

Plain functions returning problems as sentences. An SVG under docs/ and every
SVG, XML and CSS file of the built site go through them (kbsite.docs_files,
kbsite.site_safety). An SVG image opened directly runs on our origin, so it
may hold shapes, text, gradients and local references only: no script, no
event handler, no foreignObject (HTML inside SVG), no reference to another
file, no DOCTYPE (entity expansion), no ``xml-stylesheet`` (XSLT).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from . import allowlist

SVG = "http://www.w3.org/2000/svg"
XHTML = "http://www.w3.org/1999/xhtml"
# Metadata editors write into SVG files (Inkscape, Illustrator…): inert.
INERT_NAMESPACES = frozenset({
    SVG,
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.inkscape.org/namespaces/inkscape",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
})
SVG_FORBIDDEN = frozenset({"script", "foreignobject", "handler", "listener", "iframe", "embed", "object"})
EMBEDDED_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*", re.I)
ANIMATIONS = frozenset({"animate", "set", "animatemotion", "animatetransform", "discard"})
DECLARATIONS = re.compile(r"<!\s*(?:DOCTYPE|ENTITY|ATTLIST|ELEMENT)", re.I)
STYLESHEET_PI = re.compile(r"<\?\s*xml-stylesheet", re.I)

_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"']*?))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"@import\b", re.I)
_CSS_STRING = re.compile(r""""([^"\n]*)"|'([^'\n]*)'""")
_CSS_RUNS = re.compile(r"expression\s*\(|javascript\s*:|vbscript\s*:|-moz-binding|behavior\s*:", re.I)
DATA_TYPES = ("data:image/", "data:font/", "data:application/font", "data:application/x-font")


def _decode_css(text: str) -> str:
    def replace(match: re.Match) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)

    return _CSS_ESCAPE.sub(replace, text)


def css_problems(text: str, same_site, local_only: bool = False) -> list[str]:
    """What in a stylesheet (or style attribute) loads a file from another
    host or runs script. ``same_site(url)`` says whether a URL stays on the
    site; with ``local_only`` only ``url(#id)`` is allowed (SVG)."""
    css = _CSS_COMMENT.sub(" ", _decode_css(text))
    problems = []
    for match in _CSS_RUNS.finditer(css):
        problems.append(f"CSS {match.group(0).strip()!r} can run script")
    if _CSS_IMPORT.search(css) and local_only:
        problems.append("CSS @import loads another file")
    data_spans = []
    for match in _CSS_URL.finditer(css):
        target = next(group for group in match.groups() if group is not None).strip()
        lowered = allowlist.normalised_url(target).lower()
        if lowered.startswith("data:"):
            data_spans.append(match.span())
            if local_only or not lowered.startswith(DATA_TYPES):
                problems.append(f"CSS url({target[:40]}…) is a data: URL that is not an image or font")
        elif local_only:
            if not target.startswith("#"):
                problems.append(f"CSS url({target[:60]}) refers to another file")
        elif not same_site(target):
            problems.append(f"CSS url({target[:60]}) loads a file from another host")
    for match in _CSS_STRING.finditer(css):
        if any(start <= match.start() < end for start, end in data_spans):
            continue
        value = next(group for group in match.groups() if group is not None)
        if _looks_like_url(value) and not same_site(value):
            problems.append(f"CSS string {value[:60]!r} names a file on another host")
    return problems


def _looks_like_url(value: str) -> bool:
    url = allowlist.normalised_url(value)
    return url.startswith("//") or allowlist.url_scheme(value) in ("http", "https", "ftp", "javascript")


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def xml_declaration_problems(text: str) -> list[str]:
    problems = []
    if DECLARATIONS.search(text):
        problems.append("a DOCTYPE or entity declaration (it can expand or pull in other files)")
    if STYLESHEET_PI.search(text):
        problems.append("an <?xml-stylesheet?> instruction (an XSLT stylesheet can run script)")
    return problems


def parse_xml(text: str) -> tuple[ElementTree.Element | None, str | None]:
    try:
        return ElementTree.fromstring(text), None
    except ElementTree.ParseError as error:
        return None, f"not well-formed XML ({error})"


def svg_problems(text: str) -> list[str]:
    """Why an SVG file may not be served from our origin; empty when it may."""
    problems = xml_declaration_problems(text)
    if problems:
        return problems
    root, error = parse_xml(text)
    if root is None:
        return [error]
    if _local(root.tag) != (SVG, "svg"):
        return [f"the root element is {root.tag!r}, not an SVG <svg> element"]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        namespace, name = _local(element.tag)
        if namespace not in INERT_NAMESPACES:
            problems.append(f"<{name}> in namespace {namespace or '(none)'} (only SVG elements are allowed)")
            continue
        if name.lower() in SVG_FORBIDDEN:
            problems.append(f"<{name}> is not allowed in an SVG file (script, HTML or another file)")
        for attribute, value in element.attrib.items():
            problems += _svg_attribute_problems(name, _local(attribute)[1], value, element)
        if name == "style" and element.text:
            problems += css_problems(element.text, lambda url: False, local_only=True)
    return problems


def _svg_attribute_problems(element: str, attribute: str, value: str, node) -> list[str]:
    lowered = attribute.lower()
    if lowered.startswith("on"):
        return [f"{attribute}= on <{element}> is an event handler"]
    if lowered == "href":
        if element == "a":
            scheme = allowlist.url_scheme(value)
            if scheme is not None and scheme not in allowlist.LINK_SCHEMES:
                return [f"<a href={value[:60]!r}>: the {scheme}: scheme is not allowed"]
            return []
        if element.lower() in ("image", "feimage") and EMBEDDED_IMAGE.fullmatch(value.strip()):
            return []  # a raster image inside the file, not another file
        if not value.strip().startswith("#"):
            return [f"<{element} href={value[:60]!r}> refers to another file (only #id references are allowed)"]
    if element.lower() in ANIMATIONS and lowered == "attributename" and animates_script(value):
        return [f"<{element} attributeName={value!r}> changes a link or an event handler"]
    if lowered == "style":
        return css_problems(value, lambda url: False, local_only=True)
    if "url(" in value.lower():
        return css_problems(value, lambda url: False, local_only=True)
    return []


def animates_script(attribute_name: str) -> bool:
    """An animation (<set>, <animate>…) of a link or an event handler: it can
    turn a harmless element into a javascript: link or a handler."""
    name = attribute_name.strip().lower()
    return name in ("href", "xlink:href") or name.startswith("on")


def xml_problems(text: str) -> list[str]:
    """Why an XML file (sitemap) may not be served; empty when it may."""
    problems = xml_declaration_problems(text)
    if problems:
        return problems
    root, error = parse_xml(text)
    if root is None:
        return [error]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace, name = _local(element.tag)
        if namespace == XHTML and name == "link" and set(element.attrib) <= {"rel", "hreflang", "href"} \
                and allowlist.url_scheme(element.attrib.get("href", "")) in ("http", "https"):
            continue  # a sitemap's <xhtml:link rel="alternate" hreflang href>: a link, not markup
        if namespace in (SVG, XHTML) or name.lower() == "script":
            problems.append(f"<{name}> in namespace {namespace or '(none)'}: HTML or SVG in an XML file")
        for attribute in element.attrib:
            if _local(attribute)[1].lower().startswith("on"):
                problems.append(f"{attribute}= on <{name}> is an event handler")
    return problems
