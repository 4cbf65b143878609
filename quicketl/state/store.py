"""The state store: what each task last ran with and wrote, in SQLite (WAL) in the cache folder.

Each finished task is committed in its own transaction, so a run killed with -9 loses only the
tasks that were in flight, and a task that did not finish is never recorded. One connection is
shared by the threads of a run behind a lock; other processes wait on SQLite's busy timeout.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
)
from quicketl.state.sqlite_file import (
    SCHEMA_VERSION,
    UNREADABLE_SUFFIX,
    enable_wal,
    ensure_schema,
    error_code,
    immediate,
    is_busy,
    looks_like_database,
    set_aside,
)
from quicketl.values import FrozenValue

__all__ = [
    "SCHEMA_VERSION",
    "UNREADABLE_SUFFIX",
    "SinkOwner",
    "StateStore",
    "TaskRecord",
    "looks_like_database",
    "output_record",
    "outputs_changed",
]

DB_NAME = "state.db"
BUSY_TIMEOUT_S = 60.0

_TASK_COLUMNS = (
    "scope, task_id, key, components, outputs, status, started_at, finished_at, duration_ms"
)
_INTENT_COLUMNS = (
    "scope, task_id, key, components, outputs, target, staged, before_hash, after_hash, started_at"
)
_DROP_INTENT = "DELETE FROM append_intents WHERE scope = ? AND task_id = ?"
_UINT64 = 1 << 64
# A stat-cache row holds what was written: text paths and hashes, integer stats.
_TYPED = " AND ".join(
    [f"typeof({c}) = 'text'" for c in ("path", "hash")]
    + [f"typeof({c}) = 'integer'" for c in ("size", "mtime_ns", "ctime_ns", "inode")]
)
_INT64_MAX = (1 << 63) - 1


@dataclass(frozen=True, repr=False, eq=False)
class TaskRecord(FrozenValue):
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


@dataclass(frozen=True, repr=False, eq=False)
class SinkOwner(FrozenValue):
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
        owners: Iterable[SinkOwner] = (),
    ) -> None:
        """Record a finished task, atomically, replacing what it had before. `status` is
        `success`, or `checks_failed: NAMES` for a sink written despite failed checks.
        `owners`, the sinks' owner records (`record_owners`), go in the same transaction: one
        commit per task, not two."""
        finished = time.time() if finished_at is None else finished_at
        started = finished if started_at is None else started_at
        row = (scope, task_id, key, canonical_json(components), canonical_json(list(outputs)))
        times = (status, started, finished, (finished - started) * 1000.0)
        sql = f"INSERT OR REPLACE INTO tasks ({_TASK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        owned = _owner_rows(owners)
        with self._transaction() as conn:
            conn.execute(sql, row + times)
            conn.execute(_DROP_INTENT, (scope, task_id))  # the record supersedes the intent
            if owned:
                conn.executemany(_OWNER_ROW, owned)

    def record_owners(self, owners: Iterable[SinkOwner]) -> None:
        """Remember which sink wrote each output path (absolute, resolved) and its inode."""
        rows = _owner_rows(owners)
        if not rows:
            return
        with self._transaction() as conn:
            conn.executemany(_OWNER_ROW, rows)

    def owners(self) -> dict[str, SinkOwner]:
        with self._connection() as conn:
            rows = conn.execute("SELECT path, scope, task_id, inode FROM sink_owners").fetchall()
        return {row[0]: SinkOwner(row[0], row[1], row[2], row[3] % _UINT64) for row in rows}

    def scopes(self) -> list[str]:
        with self._connection() as conn:
            rows = conn.execute("SELECT DISTINCT scope FROM tasks ORDER BY scope").fetchall()
        return [scope for (scope,) in rows if isinstance(scope, str)]

    def stat_entries(self) -> list[StatEntry]:
        # The column types are checked by SQLite: a no-op run of 10,000 pipelines loads
        # some 40,000 entries, and a check per value in Python was a tenth of its time.
        sql = f"SELECT path, size, mtime_ns, ctime_ns, inode, hash, {_TYPED} FROM stat_cache"
        with self._connection() as conn:
            rows = conn.execute(sql).fetchall()
        entries = [StatEntry(p, s, m, c, i % _UINT64, h) for p, s, m, c, i, h, ok in rows if ok]
        if len(entries) != len(rows):
            cache_warning(UNREADABLE_STATS)
        return entries

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

    def csv_sniff(self, content_hash: str, options: str) -> str | None:
        """What the CSV sniffer detected in content `content_hash` read with `options`, as
        stored (JSON text; the reader checks it), or None."""
        sql = "SELECT detected FROM csv_sniffs WHERE content_hash = ? AND options = ?"
        with self._connection() as conn:
            row = conn.execute(sql, (content_hash, options)).fetchone()
        return row[0] if row is not None and isinstance(row[0], str) else None

    def save_csv_sniffs(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Keep (content_hash, options, detected) rows; a cache, so a newer row replaces."""
        rows = list(rows)
        if not rows:
            return
        sql = "INSERT OR REPLACE INTO csv_sniffs (content_hash, options, detected) VALUES (?,?,?)"
        with self._transaction() as conn:
            conn.executemany(sql, rows)

    def prune_csv_sniffs(self) -> int:
        """Drop sniff results of contents no file in the stat cache has now; returns how many."""
        sql = "DELETE FROM csv_sniffs WHERE content_hash NOT IN (SELECT hash FROM stat_cache)"
        with self._transaction() as conn:
            return conn.execute(sql).rowcount

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
            conn.execute("DELETE FROM csv_sniffs")

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
        with self._connection() as conn, immediate(conn):
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
        if is_busy(error):
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
            if error_code(error) != sqlite3.SQLITE_NOTADB:
                raise
            # Set it aside, unless another run just did (and started a fresh one): either
            # way, try once more.
            set_aside(self.path)
        return self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            enable_wal(conn, time.monotonic() + BUSY_TIMEOUT_S)
            conn.execute("PRAGMA synchronous=NORMAL")
            ensure_schema(conn, self.path)
        except BaseException:
            conn.close()
            raise
        return conn


_OWNER_ROW = "INSERT OR REPLACE INTO sink_owners VALUES (?, ?, ?, ?)"


def _owner_rows(owners: Iterable[SinkOwner]) -> list[tuple[str, str, str, int]]:
    return [(o.path, o.scope, o.task_id, _as_int64(o.inode)) for o in owners]


def _as_int64(value: int) -> int:
    """Inode numbers are unsigned 64-bit; SQLite integers are signed."""
    return value - _UINT64 if value > _INT64_MAX else value
