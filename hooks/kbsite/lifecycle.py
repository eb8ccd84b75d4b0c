"""The whole build, in order, in one place.

Three stages. Only the second needs MkDocs; the first and the last are plain
Python over ``docs/`` and ``site/``, and run alone as ``dev.py`` commands.

1. **Checks over docs/**, before MkDocs reads a page (kbsite.content.check_docs,
   kbsite.frontmatter, kbsite.docs_files, kbsite.abbreviations): file types and
   names, front matter against schema/page.schema.json, raw HTML, snippets,
   citations, review dates. ``python3 dev.py check``; in a build, hooks/content_model.py
   runs them at ``on_pre_build`` and fails with every problem at once. The
   site's settings (``extra.kb_*``, ``KB_*``; kbsite.settings) are checked at
   ``on_config`` (hooks/finish.py).
2. **Rendering** (MkDocs, Material, static-i18n's nested build per language).
   The hooks do only what must happen while a page is rendered: the events
   and priorities below, which tests/test_lifecycle.py compares with every
   hook's functions, so this table is the order MkDocs follows.
3. **Steps over the finished site** (kbsite.site_steps.STEPS, in its order):
   sitemaps, search settings, Material bundle edits, redirects, tap to call,
   search index, ``_headers``, the service worker's version, the link check,
   the output check. ``python3 dev.py finish``; in a build, hooks/finish.py
   runs them once, after every language is written; the parallel build runs
   them after its merge.

MkDocs runs the hooks of one event by priority, highest first; at equal
priority, in the order of ``hooks:`` in mkdocs.yml. static-i18n's events run
at -100 (its nested builds of the other languages happen inside its
``on_post_build``), so what must see every language runs below it.
"""

from __future__ import annotations

# Priorities, by what they are relative to.
SETTINGS = 101  # the site's settings are checked before anything reads them
FIRST = 100  # before every plugin (static-i18n must be told the language first)
DEFAULT = 0  # MkDocs' default: order does not matter
AFTER_CSP_INPUT = 50  # before hooks that keep a page's output
STATIC_I18N = -100  # static-i18n's on_nav, on_page_context, on_post_build
BEFORE_STATIC_I18N_POST_BUILD = -99
AFTER_STATIC_I18N = -110  # static-i18n has given each language its files / built every language
SITE_STEPS = -111  # after the per-language files of AFTER_STATIC_I18N (404 pages)
REPORTS = -120  # after the site is finished: what is listed for the editor
ALLOWLIST = -200  # on_page_content, after every extension and plugin
AFTER_ALLOWLIST = -250  # on_page_content, on the content the allow-list passed

# (event, priority, hook, what it does there), in the order MkDocs runs them.
EVENTS = (
    ("on_startup", DEFAULT, "csp.py", "remembers build or serve"),
    ("on_startup", DEFAULT, "content_model.py", "remembers build or serve"),
    ("on_startup", DEFAULT, "finish.py", "remembers build or serve"),
    ("on_config", SETTINGS, "finish.py", "extra.kb_* and KB_* checked (kbsite.settings)"),
    ("on_config", FIRST, "language_split.py", "a parallel build's process: its one language"),
    ("on_config", DEFAULT, "render_guard.py", "the renderer's time limit"),
    ("on_config", DEFAULT, "language_switcher.py", "warns once when site_url is not set"),
    ("on_config", DEFAULT, "csp.py", "the theme's inline script hashes"),
    ("on_config", DEFAULT, "abbreviations.py", "the abbreviation file of each language"),
    ("on_config", DEFAULT, "content_model.py", "no edit link without a repository"),
    ("on_pre_build", DEFAULT, "localized_404.py", "forgets the 404 pages of a previous build"),
    ("on_pre_build", DEFAULT, "content_model.py", "stage 1: the checks over docs/"),
    ("on_pre_build", DEFAULT, "html_allowlist.py", "forgets the problems of a previous build"),
    ("on_pre_build", DEFAULT, "embed.py", "forgets the folders of a previous build"),
    ("on_pre_build", DEFAULT, "finish.py", "stops a link check left from a previous build"),
    ("on_files", DEFAULT, "finish.py", "big sites: starts the link check's workers"),
    ("on_nav", AFTER_STATIC_I18N, "nav_order.py", "the menu in extra.kb_nav_order's order"),
    ("on_env", DEFAULT, "language_switcher.py", "the languages, for the templates"),
    ("on_env", DEFAULT, "csp.py", "the CSP, for the templates"),
    ("on_env", DEFAULT, "theme_escaping.py", "autoescape for overrides/"),
    ("on_env", DEFAULT, "embed.py", "the theme's environment and stylesheets"),
    ("on_page_markdown", DEFAULT, "render_guard.py", "a page the renderer cannot finish is named"),
    ("on_page_markdown", DEFAULT, "abbreviations.py", "the language's abbreviations appended"),
    ("on_page_markdown", DEFAULT, "content_model.py", "page.meta.kb; the topic and type index pages"),
    ("on_page_content", ALLOWLIST, "html_allowlist.py", "the content against the allow-list"),
    ("on_page_content", AFTER_ALLOWLIST, "content_model.py", "the content cut at its title"),
    ("on_page_context", DEFAULT, "language_switcher.py", "the page's counterparts and hreflang links"),
    ("on_page_context", STATIC_I18N, "embed.py", "the embed variant, card and oEmbed document"),
    ("on_template_context", DEFAULT, "language_switcher.py", "the 404 page's language links"),
    ("on_post_template", AFTER_CSP_INPUT, "csp.py", "the CSP <meta> in static pages"),
    ("on_post_template", DEFAULT, "localized_404.py", "keeps each language's 404 page"),
    ("on_post_page", AFTER_CSP_INPUT, "csp.py", "the CSP <meta> in each page"),
    ("on_post_page", DEFAULT, "finish.py", "big sites: hands the written page to the link check"),
    ("on_post_build", BEFORE_STATIC_I18N_POST_BUILD, "language_split.py",
     "a parallel build's process: no nested build"),
    ("on_post_build", AFTER_STATIC_I18N, "localized_404.py", "writes each language's 404 page"),
    ("on_post_build", AFTER_STATIC_I18N, "html_allowlist.py", "fails the build on an HTML problem"),
    ("on_post_build", SITE_STEPS, "finish.py", "stage 3: kbsite.site_steps over the finished site"),
    ("on_post_build", REPORTS, "content_model.py", "lists the pages past their review date"),
)
