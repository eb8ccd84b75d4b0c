"""The output invariant: no file of the built site holds executable markup.

Independent of how markup got there (a page, a template, a hook, a file
copied from docs/): after the build every HTML, SVG, XML, CSS, JavaScript
and JSON file of the site is read back and checked, HTML with an HTML5
parser (lexbor, as a browser parses it):

- no ``<script>`` but the site's own: a file of the theme or of overrides/
  (``src``), Material's JSON configuration, or an inline script of Material's
  own templates (kbsite.csp); no JavaScript file but those;
- no ``on…`` attribute, no ``srcdoc``, no ``ping``; no URL attribute whose
  scheme, read as a browser reads it, is outside http, https, mailto, tel
  and relative; nothing loaded from another host (images, stylesheets,
  icons, CSS ``url()``);
- no ``iframe``/``object``/``embed``/``noscript``/``template``…, no
  ``<base>`` (but the embed variants' own, first in ``<head>``), no meta
  refresh but an immediate one to an address of the site (the redirect
  pages of kbsite/redirects.py);
- SVG and XML files: kbsite.markup_rules; oEmbed documents: their ``html``
  is the embed code only (our iframe, our loader); the search index: text.

Plain functions over a folder: the last of kbsite.site_steps (the end of a build,
``mkdocs serve`` as a warning, the parallel build) and ``python3 dev.py safety``.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from . import allowlist, csp, markup_rules, material

EMBED_DIR = "embed"
LOADER = "assets/javascripts/kb-embed.js"
WORKER = "sw.js"
FORBIDDEN_ELEMENTS = frozenset("""
    iframe frame frameset object embed applet portal fencedframe noscript xmp plaintext noembed noframes
    template foreignobject isindex param listing
