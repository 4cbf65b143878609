"""DuckDB's own query progress, for a display that watches a long single pipeline run.

A caller that wants it sets a `QueryProgress` for its context (`watching_queries`); a `Session`
opened in that context (the same thread: a single `quicketl run` never leaves it) turns
DuckDB's progress tracking on, without its printed bar, and attaches its connection. Another
thread then reads the percentage. Runs elsewhere (workflow workers) see no probe and pay
nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import duckdb

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
        yield probe
    finally:
        _PROBE.reset(token)
