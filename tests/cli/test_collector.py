"""The CLI keeps a plan out of the garbage collector's sight; the app in a host process never
touches the collector."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from projects import linear_three, new_project

from .conftest import Invoke

CODE = (
    "import gc, sys\n"
    "from quicketl.cli.main import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exc:\n"
    "    print('exit', exc.code, 'frozen', gc.get_freeze_count() > 0, 'on', gc.isenabled())\n"
)


def test_validate_as_its_own_process_freezes_the_plan_and_collects_again(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", CODE, "workflow", "validate", str(workflow)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "exit 0 frozen True on True", done.stderr


def test_the_app_inside_another_process_leaves_the_collector_as_it_found_it(
    tmp_path: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Planning pauses the collector and hands what it made to the oldest generation (freeze,
    # then unfreeze); in a host process nothing may stay paused or frozen. Watched by its
    # calls: the freeze count also falls whenever an earlier test's frozen objects are freed.
    workflow = linear_three(new_project(tmp_path))
    calls: list[str] = []
    for name in ("freeze", "unfreeze", "disable", "enable"):
        real = getattr(gc, name)
        monkeypatch.setattr(gc, name, lambda real=real, name=name: (calls.append(name), real())[1])
    result = cli("workflow", "validate", workflow)
    assert result.exit_code == 0, result.output
    assert calls.count("freeze") == calls.count("unfreeze")
    assert calls.count("disable") == calls.count("enable") > 0
    assert gc.isenabled()
