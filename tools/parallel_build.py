#!/usr/bin/env python3
"""Build the bilingual site with one ``mkdocs build`` process per language.

static-i18n builds the languages one after the other in one process, so a
2-core machine leaves a core idle for most of the build. Here each language
is built by its own process (``KB_BUILD_LANGUAGE``, hooks/language_split.py)
into its own folder, at the same time; the folders are merged, with the root
``sitemap.xml`` (every language, with its alternates) and its ``.gz``; then
the steps over the finished site run once over it (kbsite.site_steps, the
same call as at the end of a sequential build: sitemaps, redirects, search
index, ``_headers``, the service worker's version, the link check and the
output check), and fail the build as they fail ``mkdocs build``.

``python3 dev.py build`` runs it (``--sequential``: ``mkdocs build --strict``):
measured side by side (bench/parallel.py, bench/README.md), it takes the same
time as the sequential build at the real site's size and 0.62-0.76x its time
from 50 to 200 pages per language on 2 cores.

The result is byte-for-byte the sequential build's (tests/test_parallel_build.py).

    python tools/parallel_build.py [-f mkdocs.yml] [-d site] [--strict] [--jobs N] [mkdocs build options]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import finish_site  # tools/finish_site.py, beside this file
from kbsite import build_state, embed, settings, site_steps
from kbsite.build_state import SPLIT_VARIABLE

ROOT = Path(__file__).resolve().parent.parent

SITEMAP = "sitemap.xml"
URLSET_END = "</urlset>"


def read_site(config_file: Path, site_dir: str | None):
    """The languages to build and the finished site's settings, from mkdocs.yml."""
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=site_dir)
    if config.plugins.get("i18n") is None:
        raise SystemExit(f"{config_file}: no i18n plugin: nothing to build in parallel (use mkdocs build)")
    return build_state.site(config, settings.environment())


def build_language(config_file: Path, code: str, out: Path, mkdocs_args: list[str]) -> tuple[int, str, float]:
    """``mkdocs build`` of one language into ``out``: (exit code, log, seconds)."""
    env = {**os.environ, SPLIT_VARIABLE: code}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config_file), "-d", str(out),
                             *mkdocs_args], env=env, capture_output=True, text=True, cwd=config_file.parent)
    return result.returncode, result.stdout + result.stderr, time.perf_counter() - start


def owned_paths(prefix: str) -> list[str]:
    """What a non-default language's process contributes: its folder and its embed variants."""
    return [prefix.rstrip("/"), f"{embed.EMBED_DIR}/{prefix.rstrip('/')}"]


def move_tree(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def unmatched_files(part: Path, merged: Path, skip: list[str]) -> list[str]:
    """Files a language process wrote outside its own folders that the merged
    site lacks: they would be lost, so the merge refuses to go on."""
    missing = []
    for directory, folders, names in os.walk(part):
        relative_dir = Path(directory).relative_to(part).as_posix()
        folders[:] = [f for f in folders if (f if relative_dir == "." else f"{relative_dir}/{f}") not in skip]
        for name in names:
            relative = name if relative_dir == "." else f"{relative_dir}/{name}"
            if not (merged / relative).exists():
                missing.append(relative)
    return sorted(missing)


def merge_sitemaps(default_text: str, other_texts: list[str]) -> str:
    """The root sitemap as static-i18n writes it in a sequential build: every
    language's ``<url>`` entries, default language first."""
    head, end, tail = default_text.rpartition(URLSET_END)
    if not end:
        raise ValueError(f"{SITEMAP}: no {URLSET_END}")
    bodies = []
    for text in other_texts:
        start = text.find(">", text.find("<urlset")) + 1
        stop = text.rfind(URLSET_END)
        if start <= 0 or stop < start:
            raise ValueError(f"{SITEMAP}: no <urlset> element")
        bodies.append(text[start:stop].rstrip("\n"))
    return head.rstrip("\n") + "".join(bodies) + "\n" + end + tail


def write_sitemap_gz(path: Path, text: str, mtime: int) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, filename=str(path), mode="wb", mtime=mtime) as gz:
        gz.write(text.encode("utf-8"))