""".split())
LINK_URL_ATTRIBUTES = frozenset({"href", "cite", "xlink:href", "longdesc", "usemap", "itemid"})
SAME_SITE_ATTRIBUTES = frozenset({"src", "poster", "data", "background", "lowsrc", "dynsrc", "action",
                                  "formaction", "manifest", "codebase", "archive", "classid", "icon"})
RESOURCE_LINK_RELS = frozenset({"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest",
                                "preconnect", "dns-prefetch", "prerender", "import", "apple-touch-icon",
                                "mask-icon", "shortcut", "subresource", "serviceworker"})
RESOURCE_ELEMENTS_HREF = frozenset({"image", "use", "feimage", "script", "link"})
EMBED_SANDBOX = frozenset({"allow-scripts", "allow-same-origin", "allow-popups", "allow-popups-to-escape-sandbox",
                           "allow-top-navigation-by-user-activation"})
META_EQUIV = frozenset({"content-security-policy", "content-type", "x-ua-compatible"})
CHECKED_SUFFIXES = {".html", ".svg", ".xml", ".css", ".js", ".json"}
# Types a browser may run as a page or a script, which the site never serves.
# (.txt: a browser runs a text/plain file as a worker script when the host
# sends no X-Content-Type-Options: nosniff, as GitHub Pages may not.)
FORBIDDEN_SUFFIXES = {".htm", ".xhtml", ".xht", ".shtml", ".mjs", ".svgz", ".xsl", ".xslt", ".swf", ".jar",
                      ".hta", ".php", ".phtml", ".wasm", ".txt", ".csv"}
# Elements whose name= becomes a property of document (document.currentScript,
# document.forms…): an element named like the theme's would replace it.
NAMED_ON_DOCUMENT = frozenset({"img", "form", "embed", "object", "iframe"})


@dataclass(frozen=True)
class Violation:
    file: str  # in the site: "guides/x/index.html"
    message: str
    source: str | None = None  # the Markdown it comes from, when known: "docs/guides/x.md"

    def __str__(self) -> str:
        where = f"{self.file} (from {self.source})" if self.source else self.file
        return f"{where}: unsafe: {self.message}"


@dataclass(frozen=True)
class Policy:
    origin: str  # "https://example.org"
    base_path: str  # "/kb/"
    scripts: frozenset[str]  # site-relative paths of the site's own script files
    theme_scripts: tuple  # compiled patterns of Material's inline scripts

    def site_path(self, page: str, url: str, base: str | None = None) -> str | None:
        """The site-relative path a URL of ``page`` resolves to, or None when
        it leaves the site (another host, another scheme, above the site)."""
        page_url = self.origin + self.base_path + page
        if base:
            page_url = urljoin(page_url, base)
        resolved = urlsplit(urljoin(page_url, allowlist.normalised_url(url)))
        if f"{resolved.scheme}://{resolved.netloc}" != self.origin:
            return None
        if not resolved.path.startswith(self.base_path):
            return None
        return resolved.path[len(self.base_path):]

    def same_site(self, page: str, url: str, base: str | None = None) -> bool:
        if allowlist.url_scheme(url) not in (None, "http", "https"):
            return False
        return self.site_path(page, url, base) is not None


_REFRESH = re.compile(r"^\s*0\s*;\s*url=([^\s'\"]+)\s*$", re.I)


def _refresh_problem(content: str, page: str, policy: Policy, base: str | None) -> str | None:
    """A refresh is a redirect page's (kbsite/redirects.py): at once, to an
    address of this site. Anything else (a delay, another host, a script
    scheme) is refused."""
    match = _REFRESH.match(content)
    if not match or not policy.same_site(page, match.group(1), base):
        return f"<meta http-equiv='refresh'> to {content[:80]!r}: only an immediate refresh to an address of this site"
    return None


def own_scripts(theme_dirs: list[Path]) -> frozenset[str]:
    """Every script file the theme and our overrides/ ship, site-relative."""
    found = {WORKER}
    for directory in theme_dirs:
        scripts = Path(directory) / "assets" / "javascripts"
        found.update(path.relative_to(directory).as_posix() for path in scripts.rglob("*.js"))
    return frozenset(found)


def make_policy(site_url: str, theme_dirs: list[Path], templates: Path | None = None) -> Policy:
    parts = urlsplit(site_url or "http://127.0.0.1:8000/")
    base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return Policy(f"{parts.scheme}://{parts.netloc}", base_path, own_scripts(theme_dirs),
                  tuple(csp.theme_inline_scripts(templates)))


# --- HTML -------------------------------------------------------------------------

def _script_problem(node, page: str, policy: Policy, base: str | None, embed_code: bool) -> str | None:
    attributes = node.attributes
    src = attributes.get("src")
    if src is not None:
        if embed_code:
            path = policy.site_path(page, src)
            return None if path == LOADER else f"<script src={src[:80]!r}>: not the site's embed loader"
        path = policy.site_path(page, src, base)
        if path is None or path not in policy.scripts:
            return f"<script src={src[:80]!r}>: not one of the site's own scripts"
        return None
    if (attributes.get("type") or "").strip().lower() in csp.DATA_SCRIPT_TYPES:
        return None  # data (Material's configuration), never run
    if embed_code or not csp.is_theme_script(node.text(deep=True), policy.theme_scripts):
        text = " ".join(node.text(deep=True).split())
        return f"inline <script> that the theme did not write: {text[:80]!r}"
    return None


def _clobbering_problems(tag: str, attributes: dict, seen_ids: set[str]) -> list[str]:
    """Elements that would take the place of the theme's objects (DOM
    clobbering) or make it load a script from another host."""
    problems = []
    name = attributes.get("name")
    if name and tag in NAMED_ON_DOCUMENT and (tag, name) not in material.THEME_NAMES:
        problems.append(f"<{tag} name={name[:40]!r}> becomes document.{name[:40]} (it can replace the theme's objects)")
    element_id = attributes.get("id")
    if element_id is not None:
        if element_id == material.CONFIG_ID and (tag != "script" or material.CONFIG_ID in seen_ids):
            problems.append(f"<{tag} id='{material.CONFIG_ID}'>: a second configuration for the theme's script")
        seen_ids.add(element_id)
    names = set((attributes.get("class") or "").split()) | {element_id or ""}
    if names & material.THEME_TRIGGERS:
        problems.append(f"<{tag}> named {', '.join(sorted(names & material.THEME_TRIGGERS))}: the theme would load a "
                        "script from another host for it")
    return problems


def _url_problems(tag: str, name: str, value: str, page: str, policy: Policy, base: str | None,
                  rel: set[str]) -> list[str]:
    if name == "srcset":
        return [problem for candidate in value.split(",") if candidate.split()
                for problem in _url_problems(tag, "src", candidate.split()[0], page, policy, base, rel)]
    loads = name in SAME_SITE_ATTRIBUTES or (name in ("href", "xlink:href") and tag in RESOURCE_ELEMENTS_HREF
                                             and (tag != "link" or rel & RESOURCE_LINK_RELS))
    if loads:
        if not policy.same_site(page, value, base):
            return [f"{name}={value[:80]!r} on <{tag}> loads or sends to another host or scheme"]
        return []
    if name in LINK_URL_ATTRIBUTES:
        scheme = allowlist.url_scheme(value)
        if scheme is not None and scheme not in allowlist.LINK_SCHEMES:
            return [f"{name}={value[:80]!r} on <{tag}>: the {scheme}: scheme runs script or is not allowed"]
    return []


def html_problems(html: str, page: str, policy: Policy, embed_code: bool = False) -> list[str]:
    """Every problem of one HTML document (``page``: its site-relative path).
    ``embed_code``: an oEmbed ``html`` fragment, which may hold our iframe
    and our loader and nothing else that runs."""
    tree = LexborHTMLParser(html)
    problems: list[str] = []
    base = None
    bases = tree.css("base")
    if bases:
        first = next(tree.head.iter(include_text=False), None) if tree.head is not None else None
        href = bases[0].attributes.get("href") or ""
        allowed = (page.startswith(EMBED_DIR + "/") and len(bases) == 1 and first is not None
                   and first.mem_id == bases[0].mem_id
                   and allowlist.url_scheme(href) is None and not allowlist.normalised_url(href).startswith("//")
                   and policy.site_path(page, href) is not None)
        if allowed:
            base = href
        else:
            problems.append("<base> (only an embed variant's own, first in <head>, may change where links go)")
    seen_ids: set[str] = set()
    for node in tree.root.traverse(include_text=False):
        if not node.is_element_node:
            continue
        tag = node.tag
        attributes = node.attributes
        if tag in FORBIDDEN_ELEMENTS:
            if not (embed_code and tag == "iframe"):
                problems.append(f"<{tag}> loads or hides markup a browser runs")
                continue
            src = attributes.get("src") or ""
            path = policy.site_path(page, src)
            if path is None or not path.startswith(EMBED_DIR + "/"):
                problems.append(f"<iframe src={src[:80]!r}>: not one of the site's embed variants")
            sandbox = set((attributes.get("sandbox") or "").split()) if "sandbox" in attributes else None
            if sandbox is None or not sandbox <= EMBED_SANDBOX:
                problems.append(f"<iframe sandbox={attributes.get('sandbox')!r}>: the embed must be sandboxed with "
                                f"{' '.join(sorted(EMBED_SANDBOX))} at most")
        elif tag == "script":
            problem = _script_problem(node, page, policy, base, embed_code)
            if problem:
                problems.append(problem)
        elif tag == "meta" and "http-equiv" in attributes:
            equiv = (attributes.get("http-equiv") or "").strip().lower()
            if equiv == "refresh":
                problem = _refresh_problem(attributes.get("content") or "", page, policy, base)
                if problem:
                    problems.append(problem)
            elif equiv not in META_EQUIV:
                problems.append(f"<meta http-equiv={equiv!r}> (a header set by the page)")
        elif tag == "style":
            problems += markup_rules.css_problems(node.text(deep=True),
                                                  lambda url: policy.same_site(page, url, base))
        elif tag in markup_rules.ANIMATIONS:
            names = {name.lower(): value for name, value in attributes.items()}
            target = (names.get("attributename") or "").strip().lower()
            if markup_rules.animates_script(target):
                problems.append(f"<{tag} attributeName={target!r}> changes a link or an event handler")
        problems += _clobbering_problems(tag, attributes, seen_ids)
        rel = set((attributes.get("rel") or "").lower().split()) if tag == "link" else set()
        for name, value in attributes.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                problems.append(f"{name}= on <{tag}> is an event handler")
            elif lowered in ("srcdoc", "ping"):
                problems.append(f"{name}= on <{tag}> (an inline page, or a request to another host)")
            elif value is None:
                continue
            elif lowered == "style":
                problems += markup_rules.css_problems(value, lambda url: policy.same_site(page, url, base))
            else:
                problems += _url_problems(tag, lowered, value, page, policy, base, rel)
    return problems


# --- Other files ------------------------------------------------------------------

def oembed_problems(text: str, page: str, policy: Policy) -> list[str]:
    try:
        document = json.loads(text)
    except ValueError as error:
        return [f"not valid JSON ({error})"]
    code = document.get("html") if isinstance(document, dict) else None
    if not isinstance(code, str):
        return ["no \"html\" embed code"]
    return [f"embed code: {problem}" for problem in html_problems(code, page, policy, embed_code=True)]


def search_index_problems(text: str, page: str, policy: Policy) -> list[str]:
    """The search results are shown as HTML: every title and text must be text
    with the allow-list's markup only, every location a relative address."""
    try:
        documents = json.loads(text).get("docs", [])
    except (ValueError, AttributeError) as error:
        return [f"not a search index ({error})"]
    problems = []
    for document in documents:
        location = str(document.get("location", ""))
        if allowlist.url_scheme(location) is not None or allowlist.normalised_url(location).startswith("//"):
            problems.append(f"search entry location {location[:80]!r} is not a relative address")
        for field in ("title", "text"):
            value = document.get(field)
            if isinstance(value, str) and "<" in value:
                found = html_problems(value, page, policy)
                problems += [f"search entry {location[:60]!r} {field}: {problem}" for problem in found]
    return problems


