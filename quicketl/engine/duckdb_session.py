"""DuckDB databases and the sessions that use them: one sandboxed database serves many pipelines.

Opening a DuckDB database costs about 10 ms, more than a tiny pipeline's own SQL, so a worker
keeps one database per sandbox (`Access`) and thread count, and gives each pipeline a fresh
connection to it (`cursor()`): temporary tables and views, `USE` and the settings a connection
may change belong to that connection and end with it. The one thing the engine's statements
change for the whole database, an ATTACH, is undone after each pipeline, and a database that
cannot be reset is retired (docs/architecture.md, "DuckDB sessions"). The sandbox
(`restrict`) belongs to the database: set and locked once, it holds for every connection.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from quicketl.engine.access import Access, normalised
from quicketl.engine.duckdb_module import column_types, duckdb
from quicketl.engine.progress import current_probe
from quicketl.engine.relation import Column, Relation
from quicketl.engine.sql import ident, literal, string_literal

# Settings a connection may still change once the configuration is locked: its own profiler
# and progress display, which end with the connection.
_UNLOCKED = ["enable_profiling", "enable_progress_bar", "enable_progress_bar_print"]
# QUICKETL_DUCKDB_REUSE=0 gives every pipeline a database of its own, as before reuse.
REUSE_VARIABLE = "QUICKETL_DUCKDB_REUSE"
# Databases a thread keeps: pipelines declaring files outside the project each have a sandbox.
_KEPT_PER_THREAD = 4
# What a finished session may have left database-wide: the engine's own statements change
# only their connection's temporary catalog, except ATTACH (Session.attach detaches its own).
_ATTACHED = (
    "SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name <> 'memory'"
)


class SniffCache(Protocol):
    """CSV detections kept between runs (state/sniffs.py); the engine only asks and tells."""

    def detected(self, path: str, options: str) -> Any: ...

    def remember(self, path: str, options: str, detected: Any) -> None: ...


class Database:
    """A private in-memory database with its thread count and sandbox, for one thread's use."""

    def __init__(self, threads: int | None = None, access: Access | None = None) -> None:
        self._con = duckdb.connect(":memory:")
        self.closed = False
        # A pipeline run never downloads extensions; installed ones are loaded before the lock.
        self._con.execute("SET autoinstall_known_extensions = false")
        if threads is not None:
            self._con.execute(f"SET threads = {max(1, int(threads))}")
        if access is not None:
            restrict(self._con, access)

    def session(self) -> Session:
        """A fresh connection to this database, for one pipeline."""
        return Session(database=self)

    def connect(self) -> duckdb.DuckDBPyConnection:
        if self.closed:
            raise duckdb.ConnectionException("this DuckDB database was closed")
        return self._con.cursor()

    def reset(self) -> None:
        """After a session: detach any database still attached; on a failure, retire this one."""
        try:
            for (name,) in self._con.execute(_ATTACHED).fetchall():
                self._con.execute(f"DETACH {ident(name)}")
        except duckdb.Error:
            self.close()

    def close(self) -> None:
        self.closed = True
        self._con.close()


class DatabasePool:
    """One database per thread, thread count and sandbox, reused by that thread's sessions."""

    def __init__(self, reuse: bool | None = None, sniffs: SniffCache | None = None) -> None:
        self.reuse = reuse_enabled() if reuse is None else reuse
        self.sniffs = sniffs  # handed to every session
        self.opened = 0  # databases opened so far (the tests look)
        self._local = threading.local()
        self._every: list[Database] = []
        self._lock = threading.Lock()

    def session(self, threads: int | None, access: Access) -> Session:
        if not self.reuse:
            return Session(database=self._open(threads, access), own=True, sniffs=self.sniffs)
        key = (threads, normalised(access))
        kept: OrderedDict[tuple[int | None, Access], Database] = self._kept()
        database = kept.pop(key, None)
        if database is None or database.closed:
            database = self._open(threads, key[1])
        kept[key] = database  # the most recently used last
        while len(kept) > _KEPT_PER_THREAD:
            kept.popitem(last=False)[1].close()
        return Session(database=database, sniffs=self.sniffs)

    def close(self) -> None:
        with self._lock:
            every, self._every = self._every, []
        for database in every:
            if not database.closed:
                database.close()

    def _kept(self) -> OrderedDict[tuple[int | None, Access], Database]:
        kept = getattr(self._local, "databases", None)
        if kept is None:
            kept = self._local.databases = OrderedDict()
        return kept

    def _open(self, threads: int | None, access: Access) -> Database:
        database = Database(threads, access)
        with self._lock:
            self.opened += 1
            self._every = [d for d in self._every if not d.closed] + [database]
        return database


def reuse_enabled() -> bool:
    return os.environ.get(REUSE_VARIABLE, "1").strip().lower() not in ("0", "false", "no", "off")