def gzip_mtime(path: Path) -> int:
    if not path.is_file():
        return 0
    with open(path, "rb") as file:  # the header's MTIME field, bytes 4 to 8
        return int.from_bytes(file.read(8)[4:8], "little")


def merge(site_settings: site_steps.Site, parts: dict[str, Path]) -> None:
    """Move every language's part into ``site_dir`` and redo the root sitemap."""
    (default_code, _), others = site_settings.languages[0], site_settings.languages[1:]
    site = site_settings.root
    if site.exists():
        shutil.rmtree(site)
    os.replace(parts[default_code], site)
    for code, prefix in others:
        owned = owned_paths(prefix)
        for relative in owned:
            if (parts[code] / relative).exists():
                move_tree(parts[code] / relative, site / relative)
            elif (site / relative).exists():
                shutil.rmtree(site / relative)  # the default process's empty stand-ins
        lost = unmatched_files(parts[code], site, owned)
        if lost:
            raise SystemExit(f"parallel build: the '{code}' build wrote files no other build has, which the merge "
                             f"would drop: {', '.join(lost[:10])}")
    texts = [(parts[code] / SITEMAP).read_text(encoding="utf-8") for code, _ in others
             if (parts[code] / SITEMAP).is_file()]
    if (site / SITEMAP).is_file() and texts:
        merged = merge_sitemaps((site / SITEMAP).read_text(encoding="utf-8"), texts)
        (site / SITEMAP).write_text(merged, encoding="utf-8")
        mtime = max([gzip_mtime(site / f"{SITEMAP}.gz")] + [gzip_mtime(parts[c] / f"{SITEMAP}.gz") for c, _ in others])
        write_sitemap_gz(site / f"{SITEMAP}.gz", merged, mtime)


def finish(site: site_steps.Site) -> int:
    """The steps over the merged site (kbsite.site_steps), as at the end of a
    sequential build; 1 when one fails."""
    return finish_site.run_steps(site, name="parallel build")


def print_logs(logs: list[str]) -> None:
    """Every process's log, a line said by several processes once."""
    seen: set[str] = set()
    for text in logs:
        for line in text.splitlines():
            if line not in seen:
                seen.add(line)
                sys.stderr.write(line + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("-d", "--site-dir", help="where to write the site (default: mkdocs.yml's site_dir)")
    parser.add_argument("-s", "--strict", action="store_true", help="fail on warnings, as mkdocs build --strict")
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="language builds at once")
    args, other = parser.parse_known_args(argv)  # other mkdocs build options go to every process
    start = time.perf_counter()
    config_file = args.config_file.resolve()
    from mkdocs.exceptions import MkDocsException

    try:
        site = read_site(config_file, args.site_dir)
    except (MkDocsException, OSError, settings.SettingsError) as error:  # a bad mkdocs.yml or KB_* value
        sys.stderr.write(f"parallel build: {config_file}: {error}\n")
        return 1
    parts_dir = site.root.parent / f".{site.root.name}.parts"
    shutil.rmtree(parts_dir, ignore_errors=True)
    parts = {code: parts_dir / code for code, _ in site.languages}
    mkdocs_args = (["--strict"] if args.strict else []) + (["-q"] if args.quiet else []) + other
    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(lambda code: build_language(config_file, code, parts[code], mkdocs_args),
                                    parts))
        print_logs([log for _, log, _ in results])
        failed = [code for code, (status, _, _) in zip(parts, results) if status != 0]
        if failed:
            sys.stderr.write(f"parallel build: the {', '.join(failed)} build failed (see above)\n")
            return 1
        merge(site, parts)
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    status = finish(site)
    if not args.quiet:
        times = ", ".join(f"{code} {seconds:.1f} s" for code, (_, _, seconds) in zip(parts, results))
        sys.stderr.write(f"parallel build: {site.root} in {time.perf_counter() - start:.1f} s ({times})\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