def search_file_problems(text: str, relative: str) -> list[str]:
    """Our search index (kbsite/search_shards.py): the worker shows its titles
    and text as text (escaped), and follows its page addresses, which must be
    relative addresses of this site (an anchor only ever follows their "#")."""
    try:
        document = json.loads(text)
    except ValueError as error:
        return [f"not valid JSON ({error})"]
    if PurePosixPath(relative).parent.name != "p":
        return [] if isinstance(document, dict) else ["not a search index file"]
    if not isinstance(document, dict) or not isinstance(document.get("u"), str) or not isinstance(document.get("s"), list):
        return ["not a search index page"]
    problems = []
    location = document["u"]
    if allowlist.url_scheme(location) is not None or allowlist.normalised_url(location).startswith(("/", "\\")):
        problems.append(f"search page address {location[:80]!r} is not a relative address")
    for section in document["s"]:
        if not (isinstance(section, list) and len(section) == 3 and all(isinstance(v, str) for v in section)):
            problems.append("a search section is not [anchor, heading, text]")
    return problems


def file_problems(site_dir: Path, relative: str, policy: Policy) -> list[str]:
    path = site_dir / relative
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix in FORBIDDEN_SUFFIXES:
        return [f"a {suffix} file (a type a browser may run; the site serves none)"]
    if suffix == ".js":
        return [] if relative in policy.scripts else ["a JavaScript file that is not one of the site's own scripts"]
    if suffix not in CHECKED_SUFFIXES:
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    if suffix == ".html":
        return html_problems(text, relative, policy)
    if suffix == ".svg":
        return markup_rules.svg_problems(text) + html_problems(text, relative, policy)
    if suffix == ".xml":
        return markup_rules.xml_problems(text) + html_problems(text, relative, policy)
    if suffix == ".css":
        return markup_rules.css_problems(text, lambda url: policy.same_site(relative, url))
    name = PurePosixPath(relative).name
    if relative.startswith(EMBED_DIR + "/") and name.endswith("oembed.json"):
        return oembed_problems(text, relative, policy)
    if name == "search_index.json":
        return search_index_problems(text, relative, policy)
    if "/search/kb/" in "/" + relative:
        return search_file_problems(text, relative)
    return []


