"""Whether the tables a task wrote into a DuckDB database file are still there.

The file's presence is in the task's record (state/outputs.py); its tables are settled here,
once per file per run: from the stamp (state/dbstamps.py) while the file's stat is the
stamp's, else by listing the file's tables (engine/dbtables.py, DuckDB). The answer first
given for a file holds for the whole run, so nothing opens a database file a task is
writing. A file that cannot be listed (held by another process) is not taken as missing
anything: that would rerun on a guess (docs/architecture.md, "Outputs").
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from quicketl.errors import StateError
from quicketl.execute.databases import written_database_files
from quicketl.locations.refs import database_of, is_table
from quicketl.plan.model import Task
from quicketl.state.dbstamps import DatabaseStamp
from quicketl.state.lock import CacheLock
from quicketl.state.outputs import Signature, path_signature

TableLister = Callable[[str], frozenset[str] | None]
_UNSETTLED = "unsettled"  # a file changed since its stamp, and DuckDB may not be opened


class TableCheck:
    """The tables of each database file, as first settled in this run."""

    def __init__(
        self, root: Path, stamps: dict[str, DatabaseStamp], lister: TableLister | None
    ) -> None:
        self.root = root
        self.stamps = stamps
        self.lister = lister  # None: never open a database (the no-op path gives up instead)
        self.dirty: dict[str, DatabaseStamp] = {}
        self._settled: dict[str, frozenset[str] | None] = {}

    def reasons(self, task: Task) -> list[str]:
        """Why the task must run: `output table <name> in <file> missing` for each table it
        writes that its file lacks; without a lister, that a changed file's tables were not
        looked at. A missing file is left to the presence record."""
        reasons = []
        for database in written_database_files(task):
            full = os.path.join(self.root, database)
            if not os.path.exists(full):
                continue
            tables = self._tables(full)
            if tables == _UNSETTLED:
                reasons.append(f"output {database} changed; its tables were not looked at")
            elif isinstance(tables, frozenset):
                reasons += [
                    f"output table {name} in {database} missing"
                    for name in _written_into(task, database)
                    if _qualified(name) not in tables
                ]
        return reasons

    def restamp(self, files: Iterable[str]) -> None:
        """Look again at `files` (relative to the root) after a run wrote into them, so the
        next run finds them stamped as they are now."""
        if self.lister is None:
            return
        for database in files:
            full = os.path.join(self.root, database)
            signature = _signature(full)
            tables = self.lister(full) if signature is not None else None
            if signature is not None and tables is not None:
                self.dirty[full] = DatabaseStamp(signature, tables)

    def _tables(self, full: str) -> frozenset[str] | str | None:
        if full in self._settled:
            return self._settled[full]
        signature = _signature(full)
        stamp = self.stamps.get(full)
        if stamp is not None and stamp.signature == signature:
            tables: frozenset[str] | None = stamp.tables
        elif self.lister is None:
            return _UNSETTLED
        else:
            tables = self.lister(full)
            if tables is not None and signature is not None:
                self.dirty[full] = DatabaseStamp(signature, tables)
        self._settled[full] = tables
        return tables


def list_tables(path: str) -> frozenset[str] | None:
    from quicketl.engine.dbtables import tables_in  # DuckDB, only when a stamp is out of date

    return tables_in(path)


def tables_unless_running(cache_dir: Path) -> TableLister:
    """Lists a database file's tables unless a run holds the cache: opening a file a run is
    about to write could make its write fail. Unlisted, a file is taken as it was recorded."""

    def lister(path: str) -> frozenset[str] | None:
        try:
            with CacheLock(cache_dir, wait=False, shared=True):
                return list_tables(path)
        except StateError:
            return None

    return lister


def _signature(full: str) -> Signature | None:
    """The file's stat, or None while DuckDB's write-ahead log is beside it: changes in the
    log (a table dropped in a session still open) are not in the file's stat yet."""
    return None if os.path.exists(full + ".wal") else path_signature(full)


def _written_into(task: Task, database: str) -> list[str]:
    refs = [ref for ref in task.outputs if is_table(ref) and database_of(ref) == database]
    return [ref.rsplit("#", 1)[1] for ref in refs]


def _qualified(table: str) -> str:
    """`schema.table` as DuckDB lists it: a name without a schema is in `main`."""
    return table if "." in table else f"main.{table}"
