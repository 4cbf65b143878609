"""The state database file: its schema and upgrades, WAL mode, and a file that is not SQLite.

What `StateStore` (state/store.py) opens; kept apart so the store holds only what is stored.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from quicketl.errors import StateError
from quicketl.state.notices import cache_warning

# 2: the stat cache keys on ctime_ns too. Version 1 is upgraded in place (its stat cache is
# dropped, its task records kept), so an upgrade re-runs nothing.
# 3: CSV sniffing results (csv_sniffs). Version 2 gains the table and keeps everything else.
SCHEMA_VERSION = 3
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE tasks (
        scope TEXT NOT NULL,
        task_id TEXT NOT NULL,
        key TEXT NOT NULL,
        components TEXT NOT NULL,
        outputs TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at REAL,
        finished_at REAL,
        duration_ms REAL,
        PRIMARY KEY (scope, task_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE stat_cache (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        ctime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        hash TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE append_intents (
        scope TEXT NOT NULL,
        task_id TEXT NOT NULL,
        key TEXT NOT NULL,
        components TEXT NOT NULL,
        outputs TEXT NOT NULL,
        target TEXT NOT NULL,
        staged TEXT NOT NULL,
        before_hash TEXT NOT NULL,
        after_hash TEXT NOT NULL,
        started_at REAL NOT NULL,
        PRIMARY KEY (scope, task_id)
    ) WITHOUT ROWID""",
    # Which sink wrote each output (a partitioned sink may replace only its own folder).
    """CREATE TABLE sink_owners (
        path TEXT PRIMARY KEY,
        scope TEXT NOT NULL,
        task_id TEXT NOT NULL,
        inode INTEGER NOT NULL
    ) WITHOUT ROWID""",
    # What DuckDB's CSV sniffer detected, by the file's content hash and the read options.
    """CREATE TABLE csv_sniffs (
        content_hash TEXT NOT NULL,
        options TEXT NOT NULL,
        detected TEXT NOT NULL,
        PRIMARY KEY (content_hash, options)
    ) WITHOUT ROWID""",
)
_TABLES = ("meta", "tasks", "stat_cache", "append_intents", "sink_owners", "csv_sniffs")
_SQLITE_MAGIC = b"SQLite format 3\x00"
UNREADABLE_SUFFIX = ".unreadable"


def enable_wal(conn: sqlite3.Connection, deadline: float) -> None:
    # WAL is a property of the file, so it is set once. SQLite does not run the busy handler
    # for the switch (it needs exclusive access), so processes opening a new database together
    # retry here until one of them has switched it.
    while not _try_wal(conn):
        if time.monotonic() > deadline:
            raise sqlite3.OperationalError("cannot switch the journal to WAL mode")
        time.sleep(0.01)


def _try_wal(conn: sqlite3.Connection) -> bool:
    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return True
    try:
        return bool(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal")
    except sqlite3.OperationalError as error:
        if not is_busy(error):
            raise
        return False


def is_busy(error: sqlite3.Error) -> bool:
    return error_code(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def error_code(error: sqlite3.Error) -> int:
    return int(getattr(error, "sqlite_errorcode", 0)) & 0xFF


def looks_like_database(path: Path) -> bool:
    """Whether `path` is a regular file that is empty or starts as SQLite files do."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(len(_SQLITE_MAGIC))
    except OSError:  # missing, a folder, unreadable
        return False
    return not head or head == _SQLITE_MAGIC


def set_aside(path: Path) -> bool:
    """Rename a file that is not a SQLite database at all out of the way, with its WAL files,
    so a fresh cache can start; False if it is not (or no longer) such a file.

    Under an flock of that very file, and only after re-reading its first bytes: two runs that
    both found it must not set aside the fresh database the first of them created.
    """
    aside = path.with_name(path.name + UNREADABLE_SUFFIX)
    try:
        with open(path, "rb") as stream:
            fcntl.flock(stream, fcntl.LOCK_EX)
            head = stream.read(len(_SQLITE_MAGIC))
            if not head or head == _SQLITE_MAGIC or not _same_file(stream.fileno(), path):
                return False
            for suffix in ("-wal", "-shm", ""):
                _move_if_present(Path(f"{path}{suffix}"), Path(f"{aside}{suffix}"))
    except OSError:
        return False
    cache_warning(
        f"{path} was not a SQLite database; moved it to {aside.name} and started an empty "
        "cache (every task runs once)"
    )
    return True


def _same_file(fd: int, path: Path) -> bool:
    return os.fstat(fd).st_ino == os.stat(path).st_ino


def _move_if_present(source: Path, target: Path) -> None:
    with suppress(FileNotFoundError):
        os.replace(source, target)


def ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    version = _schema_version(conn, path)
    if version == SCHEMA_VERSION:
        return
    if version is not None and version > SCHEMA_VERSION:
        raise StateError(
            f"state database {path} was written by a newer quicketl (schema {version}, "
            f"this one reads {SCHEMA_VERSION}); upgrade quicketl, use another --cache-dir, "
            "or discard that cache with `quicketl cache clean`"
        )
    _create_schema(conn, path)


def _schema_version(conn: sqlite3.Connection, path: Path) -> int | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:  # no meta table: a new database
        return None
    if row is None:
        return None
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise StateError(
            f"state database {path} holds an unknown schema version {row[0]!r}; "
            "discard that cache with `quicketl cache clean`"
        ) from None


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, so a busy database waits here (busy timeout)
    # instead of failing when a read transaction tries to become a write.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _create_schema(conn: sqlite3.Connection, path: Path) -> None:
    # Under the write lock, and re-checked inside it, so two processes opening a new (or an
    # old) database do not both create or upgrade it.
    with immediate(conn):
        version = _schema_version(conn, path)
        if version in (1, 2):
            _upgrade(conn, version)
        elif version != SCHEMA_VERSION:
            _replace_tables(conn)


def _upgrade(conn: sqlite3.Connection, version: int) -> None:
    """Keep the task records and add the tables a version lacks. Version 1's stat cache lacks
    ctime, and is only a cache: it is rebuilt."""
    if version == 1:
        conn.execute("DROP TABLE IF EXISTS stat_cache")
    for statement in _SCHEMA:
        conn.execute(statement.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))


def _replace_tables(conn: sqlite3.Connection) -> None:
    for table in _TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _SCHEMA:
        conn.execute(statement)
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