class Session:
    """One pipeline's connection: its temporary tables, `USE` and settings end with it."""

    def __init__(
        self,
        threads: int | None = None,
        access: Access | None = None,
        *,
        database: Database | None = None,
        own: bool = False,
        sniffs: SniffCache | None = None,
    ) -> None:
        # Without a database, the session opens one of its own and closes it at the end.
        self._owns = own or database is None
        self.database = database or Database(threads, access)
        self.con = self.database.connect()
        self._probe = current_probe()
        if self._probe is not None:
            # Progress tracking only when a display watches (DuckDB never prints its own bar).
            self.con.execute("SET enable_progress_bar = true")
            self.con.execute("SET enable_progress_bar_print = false")
            self._probe.attach(self.con)
        self._attached: dict[Path, str] = {}
        self._attaches = False  # whether an ATTACH ran: only then is there a reset to do
        # Left on after `profiled` until another statement runs: the COPY that ends most
        # pipelines is their last statement, and the connection ends with it (one statement
        # fewer per task; each costs 0.1-0.5 ms).
        self._profiling = False
        self.sniffs = sniffs

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._probe is not None:
            self._probe.detach(self.con)
        self.con.close()
        if self._owns:
            self.database.close()
        elif self._attaches:
            self.database.reset()

    def run(self, sql: str) -> list[tuple[Any, ...]]:
        if self._profiling:  # what runs after a profiled statement runs as it did before
            self._profiling = False
            self.con.execute("PRAGMA disable_profiling")
        return self._execute(sql)

    def _execute(self, sql: str) -> list[tuple[Any, ...]]:
        # Every statement passes here: the one that changes the shared database is noted.
        self._attaches = self._attaches or sql.lstrip()[:6].upper() == "ATTACH"
        return self.con.execute(sql).fetchall()

    def scalar(self, sql: str) -> Any:
        rows = self.run(sql)
        return rows[0][0] if rows else None

    def run_user_sql(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a statement that embeds user SQL; a `;` smuggling in a second one is refused."""
        if len(duckdb.extract_statements(sql)) != 1:
            raise duckdb.ParserException("only one SQL expression is allowed here; remove the ';'")
        return self.run(sql)

    @contextmanager
    def using(self, alias: str | None) -> Iterator[None]:
        """Resolve unqualified table names in an attached database for the block."""
        if alias is None:
            yield
            return
        self.run(f"USE {ident(alias)}")
        try:
            yield
        finally:
            self.run("USE memory")

    def describe(self, name: str) -> Relation:
        """The columns of a table or view, from binding a SELECT of it, which runs no query
        (DESCRIBE is a query: 2-3 times the cost); the type names are DESCRIBE's."""
        pairs = column_types(self.con, f"SELECT * FROM {ident(name)}")
        return Relation(name, tuple(Column(column, kind) for column, kind in pairs))

    def attach(self, path: Path, *, read_only: bool) -> str:
        """Attach a DuckDB file once per run; returns its catalog alias."""
        if path in self._attached:
            return self._attached[path]
        alias = f"qetl_db_{len(self._attached)}"
        mode = " (READ_ONLY)" if read_only else ""
        self.run(f"ATTACH {string_literal(str(path))} AS {ident(alias)}{mode}")
        self._attached[path] = alias
        return alias

    def detach_all(self) -> None:
        for alias in self._attached.values():
            self.run(f"DETACH {ident(alias)}")
        self._attached.clear()

    def profiled(self, sql: str) -> tuple[list[tuple[Any, ...]], dict[str, Any] | None]:
        """Run `sql` with DuckDB's profiler on; the profile is None if it is unavailable.
        The profiler is switched off before the session's next statement, if any."""
        if not self._profiling:
            self.con.execute("PRAGMA enable_profiling = 'no_output'")
            self._profiling = True
        rows = self._execute(sql)
        return rows, _profile(self.con)


def restrict(con: duckdb.DuckDBPyConnection, access: Access) -> None:
    """Files only where `access` allows, locked so that no SQL can `SET` it back."""
    _preload_installed(con)
    con.execute(f"SET allowed_directories = {literal(list(access.directories))}")
    con.execute(f"SET allowed_paths = {literal(list(access.paths))}")
    con.execute("SET enable_external_access = false")
    con.execute(f"SET allowed_configs = {literal(_UNLOCKED)}")
    con.execute("SET lock_configuration = true")


def _preload_installed(con: duckdb.DuckDBPyConnection) -> None:
    """Load the installed extensions now: none can load once external access is off."""
    rows = con.execute(
        "SELECT extension_name FROM duckdb_extensions() WHERE installed AND NOT loaded"
    ).fetchall()
    for (name,) in rows:
        with suppress(duckdb.Error):  # a broken install fails where it is used, as before
            con.execute(f"LOAD {ident(name)}")


def _profile(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    try:
        data = json.loads(con.get_profiling_information())
    except (duckdb.Error, ValueError, AttributeError):
        return None
    return data if isinstance(data, dict) else None
