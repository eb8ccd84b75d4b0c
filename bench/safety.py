"""Cost of the security checks: the build with and without them, at 1,000 pages per language.

On one generated bilingual site (bench/generate.py: the project's page shapes),
side by side in one run:

1. ``mkdocs build --strict`` with every hook of mkdocs.yml (the tests' config,
   tests/conftest.py ``write_config``), and with every hook but the security
   ones (SECURITY_HOOKS: render_guard, html_allowlist, theme_escaping, csp;
   the output check is now one of the site steps of hooks/finish.py and
   stays in both; same overrides, theme, plugins, content), alternately,
   ``--repeat`` times after one warm-up build of each: wall time and peak
   memory (bench/scale.py's ``measured``), medians, the difference in seconds
   and per cent. Without hooks/csp.py the templates' ``kb_csp`` and
   ``kb_csp_static`` are undefined, which Jinja prints as an empty string: the
   pages keep an empty CSP ``<meta>``, no stand-in hook is needed.
   ``--each``: also every hook but one security hook, for each of them (what
   each one costs alone, without cProfile's distortion); ``--baseline TREE``:
   also the project as it was before the change (a source tree, e.g.
   ``git archive 92b5f65 | tar -x -C /tmp/kb-before``), every hook of its own
   mkdocs.yml, its own tests/conftest.py ``write_config``;
2. the standalone output check (``tools/finish_site.py site_safety SITE --site-url …``)
   on the site built with every hook, ``--repeat`` times, median; the files
   of the site it walks and the ones it reads (HTML, SVG, XML, CSS, JSON;
   JavaScript files are checked by name only), with their bytes;
3. one build with every hook under cProfile (``python -m cProfile -m mkdocs
   build``): cumulative seconds and calls of each new hook function, and of
   the helpers they spend their time in. cProfile slows Python code down, the
   C parsers (lexbor, nh3) much less: read these as shares of the profiled
   build, not as seconds of a normal one. Work done in other processes
   (site_safety's and linkcheck's workers, forked: they run under the
   profiler too, but their figures are lost) counts as the parent's waiting
   time.

Other work on the machine shows as "foreign CPU": the CPU seconds all
processes spent during a run minus those of the run's own processes
(/proc/stat against getrusage). Before each run the bench waits (up to
``--quiet-wait`` seconds) for a 3-second window without foreign CPU.

    .venv/bin/python bench/safety.py --pages 1000 --repeat 3
    .venv/bin/python bench/safety.py --pages 1000 --repeat 3 --each --baseline /tmp/kb-before

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from importlib import metadata
from pathlib import Path, PurePosixPath

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = Path(sys.executable)
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "hooks"))

from conftest import write_config  # noqa: E402
from generate import generate  # noqa: E402
from kbsite import site_safety  # noqa: E402
from scale import ENV, MKDOCS, measured  # noqa: E402

SITE_URL = ENV["KB_SITE_URL"]
SECURITY_HOOKS = ("render_guard.py", "html_allowlist.py", "theme_escaping.py", "csp.py")  # the output check is a site step now (hooks/finish.py)
# (file under the repository, function): the hook functions the security change added or extended,
# then the helpers they spend their time in (indented in the table).
PROFILED = [
    ("hooks/html_allowlist.py", "on_page_content", 0),
    ("hooks/kbsite/content_html.py", "walk", 1),
    ("hooks/kbsite/content_html.py", "sanitizer_findings", 1),
    ("hooks/kbsite/content_html.py", "clean", 2),  # only on refused content
    ("hooks/kbsite/content_html.py", "_canonical", 2),
    ("hooks/kbsite/content_html.py", "_parse", 2),
    ("hooks/csp.py", "on_post_page", 0),
    ("hooks/csp.py", "on_post_template", 0),
    ("hooks/kbsite/csp.py", "fill", 1),
    ("hooks/finish.py", "on_post_build", 0),
    ("hooks/kbsite/site_safety.py", "check_site", 1),
    ("hooks/kbsite/site_safety.py", "source_finder", 1),
    ("hooks/theme_escaping.py", "autoescape", 0),
    ("hooks/render_guard.py", "on_page_markdown", 0),
    ("hooks/kbsite/render_guard.py", "time_limit", 0),
    ("hooks/content_model.py", "on_pre_build", 0),
    ("hooks/kbsite/content.py", "check_docs", 1),
    ("hooks/kbsite/docs_files.py", "tree_problems", 2),
    ("hooks/kbsite/frontmatter.py", "check_page", 2),
    ("hooks/kbsite/render_guard.py", "limit_problems", 2),
    ("hooks/kbsite/snippets.py", "problems", 2),
    ("hooks/embed.py", "on_page_context", 0),
    ("hooks/kbsite/embed.py", "open_other_sites_apart", 1),
]


def write_configs(workdir: Path, docs: Path, each: bool = False, baseline: Path | None = None) -> dict[str, Path]:
    """The tests' config (every hook), the same file without the security hooks
    (and, with ``each``, without one of them at a time), and the baseline tree's
    own config."""
    every = write_config(workdir, docs, workdir / "site")
    lines = every.read_text(encoding="utf-8").splitlines(keepends=True)

    def without(names, file: Path) -> Path:
        removed = [f"  - {ROOT / 'hooks' / name}\n" for name in names]
        missing = [line.strip() for line in removed if line not in lines]
        if missing:
            sys.exit(f"not in the tests' hooks list: {missing}")
        file.write_text("".join(line for line in lines if line not in removed), encoding="utf-8")
        return file

    configs = {"with": every, "without": without(SECURITY_HOOKS, workdir / "without-security.yml")}
    if each:
        for name in SECURITY_HOOKS:
            configs[f"without {name}"] = without([name], workdir / f"without-{name.removesuffix('.py')}.yml")
    if baseline is not None:
        spec = importlib.util.spec_from_file_location("baseline_conftest", baseline / "tests" / "conftest.py")
        module = sys.modules["baseline_conftest"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        folder = workdir / "baseline"
        folder.mkdir(exist_ok=True)
        configs["baseline"] = module.write_config(folder, docs, folder / "site")
    return configs


def site_files(site: Path) -> dict:
    """The files the output check (kbsite/site_safety.py) walks, and those it reads, per suffix."""
    walked = site_safety.site_files(site)
    read = Counter()
    size = Counter()
    for relative in walked:
        suffix = PurePosixPath(relative).suffix.lower()
        if suffix in site_safety.CHECKED_SUFFIXES and suffix != ".js":
            read[suffix] += 1
            size[suffix] += (site / relative).stat().st_size
    return {"walked": len(walked), "read": sum(read.values()), "read_bytes": sum(size.values()),
            "by_suffix": {suffix: {"files": read[suffix], "bytes": size[suffix]} for suffix in sorted(read)}}


def csp_meta(site: Path) -> str:
    """The CSP <meta> of one generated page, as written."""
    html = (site / "guides" / "g000" / "page-00000" / "index.html").read_text(encoding="utf-8")
    start = html.find('<meta http-equiv="Content-Security-Policy"')
    return html[start:html.find(">", start) + 1] if start >= 0 else "(none)"


def profile(config: Path, site: Path, out: Path) -> dict:
    wait_quiet()
    start = time.perf_counter()
    measured([str(PYTHON), "-m", "cProfile", "-o", str(out), "-m", "mkdocs", "build", "-q", "--strict",
              "-f", str(config), "-d", str(site)], ROOT)
    wall = time.perf_counter() - start
    stats = pstats.Stats(str(out)).stats  # {(file, line, name): (primitive calls, calls, own, cumulative, callers)}
    build = max((v[3] for (f, _, n), v in stats.items() if n == "build" and f.endswith("mkdocs/commands/build.py")),
                default=wall)
    rows = []
    for file, name, level in PROFILED:
        target = str(ROOT / file)
        found = [(line, v) for (f, line, n), v in stats.items() if f == target and n == name]
        rows.append({"file": file, "function": name, "level": level,
                     "lines": sorted(line for line, _ in found),
                     "calls": sum(v[1] for _, v in found), "primitive_calls": sum(v[0] for _, v in found),
                     "cumulative_s": sum(v[3] for _, v in found), "own_s": sum(v[2] for _, v in found)})
    return {"wall_s": wall, "build_s": build, "functions": rows}


QUIET = {"wait": 600.0}


def busy_seconds() -> float:
    """CPU seconds all processes have used (every CPU), from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def children_seconds() -> float:
    """CPU seconds of the children this process waited for (and of theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_seconds() -> float:
    """CPU seconds of this process and of the children it waited for (theirs included)."""
    return sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))


def wait_quiet(window: float = 3.0, threshold: float = 0.3) -> float:
    """Wait for a window of ``window`` seconds in which other processes used
    less than ``threshold`` CPU seconds; give up after QUIET["wait"]. Seconds waited."""
    start = time.perf_counter()
    while True:
        busy, own = busy_seconds(), own_seconds()
        time.sleep(window)
        if busy_seconds() - busy - (own_seconds() - own) < threshold or time.perf_counter() - start > QUIET["wait"]:
            return time.perf_counter() - start - window


def timed(command: list[str], cwd: Path) -> dict:
    """bench/scale.py's ``measured`` (wall, peak memory) after a quiet window, with the foreign CPU seconds."""
    waited = wait_quiet()
    busy, own, children = busy_seconds(), own_seconds(), children_seconds()
    result = measured(command, cwd)
    result["cpu_s"] = children_seconds() - children
    result["foreign_cpu_s"] = max(0.0, busy_seconds() - busy - (own_seconds() - own))
    result["waited_s"] = waited
    return result


