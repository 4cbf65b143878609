"""`workflow validate`: every pipeline whose inputs exist already is checked against them.

A pipeline reading another's output is left to the run (that output may not exist yet, or
change). Every problem of every pipeline is raised at once, as one ConfigError, in the plan's
order; the pipelines are checked on two threads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

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
    from quicketl.engine.readbatch import SniffMemo

Item = TypeVar("Item")
Result = TypeVar("Result")


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
    from quicketl.engine.readbatch import SniffMemo

    # One database per thread and sandbox, a fresh connection for each pipeline; CSV
    # detections a run stored are used for the files it hashed (nothing is written), and
    # those found by the batches below, kept in memory.
    sniffs = read_only_sniffs(_cache_dir(plan))
    memo = SniffMemo(sniffs)
    databases = DatabasePool(sniffs=memo)
    try:
        problems = _problems_found(plan, checked, variables, databases, memo)
    finally:
        databases.close()
        if sniffs is not None:
            sniffs.close()
    if problems:
        raise ConfigError(problems)


def _problems_found(
    plan: Plan,
    tasks: list[Task],
    variables: Mapping[str, object] | None,
    databases: DatabasePool,
    memo: SniffMemo,
) -> list[Problem]:
    """The tasks' problems in their order: those needing no column are first checked many
    at a time (engine/readbatch.py); the rest, and any found wrong there, one by one."""
    passed = _each_checked(
        _batches(tasks), lambda some: _batch_passed(plan, some, variables, databases, memo)
    )
    quick = set().union(*passed)
    alone = [task for task in tasks if task.id not in quick]
    found = _each_checked(alone, lambda task: _problems_of(plan, task, variables, databases))
    return [problem for task_problems in found for problem in task_problems]


# Checks at once: DuckDB releases the GIL while it detects a CSV file's layout and binds a
# read, most of a check's time, so two threads check about twice as many files a second on
# two cores (docs/incremental.md, "Where the time goes"); more only wait for the GIL.
CHECK_THREADS = 2


# Pipelines checked together (engine/readbatch.py): larger batches save statements, smaller
# ones share the work out between the threads more evenly.
BATCH_SIZE = 64


def _each_checked(items: list[Item], check: Callable[[Item], Result]) -> list[Result]:
    """`check` of every item, in the items' order, on up to CHECK_THREADS threads."""
    threads = min(CHECK_THREADS, len(items))
    if threads < 2:
        return [check(item) for item in items]
    pool = ThreadPoolExecutor(threads, thread_name_prefix="quicketl-validate")
    try:
        return list(pool.map(check, items))
    finally:  # after a failure (or Ctrl-C), the checks not started yet are dropped
        pool.shutdown(cancel_futures=True)


def _batches(tasks: list[Task]) -> list[list[Task]]:
    """The tasks in runs of up to BATCH_SIZE, at least one run for each thread."""
    size = max(1, min(BATCH_SIZE, -(-len(tasks) // CHECK_THREADS)))
    return [tasks[start : start + size] for start in range(0, len(tasks), size)]


def _batch_passed(
    plan: Plan,
    tasks: list[Task],
    variables: Mapping[str, object] | None,
    databases: DatabasePool,
    memo: SniffMemo,
) -> set[str]:
    """The tasks checked with others' and found right: those needing no source's columns
    whose reads bind. The rest are checked one by one, for their messages."""
    from quicketl.engine.readbatch import quickly_checked
    from quicketl.engine.readcheck import needs_no_schema

    ids, pipelines = [], []
    for task in tasks:
        try:
            loaded = load_task_pipeline(plan, task, variables)
        except ConfigError:
            continue
        if needs_no_schema(loaded):
            ids.append(task.id)
            pipelines.append(loaded)
    verdicts = quickly_checked(databases, memo, pipelines)
    return {task_id for task_id, ok in zip(ids, verdicts, strict=True) if ok}


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
