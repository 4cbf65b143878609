"""The no-op fast path: prove every task up to date from a stored plan, or give up.

It reads the plan snapshot, the state store and file stats, and imports neither YAML,
pydantic, DuckDB nor doit. Anything it cannot settle (a changed file, a task to run, a lock
held by another run, an input that is not a file, an interrupted append) sends the caller
down the full path. Holding the lock, it removes stale temps as a full run does.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from quicketl.config.project import find_project_root
from quicketl.errors import StateError
from quicketl.execute.appends import staged_paths
from quicketl.execute.decide import Decider
from quicketl.execute.history import save_run
from quicketl.execute.preview import preview
from quicketl.execute.result import WorkflowResult
from quicketl.execute.temps import clean_stale_temps
from quicketl.plan.model import Plan, Task
from quicketl.plan.scope import plan_scope
from quicketl.plan.snapshot import load_snapshot, snapshot_path
from quicketl.state import CacheLock, StatCache, StateStore
from quicketl.state.cachedir import resolve_cache_dir
from quicketl.state.secretkey import cache_secret_key


def try_noop_run(
    workflow_path: Path, cli_vars: Mapping[str, object], cache_dir: str | None = None
) -> tuple[Plan, WorkflowResult] | None:
    """The run's result when nothing needs to run, else None (nothing was changed)."""
    started = time.perf_counter(), time.time()
    root = find_project_root(workflow_path)
    cache = resolve_cache_dir(root, cache_dir)
    if not (cache / "state.db").is_file():
        return None
    try:
        with CacheLock(cache, wait=False), StateStore(cache) as store:
            return _decide_all(workflow_path, cli_vars, cache, store, started)
    except StateError:
        return None


def stored_plan(
    workflow_path: Path, cli_vars: Mapping[str, object], cache_dir: str | Path | None = None
) -> Plan | None:
    """The workflow's plan from its snapshot, while that is still exactly what planning would
    give; its tasks load their pipelines only when they run."""
    root = find_project_root(workflow_path)
    cache = resolve_cache_dir(root, cache_dir)
    if not (cache / "state.db").is_file():
        return None
    with StateStore(cache) as store:
        stat_cache = StatCache(store.stat_entries())
        plan = load_snapshot(snapshot_path(cache, workflow_path), cli_vars, stat_cache)
        store.save_stat_entries(stat_cache.take_dirty())
    return plan


def _decide_all(
    workflow_path: Path,
    cli_vars: Mapping[str, object],
    cache: Path,
    store: StateStore,
    started: tuple[float, float],
) -> tuple[Plan, WorkflowResult] | None:
    clock, wall_start = started
    stat_cache = StatCache(store.stat_entries())
    plan = load_snapshot(snapshot_path(cache, workflow_path), cli_vars, stat_cache)
    if plan is None or any(task.external for task in plan.tasks):
        return None
    if store.intents(plan_scope(plan)):  # only a full run settles an interrupted append
        return None
    records = store.get_all(plan_scope(plan))
    key = cache_secret_key(cache)
    decider = Decider(plan.root, records, stat_cache, _no_external, secret_key=key)
    outcomes = preview(plan, [t.id for t in plan.tasks], decider)
    if any(o.status != "up_to_date" for o in outcomes):
        return None
    store.save_stat_entries(stat_cache.take_dirty())
    clean_stale_temps(plan, [task.id for task in plan.tasks], keep=staged_paths(store))
    result = WorkflowResult(
        name=plan.name,
        tasks=outcomes,
        stage_order=[s.name for s in plan.stages],
        duration_ms=(time.perf_counter() - clock) * 1000.0,
        warnings=[str(w) for w in plan.warnings],
    )
    # One small insert: the no-op run is in the history too, like any other run.
    result.run_id = save_run(store, plan, (), outcomes, (wall_start, time.time()), "success")
    return plan, result


def _no_external(task: Task, root: Path) -> dict[str, str]:
    raise AssertionError("tasks with external inputs never take the fast path")
