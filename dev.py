#!/usr/bin/env python3
"""Developer commands: set up .venv, serve the site, run the tests, build.

    python3 dev.py serve   # http://127.0.0.1:8000, reloads on save
    python3 dev.py test    # every test (pytest; browser tests in Chromium)
    python3 dev.py build   # the site, for deployment, into site/ (one process per
                           # language; --sequential: plain mkdocs build --strict)

The steps over a built site (kbsite/site_steps.py, tools/finish_site.py),
which the end of every build runs, also run alone:

    python3 dev.py finish [--only STEP ...]   # every step over site/, or the named ones
    python3 dev.py linkcheck site --docs-dir docs [--external] [--format github]
    python3 dev.py safety site --docs-dir docs     # the output check

Editor commands (tools/content.py):

    python3 dev.py new TYPE SLUG   # a new page pair with valid front matter
    python3 dev.py check           # front matter and raw HTML of every page
    python3 dev.py parity          # translations: missing, outdated, different
    python3 dev.py readability     # words per sentence, long sentences, reading ease
    python3 dev.py report          # pages past their review date, then parity

Only Python 3 is needed: the first run creates .venv and installs the pinned
requirements; later runs reuse it and reinstall only when a requirements file
changed. Extra arguments go to the underlying command (mkdocs or pytest).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
CHROMIUM = Path("/usr/bin/chromium")


def fail(message: str) -> None:
    sys.stderr.write(f"\ndev.py: {message}\n")
    raise SystemExit(1)


def run(command: list[str], **kwargs) -> None:
    result = subprocess.run(command, **kwargs)
    if result.returncode != 0:
        fail(f"command failed ({result.returncode}): {' '.join(map(str, command))}")


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def can_apt() -> bool:
    return is_root() and shutil.which("apt-get") is not None


def apt_install(package: str, why: str, *more: str, recommends: bool = True) -> None:
    """Install Debian packages when we can (root with apt), else say how."""
    packages = [package, *more]
    options = [] if recommends else ["--no-install-recommends"]
    command = " ".join(["apt-get install -y", *options, *packages])
    if not can_apt():
        fail(f"{why}. Install it with:\n\n    sudo apt-get update && sudo {command}\n")
    print(f"dev.py: {why}; installing Debian package(s) {' '.join(packages)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", *options, *packages], env=env)


def ensure_venv(requirements: str) -> None:
    """Create .venv if needed, put hooks/ on its import path, and install
    `requirements` (a lock with hashes) when it changed."""
    if not PYTHON.exists():
        print("dev.py: creating .venv", flush=True)
        result = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if result.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            # Debian's python3 ships without ensurepip unless python3-venv is installed.
            version = f"{sys.version_info.major}.{sys.version_info.minor}"
            apt_install(f"python{version}-venv", "Python's venv module is not usable")
            run([sys.executable, "-m", "venv", str(VENV)])
    ensure_hooks_path()
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{Path(requirements).stem}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"dev.py: installing {requirements} into .venv", flush=True)
    # Every package of the file is pinned with its hashes: pip refuses any
    # download that does not match, and any line without a hash.
    run([str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "--require-hashes",
         "-r", str(ROOT / requirements)])
    stamp.write_text(digest)


HOOKS_PTH = "kb-hooks.pth"


def ensure_hooks_path() -> None:
    """hooks/ on .venv's import path, so `import kbsite` works in the tools,
    tests and bench without sys.path edits: a .pth file in site-packages, what
    an editable install writes (`pip install -e .` has no place in pip's
    hash-checking mode). Rewritten when missing or naming another folder (the
    clone was moved or copied)."""
    wanted = f"{ROOT / 'hooks'}\n"
    folders = sorted(VENV.glob("Lib/site-packages" if os.name == "nt" else "lib/*/site-packages"))
    if not folders:
        fail(f"{VENV} has no site-packages folder; delete .venv and run the command again")
    for folder in folders:
        pth = folder / HOOKS_PTH
        if not pth.exists() or pth.read_text(encoding="utf-8") != wanted:
            pth.write_text(wanted, encoding="utf-8")


def ensure_wordpress() -> None:
    """Debian's WordPress and MariaDB for tests/test_wordpress_embed.py: installed
    as root; otherwise those tests skip (CI=true makes them fail instead)."""
    spec = importlib.util.spec_from_file_location("wordpress_site", ROOT / "tests" / "wordpress_site.py")
    wordpress_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wordpress_site)
    if wordpress_site.available() is None or not can_apt():
        return
    first, *rest = wordpress_site.packages()
    apt_install(first, "the embed tests need a real WordPress", *rest, recommends=False)


def ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    apt_install("chromium", f"the browser tests need Debian's Chromium at {CHROMIUM}")
    if not CHROMIUM.exists():
        fail(f"Chromium was installed but {CHROMIUM} is still missing")


# axe-core (accessibility rules for the browser tests): the npm package's
# tarball, fetched from the npm registry and checked against its published
# integrity (no Node.js needed). tests/conftest.py reads axe.min.js from here.
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
AXE_DIR = VENV / f"axe-core-{AXE_VERSION}"


def ensure_axe() -> None:
    target = AXE_DIR / "axe.min.js"
    if target.exists():
        return
    import base64
    import io
    import tarfile
    import urllib.request

    url = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
    print(f"dev.py: fetching axe-core {AXE_VERSION} from the npm registry", flush=True)
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            data = response.read()
    except OSError as error:
        fail(f"cannot download {url}: {error}")
    algorithm, expected = AXE_INTEGRITY.split("-", 1)
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
        fail(f"{url} does not match its published integrity {AXE_INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        script = archive.extractfile("package/axe.min.js").read()
        licence = archive.extractfile("package/LICENSE").read()
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    (AXE_DIR / "LICENSE").write_bytes(licence)
    target.write_bytes(script)


def mkdocs_env() -> dict[str, str]:
    # Material prints an end-of-life banner on every start; it is known and tracked.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def serve(args: list[str]) -> None:
    ensure_venv("requirements.txt")
    command = [str(BIN / "mkdocs"), "serve", "--livereload", "--dev-addr", "127.0.0.1:8000", *args]
    os.chdir(ROOT)
    os.execve(command[0], command, mkdocs_env())


def build(args: list[str]) -> None:
    """Strict build, one process per language (tools/parallel_build.py, the
    same files as `mkdocs build --strict`): as fast at the real site's size,
    0.62-0.76x the time from 50 to 200 pages per language on 2 cores
    (bench/README.md, "Parallel build"). --sequential: `mkdocs build --strict`."""
    ensure_venv("requirements.txt")
    if "--sequential" in args:
        rest = [arg for arg in args if arg != "--sequential"]
        run([str(BIN / "mkdocs"), "build", "--strict", *rest], cwd=ROOT, env=mkdocs_env())
        return
    run([str(PYTHON), str(ROOT / "tools" / "parallel_build.py"), "--strict", *args], cwd=ROOT, env=mkdocs_env())


def site_command(*command: str):
    """Steps over a built site (tools/finish_site.py), run inside .venv."""

    def run_it(args: list[str]) -> None:
        ensure_venv("requirements.txt")
        full = [str(PYTHON), str(ROOT / "tools" / "finish_site.py"), *command, *args]
        os.chdir(ROOT)
        os.execve(full[0], full, mkdocs_env())

    return run_it


def test(args: list[str]) -> None:
    ensure_venv("requirements-dev.txt")
    ensure_chromium()
    ensure_wordpress()
    ensure_axe()
    command = [str(PYTHON), "-m", "pytest", *args]
    os.chdir(ROOT)
    os.execve(command[0], command, mkdocs_env())


def content_command(name: str):
    """Editor commands of tools/content.py, run inside .venv."""

    def run_it(args: list[str]) -> None:
        ensure_venv("requirements.txt")
        command = [str(PYTHON), str(ROOT / "tools" / "content.py"), name, *args]
        os.chdir(ROOT)
        os.execve(command[0], command, mkdocs_env())

    return run_it


COMMANDS = {"serve": serve, "test": test, "build": build, "finish": site_command("steps"),
            "linkcheck": site_command("linkcheck"), "safety": site_command("site_safety"),
            **{name: content_command(name) for name in ("new", "check", "parity", "report", "readability")}}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.stderr.write(__doc__)
        raise SystemExit(2)
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
