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

from quicketl.config.defaults import project_cache_dir
from quicketl.config.project import find_project_root
from quicketl.errors import StateError
from quicketl.execute.appends import staged_paths
from quicketl.execute.decide import decider_for
from quicketl.execute.history import save_run
from quicketl.execute.outcomes import WorkflowResult, workflow_result
from quicketl.execute.preview import preview
from quicketl.execute.temps import clean_stale_temps
from quicketl.plan.collector import collector_paused
from quicketl.plan.model import Plan
from quicketl.plan.scope import plan_scope
from quicketl.plan.snapshot import load_snapshot, snapshot_path
from quicketl.state import CacheLock, StatCache, StateStore
from quicketl.state.cachedir import resolve_cache_dir
from quicketl.state.store import DB_NAME


def try_noop_run(
    workflow_path: Path, cli_vars: Mapping[str, object], cache_dir: str | None = None
) -> tuple[Plan, WorkflowResult] | None:
    """The run's result when nothing needs to run, else None (nothing was changed)."""
    started = time.perf_counter(), time.time()
    cache = _existing_cache(workflow_path, cache_dir)
    if cache is None:
        return None
    try:  # loading a stored plan of 10,000 tasks: the collector's passes were a quarter of it
        with collector_paused(), CacheLock(cache, wait=False), StateStore(cache) as store:
            return _decide_all(workflow_path, cli_vars, store, started)
    except StateError:
        return None


def stored_plan(
    workflow_path: Path, cli_vars: Mapping[str, object], cache_dir: str | Path | None = None
) -> Plan | None:
    """The workflow's plan from its snapshot, while that is still exactly what planning would
    give; its tasks load their pipelines only when they run."""
    cache = _existing_cache(workflow_path, cache_dir)
    if cache is None:
        return None
    with StateStore(cache) as store:
        plan, stat_cache = _load_stored(workflow_path, cli_vars, store)
        store.save_stat_entries(stat_cache.take_dirty())
    return plan


def _existing_cache(workflow_path: Path, cache_dir: str | Path | None) -> Path | None:
    """The cache folder of the workflow's project, if a run has made one (never created)."""
    root = find_project_root(workflow_path)
    cache = resolve_cache_dir(root, cache_dir, project_cache_dir(root))
    return cache if (cache / DB_NAME).is_file() else None


def _load_stored(
    workflow_path: Path, cli_vars: Mapping[str, object], store: StateStore
) -> tuple[Plan | None, StatCache]:
    """The stored plan if still valid, and the stat cache its check filled."""
    stat_cache = StatCache(store.stat_entries())
    path = snapshot_path(store.cache_dir, workflow_path)
    return load_snapshot(path, cli_vars, stat_cache), stat_cache


def _decide_all(
    workflow_path: Path,
    cli_vars: Mapping[str, object],
    store: StateStore,
    started: tuple[float, float],
) -> tuple[Plan, WorkflowResult] | None:
    clock, wall_start = started
    plan, stat_cache = _load_stored(workflow_path, cli_vars, store)
    if plan is None or any(task.external for task in plan.tasks):
        return None
    if store.intents(plan_scope(plan)):  # only a full run settles an interrupted append
        return None
    task_ids = [task.id for task in plan.tasks]
    outcomes = preview(plan, task_ids, decider_for(plan, store, stat_cache))
    if any(o.status != "up_to_date" for o in outcomes):
        return None
    store.save_stat_entries(stat_cache.take_dirty())
    clean_stale_temps(plan, task_ids, keep=staged_paths(store))
    result = workflow_result(plan, outcomes, clock)
    # One small insert: the no-op run is in the history too, like any other run.
    result.run_id = save_run(store, plan, (), outcomes, (wall_start, time.time()), "success")
    return plan, result
