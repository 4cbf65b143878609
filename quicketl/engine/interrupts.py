"""Ctrl-C during a run on the main thread: always a KeyboardInterrupt, never mid-commit.

DuckDB swallows a Ctrl-C that lands inside its query: it raises RuntimeError("Query
interrupted"), or `InterruptException` when the query was stopped by `interrupt()` (engine/
progress.py does that when progress tracking keeps DuckDB from seeing the signal).
`ctrl_c_restored` gives the KeyboardInterrupt back. From a sink's commit until the task is
recorded, Ctrl-C is held (`hold_ctrl_c`, inside a `commit_window`) and delivered when the window
ends, so an output is never left replaced but unrecorded (docs/cli.md, Ctrl-C).

Only the main thread receives Ctrl-C; elsewhere everything here does nothing. DuckDB is not
imported here: the run imports it only when a pipeline runs (execute/lazy_pool.py).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from quicketl.errors import InterruptedAfterCommit


def is_ctrl_c(error: BaseException) -> bool:
    """Whether DuckDB raised `error` for the user's Ctrl-C (which only the main thread gets)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    # The compiled module the engine loads (engine/duckdb_module.py), or the package on DuckDB
    # 1.x; neither loaded: the error cannot be one of DuckDB's.
    duckdb = sys.modules.get("_duckdb") or sys.modules.get("duckdb")
    if duckdb is not None and isinstance(error, duckdb.InterruptException):
        return True
    return type(error) is RuntimeError and str(error) == "Query interrupted"


@contextmanager
def ctrl_c_restored() -> Iterator[None]:
    """DuckDB's form of a Ctrl-C raised in the block becomes the KeyboardInterrupt it was."""
    try:
        yield
    except Exception as error:
        if is_ctrl_c(error):
            raise KeyboardInterrupt from None
        raise


class _Held:
    """The main thread's window: how deep, and the handler a hold replaced."""

    depth = 0
    previous: Any = None
    pending = False


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def commit_window() -> Iterator[None]:
    """A Ctrl-C held by a commit inside the block (`hold_ctrl_c`) is delivered as it ends, as
    `InterruptedAfterCommit`: the work it held for is whole. Nested windows end with the
    outermost."""
    if not _main_thread():
        yield
        return
    _Held.depth += 1
    try:
        yield
    finally:
        _Held.depth -= 1
        if _Held.depth == 0:
            _release()


def hold_ctrl_c() -> None:
    """Called just before a commit: from now until the window ends, Ctrl-C waits."""
    if not _main_thread() or _Held.depth == 0 or _Held.previous is not None:
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is None:  # a handler not set from Python: it cannot be put back, so left alone
        return
    _Held.pending = False
    signal.signal(signal.SIGINT, _note)
    _Held.previous = previous


def ctrl_c_held() -> bool:
    """Whether a commit holds Ctrl-C now (a query must not be interrupted then)."""
    return _Held.previous is not None


def _note(signum: int, frame: FrameType | None) -> None:
    _Held.pending = True


def _release() -> None:
    previous, _Held.previous = _Held.previous, None
    if previous is None:
        return
    signal.signal(signal.SIGINT, previous)
    if not _Held.pending:
        return
    _Held.pending = False
    if previous is signal.default_int_handler:
        raise InterruptedAfterCommit
    signal.raise_signal(signal.SIGINT)  # a handler of the host program's: it decides
