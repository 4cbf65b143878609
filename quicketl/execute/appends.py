"""Appends that a kill cannot duplicate: save the intent before the commit, settle it after.

A run killed between an append's commit and its task record would otherwise append the same
rows again on the retry. Each append saves an `AppendIntent` just before its commit; the next
run that holds the lock settles the intents of the tasks it selected before deciding anything:
a target holding the "after" bytes (or a folder swap cut between its renames, finished here)
gets the record the killed run did not write; any other target means no commit, so the intent
is dropped and the task runs as it would have.

An append into a database table is settled by asking the database for the token its
transaction wrote (engine/appendmarks.py): there, the commit happened; absent, it did not. A
database that cannot be asked keeps the intent, and the task fails rather than append again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from quicketl.errors import QuickETLError
from quicketl.execute.databases import written_database_files
from quicketl.execute.decide import Decision
from quicketl.locations.paths import relative_to_root
from quicketl.locations.refs import TABLE_PREFIX, database_of, file_refs, is_table
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
from quicketl.state.intents import TABLE_INTENT, AppendIntent, Outcome
from quicketl.state.notices import cache_warning
from quicketl.state.outputs import presence_record

if TYPE_CHECKING:
    from quicketl.engine.appendmarks import AppendMark

SaveIntent = Callable[[Path, Path], None]
Variables = Mapping[str, object]


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
        before = hash_path(target, stat_cache)
        after = hash_path(staged)  # a temp: never kept in the stat cache
        run = (scope, task, decision, started)
        store.save_intent(_intent(run, str(target), str(staged), before, after))

    return save


def table_intent_saver(
    store: StateStore, scope: str, task: Task, decision: Decision, started: float
) -> Callable[[], AppendMark]:
    """The engine's `mark_append` for one task: saves its intent with a fresh token, which
    the append then writes in its own transaction."""

    def save() -> AppendMark:
        import uuid  # here: it imports platform, which the no-op run has no use for

        from quicketl.engine.appendmarks import AppendMark

        token = uuid.uuid4().hex
        # the table reference was masked when the plan was built, as every one is
        target = next((ref for ref in task.outputs if is_table(ref)), TABLE_PREFIX + task.id)
        run = (scope, task, decision, started)
        store.save_intent(_intent(run, target, token, TABLE_INTENT, token))
        return AppendMark(token, task.id, decision.key)

    return save


def _intent(
    run: tuple[str, Task, Decision, float], target: str, staged: str, before: str, after: str
) -> AppendIntent:
    """An intent of one task's run (scope, task, decision, start): the record it will get."""
    scope, task, decision, started = run
    return AppendIntent(
        scope,
        task.id,
        decision.key,
        canonical_json(decision.components),
        canonical_json(file_refs(task.outputs)),
        target,
        staged,
        before=before,
        after=after,
        started_at=started,
    )


def settle_appends(
    plan: Plan,
    task_ids: Collection[str],
    store: StateStore,
    stat_cache: StatCache,
    variables: Variables | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Complete or drop the intents of the selected tasks (under the lock); returns a note for
    each task whose interrupted append had committed, and the error of each task whose
    database could not tell (its intent is kept: that task must not append)."""
    scope, notes, unchecked = plan_scope(plan), {}, {}
    for intent in _selected(store.intents(scope), task_ids):
        outcome = _outcome(plan, intent, stat_cache, variables)
        if outcome not in _OUTCOMES:
            unchecked[intent.task_id] = outcome
            continue
        if outcome == "staged":
            commit_path(Path(intent.staged), Path(intent.target))
        if outcome == "not_committed":
            store.drop_intent(scope, intent.task_id)
            continue
        outputs = _outputs(plan, intent, stat_cache)
        store.record_success(
            scope,
            intent.task_id,
            intent.key,
            intent.components,
            outputs,
            started_at=intent.started_at,
        )
        notes[intent.task_id] = _note(intent, plan.root)
    return notes, unchecked


def committed_records(
    plan: Plan,
    task_ids: Collection[str],
    store: StateStore,
    stat_cache: StatCache,
    variables: Variables | None = None,
) -> tuple[dict[str, TaskRecord], dict[str, str]]:
    """What `settle_appends` would record, and which tasks it could not settle, without
    writing anything (a preview takes no lock)."""
    scope, records, unchecked = plan_scope(plan), {}, {}
    for intent in _selected(store.intents(scope), task_ids):
        outcome = _outcome(plan, intent, stat_cache, variables)
        if outcome not in _OUTCOMES:
            unchecked[intent.task_id] = outcome
        elif outcome == "committed":
            records[intent.task_id] = TaskRecord(
                scope,
                intent.task_id,
                intent.key,
                intent.components_json,
                tuple(_outputs(plan, intent, stat_cache)),
                "success",
                intent.started_at,
                None,
                None,
            )
    return records, unchecked


def staged_paths(store: StateStore) -> set[Path]:
    """Temps that unsettled intents may still rename into place: not stale, whatever their pid."""
    return {Path(intent.staged) for intent in store.intents() if not intent.is_table}


_OUTCOMES = ("committed", "staged", "not_committed")


def _outcome(
    plan: Plan, intent: AppendIntent, stat_cache: StatCache, variables: Variables | None
) -> Outcome | str:
    """The intent's outcome, or for a table whose database cannot be asked, why not."""
    if not intent.is_table:
        return intent.outcome(stat_cache)
    from quicketl.engine.appendmarks import was_appended
    from quicketl.plan.tasks import load_task_pipeline

    try:
        loaded = load_task_pipeline(plan, plan.task(intent.task_id), variables)
        return "committed" if was_appended(loaded, intent.token) else "not_committed"
    except (QuickETLError, ValueError, OSError) as exc:  # ValueError: an unsupported URL
        table = intent.target.rsplit("#", 1)[-1]
        message = (
            f"cannot check whether an interrupted run's append to table {table} committed: "
            f"{exc}; not appended again until the database can tell"
        )
        cache_warning(message)
        return message


def _selected(intents: list[AppendIntent], task_ids: Collection[str]) -> list[AppendIntent]:
    # Only the selected tasks: an orchestrator may be running the others right now.
    wanted = set(task_ids)
    return [intent for intent in intents if intent.task_id in wanted]


def _outputs(plan: Plan, intent: AppendIntent, stat_cache: StatCache) -> list[OutputRecord]:
    # What the killed run's own record would have listed (the target now holds its bytes).
    outputs = [output_record(path, plan.root, stat_cache) for path in intent.outputs]
    if intent.is_table:  # as TaskRunner records a task writing into a DuckDB file
        outputs += [presence_record(p) for p in written_database_files(plan.task(intent.task_id))]
    return outputs


def _shown(intent: AppendIntent, root: Path) -> str:
    if intent.is_table:
        table = intent.target.rsplit("#", 1)[-1]
        return f"table {table} in {database_of(intent.target)}"
    return relative_to_root(intent.target, root)


def _note(intent: AppendIntent, root: Path) -> str:
    shown = _shown(intent, root)
    return f"an interrupted run had already appended to {shown}; recorded it, not appended again"