def build(config: Path, site: Path, cwd: Path) -> dict:
    return timed([str(MKDOCS), "build", "-q", "--strict", "-f", str(config), "-d", str(site)], cwd)


def run(pages: int, repeat: int, workdir: Path, profile_out: Path | None, each: bool = False,
        baseline: Path | None = None) -> dict:
    docs = generate(workdir / "docs", pages)
    configs = write_configs(workdir, docs, each, baseline)
    kinds = list(configs)[1:] + ["with"]  # "without" first, as bench/scale.py; "with" last of each round
    sites = {kind: workdir / ("site-" + kind.replace(" ", "-").replace(".py", "")) for kind in kinds}
    cwd = {kind: baseline if kind == "baseline" else ROOT for kind in kinds}
    for kind in kinds:  # warm-up (bytecode, file cache); a failing build stops the bench
        build(configs[kind], sites[kind], cwd[kind])
    runs = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            runs[kind].append(build(configs[kind], sites[kind], cwd[kind]))
    result = {"pages_per_language": pages, "repeat": repeat, "runs": runs}
    for kind, values in runs.items():
        result[kind] = {"seconds": statistics.median(v["seconds"] for v in values),
                        "min_s": min(v["seconds"] for v in values),
                        "cpu_s": statistics.median(v["cpu_s"] for v in values),
                        "peak_mb": max(v["peak_mb"] for v in values)}
    for measure in ("seconds", "min_s", "cpu_s"):
        result[f"difference_{measure}"] = result["with"][measure] - result["without"][measure]
        result[f"share_{measure}"] = result["with"][measure] / result["without"][measure] - 1
    result["difference_s"], result["difference_share"] = result["difference_seconds"], result["share_seconds"]
    result["html_files"] = {kind: sum(1 for _ in site.rglob("*.html")) for kind, site in sites.items()}
    result["csp_meta"] = {kind: csp_meta(site) for kind, site in sites.items()}
    for kind in kinds:
        if kind.startswith("without ") or kind == "baseline":
            result[kind]["against_with_s"] = result["with"]["seconds"] - result[kind]["seconds"]
            result[kind]["against_with_share"] = result["with"]["seconds"] / result[kind]["seconds"] - 1
    standalone = [timed([str(PYTHON), str(ROOT / "tools" / "finish_site.py"), "site_safety", str(sites["with"]),
                         "--site-url", SITE_URL], ROOT) for _ in range(repeat)]
    result["standalone"] = {"seconds": statistics.median(v["seconds"] for v in standalone),
                            "runs": [v["seconds"] for v in standalone],
                            "foreign_cpu_s": [v["foreign_cpu_s"] for v in standalone],
                            "peak_mb": max(v["peak_mb"] for v in standalone)}
    result["files"] = site_files(sites["with"])
    prof = profile_out or workdir / "build.prof"
    result["profile"] = profile(configs["with"], workdir / "site-profiled", prof)
    return result


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    versions = ", ".join(f"{label} {metadata.version(name)}" for label, name in (
        ("MkDocs", "mkdocs"), ("Material", "mkdocs-material"), ("static-i18n", "mkdocs-static-i18n"),
        ("selectolax", "selectolax"), ("nh3", "nh3")))
    return (f"Machine: {platform.machine()}, {os.cpu_count()} CPUs ({cpu}), {memory / 2**20:.0f} GiB, "
            f"{platform.platform()}, Python {platform.python_version()}; {versions}")


