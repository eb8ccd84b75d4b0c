"""A Content-Security-Policy on every page, as a ``<meta>`` (kbsite.csp).

Events:
- ``on_startup``: remembers ``build`` or ``serve``.
- ``on_config``: reads Material's inline scripts from its templates (the only
  inline scripts the policy will allow, by hash).
- ``on_env``: gives the templates ``kb_csp`` (pages: script-src with the
  placeholder for their inline scripts' hashes) and ``kb_csp_static``
  (embed variants, offline page: no inline script at all). Under
  ``mkdocs serve`` both allow inline script instead: MkDocs injects its
  live-reload script into every page it serves, and its text changes on each
  request. Builds never do. ``KB_CSP_META=0`` leaves the ``<meta>`` out, for
  hosts that send ``_headers`` (Netlify, Cloudflare Pages): any ``<meta>``
  policy makes Chromium's preload scanner wait for the parser (about 150 ms
  of first paint in Lighthouse's simulation, bench/README.md).
- ``on_post_page`` / ``on_post_template``: replaces the placeholder with the
  hashes of the theme's inline scripts on that page (404 pages included).

``_headers`` carries the same policy, whatever the ``<meta>`` (kbsite.embed.headers_file).
"""

from __future__ import annotations

from markupsafe import Markup
from mkdocs.plugins import event_priority

from kbsite import csp, lifecycle

_state: dict = {"command": "build", "patterns": []}


def on_startup(command, **kwargs):
    _state["command"] = command


def on_config(config, **kwargs):
    _state["patterns"] = csp.theme_inline_scripts()
    return config


def on_env(env, config, files, **kwargs):
    if not csp.meta_wanted():
        env.globals["kb_csp"] = env.globals["kb_csp_static"] = ""  # the host sends the policy (_headers)
        return env
    serving = _state["command"] == "serve"
    inline = "'unsafe-inline'" if serving else csp.PLACEHOLDER
    env.globals["kb_csp"] = Markup(csp.policy(inline))
    env.globals["kb_csp_static"] = Markup(csp.policy("'unsafe-inline'" if serving else ""))
    return env


@event_priority(lifecycle.AFTER_CSP_INPUT)  # before hooks that keep the output (localized_404.py)
def on_post_page(output, page, config, **kwargs):
    return csp.fill(output, _state["patterns"])


@event_priority(lifecycle.AFTER_CSP_INPUT)
def on_post_template(output_content, template_name, config, **kwargs):
    return csp.fill(output_content, _state["patterns"])
