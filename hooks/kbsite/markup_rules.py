"""Rules for markup that is not page content: SVG and XML files, CSS.

Plain functions returning problems as sentences. An SVG under docs/ and every
SVG, XML and CSS file of the built site go through them (kbsite.docs_files,
kbsite.site_safety). An SVG image opened directly runs on our origin, so it
may hold the elements of an image only (an allow-list: shapes, text,
gradients, filters, local references): no script, no event handler, no
foreignObject (HTML inside SVG), no reference to another file, no DOCTYPE
(entity expansion), no ``xml-stylesheet`` (XSLT). CSS is read with tinycss2
(the CSS Syntax tokenizer: escapes, comments and strings as a browser reads
them), and every URL and URL-like string in it must stay on the site.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import tinycss2

from . import allowlist

SVG = "http://www.w3.org/2000/svg"
XHTML = "http://www.w3.org/1999/xhtml"
# Metadata editors write into SVG files (Inkscape, Illustrator…): inert.
METADATA_NAMESPACES = frozenset({
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.inkscape.org/namespaces/inkscape",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
})
SVG_ELEMENTS = frozenset("""
    svg g defs symbol use path rect circle ellipse line polyline polygon text tspan textPath title desc metadata
    linearGradient radialGradient stop pattern clipPath mask marker filter style a image switch view
    animate animateMotion animateTransform set mpath
    feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting feDisplacementMap
    feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge
    feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence
""".split())
EMBEDDED_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*", re.I)
ANIMATIONS = frozenset({"animate", "set", "animatemotion", "animatetransform", "discard"})
DECLARATIONS = re.compile(r"<!\s*(?:DOCTYPE|ENTITY|ATTLIST|ELEMENT)", re.I)
STYLESHEET_PI = re.compile(r"<\?\s*xml-stylesheet", re.I)
DATA_TYPES = ("data:image/", "data:font/", "data:application/font", "data:application/x-font")
CSS_SCRIPT_FUNCTIONS = frozenset({"expression"})
URL_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade", "element"})
CSS_SCRIPT_PROPERTIES = frozenset({"behavior", "-moz-binding"})


def _tokens(tokens):
    """Every token of a tinycss2 tree, nested blocks and functions included."""
    for token in tokens:
        yield token
        for part in ("prelude", "content", "arguments"):
            nested = getattr(token, part, None)
            if isinstance(nested, list):
                yield from _tokens(nested)


def _css_url_problem(url: str, same_site, local_only: bool) -> str | None:
    lowered = allowlist.normalised_url(url).lower()
    if lowered.startswith("data:"):
        if local_only or not lowered.startswith(DATA_TYPES):
            return f"CSS url({url[:40]}…) is a data: URL that is not an image or font"
        return None
    if local_only:
        return None if url.strip().startswith("#") else f"CSS url({url[:60]}) refers to another file"
    scheme = allowlist.url_scheme(url)
    if scheme not in (None, "http", "https") or not same_site(url):
        return f"CSS url({url[:60]}) loads a file from another host or runs script"
    return None


def css_problems(text: str, same_site, local_only: bool = False) -> list[str]:
    """What in a stylesheet (or a style attribute) loads a file from another
    host or runs script. ``same_site(url)`` says whether a URL stays on the
    site; with ``local_only`` only ``url(#id)`` is allowed (SVG)."""
    problems = []
    tokens = list(_tokens(tinycss2.parse_component_value_list(text, skip_comments=True)))
    # Strings that a function reads as an address: url("…"), image-set("…"), src("…")…
    addresses = {id(argument) for token in tokens if token.type == "function" and token.lower_name in URL_FUNCTIONS
                 for argument in token.arguments if argument.type == "string"}
    for token in tokens:
        kind = token.type
        if kind == "url":
            problem = _css_url_problem(token.value, same_site, local_only)
        elif kind == "string" and (id(token) in addresses or _looks_like_url(token.value)):
            problem = _css_url_problem(token.value, same_site, local_only)
        elif kind == "function" and token.lower_name in CSS_SCRIPT_FUNCTIONS:
            problem = f"CSS {token.lower_name}() can run script"
        elif kind == "ident" and token.lower_value in CSS_SCRIPT_PROPERTIES:
            problem = f"CSS {token.lower_value} can run script"
        elif kind == "at-keyword" and token.lower_value == "import" and local_only:
            problem = "CSS @import loads another file"
        else:
            problem = None
        if problem and problem not in problems:
            problems.append(problem)
    return problems


def _looks_like_url(value: str) -> bool:
    """A string a CSS function may read as an address of another host, or as
    script (selector strings such as "fnref:" are not)."""
    url = allowlist.normalised_url(value)
    return url.startswith("//") or allowlist.url_scheme(value) in ("http", "https", "ftp", "ws", "wss", "javascript",
                                                                    "vbscript")


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


def read_xml(text: str) -> tuple[ElementTree.Element | None, list[str]]:
    """(root element, problems): no root when the file has declarations (never
    parsed: no entity is ever expanded) or is not well-formed."""
    problems = xml_declaration_problems(text)
    if problems:
        return None, problems
    try:
        return ElementTree.fromstring(text), []
    except ElementTree.ParseError as error:
        return None, [f"not well-formed XML ({error})"]


def svg_problems(text: str) -> list[str]:
    """Why an SVG file may not be served from our origin; empty when it may."""
    root, problems = read_xml(text)
    if root is None:
        return problems
    if _local(root.tag) != (SVG, "svg"):
        return [f"the root element is {root.tag!r}, not an SVG <svg> element"]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        namespace, name = _local(element.tag)
        if namespace in METADATA_NAMESPACES:
            continue
        if namespace != SVG:
            problems.append(f"<{name}> in namespace {namespace or '(none)'} (only SVG elements are allowed)")
            continue
        if name not in SVG_ELEMENTS:
            problems.append(f"<{name}> is not an element an SVG image may hold (no script, HTML or other file; "
                            "allowed: shapes, text, gradients, filters, local references)")
            continue
        for attribute, value in element.attrib.items():
            problems += _svg_attribute_problems(name, _local(attribute)[1], value, element)
        if name == "style":
            problems += css_problems("".join(element.itertext()), lambda url: False, local_only=True)
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
    # Presentation attributes (fill="url(#g)") and style="…" are CSS.
    if lowered == "style" or "(" in value or "\\" in value:
        return css_problems(value, lambda url: False, local_only=True)
    return []


def animates_script(attribute_name: str) -> bool:
    """An animation (<set>, <animate>…) of a link or an event handler: it can
    turn a harmless element into a javascript: link or a handler. Any
    namespace prefix counts (``q:href`` is xlink:href when q is bound to it)."""
    name = attribute_name.strip().lower().rpartition(":")[2]
    return name == "href" or name.startswith("on")


def xml_problems(text: str) -> list[str]:
    """Why an XML file (sitemap) may not be served; empty when it may."""
    root, problems = read_xml(text)
    if root is None:
        return problems
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
