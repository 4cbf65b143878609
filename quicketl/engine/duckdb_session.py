"""One fresh in-memory DuckDB connection per pipeline run, and the few ways we use it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from quicketl.engine.access import Access
from quicketl.engine.progress import current_probe
from quicketl.engine.relation import Column, Relation
from quicketl.engine.sql import ident, literal, string_literal

# Settings the engine still changes once the configuration is locked (the profiler only).
_UNLOCKED = ["enable_profiling"]


class Session:
    """A private in-memory database, so concurrent runs in threads never share state."""

    def __init__(self, threads: int | None = None, access: Access | None = None) -> None:
        self.con = duckdb.connect(":memory:")
        self._probe = current_probe()
        # Progress tracking only when a display watches (DuckDB never prints its own bar).
        watched = "true" if self._probe is not None else "false"
        self.con.execute(f"SET enable_progress_bar = {watched}")
        self.con.execute("SET enable_progress_bar_print = false")
        # A pipeline run never downloads extensions; installed ones are loaded before the lock.
        self.con.execute("SET autoinstall_known_extensions = false")
        if threads is not None:
            self.con.execute(f"SET threads = {max(1, int(threads))}")
        self._attached: dict[Path, str] = {}
        if access is not None:
            restrict(self.con, access)
        if self._probe is not None:
            self._probe.attach(self.con)

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._probe is not None:
            self._probe.detach(self.con)
        self.con.close()

    def run(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def scalar(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        return row[0] if row else None

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
        rows = self.run(f"DESCRIBE {ident(name)}")
        return Relation(name, tuple(Column(str(row[0]), str(row[1])) for row in rows))

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
        """Run `sql` with DuckDB's profiler on; the profile is None if it is unavailable."""
        self.run("PRAGMA enable_profiling = 'no_output'")
        try:
            rows = self.run(sql)
            return rows, _profile(self.con)
        finally:
            self.run("PRAGMA disable_profiling")


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
