"""Fixtures for CLI tests: invoke `quicketl` in-process and get exit code, stdout, stderr."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from quicketl.cli.main import app

Invoke = Callable[..., Result]


@pytest.fixture
def cli() -> Invoke:
    """`cli("run", "p.yml", "--json")` runs the command with a wide, colourless console."""
    runner = CliRunner(env={"COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"})

    def invoke(*args: str | Path) -> Result:
        return runner.invoke(app, [str(arg) for arg in args])

    return invoke


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    """Run the test with `tmp_path` as the working directory."""
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(before)
