"""The service worker's version: a digest of the finished site's files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PLACEHOLDER = "__KB_VERSION__"
WORKER = "sw.js"


def site_version(site_dir: Path, exclude: set[str]) -> str:
    """12 hex digits over every file's path and content, in a fixed order."""
    digest = hashlib.sha256()
    for directory, folders, names in os.walk(site_dir):
        folders.sort()
        for name in sorted(names):
            path = Path(directory) / name
            relative = path.relative_to(site_dir).as_posix()
            if relative in exclude:
                continue
            digest.update(relative.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def stamp_site(source: Path, site_dir: Path) -> None:
    """Write ``site_dir/sw.js`` from ``source``, versioned by every other file
    of the finished site. Raises ValueError when the source is unusable."""
    if not source.is_file():
        raise ValueError(f"{source} is missing (the service worker's source)")
    stamp_worker(source, site_dir / WORKER, site_version(site_dir, exclude={WORKER}))


def stamp_worker(source: Path, worker: Path, version: str) -> None:
    """Write ``worker`` from its ``source`` with the version in place (from the
    source each time: ``mkdocs serve`` rebuilds into the same folder)."""
    text = source.read_text(encoding="utf-8")
    if PLACEHOLDER not in text:
        raise ValueError(f"{source}: no {PLACEHOLDER} to replace")
    worker.write_text(text.replace(PLACEHOLDER, version), encoding="utf-8")
