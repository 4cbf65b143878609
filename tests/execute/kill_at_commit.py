"""Runs quicketl and kills itself with SIGKILL just before, during or just after a sink's commit.

`python kill_at_commit.py WHEN cli ARGS...` runs the command line with ARGS;
`python kill_at_commit.py WHEN task WORKFLOW TASK_ID PROJECT_DIR` runs `api.run_task`.
WHEN is `before`, `after`, or `swap`: a folder replacing a folder is two renames (the old one
aside, the new one in), and `swap` dies between them. The kill is exact, not timed: the sink's
own commit function is wrapped.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from quicketl.engine import filesink


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _die_at_second_rename() -> None:
    real = os.rename
    calls: list[str] = []

    def rename(source: str, destination: str) -> None:
        calls.append(source)
        if len(calls) == 2:
            _die()
        real(source, destination)

    os.rename = rename  # type: ignore[assignment]


def _wrap_commit(when: str) -> None:
    real = filesink.commit_path

    def commit_and_die(tmp: Path, final: Path) -> None:
        if when == "before":
            _die()
        if when == "swap":
            _die_at_second_rename()
        real(tmp, final)
        _die()

    filesink.commit_path = commit_and_die  # type: ignore[assignment]


def main(argv: list[str]) -> None:
    when, how, *args = argv
    _wrap_commit(when)
    if how == "task":
        from quicketl import api

        workflow, task_id, project_dir = args
        api.run_task(workflow, task_id, project_dir=project_dir)
        return
    from quicketl.cli.main import main as cli_main

    cli_main(args)


if __name__ == "__main__":
    main(sys.argv[1:])
