"""Build cost against site size: 100, 1,000 and 5,000 pages per language.

For each size, on one generated bilingual site (bench/generate.py: the
project's page shapes), side by side in one run:

1. ``mkdocs build`` with every project hook and override (``--strict``), and
   with them removed (Material + static-i18n + the same Markdown extensions
   and content; ``hooks: []``, no ``custom_dir``: the overrides need the
   hooks' context), alternately, ``--repeat`` times: wall time and peak memory
   (the sum of the resident memory of the build's processes, sampled every
   50 ms, and the largest single process);
2. the parallel build (tools/parallel_build.py, one process per language)
   with every hook, against the sequential build with every hook;
3. the search index per language (bytes, raw and gzipped);
4. the standalone link checker (tools/finish_site.py linkcheck) on the built site, and
   LinkChecker (PyPI, AnchorCheck, HTTP on 127.0.0.1; up to a time limit,
   sizes up to ``--linkchecker-max`` only);
5. ``mkdocs serve``, and ``mkdocs serve --dirty``: time from saving an edited
   page to the edited page being served (up to ``--serve-max`` pages per
   language).

    .venv/bin/python bench/scale.py --pages 100 1000 5000 --json bench/results/scale.json

Prints a Markdown table; bench/plot.py draws build time against pages from the JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = Path(sys.executable)
MKDOCS = PYTHON.parent / "mkdocs"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import free_port, write_config  # noqa: E402
from generate import generate  # noqa: E402
from linkcheck import run_linkchecker  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_SITE_URL": "http://127.0.0.1:8000/",
       "SOURCE_DATE_EPOCH": "1764028800", "KB_TODAY": "2026-11-25"}


def write_configs(workdir: Path, docs: Path) -> dict[str, Path]:
    with_hooks = write_config(workdir, docs, workdir / "site")  # the tests' config: every hook and override
    empty = workdir / "no-overrides"
    empty.mkdir(exist_ok=True)
    without = workdir / "without-hooks.yml"
    without.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\nsite_dir: {workdir / 'site'}\n"
        f"theme:\n  name: material\n  custom_dir: {empty}\n"
        # Material's own language selector and hreflang need a list (ours come from the hooks).
        "extra:\n  alternate: []\n  kb_nav_order: []\nhooks: []\n",
        encoding="utf-8")
    return {"with": with_hooks, "without": without}


def tree_rss(root_pid: int) -> tuple[int, int]:
    """(sum, largest) resident memory in bytes of a process and its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    members, frontier = {root_pid}, [root_pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in members]
        members.update(children)
        frontier += children
    values = [rss.get(pid, 0) for pid in members]
    return sum(values), max(values, default=0)


