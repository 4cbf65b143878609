"""The state store: what each task last ran with and wrote, in SQLite (WAL) in the cache folder.

Each finished task is committed in its own transaction, so a run killed with -9 loses only the
tasks that were in flight, and a task that did not finish is never recorded. One connection is
shared by the threads of a run behind a lock; other processes wait on SQLite's busy timeout.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from quicketl.errors import StateError
from quicketl.state.hashing import StatEntry, canonical_json
from quicketl.state.intents import AppendIntent
from quicketl.state.notices import cache_warning
from quicketl.state.outputs import OutputRecord, output_record, outputs_changed
from quicketl.state.records import (
    components_from_json,
    is_time,
    outputs_from_json,
    stat_entry_from_row,
)

__all__ = ["SinkOwner", "StateStore", "TaskRecord", "output_record", "outputs_changed"]

# 2: the stat cache keys on ctime_ns too. Version 1 is upgraded in place (its stat cache is
# dropped, its task records kept), so an upgrade re-runs nothing.
SCHEMA_VERSION = 2
DB_NAME = "state.db"
BUSY_TIMEOUT_S = 60.0

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
)
_TABLES = ("meta", "tasks", "stat_cache", "append_intents", "sink_owners")
_TASK_COLUMNS = (
    "scope, task_id, key, components, outputs, status, started_at, finished_at, duration_ms"
)
_INTENT_COLUMNS = (
    "scope, task_id, key, components, outputs, target, staged, before_hash, after_hash, started_at"
)
_DROP_INTENT = "DELETE FROM append_intents WHERE scope = ? AND task_id = ?"
_UINT64 = 1 << 64
_SQLITE_MAGIC = b"SQLite format 3\x00"
UNREADABLE_SUFFIX = ".unreadable"
_INT64_MAX = (1 << 63) - 1


@dataclass(frozen=True)
class TaskRecord:
    """What a task last finished with. `components` is parsed only when asked for."""

    scope: str
    task_id: str
    key: str
    components_json: str = field(repr=False)
    outputs: tuple[OutputRecord, ...]
    status: str
    started_at: float | None
    finished_at: float | None
    duration_ms: float | None

    @cached_property
    def components(self) -> dict[str, Any] | None:
        """The stored components, or None (said once) when they cannot be read: the caller
        then treats the task as never run."""
        parsed = components_from_json(self.components_json)
        if parsed is None:
            cache_warning(UNREADABLE_RECORDS)
        return parsed

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> TaskRecord | None:
        """The record of a row, or None when a column does not hold what was written."""
        scope, task_id, key, components, outputs, status, started, finished, duration = row
        parsed = outputs_from_json(outputs)
        texts = (scope, task_id, key, components, status)
        if parsed is None or not all(isinstance(text, str) for text in texts):
            return None
        if not all(is_time(value) for value in (started, finished, duration)):
            return None
        return cls(scope, task_id, key, components, parsed, status, started, finished, duration)


@dataclass(frozen=True)
class SinkOwner:
    """The sink (scope and task) that wrote `path`, and the inode it left there."""

    path: str
    scope: str
    task_id: str
    inode: int


UNREADABLE_RECORDS = (
    "some task records in the cache could not be read (a damaged state database?); "
    "those tasks are treated as never run"
)
UNREADABLE_STATS = "some stat-cache entries could not be read; those files are hashed again"


def _records(rows: list[tuple[Any, ...]]) -> list[TaskRecord]:
    records = [TaskRecord.from_row(row) for row in rows]
    if any(record is None for record in records):
        cache_warning(UNREADABLE_RECORDS)
    return [record for record in records if record is not None]


class StateStore:
    """`state.db` in `cache_dir`, created with the folder on first use."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)
        self.path = self.cache_dir / DB_NAME
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, scope: str, task_id: str) -> TaskRecord | None:
        sql = f"SELECT {_TASK_COLUMNS} FROM tasks WHERE scope = ? AND task_id = ?"
        with self._connection() as conn:
            rows = conn.execute(sql, (scope, task_id)).fetchall()
        return next(iter(_records(rows)), None)

    def get_all(self, scope: str) -> dict[str, TaskRecord]:
        sql = f"SELECT {_TASK_COLUMNS} FROM tasks WHERE scope = ?"
        with self._connection() as conn:
            rows = conn.execute(sql, (scope,)).fetchall()
        return {record.task_id: record for record in _records(rows)}

    def record_success(
        self,
        scope: str,
        task_id: str,
        key: str,
        components: Mapping[str, Any],
        outputs: Sequence[OutputRecord],
        *,
        started_at: float | None = None,
        finished_at: float | None = None,
        status: str = "success",
    ) -> None:
        """Record a finished task, atomically, replacing what it had before. `status` is
        `success`, or `checks_failed: NAMES` for a sink written despite failed checks."""
        finished = time.time() if finished_at is None else finished_at
        started = finished if started_at is None else started_at
        row = (scope, task_id, key, canonical_json(components), canonical_json(list(outputs)))
        times = (status, started, finished, (finished - started) * 1000.0)
        sql = f"INSERT OR REPLACE INTO tasks ({_TASK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        with self._transaction() as conn:
            conn.execute(sql, row + times)
            conn.execute(_DROP_INTENT, (scope, task_id))  # the record supersedes the intent

    def record_owners(self, owners: Iterable[SinkOwner]) -> None:
        """Remember which sink wrote each output path (absolute, resolved) and its inode."""
        rows = [(o.path, o.scope, o.task_id, _as_int64(o.inode)) for o in owners]
        if not rows:
            return
        with self._transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO sink_owners VALUES (?, ?, ?, ?)", rows)

    def owners(self) -> dict[str, SinkOwner]:
        with self._connection() as conn:
            rows = conn.execute("SELECT path, scope, task_id, inode FROM sink_owners").fetchall()
        return {row[0]: SinkOwner(row[0], row[1], row[2], row[3] % _UINT64) for row in rows}

    def scopes(self) -> list[str]:
        with self._connection() as conn:
            rows = conn.execute("SELECT DISTINCT scope FROM tasks ORDER BY scope").fetchall()
        return [scope for (scope,) in rows if isinstance(scope, str)]

    def stat_entries(self) -> list[StatEntry]:
        sql = "SELECT path, size, mtime_ns, ctime_ns, inode, hash FROM stat_cache"
        with self._connection() as conn:
            rows = conn.execute(sql).fetchall()
        entries = [stat_entry_from_row(row) for row in rows]
        if any(entry is None for entry in entries):
            cache_warning(UNREADABLE_STATS)
        return [entry for entry in entries if entry is not None]

    def save_stat_entries(self, entries: Iterable[StatEntry]) -> None:
        rows = [
            (e.path, e.size, e.mtime_ns, e.ctime_ns, _as_int64(e.inode), e.hash) for e in entries
        ]
        if not rows:
            return
        sql = (
            "INSERT OR REPLACE INTO stat_cache (path, size, mtime_ns, ctime_ns, inode, hash) "
            "VALUES (?, ?, ?, ?, ?, ?)"
        )
        with self._transaction() as conn:
            conn.executemany(sql, rows)

    def prune_stat_entries(self) -> int:
        """Drop stat-cache entries of files that no longer exist; returns how many."""
        gone = [(entry.path,) for entry in self.stat_entries() if not os.path.isfile(entry.path)]
        with self._transaction() as conn:
            conn.executemany("DELETE FROM stat_cache WHERE path = ?", gone)
        return len(gone)

    def clear(self, scope: str | None = None) -> None:
        """Forget every task of `scope`, or, without one, every task and the stat cache."""
        with self._transaction() as conn:
            if scope is not None:
                conn.execute("DELETE FROM tasks WHERE scope = ?", (scope,))
                conn.execute("DELETE FROM append_intents WHERE scope = ?", (scope,))
                return
            conn.execute("DELETE FROM tasks")
            conn.execute("DELETE FROM append_intents")
            conn.execute("DELETE FROM stat_cache")

    def save_intent(self, intent: AppendIntent) -> None:
        """Save an append's intent; committed before the append's own commit may happen."""
        marks = ", ".join("?" * len(intent.as_row()))
        sql = f"INSERT OR REPLACE INTO append_intents ({_INTENT_COLUMNS}) VALUES ({marks})"
        with self._transaction() as conn:
            conn.execute(sql, intent.as_row())

    def intents(self, scope: str | None = None) -> list[AppendIntent]:
        """Intents left by appends whose task was never recorded (all scopes without one);
        an unreadable row is left out, as if there were none."""
        where, args = ("WHERE scope = ?", (scope,)) if scope is not None else ("", ())
        sql = f"SELECT {_INTENT_COLUMNS} FROM append_intents {where} ORDER BY scope, task_id"
        with self._connection() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [intent for intent in map(AppendIntent.from_row, rows) if intent is not None]

    def drop_intent(self, scope: str, task_id: str) -> None:
        with self._transaction() as conn:
            conn.execute(_DROP_INTENT, (scope, task_id))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._sqlite_errors():
            if self._conn is None:
                self._conn = self._open()
            yield self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as conn, _immediate(conn):
            yield conn

    @contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise StateError(self._describe(error)) from error
        except OSError as error:
            raise StateError(f"cannot use the cache folder {self.cache_dir}: {error}") from error

    def _describe(self, error: sqlite3.Error) -> str:
        if _is_busy(error):
            return (
                f"state database {self.path} stayed locked by another process for "
                f"{BUSY_TIMEOUT_S:g} s: {error}"
            )
        return (
            f"state database {self.path} is unusable: {error}; "
            "remove the cache folder (quicketl cache clean) to start afresh"
        )

    def _open(self) -> sqlite3.Connection:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as error:
            if _code(error) != sqlite3.SQLITE_NOTADB:
                raise
            # Set it aside, unless another run just did (and started a fresh one): either
            # way, try once more.
            _set_aside(self.path)
        return self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            _enable_wal(conn, time.monotonic() + BUSY_TIMEOUT_S)
            conn.execute("PRAGMA synchronous=NORMAL")
            _ensure_schema(conn, self.path)
        except BaseException:
            conn.close()
            raise
        return conn


def _enable_wal(conn: sqlite3.Connection, deadline: float) -> None:
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
        if not _is_busy(error):
            raise
        return False


def _is_busy(error: sqlite3.Error) -> bool:
    return _code(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _code(error: sqlite3.Error) -> int:
    return int(getattr(error, "sqlite_errorcode", 0)) & 0xFF


def looks_like_database(path: Path) -> bool:
    """Whether `path` is a regular file that is empty or starts as SQLite files do."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(len(_SQLITE_MAGIC))
    except OSError:  # missing, a folder, unreadable
        return False
    return not head or head == _SQLITE_MAGIC


def _set_aside(path: Path) -> bool:
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


def _ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
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
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
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
    with _immediate(conn):
        version = _schema_version(conn, path)
        if version == 1:
            _upgrade_from_1(conn)
        elif version != SCHEMA_VERSION:
            _replace_tables(conn)


def _upgrade_from_1(conn: sqlite3.Connection) -> None:
    """Keep the task records; the stat cache lacks ctime, and is only a cache: rebuild it."""
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


def _as_int64(value: int) -> int:
    """Inode numbers are unsigned 64-bit; SQLite integers are signed."""
    return value - _UINT64 if value > _INT64_MAX else value
