"""Plot build time against pages per language from bench/scale.py's JSON.

    .venv/bin/python bench/plot.py bench/results/scale.json bench/scale.png

matplotlib is installed on first use into bench/.venv-plot (pinned in
bench/requirements-plot.txt), never into the project's environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".venv-plot"
PLOT_PYTHON = VENV / "bin" / "python"


def ensure_matplotlib() -> None:
    if not PLOT_PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(PLOT_PYTHON), "-m", "pip", "install", "-q", "-r", str(BENCH / "requirements-plot.txt")],
                       check=True)


def draw(source: Path, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.loads(source.read_text(encoding="utf-8"))
    rows = sorted(data["results"], key=lambda row: row["pages_per_language"])
    pages = [row["pages_per_language"] for row in rows]
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    for kind, label, style in (("without", "Material + static-i18n, no hooks", "o--"),
                               ("with", "every hook, sequential", "s-"),
                               ("parallel", "every hook, one process per language", "^-")):
        axes.plot(pages, [row[kind]["seconds"] for row in rows], style, label=label)
    reference = next((row for row in rows if row["pages_per_language"] == 1000), None)
    if reference is not None:  # the target: 5,000 pages within 5.5x the 1,000-page time
        slope = reference["with"]["seconds"] / 1000
        axes.plot([0, pages[-1]], [0, slope * pages[-1]], ":", color="grey",
                  label="linear from the 1,000-page 'every hook' time")
    axes.set_xlabel("pages per language (bilingual site: twice as many pages)")
    axes.set_ylabel("full build, wall time (s)")
    machine = data["machine"]
    axes.set_title(f"mkdocs build time against site size ({machine['machine']}, {machine['cpus']} CPUs)")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    if os.environ.get("KB_PLOT_CHILD") != "1":
        ensure_matplotlib()
        sys.exit(subprocess.run([str(PLOT_PYTHON), __file__, *sys.argv[1:]], env={**os.environ, "KB_PLOT_CHILD": "1"}).returncode)
    draw(Path(sys.argv[1]), Path(sys.argv[2]))
