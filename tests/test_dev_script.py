"""dev.py, the README's two commands: venv reuse and the Chromium rule."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

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
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(dev.subprocess, "run", fake_subprocess_run)
    monkeypatch.setattr(dev, "run", lambda command, **kwargs: installs.append(command))
    dev.ensure_venv("requirements-dev.txt")
    dev.ensure_venv("requirements-dev.txt")
    assert len(created) == 1 and created[0][1:3] == ["-m", "venv"]
    assert len(installs) == 1 and installs[0][-1].endswith("requirements-dev.txt")


def test_unknown_command_prints_usage():
    result = subprocess.run([sys.executable, str(ROOT / "dev.py"), "nope"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "python3 dev.py serve" in result.stderr and "python3 dev.py test" in result.stderr