def measured(command: list[str], cwd: Path) -> dict:
    """Run a command: wall seconds and peak memory of its process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = {"sum": 0, "largest": 0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            total, largest = tree_rss(process.pid)
            peak["sum"], peak["largest"] = max(peak["sum"], total), max(peak["largest"], largest)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0]
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{output[-3000:]}")
    return {"seconds": seconds, "peak_mb": peak["sum"] / 2**20, "largest_mb": peak["largest"] / 2**20}


def sequential(config: Path, site: Path, strict: bool) -> dict:
    return measured([str(MKDOCS), "build", "-q", *(["--strict"] if strict else []), "-f", str(config),
                     "-d", str(site)], ROOT)


def parallel(config: Path, site: Path) -> dict:
    return measured([str(PYTHON), str(ROOT / "tools" / "parallel_build.py"), "-q", "--strict", "-f", str(config),
                     "-d", str(site)], ROOT)


def index_sizes(site: Path) -> dict[str, dict[str, int]]:
    sizes = {}
    for code, path in (("fr", site / "search" / "search_index.json"), ("en", site / "en" / "search" / "search_index.json")):
        data = path.read_bytes()
        sizes[code] = {"bytes": len(data), "gzip_bytes": len(gzip.compress(data, 6))}
    return sizes


def serve_latency(config: Path, docs: Path, workdir: Path, rounds: int = 3, dirty: bool = False) -> dict:
    """mkdocs serve (as python3 dev.py serve runs it, with ``--dirty`` if asked):
    seconds from saving an edited page to the new text being served, median of
    ``rounds`` edits."""
    port = free_port()
    command = [str(MKDOCS), "serve", "--livereload", "-f", str(config), "--dev-addr", f"127.0.0.1:{port}",
               *(["--dirty"] if dirty else [])]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = docs / "guides" / "g000" / "page-00000.md"
    url = f"http://127.0.0.1:{port}/guides/g000/page-00000/"
    try:
        def wait_for(marker: str, limit: float) -> None:
            deadline = time.perf_counter() + limit
            while time.perf_counter() < deadline:
                try:
                    if marker in urllib.request.urlopen(url, timeout=5).read().decode("utf-8"):
                        return
                except OSError:
                    pass
                time.sleep(0.05)
            raise TimeoutError(f"mkdocs serve did not show {marker!r} within {limit:.0f} s")

        wait_for("</html>", 1800)
        first = time.perf_counter() - start
        original = page.read_text(encoding="utf-8")
        latencies = []
        for round_ in range(rounds):
            marker = f"edit-marker-{round_}-{time.time_ns()}"
            page.write_text(original + f"\n{marker}\n", encoding="utf-8")
            edited = time.perf_counter()
            wait_for(marker, 1800)
            latencies.append(time.perf_counter() - edited)
            time.sleep(1)
        page.write_text(original, encoding="utf-8")
        return {"first_page_s": first, "edit_s": statistics.median(latencies), "edits": latencies}
    finally:
        process.terminate()
        process.wait(30)


def measure_size(pages: int, workdir: Path, repeat: int, linkchecker_limit: float, linkchecker_max: int,
                 serve_max: int) -> dict:
    docs = generate(workdir / "docs", pages)
    configs = write_configs(workdir, docs)
    site = workdir / "site"
    sequential(configs["with"], site, strict=True)  # warm-up: bytecode, file cache
    runs = {"without": [], "with": [], "parallel": []}
    for _ in range(repeat):
        runs["without"].append(sequential(configs["without"], workdir / "site-without", strict=False))
        runs["with"].append(sequential(configs["with"], site, strict=True))
        runs["parallel"].append(parallel(configs["with"], workdir / "site-parallel"))
    result = {"pages_per_language": pages, "runs": runs}
    for kind, values in runs.items():
        result[kind] = {"seconds": statistics.median(v["seconds"] for v in values),
                        "peak_mb": max(v["peak_mb"] for v in values),
                        "largest_mb": max(v["largest_mb"] for v in values)}
    result["hooks_share"] = result["with"]["seconds"] / result["without"]["seconds"] - 1
    result["parallel_ratio"] = result["parallel"]["seconds"] / result["with"]["seconds"]
    result["html_files"] = sum(1 for _ in site.rglob("*.html"))
    result["site_mb"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20
    result["search_index"] = index_sizes(site)
    check = measured([str(PYTHON), str(ROOT / "tools" / "finish_site.py"), "linkcheck", str(site), "--site-url",
                      "http://127.0.0.1:8000/"], ROOT)
    result["linkcheck_standalone_s"] = check["seconds"]
    if pages <= linkchecker_max:
        seconds, checked = run_linkchecker(site, workdir, linkchecker_limit)
        result["linkchecker"] = {"seconds": seconds, "finished": checked is not None,
                                 "exit": checked.returncode if checked else None}
    if pages <= serve_max:
        # Each edit rebuilds the whole site: three edits, or one on big sites.
        result["serve"] = serve_latency(configs["with"], docs, workdir, rounds=3 if pages <= 1000 else 1)
        # python3 dev.py serve --dirty: only the edited page is rebuilt.
        result["serve_dirty"] = serve_latency(configs["with"], docs, workdir, rounds=3 if pages <= 1000 else 1,
                                              dirty=True)
    return result


def table(results: list[dict]) -> str:
    def cell(row: dict, kind: str) -> str:
        return f"{row[kind]['seconds']:.1f} s / {row[kind]['peak_mb']:.0f} MB"

    lines = ["| Pages per language | Without hooks | With hooks | Hooks' share | Parallel (with hooks) | Parallel / sequential "
             "| Search index fr / en (gzip) | Standalone link check | LinkChecker | Serve: edit shown after "
             "| Serve --dirty: edit shown after |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in results:
        index = row["search_index"]
        linkchecker = row.get("linkchecker")
        if linkchecker is None:
            lc = "not run"
        elif linkchecker["finished"]:
            lc = f"{linkchecker['seconds']:.1f} s"
        else:
            lc = f"> {linkchecker['seconds']:.0f} s (stopped)"
        serve = f"{row['serve']['edit_s']:.1f} s" if "serve" in row else "not run"
        dirty = f"{row['serve_dirty']['edit_s']:.1f} s" if "serve_dirty" in row else "not run"
        lines.append(
            f"| {row['pages_per_language']:,} | {cell(row, 'without')} | {cell(row, 'with')} | {100 * row['hooks_share']:+.1f} % "
            f"| {cell(row, 'parallel')} | {row['parallel_ratio']:.2f}× "
            f"| {index['fr']['bytes'] / 1024:,.0f} KB ({index['fr']['gzip_bytes'] / 1024:,.0f}) / "
            f"{index['en']['bytes'] / 1024:,.0f} KB ({index['en']['gzip_bytes'] / 1024:,.0f}) "
            f"| {row['linkcheck_standalone_s']:.1f} s | {lc} | {serve} | {dirty} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[100, 1000, 5000], help="pages per language")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each kind, alternated")
    parser.add_argument("--linkchecker-limit", type=float, default=300, help="stop LinkChecker after this many seconds")
    parser.add_argument("--linkchecker-max", type=int, default=1000, help="run LinkChecker up to this size")
    parser.add_argument("--serve-max", type=int, default=1000, help="measure mkdocs serve up to this size")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    results = []
    for pages in args.pages:
        workdir = Path(tempfile.mkdtemp(prefix=f"kb-scale-{pages}-"))
        try:
            results.append(measure_size(pages, workdir, args.repeat, args.linkchecker_limit, args.linkchecker_max,
                                        args.serve_max))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        print(f"{pages} pages per language done", file=sys.stderr, flush=True)
    machine = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
               "system": platform.platform()}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine, "results": results}, indent=1), encoding="utf-8")
    print(f"Machine: {machine['machine']}, {machine['cpus']} CPUs, Python {machine['python']}, {machine['system']}\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
