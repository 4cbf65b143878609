"""One task at a time per DuckDB database file: DuckDB refuses a second attach in a process."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

from quicketl.locations.refs import database_of, is_table
from quicketl.plan.model import Task


def database_files(task: Task) -> list[str]:
    """The database files a task reads or writes, from its `table:<file>#<table>` refs."""
    refs = [ref for ref in (*task.inputs, *task.outputs) if is_table(ref)]
    return sorted({database_of(ref) for ref in refs})


def written_database_files(task: Task) -> list[str]:
    """The local database files a task writes a table into (not a server URL, not
    DuckDB's `:memory:`)."""
    files = {database_of(ref) for ref in task.outputs if is_table(ref)}
    return sorted(name for name in files if name and "://" not in name and name != ":memory:")


class DatabaseLocks:
    """A lock per database file, taken in sorted order so two tasks can never deadlock."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def holding(self, files: Iterable[str]) -> Iterator[None]:
        with ExitStack() as stack:
            for name in sorted(files):
                stack.enter_context(self._lock(name))
            yield

    def _lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())
