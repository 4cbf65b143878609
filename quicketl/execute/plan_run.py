"""Running a plan: lock the cache, decide, skip what is up to date, run the rest."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from quicketl.config.defaults import effective_fail_fast, effective_workers
from quicketl.engine.interrupts import commit_window, ctrl_c_restored
from quicketl.errors import StateError
from quicketl.execute.appends import committed_records, settle_appends, staged_paths
from quicketl.execute.databases import written_database_files
from quicketl.execute.decide import Decider, decider_for
from quicketl.execute.events import NullReporter, RunReporter
from quicketl.execute.freshness import external_values
from quicketl.execute.history import run_status, save_run
from quicketl.execute.lazy_pool import PoolOnFirstUse
from quicketl.execute.on_thread import run_on_thread
from quicketl.execute.outcomes import TaskOutcome, WorkflowResult, workflow_result
from quicketl.execute.preview import preview
from quicketl.execute.restore import explain_restores, local_task_cache
from quicketl.execute.run_session import RunSession
from quicketl.execute.select import require_unselected_outputs, select_tasks
from quicketl.execute.table_check import list_tables, tables_unless_running
from quicketl.execute.task_run import TaskRunner
from quicketl.execute.temps import clean_stale_temps
from quicketl.plan.model import Plan
from quicketl.plan.scope import plan_scope
from quicketl.plan.sink_guard import require_safe_sinks
from quicketl.plan.snapshot import save_snapshot, snapshot_path
from quicketl.state import CacheLock, StatCache, StateStore
from quicketl.state.dbstamps import save_stamps
from quicketl.state.history import next_run_id
from quicketl.state.lock import LOCK_NAME
from quicketl.state.objects import OBJECTS_DIR, OutputStore, local_output_store
from quicketl.state.objects.remote import RemoteCache
from quicketl.state.secretkey import shared_secret_key
from quicketl.state.sniffs import SniffCache
from quicketl.state.store import DB_NAME
from quicketl.values import FrozenValue


@dataclass(frozen=True, repr=False, eq=False)
class RunOptions(FrozenValue):
    cache_dir: Path
    workers: int | None = None
    force: bool = False
    select: tuple[str, ...] = ()
    wait: bool = True
    fail_on_checks: bool = True
    lock_name: str = LOCK_NAME
    allow_outside_project: bool = False
    variables: Mapping[str, object] = field(default_factory=dict)
    fail_fast: bool | None = None  # None: $QUICKETL_FAIL_FAST, else the plan's
    history: bool = False  # workflow runs are recorded; `run` and a DAG's single task are not
    remote: RemoteCache | None = None  # the remote cache, opened (and refused) before the lock
    restore_only: frozenset[str] = frozenset()  # tasks to restore, never to run (TaskRunner)
    # Set by run_plan: tasks whose interrupted table append could not be checked (TaskRunner).
    unchecked: Mapping[str, str] = field(default_factory=dict)
    # A workflow run stores its plan for the next run (plan/snapshot.py), hashing its files
    # through the run's stat cache: after an edit, only the edited file is read again.
    store_plan: bool = False


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def explain_plan(plan: Plan, options: RunOptions) -> WorkflowResult:
    """Every selected task's decision with its reasons; runs nothing and takes no lock."""
    started = time.perf_counter()
    task_ids = select_tasks(plan, options.select)
    if not (options.cache_dir / DB_NAME).is_file():
        # Nothing recorded yet, so every task would run; looking must not create the cache.
        decider = Decider(plan.root, {}, StatCache(), external_values, options.force)
        outcomes = preview(plan, task_ids, decider)
        explain_restores(plan, outcomes, decider, _store_if_any(options.cache_dir), options.remote)
        return workflow_result(plan, outcomes, started, dry_run=True)
    with StateStore(options.cache_dir) as store:
        stat_cache = StatCache(store.stat_entries())
        # An append committed by a killed run counts as recorded, as the next run will record it.
        settled, unchecked = committed_records(plan, task_ids, store, stat_cache, options.variables)
        lister = tables_unless_running(options.cache_dir)
        decider = decider_for(plan, store, stat_cache, options.force, settled, tables=lister)
        outcomes = preview(plan, task_ids, decider)
        _explain_unchecked(outcomes, unchecked)
        explain_restores(plan, outcomes, decider, _store_if_any(options.cache_dir), options.remote)
        store.save_stat_entries(stat_cache.take_dirty())
        _save_stamps(store, decider)
    return workflow_result(plan, outcomes, started, dry_run=True)


def _save_stamps(store: StateStore, decider: Decider, written: Iterable[str] = ()) -> None:
    """Keep what was learnt of database files' tables; `written`: files this run wrote
    into, looked at again now that no task holds them."""
    if decider.tables is not None:
        decider.tables.restamp(written)
        save_stamps(store, decider.tables.dirty)


