"""The CLI keeps a plan out of the garbage collector's sight; the app in a host process never
touches the collector."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

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


def test_the_app_inside_another_process_leaves_the_collector_alone(
    tmp_path: Path, cli: Invoke
) -> None:
    workflow = linear_three(new_project(tmp_path))
    frozen = gc.get_freeze_count()
    result = cli("workflow", "validate", workflow)
    assert result.exit_code == 0, result.output
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen, True)
