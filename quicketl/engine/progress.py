"""DuckDB's own query progress, for a display that watches a long single pipeline run.

A caller that wants it sets a `QueryProgress` for its context (`watching_queries`); a `Session`
opened in that context (the same thread: a single `quicketl run` never leaves it) turns
DuckDB's progress tracking on, without its printed bar, and attaches its connection. Another
thread then reads the percentage. Runs elsewhere (workflow workers) see no probe and pay
nothing.

With progress tracking on, DuckDB no longer looks for Ctrl-C while its query runs (the query
would go on to its end). So while a probe is watched on the main thread, a thread of its own
learns of each SIGINT from Python's wakeup fd, written by the C-level handler at once, and
interrupts the watched query, unless a commit holds Ctrl-C (engine/interrupts.py). The
KeyboardInterrupt itself is Python's, raised as the query returns.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from quicketl.engine.duckdb_module import duckdb
from quicketl.engine.interrupts import ctrl_c_held

_PROBE: ContextVar[QueryProgress | None] = ContextVar("quicketl_query_progress", default=None)


class QueryProgress:
    """The progress of the query running on the watched connection, read from any thread."""

    def __init__(self) -> None:
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()  # a connection is never read while it is being closed

    def attach(self, con: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self._con = con

    def detach(self, con: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            if self._con is con:
                self._con = None

    def interrupt(self) -> None:
        """Stop the watched query (Ctrl-C), unless a commit holds Ctrl-C."""
        with self._lock:
            if self._con is not None and not ctrl_c_held():
                self._con.interrupt()

    def percent(self) -> float | None:
        """0-100 while a query runs and DuckDB can tell, else None."""
        with self._lock:
            if self._con is None:
                return None
            try:
                value = float(self._con.query_progress())
            except duckdb.Error:
                return None
        return value if value >= 0 else None


def current_probe() -> QueryProgress | None:
    return _PROBE.get()


@contextmanager
def watching_queries(probe: QueryProgress) -> Iterator[QueryProgress]:
    """Sessions opened in this context (this thread) report to `probe`."""
    token = _PROBE.set(probe)
    try:
        with _ctrl_c_reaches(probe):
            yield probe
    finally:
        _PROBE.reset(token)


@contextmanager
def _ctrl_c_reaches(probe: QueryProgress) -> Iterator[None]:
    """For the block, each SIGINT also interrupts `probe`'s query (on the main thread only:
    only it receives signals, and only it may set the wakeup fd)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    except ValueError:  # not the main interpreter
        os.close(read_end)
        os.close(write_end)
        yield
        return
    watcher = threading.Thread(
        target=_interrupt_on_sigint, args=(read_end, probe), name="quicketl-ctrl-c", daemon=True
    )
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous)
        os.close(write_end)  # the watcher reads the end of the pipe and stops
        watcher.join()
        os.close(read_end)


def _interrupt_on_sigint(read_end: int, probe: QueryProgress) -> None:
    while data := os.read(read_end, 64):
        if signal.SIGINT in data:
            probe.interrupt()
