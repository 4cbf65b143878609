"""The Makefile finds a Python where only `python3` exists (no `python3.11` on PATH)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _dry_make(target: str, path_dir: Path) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = {**os.environ, "PATH": str(path_dir)}
    env.pop("PYTHON", None)
    env.pop("EXPORT_PYTHON", None)
    done = subprocess.run(
        [make, "-n", "-B", "-C", str(REPO), target],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _only_python3(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "python3").symlink_to(sys.executable)
    return folder


def test_venv_is_made_with_python3_when_python311_is_absent(tmp_path: Path) -> None:
    out = _dry_make(".venv/.installed", _only_python3(tmp_path))
    assert "python3.11 -m venv" not in out
    assert f"{tmp_path / 'bin' / 'python3'} -m venv .venv" in out


def test_export_venvs_are_made_with_python3_when_python311_is_absent(tmp_path: Path) -> None:
    out = _dry_make(".venv-airflow/.ok", _only_python3(tmp_path))
    assert f"{tmp_path / 'bin' / 'python3'} -m venv .venv-airflow" in out


def test_make_lint_checks_the_import_contract(tmp_path: Path) -> None:
    assert "lint-imports" in _dry_make("lint", _only_python3(tmp_path))


def test_make_test_installs_postgresql_when_no_initdb_is_found(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = {**os.environ, "PATH": str(_only_python3(tmp_path))}  # no initdb on it
    nowhere = f"PG_SEARCH={tmp_path}/none/*/bin/initdb"
    done = subprocess.run(
        [make, "-n", "-C", str(REPO), "postgres-server", nowhere],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "apt-get install -y -qq postgresql" in done.stdout
    found = subprocess.run(
        [make, "-n", "-C", str(REPO), "postgres-server"], capture_output=True, text=True
    )
    if shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        assert "apt-get" not in found.stdout


def test_make_pytest_needs_the_postgresql_server(tmp_path: Path) -> None:
    assert "PostgreSQL for the tests" in _dry_make("pytest", _only_python3(tmp_path)) or (
        "apt-get install" in _dry_make("pytest", _only_python3(tmp_path))
    )
