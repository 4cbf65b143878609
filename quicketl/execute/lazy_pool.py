"""The run's DuckDB databases, made when the first pipeline runs.

Importing DuckDB costs more than planning a one-file edit, so it is part of the first
pipeline's own time, as docs/performance.md counts it, and a run whose tasks are all
restored from the output store never imports DuckDB.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quicketl.engine.duckdb_session import DatabasePool, SniffCache


class PoolOnFirstUse:
    """A `DatabasePool` (engine/duckdb_session.py) made on the first `get()`, by any thread."""

    def __init__(self, sniffs: SniffCache | None = None) -> None:
        self._sniffs = sniffs
        self._pool: DatabasePool | None = None
        self._lock = threading.Lock()

    def get(self) -> DatabasePool:
        with self._lock:
            if self._pool is None:
                from quicketl.engine import duckdb_session  # loads DuckDB: a pipeline runs

                self._pool = duckdb_session.DatabasePool(sniffs=self._sniffs)
            return self._pool

    def close(self) -> None:
        """Close the databases, if any pipeline opened them."""
        with self._lock:
            pool = self._pool
        if pool is not None:
            pool.close()
