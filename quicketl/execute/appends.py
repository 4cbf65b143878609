"""Appends that a kill cannot duplicate: save the intent before the commit, settle it after.

A run killed between an append's commit and its task record would otherwise append the same
rows again on the retry. Each append saves an `AppendIntent` just before its commit; the next
run that holds the lock settles the intents of the tasks it selected before deciding anything:
a target holding the "after" bytes (or a folder swap cut between its renames, finished here)
gets the record the killed run did not write; any other target means no commit, so the intent
is dropped and the task runs as it would have.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from quicketl.execute.decide import Decision
from quicketl.locations.paths import relative_to_root
from quicketl.locations.refs import file_refs
from quicketl.plan.model import Plan, Task
from quicketl.plan.scope import plan_scope
from quicketl.state import (
    OutputRecord,
    StatCache,
    StateStore,
    TaskRecord,
    canonical_json,
    commit_path,
    hash_path,
    output_record,
)
from quicketl.state.intents import AppendIntent

SaveIntent = Callable[[Path, Path], None]


def intent_saver(
    store: StateStore,
    scope: str,
    task: Task,
    decision: Decision,
    started: float,
    stat_cache: StatCache | None = None,
) -> SaveIntent:
    """The engine's `before_commit` for one task: saves its intent (staged temp, target)."""

    def save(staged: Path, target: Path) -> None:
        intent = AppendIntent(
            scope,
            task.id,
            decision.key,
            canonical_json(decision.components),
            canonical_json(file_refs(task.outputs)),
            str(target),
            str(staged),
            before=hash_path(target, stat_cache),
            after=hash_path(staged),  # a temp: never kept in the stat cache
            started_at=started,
        )
        store.save_intent(intent)

    return save


def settle_appends(
    plan: Plan, task_ids: Collection[str], store: StateStore, stat_cache: StatCache
) -> dict[str, str]:
    """Complete or drop the intents of the selected tasks (under the lock); returns a note for
    each task whose interrupted append had committed."""
    scope, notes = plan_scope(plan), {}
    for intent in _selected(store.intents(scope), task_ids):
        outcome = intent.outcome(stat_cache)
        if outcome == "staged":
            commit_path(Path(intent.staged), Path(intent.target))
        if outcome == "not_committed":
            store.drop_intent(scope, intent.task_id)
            continue
        outputs = _outputs(intent, plan.root, stat_cache)
        store.record_success(
            scope,
            intent.task_id,
            intent.key,
            intent.components,
            outputs,
            started_at=intent.started_at,
        )
        notes[intent.task_id] = _note(intent, plan.root)
    return notes


def committed_records(
    plan: Plan, task_ids: Collection[str], store: StateStore, stat_cache: StatCache
) -> dict[str, TaskRecord]:
    """What `settle_appends` would record, without writing it (a preview takes no lock)."""
    scope, records = plan_scope(plan), {}
    for intent in _selected(store.intents(scope), task_ids):
        if intent.outcome(stat_cache) == "committed":
            records[intent.task_id] = TaskRecord(
                scope,
                intent.task_id,
                intent.key,
                intent.components_json,
                tuple(_outputs(intent, plan.root, stat_cache)),
                "success",
                intent.started_at,
                None,
                None,
            )
    return records


def staged_paths(store: StateStore) -> set[Path]:
    """Temps that unsettled intents may still rename into place: not stale, whatever their pid."""
    return {Path(intent.staged) for intent in store.intents()}


def _selected(intents: list[AppendIntent], task_ids: Collection[str]) -> list[AppendIntent]:
    # Only the selected tasks: an orchestrator may be running the others right now.
    wanted = set(task_ids)
    return [intent for intent in intents if intent.task_id in wanted]


def _outputs(intent: AppendIntent, root: Path, stat_cache: StatCache) -> list[OutputRecord]:
    # What the killed run's own record would have listed (the target now holds its bytes).
    return [output_record(path, root, stat_cache) for path in intent.outputs]


def _note(intent: AppendIntent, root: Path) -> str:
    shown = relative_to_root(intent.target, root)
    return f"an interrupted run had already appended to {shown}; recorded it, not appended again"
