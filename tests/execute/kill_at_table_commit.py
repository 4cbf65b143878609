"""Runs quicketl and kills itself with SIGKILL just before or just after a table append's COMMIT.

`python kill_at_table_commit.py WHEN ARGS...` runs the command line with ARGS; WHEN is `before`
or `after`. The kill is exact, not timed: the database sinks' own commit functions (DuckDB file
and PostgreSQL) are wrapped, so `after` dies with the rows committed in the database and the
task not recorded in the state store.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from quicketl.engine import dbsink, pgsink


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _wrap(module: Any, when: str) -> None:
    real = module.commit_table

    def commit_and_die(handle: Any) -> None:
        if when == "before":
            _die()
        real(handle)
        _die()

    module.commit_table = commit_and_die


def main(argv: list[str]) -> None:
    when, *args = argv
    _wrap(dbsink, when)
    _wrap(pgsink, when)
    from quicketl.cli.main import main as cli_main

    cli_main(args)


if __name__ == "__main__":
    main(sys.argv[1:])
