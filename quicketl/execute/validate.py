"""`workflow validate`: every pipeline whose inputs exist already is checked against them.

A pipeline reading another's output is left to the run (that output may not exist yet, or
change). Every problem of every pipeline is raised at once, as one ConfigError, in the plan's
order; the pipelines are checked on two threads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from quicketl.config.defaults import project_cache_dir
from quicketl.errors import ConfigError, EngineError, Problem
from quicketl.locations.globbing import has_glob
from quicketl.locations.refs import file_refs
from quicketl.plan.keys import components
from quicketl.plan.lineage import OutputIndex
from quicketl.plan.model import Plan, Task
from quicketl.plan.scope import plan_scope
from quicketl.plan.tasks import load_task_pipeline
from quicketl.state import TaskRecord, key_of
from quicketl.state.cachedir import resolve_cache_dir
from quicketl.state.readonly import ReadOnlyState, read_only_state
from quicketl.state.sniffs import read_only_sniffs

if TYPE_CHECKING:
    from quicketl.engine.duckdb_session import DatabasePool


def check_against_sources(plan: Plan, variables: Mapping[str, object] | None = None) -> None:
    """Raise one ConfigError with the column and expression problems of every checkable task."""
    # The same rule as lineage edges: a path, a glob or a folder over any task's output.
    written = OutputIndex(plan.tasks)
    checked = [task for task in plan.tasks if not written.read_by(task.inputs)]
    settled = _settled(plan, checked)
    checked = [task for task in checked if task.id not in settled]
    if not checked:
        return
    from quicketl.engine.duckdb_session import DatabasePool  # loads DuckDB

    # One database per thread and sandbox, a fresh connection for each pipeline; CSV
    # detections a run stored are used for the files it hashed (nothing is written).
    sniffs = read_only_sniffs(_cache_dir(plan))
    databases = DatabasePool(sniffs=sniffs)
    try:
        found = _each_checked(checked, lambda task: _problems_of(plan, task, variables, databases))
    finally:
        databases.close()
        if sniffs is not None:
            sniffs.close()
    problems = [problem for task_problems in found for problem in task_problems]
    if problems:
        raise ConfigError(problems)


# Checks at once: DuckDB releases the GIL while it detects a CSV file's layout and binds a
# read, most of a check's time, so two threads check about twice as many files a second on
# two cores (docs/incremental.md, "Where the time goes"); more only wait for the GIL.
CHECK_THREADS = 2


def _each_checked(tasks: list[Task], check: Callable[[Task], list[Problem]]) -> list[list[Problem]]:
    """`check` of every task, in the tasks' order, on up to CHECK_THREADS threads."""
    threads = min(CHECK_THREADS, len(tasks))
    if threads < 2:
        return [check(task) for task in tasks]
    pool = ThreadPoolExecutor(threads, thread_name_prefix="quicketl-validate")
    try:
        return list(pool.map(check, tasks))
    finally:  # after a failure (or Ctrl-C), the checks not started yet are dropped
        pool.shutdown(cancel_futures=True)


def _settled(plan: Plan, tasks: list[Task]) -> set[str]:
    """The tasks a run finished successfully under the key they have now: the same config,
    variables and input bytes, with these versions of quicketl and DuckDB. That run checked
    them against these very inputs (a run prepares every pipeline as validate does), so the
    check would find what it found then: nothing. Read from the cache, never written."""
    state = read_only_state(_cache_dir(plan))
    if state is None:
        return set()
    try:
        records = state.records(plan_scope(plan))
        return {task.id for task in tasks if _same_key(plan, task, records, state)}
    finally:
        state.close()


def _same_key(
    plan: Plan, task: Task, records: Mapping[str, TaskRecord], state: ReadOnlyState
) -> bool:
    record = records.get(task.id)
    if record is None or record.status != "success" or task.external:
        return False
    inputs = _known_inputs(plan, task, state)
    if inputs is None:
        return False
    current = components(task.config, task.used_vars, inputs, {}, state.key)
    return key_of(current, task.config_json) == record.key


def _known_inputs(plan: Plan, task: Task, state: ReadOnlyState) -> dict[str, str] | None:
    """The input hashes of the task's key, as the stat cache knows them without reading a
    file (validate reads no data); None if one is a glob, a folder or not known unchanged."""
    inputs = {}
    for pattern in file_refs(task.inputs):
        digest = None if has_glob(pattern) else state.stat_cache.known(plan.root / pattern)
        if digest is None:
            return None
        inputs[pattern] = digest
    return dict(sorted(inputs.items()))


def _cache_dir(plan: Plan) -> Path:
    return resolve_cache_dir(plan.root, None, project_cache_dir(plan.root))


def _problems_of(
    plan: Plan, task: Task, variables: Mapping[str, object] | None, databases: DatabasePool
) -> list[Problem]:
    from quicketl.engine.prepare import validate_pipeline

    try:
        validate_pipeline(load_task_pipeline(plan, task, variables), databases)
    except ConfigError as exc:
        return list(exc.problems)
    except EngineError:
        return []  # a failure while reading is the run's to report
    return []