def _explain_unchecked(outcomes: list[TaskOutcome], unchecked: Mapping[str, str]) -> None:
    """Say first why a task that would run will fail instead (as `run_plan` makes it)."""
    for outcome in outcomes:
        if outcome.task_id in unchecked and outcome.status != "up_to_date":
            outcome.reasons.insert(0, f"{unchecked[outcome.task_id]}; the run will fail this task")


def _store_if_any(cache_dir: Path) -> OutputStore | None:
    """The cache's output store when it holds one (looking must not create it)."""
    store = local_output_store(cache_dir)
    return store if (cache_dir / OBJECTS_DIR).is_dir() else None


def _take_locks(stack: ExitStack, options: RunOptions, reporter: RunReporter) -> None:
    """The cache lock; a task run alone (`lock_name`) holds it shared, with its own task's
    lock, so `cache gc`/`clean` and workflow runs wait for it (docs/architecture.md, "The
    cache lock")."""
    alone = options.lock_name != LOCK_NAME
    names = (LOCK_NAME, options.lock_name) if alone else (LOCK_NAME,)
    for name in names:
        shared = alone and name == LOCK_NAME
        lock = CacheLock(
            options.cache_dir,
            wait=options.wait,
            on_wait=reporter.waiting_for_lock,
            name=name,
            shared=shared,
        )
        stack.enter_context(lock)


def run_plan(
    plan: Plan, options: RunOptions, reporter: RunReporter | None = None
) -> WorkflowResult:
    """Run the selected tasks; the result lists every selected task's outcome."""
    reporter = reporter or NullReporter()
    started = time.perf_counter()
    # Defaults from the environment and quicketl.yml are settled (and refused) before the lock.
    plan = replace(plan, fail_fast=effective_fail_fast(options.fail_fast, plan.fail_fast))
    options = replace(options, workers=effective_workers(options.workers, plan.root))
    shared_secret_key()  # a $QUICKETL_SECRET_KEY too short is refused here, not in a task
    wall_start = time.time()
    task_ids = select_tasks(plan, options.select)
    require_unselected_outputs(plan, task_ids)
    # DuckDB's form of a Ctrl-C on this thread (a freshness query, a lone task) is raised as
    # the KeyboardInterrupt it is, so the run is recorded as interrupted. A Ctrl-C held by a
    # lone task's commit waits until the run is recorded too (engine/interrupts.py).
    with ctrl_c_restored(), commit_window(), ExitStack() as stack:
        _take_locks(stack, options, reporter)
        store = stack.enter_context(StateStore(options.cache_dir))
        stat_cache = StatCache(store.stat_entries())
        notes, unchecked = settle_appends(plan, task_ids, store, stat_cache, options.variables)
        clean_stale_temps(plan, task_ids, keep=staged_paths(store))
        decider = decider_for(
            plan,
            store,
            stat_cache,
            options.force,
            checks=options.fail_on_checks,
            tables=list_tables,
        )
        session = RunSession(plan, reporter)
        try:
            outcomes = _run(
                plan,
                task_ids,
                replace(options, unchecked=unchecked),
                decider,
                store,
                stat_cache,
                session,
            )
        except KeyboardInterrupt:  # the finished tasks are recorded; so is the run
            done = [session.outcomes[t] for t in task_ids if t in session.outcomes]
            _remember(store, plan, options, done, (wall_start, len(task_ids)), "interrupted")
            raise
        store.save_stat_entries(stat_cache.take_dirty())
        _save_stamps(store, decider, _written_databases(plan, outcomes))
        for outcome in outcomes:  # say why a task whose append was never recorded is up to date
            if outcome.task_id in notes:
                outcome.reasons.insert(0, notes[outcome.task_id])
        result = workflow_result(plan, outcomes, started)
        started_and_total = (wall_start, len(task_ids))
        result.run_id = _remember(
            store, plan, options, outcomes, started_and_total, run_status(result)
        )
        if options.store_plan and plan.workflow_path is not None:
            path = snapshot_path(options.cache_dir, plan.workflow_path)
            save_snapshot(plan, options.variables, path, stat_cache)
            store.save_stat_entries(stat_cache.take_dirty())
    return result


def _written_databases(plan: Plan, outcomes: list[TaskOutcome]) -> list[str]:
    ran = [plan.task(o.task_id) for o in outcomes if o.status == "ran"]
    return sorted({name for task in ran for name in written_database_files(task)})


def _remember(
    store: StateStore,
    plan: Plan,
    options: RunOptions,
    outcomes: list[TaskOutcome],
    started_and_total: tuple[float, int],
    status: str,
) -> int | None:
    """Add the run to the history. The history is a record, not the work: a failure to write
    it never turns a finished run into a failed one (the tasks are recorded already)."""
    if not options.history:
        return None
    wall_start, total = started_and_total
    try:
        return save_run(
            store, plan, options.select, outcomes, (wall_start, time.time()), status, total
        )
    except StateError:
        return None


