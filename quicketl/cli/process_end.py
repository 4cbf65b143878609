"""Ending the `quicketl` process as soon as a command is done, without the interpreter's
teardown.

Python's own exit frees every module and object one by one and closes DuckDB's databases:
about 40 ms of CPU after a cold run of three pipelines (a tenth of it), 6-7 ms after a no-op
of 200 (docs/performance.md). By then nothing is left to finish: the state store is closed,
the cache lock released, every output written and renamed into place, every DuckDB file
detached, and only in-memory databases remain. So the output is flushed and the process
ends with the command's exit code. Only when the command is the process (the console script,
`python -m quicketl`), and only when no other thread that Python would wait for is alive
(a worker still inside DuckDB after Ctrl-C): then it ends as Python ends it.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import NoReturn


def end_process(code: str | int | None) -> NoReturn:
    """Flush the output and end the process with `code` (a `SystemExit` code)."""
    status = _status(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away: there is nowhere to say anything
        os._exit(1)
    os._exit(status)


def may_end_now() -> bool:
    """Whether no thread Python's exit would wait for is still running."""
    main = threading.main_thread()
    return not any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate())


def _status(code: str | int | None) -> int:
    """The exit status `sys.exit(code)` gives, its message written as Python writes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1
