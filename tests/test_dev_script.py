"""dev.py, the README's two commands: venv reuse, the import path, the locked
requirements and the Chromium rule."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture
def dev(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "CHROMIUM", tmp_path / "no-chromium-here")
    return module


def test_missing_chromium_without_root_stops_with_the_exact_command(dev, monkeypatch, capsys):
    monkeypatch.setattr(dev, "is_root", lambda: False)
    with pytest.raises(SystemExit) as stop:
        dev.ensure_chromium()
    assert stop.value.code == 1
    assert "sudo apt-get install -y chromium" in capsys.readouterr().err


def test_missing_chromium_as_root_installs_it_with_apt(dev, monkeypatch):
    commands = []
    monkeypatch.setattr(dev, "is_root", lambda: True)
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(dev, "run", lambda command, **kwargs: commands.append(command))
    with pytest.raises(SystemExit):  # our fake apt did not create the binary
        dev.ensure_chromium()
    assert ["apt-get", "install", "-y", "-qq", "chromium"] in commands


def test_venv_is_created_once_then_reused(dev, monkeypatch, tmp_path):
    venv = tmp_path / ".venv"
    monkeypatch.setattr(dev, "VENV", venv)
    monkeypatch.setattr(dev, "PYTHON", venv / "bin" / "python")
    created, installs = [], []

    def fake_subprocess_run(command, **kwargs):
        created.append(command)
        (venv / "bin").mkdir(parents=True)
        (venv / "bin" / "python").write_text("")
        site_packages(venv).mkdir(parents=True)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(dev.subprocess, "run", fake_subprocess_run)
    monkeypatch.setattr(dev, "run", lambda command, **kwargs: installs.append(command))
    dev.ensure_venv("requirements-dev.txt")
    dev.ensure_venv("requirements-dev.txt")
    assert len(created) == 1 and created[0][1:3] == ["-m", "venv"]
    assert len(installs) == 1 and installs[0][-1].endswith("requirements-dev.txt")
    assert "--require-hashes" in installs[0]


def site_packages(venv: Path) -> Path:
    return venv / ("Lib" if os.name == "nt" else "lib/python3.11") / "site-packages"


def test_venv_gets_hooks_on_its_path_and_a_stale_pth_is_rewritten(dev, monkeypatch, tmp_path):
    venv = tmp_path / ".venv"
    site_packages(venv).mkdir(parents=True)
    monkeypatch.setattr(dev, "VENV", venv)
    pth = site_packages(venv) / dev.HOOKS_PTH
    dev.ensure_hooks_path()
    assert pth.read_text(encoding="utf-8") == f"{ROOT / 'hooks'}\n"
    pth.write_text("/where/the/clone/was/before/hooks\n", encoding="utf-8")
    dev.ensure_hooks_path()
    assert pth.read_text(encoding="utf-8") == f"{ROOT / 'hooks'}\n"


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(), reason="not run in dev.py's .venv")
def test_kbsite_imports_in_the_venv_without_sys_path_edits(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", "import kbsite; print(kbsite.__file__)"],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).resolve().parent == (ROOT / "hooks" / "kbsite").resolve()


PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?: \\)?$", re.MULTILINE)


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return {re.sub(r"[-_.]+", "-", package).lower(): version for package, version in PIN.findall(text)}


@pytest.mark.parametrize("source, lock", [("requirements.in", "requirements.txt"),
                                          ("requirements-dev.in", "requirements-dev.txt")])
def test_locks_are_compiled_from_the_current_pins_and_every_package_has_hashes(source, lock):
    """A pin edited in a .in file without running pip-compile again (the
    commands are in requirements.in) shows here rather than as an old version
    installed."""
    locked = pins(lock)
    assert {package: locked.get(package) for package in pins(source)} == pins(source)
    entries = re.split(r"\n(?=\S)", (ROOT / lock).read_text(encoding="utf-8"))
    unhashed = [entry.split()[0] for entry in entries if PIN.match(entry.splitlines()[0]) and "--hash=sha256:" not in entry]
    assert not unhashed


def test_the_test_lock_has_the_runtime_lock_versions():
    runtime, dev_lock = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {package: dev_lock.get(package) for package in runtime} == runtime


def test_unknown_command_prints_usage():
    result = subprocess.run([sys.executable, str(ROOT / "dev.py"), "nope"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "python3 dev.py serve" in result.stderr and "python3 dev.py test" in result.stderr