def _run(
    plan: Plan,
    task_ids: Sequence[str],
    options: RunOptions,
    decider: Decider,
    store: StateStore,
    stat_cache: StatCache,
    session: RunSession,
) -> list[TaskOutcome]:
    reporter = session.reporter
    previewed = preview(plan, task_ids, decider)
    if all(o.status == "up_to_date" for o in previewed):
        reporter.run_started(plan, list(task_ids))
        for outcome in previewed:  # the fast path: nothing to run, doit never imported
            reporter.task_finished(outcome)
        reporter.run_finished()
        return previewed
    # A stored plan was checked when it was made; the folders may have changed since.
    _require_safe_sinks(plan, options, store)
    reporter.run_started(plan, list(task_ids))
    to_run = sum(o.status != "up_to_date" for o in previewed)
    try:
        return _run_started(plan, task_ids, options, decider, store, stat_cache, session, to_run)
    finally:  # on an error or Ctrl-C too: a live display must give the terminal back
        reporter.run_finished()


def _run_started(
    plan: Plan,
    task_ids: Sequence[str],
    options: RunOptions,
    decider: Decider,
    store: StateStore,
    stat_cache: StatCache,
    session: RunSession,
    to_run: int,
) -> list[TaskOutcome]:
    workers = options.workers or default_workers()
    sniffs = SniffCache(stat_cache, store.csv_sniff)
    pool = PoolOnFirstUse(sniffs)  # DuckDB is imported by the first pipeline that runs
    runner = TaskRunner(
        session,
        store,
        plan_scope(plan),
        plan.root,
        stat_cache,
        _duckdb_threads(workers),
        options.fail_on_checks,
        options.variables,
        duckdb_pool=pool,
        cache=local_task_cache(
            options.cache_dir, plan.root, _run_id(store, options), options.remote
        ),
        restore_only=options.restore_only,
        unchecked=options.unchecked,
    )
    try:
        _schedule(plan, task_ids, session, decider, runner, workers, to_run)
    finally:  # what was sniffed is kept even when the run is interrupted
        store.save_csv_sniffs(sniffs.take_new())
    # Not on Ctrl-C: a worker may still be inside DuckDB; the databases close with the process.
    pool.close()
    return [session.outcomes[t] for t in task_ids if t in session.outcomes]


def _schedule(
    plan: Plan,
    task_ids: Sequence[str],
    session: RunSession,
    decider: Decider,
    runner: TaskRunner,
    workers: int,
    to_run: int,
) -> None:
    """Run the tasks in order, `workers` at a time; `to_run` is how many of them the
    preview found not up to date."""

    def is_up_to_date(task_id: str) -> bool:
        task = plan.task(task_id)
        if session.blocker(task) is not None:
            return False  # the action records why it did not start
        decision = decider.decide(task)
        session.decisions[task_id] = decision
        if decision.run:
            return False
        session.finish(task, "up_to_date", list(decision.reasons))
        return True

    def run_task(task_id: str) -> None:
        task = plan.task(task_id)
        blocker = session.blocker(task)
        if blocker is not None:
            session.finish(task, blocker.status, [blocker.reason])
            return
        runner.run(task, session.decisions[task_id])

    if len(task_ids) == 1:  # nothing to order: `run`, and `run_task` from a DAG, skip doit
        if not is_up_to_date(task_ids[0]):
            run_task(task_ids[0])
        return
    if to_run <= 1:  # one task among many (an edit): nothing to run beside it, skip doit
        run_on_thread(lambda: _in_order(task_ids, is_up_to_date, run_task), session.interrupt)
        return
    from quicketl.execute.doit_import import entry_points_on_demand

    with entry_points_on_demand():  # doit reads entry points for its command line only
        from quicketl.execute.doit_driver import run_with_doit

    run_with_doit(plan, task_ids, is_up_to_date, run_task, workers, session.interrupt)


def _in_order(
    task_ids: Sequence[str],
    is_up_to_date: Callable[[str], bool],
    run_task: Callable[[str], None],
) -> None:
    """The preview found at most one task to run and nothing below it (its downstream would
    be "may run"): no other task waits for it, so every task is decided first (the others
    are up to date, and say so even when the one that runs fails with fail_fast), then what
    is not up to date runs, in plan order (upstream first)."""
    waiting = [task_id for task_id in task_ids if not is_up_to_date(task_id)]
    for task_id in waiting:
        run_task(task_id)


def _run_id(store: StateStore, options: RunOptions) -> int | None:
    """The number this run will have in the history, which the entries it saves name."""
    if not options.history:
        return None
    try:
        return next_run_id(store)
    except StateError:
        return None


def _require_safe_sinks(plan: Plan, options: RunOptions, store: StateStore) -> None:
    allow = options.allow_outside_project
    owners = store.owners()
    require_safe_sinks(plan, cache_dir=options.cache_dir, allow_outside=allow, owners=owners)


def _duckdb_threads(workers: int) -> int:
    """DuckDB threads per task, so parallel workers do not oversubscribe the cores."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))