def site_files(site_dir: Path) -> list[str]:
    found = []
    for directory, folders, names in os.walk(site_dir):
        folders.sort()
        for name in sorted(names):
            found.append((Path(directory) / name).relative_to(site_dir).as_posix())
    return found


def _check_batch(site_dir: Path, files: list[str], policy: Policy) -> list[tuple[str, str]]:
    return [(relative, problem) for relative in files for problem in file_problems(site_dir, relative, policy)]


def check_site(site_dir: Path, policy: Policy, workers: int = 1, sources=None) -> list[Violation]:
    """Every violation in the site, in file order. ``sources(relative)``
    names the Markdown file a page comes from (or None)."""
    site_dir = Path(site_dir)
    files = site_files(site_dir)
    links = [Violation(relative, "a symbolic link (the site must hold its own files)")
             for relative in files if (site_dir / relative).is_symlink()]
    files = [relative for relative in files if not (site_dir / relative).is_symlink()]
    if workers > 1 and len(files) > 200:
        size = max(1, len(files) // (workers * 4))
        batches = [files[i:i + size] for i in range(0, len(files), size)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            found = [item for result in pool.map(_check_batch, [site_dir] * len(batches), batches,
                                                 [policy] * len(batches)) for item in result]
    else:
        found = _check_batch(site_dir, files, policy)
    return links + [Violation(relative, problem, sources(relative) if sources else None)
                    for relative, problem in found]


def source_finder(docs_dir: Path | None, shown):
    """sources(relative) for check_site: the Markdown file an HTML page (or
    its embed variant) comes from, as ``shown(path)`` names it."""
    from .sourcemap import docs_markdown, page_source

    if docs_dir is None or not Path(docs_dir).is_dir():
        return None
    docs_dir = Path(docs_dir)
    markdown, languages = docs_markdown(docs_dir)

    def sources(relative: str) -> str | None:
        page = relative[len(EMBED_DIR) + 1:] if relative.startswith(EMBED_DIR + "/") else relative
        found = page_source(page, markdown, languages) if page.endswith(".html") else None
        return shown(docs_dir / found.path) if found else None

    return sources


def check(site_dir: Path, site_url: str, theme_dirs: list[Path], docs_dir: Path | None = None,
          shown=lambda path: path.as_posix(), workers: int | None = None) -> list[Violation]:
    """Every violation of a built site, each naming the Markdown it comes from
    when ``docs_dir`` is given."""
    policy = make_policy(site_url, theme_dirs)
    return check_site(site_dir, policy, workers or os.cpu_count() or 1, source_finder(docs_dir, shown))
