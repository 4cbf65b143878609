"""Run or skip: one task's current key against its record, with the reasons why."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quicketl.execute.checks_record import failed_checks_note
from quicketl.execute.freshness import external_values
from quicketl.execute.other_writers import OtherWriter, other_writers
from quicketl.execute.table_check import TableCheck, TableLister
from quicketl.locations.refs import file_refs
from quicketl.plan.keys import always_runs, components, diff_reasons
from quicketl.plan.model import Plan, Task
from quicketl.plan.scope import plan_scope
from quicketl.state import (
    StatCache,
    StateStore,
    TaskRecord,
    hash_path,
    hash_paths,
    key_of,
    outputs_changed,
)
from quicketl.state.dbstamps import load_stamps
from quicketl.state.secretkey import cache_secret_key
from quicketl.values import FrozenValue

UP_TO_DATE = "up to date"
NEVER_RUN = "never run"
FORCED = "--force"

ExternalValues = Callable[[Task, Path], dict[str, str]]


@dataclass(frozen=True, repr=False, eq=False)
class Decision(FrozenValue):
    """Whether a task must run, why, and the key it runs (or is skipped) under."""

    task_id: str
    run: bool
    reasons: tuple[str, ...]
    key: str
    components: dict[str, Any]


class Decider:
    """Computes decisions; safe to call from several threads (hashing shares one stat cache)."""

    def __init__(
        self,
        root: Path,
        records: Mapping[str, TaskRecord],
        stat_cache: StatCache,
        external_values: ExternalValues,
        force: bool = False,
        secret_key: bytes = b"",
        other_writer: OtherWriter | None = None,
        require_checks: bool = True,
        tables: TableCheck | None = None,
    ) -> None:
        self.root = root
        self.require_checks = require_checks
        self.other_writer = other_writer
        self.records = records
        self.stat_cache = stat_cache
        self.external_values = external_values
        self.force = force
        self.secret_key = secret_key
        self._lock = threading.Lock()
        self._present: dict[str, bool] = {}  # database files, as first seen in this run
        self.tables = tables  # the tables inside them; None: not looked at

    def current_components(self, task: Task) -> dict[str, Any]:
        with self._lock:
            inputs = hash_paths(file_refs(task.inputs), self.root, self.stat_cache)
        external = self.external_values(task, self.root) if task.external else {}
        return components(task.config, task.used_vars, inputs, external, self.secret_key)

    def decide(self, task: Task, pending: Callable[[str], bool] | None = None) -> Decision:
        """The decision now; `pending(path)` marks inputs an upstream is about to rewrite,
        which a preview must not count as changed (the rewrite may restore them)."""
        current = self.current_components(task)
        assumed = _assume_unchanged(current, self._record(task), pending)
        key = key_of(current, task.config_json)
        if assumed is not current:
            reasons = self._reasons(task, key_of(assumed, task.config_json), assumed)
        else:
            reasons = self._reasons(task, key, assumed)
        note = None if self.force else failed_checks_note(self._record(task))
        if note is not None and not reasons and self.require_checks:
            reasons = [note]  # written despite failed checks: this run requires them
        shown = tuple(reasons) or ((UP_TO_DATE, note) if note else (UP_TO_DATE,))
        return Decision(task.id, bool(reasons), shown, key, current)

    def _record(self, task: Task) -> TaskRecord | None:
        return self.records.get(task.id)

    def _reasons(self, task: Task, key: str, current: dict[str, Any]) -> list[str]:
        if self.force:
            return [FORCED]
        record = self._record(task)
        old = None if record is None or record.key == key else record.components
        if record is None or (record.key != key and old is None):  # none, or unreadable
            return [NEVER_RUN]
        reasons = diff_reasons(old, current) if old is not None else []
        if always_runs(current) and not reasons:
            reasons = diff_reasons(current, current)
        with self._lock:
            changes = outputs_changed(record.outputs, self.root, self.stat_cache, self._present)
        reasons += [
            f"output {path} {self._output_change(path, change)}" for path, change in changes
        ]
        if self.tables is not None:
            with self._lock:
                reasons += self.tables.reasons(task)
        return reasons

    def _output_change(self, path: str, change: str) -> str:
        if change == "missing":
            return "missing"
        if self.other_writer is not None:
            with self._lock:
                digest = hash_path(self.root / path, self.stat_cache)
            writer = self.other_writer(path, digest)
            if writer is not None:  # quicketl's own write, from another scope of this cache
                return f"rewritten by {writer}"
        return "changed outside quicketl"


def _assume_unchanged(
    current: dict[str, Any], record: TaskRecord | None, pending: Callable[[str], bool] | None
) -> dict[str, Any]:
    if pending is None or record is None:
        return current
    rewritten = [path for path in current["inputs"] if pending(path)]
    if not rewritten:  # the usual case: no stored components need parsing
        return current
    recorded = (record.components or {}).get("inputs", {})
    inputs = dict(current["inputs"])
    for path in rewritten:
        inputs[path] = recorded.get(path, inputs[path])
    return {**current, "inputs": inputs}


def decider_for(
    plan: Plan,
    store: StateStore,
    stat_cache: StatCache,
    force: bool = False,
    settled: Mapping[str, TaskRecord] | None = None,
    *,
    checks: bool = True,
    tables: TableLister | None = None,
) -> Decider:
    """The decider of a run, a dry run or the no-op path: the plan's records (with `settled`
    ones on top), the cache's secret key, freshness queries for external inputs, who else
    wrote an output (`quicketl run` of the same pipeline), and the tables of the database
    files tasks wrote into (listed by `tables` when their stamps are out of date; without it,
    such a task is not up to date). `checks`: whether failed checks recorded under
    --no-fail-on-checks make a task run again."""
    records = {**store.get_all(plan_scope(plan)), **(settled or {})}
    key = cache_secret_key(store.cache_dir)
    writer = other_writers(store, plan_scope(plan), plan.root)
    check = TableCheck(plan.root, load_stamps(store), tables)
    return Decider(
        plan.root, records, stat_cache, external_values, force, key, writer, checks, check
    )