def tables(result: dict) -> str:
    n = result["repeat"]
    files = result["files"]
    by = ", ".join(f"{s} {v['files']:,} ({v['bytes'] / 2**20:,.1f} MB)" for s, v in files["by_suffix"].items())
    lines = [
        "| Measure | Value |",
        "|---|---|",
        f"| Pages per language (Markdown) | {result['pages_per_language']:,} |",
        f"| HTML files in the built site (every hook / without security) | {result['html_files']['with']:,} / "
        f"{result['html_files']['without']:,} |",
        f"| `mkdocs build --strict`, every hook except the security ones: wall median of {n} (fastest) / CPU median / "
        f"peak memory | {result['without']['seconds']:.2f} s ({result['without']['min_s']:.2f} s) / "
        f"{result['without']['cpu_s']:.2f} s / {result['without']['peak_mb']:.0f} MB |",
        f"| `mkdocs build --strict`, every hook: wall median of {n} (fastest) / CPU median / peak memory | "
        f"{result['with']['seconds']:.2f} s ({result['with']['min_s']:.2f} s) / {result['with']['cpu_s']:.2f} s / "
        f"{result['with']['peak_mb']:.0f} MB |",
        f"| Cost of the security hooks: wall median (fastest) / CPU | **{result['difference_seconds']:+.2f} s "
        f"({100 * result['share_seconds']:+.1f} %)** ({result['difference_min_s']:+.2f} s, "
        f"{100 * result['share_min_s']:+.1f} %) / {result['difference_cpu_s']:+.2f} s ({100 * result['share_cpu_s']:+.1f} %) |",
        f"| Standalone `tools/finish_site.py site_safety` (median of {n}) | {result['standalone']['seconds']:.2f} s |",
        f"| Files it walks / reads | {files['walked']:,} / {files['read']:,} ({files['read_bytes'] / 2**20:,.1f} MB: {by}) |",
    ]
    extra = [kind for kind in result["runs"] if kind.startswith("without ") or kind == "baseline"]
    if extra:
        lines += ["", f"| Build (median of {n}) | Wall (fastest) / CPU / peak memory | Every hook (today) minus this build, wall median |",
                  "|---|---|---|"]
        for kind in extra:
            label = "before the change (baseline tree, every hook)" if kind == "baseline" else \
                f"every hook but `{kind.removeprefix('without ')}`"
            lines.append(f"| {label} | {result[kind]['seconds']:.2f} s ({result[kind]['min_s']:.2f} s) / "
                         f"{result[kind]['cpu_s']:.2f} s / {result[kind]['peak_mb']:.0f} MB "
                         f"| {result[kind]['against_with_s']:+.2f} s ({100 * result[kind]['against_with_share']:+.1f} %) |")
    lines += [
        "",
        "Raw build times (s): " + "; ".join(f"{kind} " + " / ".join(f"{r['seconds']:.2f}" for r in values)
                                            for kind, values in result["runs"].items())
        + "; standalone " + " / ".join(f"{s:.2f}" for s in result["standalone"]["runs"]) + ".",
        "",
        "CPU seconds of each build (its processes): " + "; ".join(
            f"{kind} " + " / ".join(f"{r['cpu_s']:.1f}" for r in values) for kind, values in result["runs"].items()) + ".",
        "",
        "Foreign CPU during each run (s; other processes on the machine): "
        + "; ".join(f"{kind} " + " / ".join(f"{r['foreign_cpu_s']:.1f}" for r in values)
                    for kind, values in result["runs"].items())
        + "; standalone " + " / ".join(f"{s:.1f}" for s in result["standalone"]["foreign_cpu_s"]) + ".",
        "",
        f"Profiled build (cProfile, every hook): {result['profile']['wall_s']:.1f} s wall, "
        f"mkdocs `build()` {result['profile']['build_s']:.1f} s cumulative.",
        "",
        "| Function (cumulative, all languages) | Calls | Seconds | Share of the profiled build |",
        "|---|---|---|---|",
    ]
    build = result["profile"]["build_s"]
    for row in result["profile"]["functions"]:
        indent = "&nbsp;&nbsp;" * 2 * row["level"] + ("↳ " if row["level"] else "")
        where = f"{row['file']}:{','.join(map(str, row['lines']))}" if row["lines"] else row["file"]
        calls = f"{row['calls']:,}" if row["calls"] == row["primitive_calls"] else \
            f"{row['calls']:,} ({row['primitive_calls']:,} primitive)"
        lines.append(f"| {indent}`{row['function']}` ({where}) | {calls} | {row['cumulative_s']:.2f} "
                     f"| {100 * row['cumulative_s'] / build:.1f} % |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages per language")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind, alternated; standalone runs")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--profile-out", type=Path, help="keep the cProfile file of the profiled build here")
    parser.add_argument("--keep", action="store_true", help="keep the generated site and builds (printed)")
    parser.add_argument("--each", action="store_true", help="also build without each security hook alone")
    parser.add_argument("--baseline", type=Path, help="also build this source tree (the project before the change)")
    parser.add_argument("--quiet-wait", type=float, default=600,
                        help="before each run, wait up to this many seconds for the machine to be idle")
    args = parser.parse_args()
    QUIET["wait"] = args.quiet_wait
    workdir = Path(tempfile.mkdtemp(prefix=f"kb-safety-{args.pages}-"))
    try:
        result = run(args.pages, args.repeat, workdir, args.profile_out.resolve() if args.profile_out else None,
                     args.each, args.baseline.resolve() if args.baseline else None)
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    line = machine()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": line, "result": result}, indent=1), encoding="utf-8")
    print(f"{line}\n")
    print(f"CSP <meta> of a page: every hook {result['csp_meta']['with'][:90]}…; "
          f"without security {result['csp_meta']['without']}\n")
    print(tables(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
