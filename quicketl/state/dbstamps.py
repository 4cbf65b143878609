"""What quicketl last saw inside each DuckDB database file it writes tables into.

A stamp is the file's (size, mtime_ns, ctime_ns) and the tables it held then. While the file's
stat is the stamp's, its tables are the stamp's, so deciding a task that wrote one of them
needs no DuckDB; a changed stat sends the caller to look again (docs/architecture.md,
"Outputs"). The table is made on first write (CREATE TABLE IF NOT EXISTS) with no schema
version bump, as the run history is: a cache without it simply has no stamps.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import NamedTuple

from quicketl.state.outputs import Signature
from quicketl.state.store import StateStore

_CREATE = """CREATE TABLE IF NOT EXISTS database_tables (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    tables TEXT NOT NULL
) WITHOUT ROWID"""
_EXISTS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'database_tables'"


class DatabaseStamp(NamedTuple):
    signature: Signature
    tables: frozenset[str]


def load_stamps(store: StateStore) -> dict[str, DatabaseStamp]:
    """Every stamp by the file's full path; a row that does not read is left out (the file
    is then looked at again)."""
    with store._connection() as conn:  # shares the store's connection, as the history does
        if conn.execute(_EXISTS).fetchone() is None:
            return {}
        rows = conn.execute("SELECT path, size, mtime_ns, ctime_ns, tables FROM database_tables")
        return {row[0]: stamp for row in rows if (stamp := _stamp(row)) is not None}


def save_stamps(store: StateStore, stamps: Mapping[str, DatabaseStamp]) -> None:
    if not stamps:
        return
    rows = [
        (path, *stamp.signature, json.dumps(sorted(stamp.tables))) for path, stamp in stamps.items()
    ]
    with store._transaction() as conn:
        conn.execute(_CREATE)
        conn.executemany("INSERT OR REPLACE INTO database_tables VALUES (?, ?, ?, ?, ?)", rows)


def _stamp(row: tuple[object, ...]) -> DatabaseStamp | None:
    _, size, mtime_ns, ctime_ns, text = row
    if not (isinstance(size, int) and isinstance(mtime_ns, int) and isinstance(ctime_ns, int)):
        return None
    try:
        tables = json.loads(str(text))
    except ValueError:
        return None
    if not (isinstance(tables, list) and all(isinstance(t, str) for t in tables)):
        return None
    return DatabaseStamp((size, mtime_ns, ctime_ns), frozenset(tables))


def prune_stamps(store: StateStore) -> int:
    """Forget the stamps of files that are gone; how many."""
    gone = [path for path in load_stamps(store) if not os.path.exists(path)]
    if gone:
        with store._transaction() as conn:
            conn.executemany("DELETE FROM database_tables WHERE path = ?", [(p,) for p in gone])
    return len(gone)
