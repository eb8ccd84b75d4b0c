#!/usr/bin/env python3
"""Build the bilingual site with one ``mkdocs build`` process per language.

static-i18n builds the languages one after the other in one process, so a
2-core machine leaves a core idle for most of the build. Here each language
is built by its own process (``KB_BUILD_LANGUAGE``, hooks/language_split.py)
into its own folder, at the same time; the folders are merged; then the
steps that need the whole site run once over it, as the hooks do at the end
of a sequential build:

- the root ``sitemap.xml`` (every language, with its alternates) and its
  ``.gz``;
- ``_headers`` (kbsite.embed) and the service worker's version
  (kbsite.offline), which depend on every file of the site;
- the link check (hooks/linkcheck.py standalone, with the Markdown file and
  line of each defect; external links too with ``KB_LINKCHECK_EXTERNAL=1``),
  which fails the build like the hook does;
- the output invariant (hooks/site_safety.py: no file holds executable
  markup), which fails it too.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "hooks"
sys.path.insert(0, str(HOOKS))

import site_safety  # noqa: E402  (hooks/site_safety.py)
from kbsite import embed, offline, phone_links, redirects, search_shards  # noqa: E402
from kbsite.build_state import SPLIT_VARIABLE  # noqa: E402

SITEMAP = "sitemap.xml"
URLSET_END = "</urlset>"


@dataclass(frozen=True)
class SiteSettings:
    """What the merge needs from mkdocs.yml."""

    languages: list[tuple[str, str]]  # (code, prefix), default language first, prefix "" for it
    site_dir: Path
    site_url: str
    docs_dir: Path
    worker_source: Path  # overrides/sw.js
    config_file: Path
    theme_dirs: tuple[Path, ...] = ()  # overrides/, then Material's templates
    redirects: dict | None = None  # extra.kb_redirects


def read_settings(config_file: Path, site_dir: str | None) -> SiteSettings:
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=site_dir)
    plugin = config.plugins.get("i18n")
    if plugin is None:
        raise SystemExit(f"{config_file}: no i18n plugin: nothing to build in parallel (use mkdocs build)")
    languages = [(lang.locale, "" if lang.default else f"{lang.locale}/")
                 for lang in plugin.config.languages if lang.build]
    languages.sort(key=lambda item: item[1] != "")
    custom_dir = Path(config.theme.custom_dir or ROOT / "overrides")
    return SiteSettings(languages, Path(config.site_dir), config.site_url or "", Path(config.docs_dir),
                        custom_dir / offline.WORKER, config_file, tuple(Path(d) for d in config.theme.dirs),
                        config.extra.get("kb_redirects"))


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


def merge(settings: SiteSettings, parts: dict[str, Path]) -> None:
    """Move every language's part into ``site_dir`` and redo the root sitemap."""
    (default_code, _), others = settings.languages[0], settings.languages[1:]
    site = settings.site_dir
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


def finish(settings: SiteSettings) -> int:
    """The whole-site steps of a sequential build's end: _headers, service
    worker version, link check. Returns the link checker's exit code."""
    site = settings.site_dir
    found, problems = redirects.read(settings.redirects, settings.docs_dir, settings.languages)
    try:
        if not problems:
            redirects.write_site(site, found, settings.languages, list(settings.theme_dirs))
    except ValueError as error:
        problems = [str(error)]
    if problems:  # as hooks/redirects.py fails a sequential build
        sys.stderr.write(f"parallel build: redirects: {'; '.join(problems)}\n")
        return 1
    phone_links.link_site(site)  # before the worker's version, the link check and the output check read the pages
    search_shards.write_site(site, list(settings.languages))  # after the redirect pages, before the version
    embed.write_headers_file(site, settings.site_url or "/")
    try:
        offline.stamp_site(settings.worker_source, site)
    except ValueError as error:  # as hooks/offline.py fails a sequential build
        sys.stderr.write(f"parallel build: {error}\n")
        return 1
    # Reported as the hook reports them: docs/<file>.md:<line>, relative to mkdocs.yml's folder.
    command = [sys.executable, str(HOOKS / "linkcheck.py"), str(site), "--site-url", settings.site_url,
               "--docs-dir", str(settings.docs_dir)]
    if os.environ.get("KB_LINKCHECK_EXTERNAL", "") not in ("", "0", "false"):  # as the hook does
        command.append("--external")
    result = subprocess.run(command, capture_output=True, text=True, cwd=settings.config_file.parent)
    defects = [line for line in result.stdout.splitlines() if line.strip()]
    for line in defects:
        sys.stderr.write(f"ERROR    -  linkcheck: {line}\n")
    if result.stderr.strip():
        sys.stderr.write(result.stderr)
    if result.returncode != 0:
        sys.stderr.write(f"parallel build: {len(defects)} broken link(s): see the lines above (hooks/linkcheck.py)\n")
    root = settings.config_file.parent
    violations = site_safety.check(site, settings.site_url, list(settings.theme_dirs), settings.docs_dir,
                                   lambda path: os.path.relpath(path, root))
    for violation in violations:
        sys.stderr.write(f"ERROR    -  site_safety: {violation}\n")
    if violations:
        sys.stderr.write(f"parallel build: {len(violations)} unsafe file(s) in the built site: see the lines above "
                         "(hooks/kbsite/site_safety.py)\n")
    return result.returncode or (1 if violations else 0)


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
        settings = read_settings(config_file, args.site_dir)
    except (MkDocsException, OSError) as error:  # a bad mkdocs.yml: say so, as mkdocs build does
        sys.stderr.write(f"parallel build: {config_file}: {error}\n")
        return 1
    parts_dir = settings.site_dir.parent / f".{settings.site_dir.name}.parts"
    shutil.rmtree(parts_dir, ignore_errors=True)
    parts = {code: parts_dir / code for code, _ in settings.languages}
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
        merge(settings, parts)
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    status = finish(settings)
    if not args.quiet:
        times = ", ".join(f"{code} {seconds:.1f} s" for code, (_, _, seconds) in zip(parts, results))
        sys.stderr.write(f"parallel build: {settings.site_dir} in {time.perf_counter() - start:.1f} s ({times})\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
