"""A run's cache opened read-only: what `validate` may take from it while changing nothing.

`validate` writes no file, not even a cache folder, so it never goes through `StateStore`
(which creates the folder, the database, the schema and the secret key). It reads the stat
cache, the task records of one scope and the secret key when a run left them, and otherwise
does without: anything unreadable is no cache at all, and validate checks everything.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from quicketl.state.hashing import StatCache, StatEntry
from quicketl.state.secretkey import KEY_FILE, shared_secret_key
from quicketl.state.store import _TASK_COLUMNS, _TYPED, _UINT64, DB_NAME, TaskRecord, _records
from quicketl.values import MutableValue


@dataclass(repr=False, eq=False)
class ReadOnlyState(MutableValue):
    """The stat cache and the secret key of an existing cache, and its records on demand."""

    conn: sqlite3.Connection
    stat_cache: StatCache
    key: bytes

    def records(self, scope: str) -> dict[str, TaskRecord]:
        """The task records of `scope`; none when they cannot be read."""
        sql = f"SELECT {_TASK_COLUMNS} FROM tasks WHERE scope = ?"
        try:
            rows = self.conn.execute(sql, (scope,)).fetchall()
        except sqlite3.Error:
            return {}
        return {record.task_id: record for record in _records(rows)}

    def close(self) -> None:
        self.conn.close()


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that can change nothing, and adds nothing beside the database either.

    A read-only connection to a WAL database makes its -wal and -shm files when they are
    missing (the last run to close removed them), which `validate` must not leave behind.
    Without a -wal file no writer has anything unmerged, so the file is read as immutable.
    Were a run to write meanwhile, a read may see a row an earlier run recorded (still true
    of the bytes it names: validate only skips a check on a key match) or a page being
    rewritten, which reads as a damaged row or a failed query: that row, or the whole cache,
    is then not used, and validate checks instead."""
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    uri = f"{path.absolute().as_uri()}?{mode}"  # percent-encoded: a "?" or "#" in a folder name
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def read_only_state(cache_dir: Path) -> ReadOnlyState | None:
    """The cache at `cache_dir` opened read-only, or None when a run left no usable one."""
    path = cache_dir / DB_NAME
    try:
        key = shared_secret_key() or (cache_dir / KEY_FILE).read_bytes()
    except OSError:
        return None
    if not key or not path.is_file():
        return None
    try:
        conn = connect_read_only(path)
    except sqlite3.Error:
        return None
    try:
        sql = f"SELECT path, size, mtime_ns, ctime_ns, inode, hash, {_TYPED} FROM stat_cache"
        rows = conn.execute(sql).fetchall()
    except sqlite3.Error:
        with suppress(sqlite3.Error):
            conn.close()
        return None
    entries = [StatEntry(p, s, m, c, i % _UINT64, h) for p, s, m, c, i, h, ok in rows if ok]
    return ReadOnlyState(conn, StatCache(entries), key)
