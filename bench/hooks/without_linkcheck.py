"""Bench only (bench/linkcheck.py): the build with every hook and every site
step but the link check, to measure what the in-build check costs.

Events:
- ``on_config``: drops the ``linkcheck`` step from kbsite.site_steps' list,
  which hooks/finish.py runs at the end of the build. The bench also sets
  KB_LINKCHECK_WORKERS=1 for this build, so that hooks/finish.py starts no
  background check while pages are written.
"""

from __future__ import annotations

from kbsite import site_steps


def on_config(config, **kwargs):
    site_steps.STEPS = tuple(step for step in site_steps.STEPS if step.name != "linkcheck")
    return config
