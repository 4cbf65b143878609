"""The run history: one JSON document per workflow run in the `runs` table of state.db.

The table is made on first use (CREATE TABLE IF NOT EXISTS), with no schema version bump: a
quicketl that reads schema 2 never looks at a table it does not know, and a cache made before
history existed simply has none yet. Only the last `KEEP` runs are kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from quicketl.state.history_columns import packed, unpacked
from quicketl.state.store import StateStore
from quicketl.values import FrozenValue

KEEP = 100
_CREATE = """CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow TEXT NOT NULL,
    started_at REAL NOT NULL,
    document TEXT NOT NULL
)"""


@dataclass(frozen=True, repr=False, eq=False)
class RunEntry(FrozenValue):
    """One recorded run: its number and what happened (the document as it was written)."""

    run_id: int
    document: dict[str, Any]


def record_run(store: StateStore, workflow: str, started_at: float, doc: dict[str, Any]) -> int:
    """Add a run and forget all but the last KEEP; its run id."""
    if "tasks" in doc:  # by column: a no-op's 10,000 outcomes take 0.1 MB instead of 2 MB
        doc = {**doc, "tasks": packed(doc["tasks"])}
    text = json.dumps(doc, separators=(",", ":"), sort_keys=True)
    with store._transaction() as conn:  # the history shares its connection
        conn.execute(_CREATE)
        cursor = conn.execute(
            "INSERT INTO runs (workflow, started_at, document) VALUES (?, ?, ?)",
            (workflow, started_at, text),
        )
        run_id = int(cursor.lastrowid or 0)
        conn.execute("DELETE FROM runs WHERE run_id <= ?", (run_id - KEEP,))
    return run_id


def next_run_id(store: StateStore) -> int:
    """The id the next `record_run` gives (under the cache lock, nobody else records one):
    AUTOINCREMENT never reuses a number, even after the oldest runs are forgotten."""
    with store._connection() as conn:
        conn.execute(_CREATE)
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'runs'").fetchone()
    return int(row[0]) + 1 if row and isinstance(row[0], int) else 1


def recent_runs(
    store: StateStore, workflow: str | None = None, limit: int = KEEP
) -> list[RunEntry]:
    """The most recent runs first, of one workflow (by name) or of every one."""
    where, args = ("WHERE workflow = ?", (workflow,)) if workflow is not None else ("", ())
    sql = f"SELECT run_id, document FROM runs {where} ORDER BY run_id DESC LIMIT ?"
    return _entries(store, sql, (*args, limit))


def find_run(store: StateStore, run_id: int) -> RunEntry | None:
    entries = _entries(store, "SELECT run_id, document FROM runs WHERE run_id = ?", (run_id,))
    return entries[0] if entries else None


def _entries(store: StateStore, sql: str, args: tuple[Any, ...]) -> list[RunEntry]:
    with store._connection() as conn:
        conn.execute(_CREATE)  # a cache from before history reads as one with no runs
        rows = conn.execute(sql, args).fetchall()
    entries = []
    for run_id, text in rows:
        try:
            entries.append(RunEntry(int(run_id), _read(text)))
        except ValueError:  # Damaged is one too
            continue  # a damaged row is left out, as the task records are
    return entries


def _read(text: str) -> dict[str, Any]:
    """A stored document as it was given to `record_run` (read back from JSON text)."""
    document = json.loads(text)
    if type(document) is dict and "tasks" in document:
        document["tasks"] = unpacked(document["tasks"])
    return document  # type: ignore[no-any-return]
