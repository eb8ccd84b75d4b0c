"""Where the parallel build starts to pay: sequential against parallel, by site size.

For the real site and for generated bilingual sites (bench/generate.py) of
each ``--pages`` size (pages per language), side by side in one run,
alternated ``--repeat`` times:

- ``mkdocs build --strict`` (what ``python3 dev.py build`` runs);
- ``tools/parallel_build.py --strict`` (``python3 dev.py build --parallel``).

Both with every hook and override (the tests' config for generated sites).
Prints a Markdown table of the medians and the ratio.

    .venv/bin/python bench/parallel.py --pages 50 100 200 400 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from scale import ENV as SCALE_ENV  # noqa: E402  (bench/scale.py: the paths and the pinned dates)
from scale import MKDOCS, PYTHON, ROOT, generate, write_config  # noqa: E402

# The real site's pages were last reviewed on 2026-12-01: a build dated before it refuses them.
ENV = {**SCALE_ENV, "KB_TODAY": "2026-12-01"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{(result.stdout + result.stderr)[-3000:]}")
    return seconds


def measure(config: Path, site: Path, repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"sequential": [], "parallel": []}
    for _ in range(repeat):
        times["sequential"].append(timed([str(MKDOCS), "build", "-q", "--strict", "-f", str(config),
                                          "-d", str(site)]))
        times["parallel"].append(timed([str(PYTHON), str(ROOT / "tools" / "parallel_build.py"), "-q", "--strict",
                                        "-f", str(config), "-d", str(site)]))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[50, 100, 200, 400], help="pages per language")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        sizes: list[tuple[str, Path]] = [("real site (31)", ROOT / "mkdocs.yml")]
        for pages in args.pages:
            docs = generate(work / f"docs-{pages}", pages)
            (work / f"w-{pages}").mkdir()
            sizes.append((str(pages), write_config(work / f"w-{pages}", docs, work / f"w-{pages}" / "site")))
        for label, config in sizes:
            times = measure(config, work / f"site-{len(rows)}", args.repeat)
            seq, par = statistics.median(times["sequential"]), statistics.median(times["parallel"])
            rows.append((label, seq, par, times))
            print(f"{label}: sequential {times['sequential']}, parallel {times['parallel']}", file=sys.stderr)
    print(f"{os.cpu_count()} CPUs, {args.repeat} runs of each, alternated; medians\n")
    print("| Pages per language | `mkdocs build --strict` | `tools/parallel_build.py --strict` | Parallel / sequential |")
    print("|---|---|---|---|")
    for label, seq, par, _ in rows:
        print(f"| {label} | {seq:.2f} s | {par:.2f} s | {par / seq:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
