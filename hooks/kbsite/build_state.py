"""The MkDocs and static-i18n adapter: where a build is, what it builds.

static-i18n builds the default language, then builds every other language as
a nested ``build()`` from its own ``on_post_build``. A parallel build
(tools/parallel_build.py) runs one ``mkdocs build`` process per language
with ``KB_BUILD_LANGUAGE`` set (hooks/language_split.py), with no nested
build. ``phase(config)`` answers the one question every hook asks: is this
a nested build (leave it to the outer one), which languages does this
process build, and has it the whole site (then the site steps run)?

The rest reads MkDocs' and static-i18n's config: the built languages,
default first; the language being built; the finished site for
kbsite.site_steps. The only module of kbsite that knows MkDocs objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import settings
from .languages import Language

SPLIT_VARIABLE = settings.BUILD_LANGUAGE


@dataclass(frozen=True)
class Phase:
    """Where this process is in a build: the one question every hook asks."""

    nested: bool  # inside static-i18n's nested build of another language: the outer build acts
    only_language: str | None  # a parallel build's process: the one language it builds

    @property
    def whole_site(self) -> bool:
        """The end of a build that wrote every language into ``site_dir``: the
        outer build of a sequential build, never a process of a parallel build
        (tools/parallel_build.py runs the site steps after its merge)."""
        return not self.nested and self.only_language is None

    def builds(self, code: str) -> bool:
        """True when this process builds ``code`` (every process does, unless split)."""
        return self.only_language in (None, code)


def i18n_plugin(config):
    return config.plugins.get("i18n")


def phase(config) -> Phase:
    only = settings.build_language()
    plugin = i18n_plugin(config)
    nested = plugin is not None and only is None and bool(plugin.building)
    return Phase(nested, only)


def current_language(config) -> str:
    plugin = i18n_plugin(config)
    if plugin is None or plugin.current_language is None:
        return config.theme.get("language", "en")
    return plugin.current_language


def languages(config) -> list[Language]:
    """The built languages, default first."""
    plugin = i18n_plugin(config)
    if plugin is None:
        return [Language(current_language(config), "", "")]
    result = []
    for lang in plugin.config.languages:
        if not lang.build:
            continue
        prefix = "" if lang.default else f"{lang.locale}/"
        result.append(Language(lang.locale, lang.name, prefix))
    result.sort(key=lambda language: language.prefix != "")
    return result


def rendered_pages(files, serving: bool) -> list:
    """The documentation pages a full build of this language renders (MkDocs'
    own choice: drafts too under ``serve``). Read in ``on_nav``/``on_files``
    rather than page by page, because ``serve --dirty`` renders only the
    edited pages: a list built from page events would shrink to them."""
    from mkdocs.structure.files import InclusionLevel

    inclusion = InclusionLevel.is_in_serve if serving else InclusionLevel.is_included
    return list(files.documentation_pages(inclusion=inclusion))


def site(config, environment, background=None):
    """The finished site as kbsite.site_steps sees it, from MkDocs' config."""
    from .linkreport import DEFAULT_CACHE
    from .site_steps import Site

    root = Path(config.config_file_path).parent
    custom_dir = Path(config.theme.custom_dir or root / "overrides")
    return Site(
        root=Path(config.site_dir), site_url=config.site_url or "", docs_dir=Path(config.docs_dir),
        languages=tuple((language.code, language.prefix) for language in languages(config)),
        theme_dirs=tuple(Path(directory) for directory in config.theme.dirs),
        worker_source=custom_dir / "sw.js", shown_from=root, redirects=config.extra.get("kb_redirects"),
        external_links=environment.external_links, linkcheck_workers=environment.linkcheck_workers,
        linkcheck_cache=root / DEFAULT_CACHE, background_links=background)
