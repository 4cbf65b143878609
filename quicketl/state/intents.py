"""Append intents: what an append sink is about to commit, saved before the commit happens.

Appending is not idempotent, so a run killed after an append's commit but before its task
record must not append again. Just before the commit the task's key and the target's content
hash before and after are saved; the task record later replaces the intent in one transaction.
The next run finds any intent left over and reads the target: the "after" bytes mean the commit
happened (complete the record), anything else means it did not (forget the intent).

An append into a database table cannot be hashed cheaply: its intent carries a token instead
(`staged`), which the append writes into the target database in its own transaction
(engine/appendmarks.py); `before` is then `TABLE_INTENT` and `target` the task's table reference
(`table:<database, masked>#<table>`), never a connection's password.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any, Literal

from quicketl.state.hashing import StatCache, hash_path
from quicketl.values import FrozenValue

Outcome = Literal["committed", "staged", "not_committed"]
TABLE_INTENT = "table"  # `before` of an append into a table (a content hash never reads so)


@dataclass(frozen=True, repr=False, eq=False)
class AppendIntent(FrozenValue):
    """One task's append, between saving the intent and recording the finished task."""

    scope: str
    task_id: str
    key: str
    components_json: str
    outputs_json: str  # the task's output paths, as its record will list them
    target: str  # absolute path of the file or folder being appended to
    staged: str  # absolute path of the finished temp that is about to be renamed in
    before: str  # content hash of the target before the commit (or "missing")
    after: str  # content hash of the staged temp, which the target holds after the commit
    started_at: float

    @property
    def components(self) -> dict[str, Any]:
        parsed = json.loads(self.components_json)
        if not isinstance(parsed, dict):
            raise TypeError("components must be an object")
        return parsed

    @property
    def outputs(self) -> list[str]:
        paths = json.loads(self.outputs_json)
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise TypeError("outputs must be a list of paths")
        return paths

    @property
    def is_table(self) -> bool:
        """An append into a database table, settled by its token, not by hashing."""
        return self.before == TABLE_INTENT

    @property
    def token(self) -> str:
        """The token a table append writes in its transaction (tables only)."""
        return self.staged

    def as_row(self) -> tuple[object, ...]:
        return astuple(self)

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> AppendIntent | None:
        """The intent a state-store row holds, or None when the row is not one we wrote."""
        texts, started_at = row[:-1], row[-1]
        if len(texts) != 9 or not all(isinstance(text, str) for text in texts):
            return None
        if not isinstance(started_at, int | float):
            return None
        intent = cls(*row)
        try:
            intent.components, intent.outputs  # noqa: B018 (both must parse)
        except (ValueError, TypeError):
            return None
        return intent

    def outcome(self, stat_cache: StatCache | None = None) -> Outcome:
        """Whether a file append's commit happened, half happened (a folder swap cut between its
        two renames: the target is gone, the staged folder still there), or did not."""
        if hash_path(Path(self.target), stat_cache) == self.after:
            return "committed"
        if not Path(self.target).exists() and hash_path(Path(self.staged)) == self.after:
            return "staged"
        return "not_committed"
