"""Running one task for real: the engine, then its outputs and key into the state store."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from quicketl.engine.interrupts import commit_window, is_ctrl_c
from quicketl.engine.pipeline_result import PipelineResult
from quicketl.errors import EngineError, QuickETLError
from quicketl.execute.appends import intent_saver, table_intent_saver
from quicketl.execute.checks_record import checks_status
from quicketl.execute.databases import DatabaseLocks, database_files, written_database_files
from quicketl.execute.decide import Decision
from quicketl.execute.restore import TaskCache, never_restored
from quicketl.execute.run_session import RunSession
from quicketl.locations.refs import file_refs
from quicketl.plan.keys import uses_secret
from quicketl.plan.model import Task
from quicketl.state import StatCache, StateStore, output_record
from quicketl.state.outputs import presence_record
from quicketl.state.owners import owners_of
from quicketl.state.secretkey import SHARED_KEY_VARIABLE, shared_secret_key
from quicketl.values import FrozenValue

if TYPE_CHECKING:
    from quicketl.execute.lazy_pool import PoolOnFirstUse


@dataclass(frozen=True, repr=False, eq=False)
class TaskRunner(FrozenValue):
    """Everything a worker thread needs to run a task and record it."""

    session: RunSession
    store: StateStore
    scope: str
    root: Path
    stat_cache: StatCache
    duckdb_threads: int
    fail_on_checks: bool = True
    variables: Mapping[str, object] = field(default_factory=dict)
    databases: DatabaseLocks = field(default_factory=lambda: DatabaseLocks())
    # DuckDB databases kept per worker thread, closed by the run (engine/duckdb_session.py);
    # made by the first pipeline that runs, so importing DuckDB is part of its time.
    duckdb_pool: PoolOnFirstUse | None = None
    cache: TaskCache | None = None  # the output store: restore instead of running, save after
    # Upstream tasks a generated DAG's task only restores (from the remote cache), never runs:
    # their own orchestrator tasks ran them (docs/deploy.md).
    restore_only: frozenset[str] = frozenset()
    # Tasks whose interrupted append into a table could not be checked (execute/appends.py):
    # each fails with its message rather than append again.
    unchecked: Mapping[str, str] = field(default_factory=dict)

    def run(self, task: Task, decision: Decision) -> None:
        # A Ctrl-C that lands once the sink commits waits until the task is recorded (on the
        # main thread, where a lone task runs: engine/interrupts.py).
        with commit_window():
            self._run(task, decision)

    def _run(self, task: Task, decision: Decision) -> None:
        started = time.time()
        self.session.reporter.task_started(task.id)
        reasons = list(decision.reasons)
        if task.id in self.unchecked:
            self.session.record_failure(
                task, self.session.plan.fail_fast and not self._continues(task)
            )
            error = self.unchecked[task.id]
            self.session.finish(task, "failed", reasons, started_at=started, error=error)
            return
        restored = self.cache.try_restore(task, decision, self.stat_cache) if self.cache else None
        if restored is not None and restored.ok:  # recorded as a run writing these bytes is
            self._record(task, decision, started, "success")
            self.session.finish(task, "restored", [*restored.reasons, *reasons], started_at=started)
            return
        if restored is not None:  # why the stored outputs could not be used
            reasons += restored.reasons
        if task.id in self.restore_only:
            self._not_restorable(task, reasons, started)
            return
        result, exception = self._execute(task, decision, started)
        if exception is None and result is not None and result.succeeded:
            status = checks_status(result)
            self._record(task, decision, started, status)
            if self.cache is not None and status == "success":  # failed checks: never stored
                self.cache.save(task, decision, result.rows_written, self.stat_cache)
            self.session.finish(task, "ran", reasons, started_at=started, result=result)
            return
        message = str(exception) if exception else (result.error if result else None)
        stop = self.session.plan.fail_fast and not self._continues(task)
        self.session.record_failure(task, stop)
        self.session.finish(
            task,
            "failed",
            reasons,
            started_at=started,
            result=result,
            error=message or "failed",
            exception=exception,
        )

    def _not_restorable(self, task: Task, reasons: list[str], started: float) -> None:
        why = never_restored(task)
        where = self.cache.remote.label if self.cache and self.cache.remote else "no remote cache"
        error = (
            f"its outputs are never cached ({why})"
            if why is not None
            else f"not in the remote cache {where} under its current key (did its own task run "
            f"with the same --remote-cache?{_secret_hint(task)})"
        )
        self.session.record_failure(task, True)
        self.session.finish(task, "failed", reasons, started_at=started, error=error)

    def _execute(
        self, task: Task, decision: Decision, started: float
    ) -> tuple[PipelineResult | None, QuickETLError | None]:
        from quicketl.engine.pipeline_run import run_pipeline
        from quicketl.plan.tasks import load_task_pipeline

        save_intent = intent_saver(self.store, self.scope, task, decision, started, self.stat_cache)
        mark_append = table_intent_saver(self.store, self.scope, task, decision, started)
        try:
            loaded = load_task_pipeline(self.session.plan, task, self.variables)
            with self.databases.holding(database_files(task)):
                result = run_pipeline(
                    loaded,
                    fail_on_checks=self.fail_on_checks,
                    threads=self.duckdb_threads,
                    before_commit=save_intent,
                    databases=self.duckdb_pool.get() if self.duckdb_pool else None,
                    mark_append=mark_append,
                )
        except QuickETLError as exc:
            return None, exc
        except Exception as exc:  # a bug must fail this task, not kill the other workers
            if is_ctrl_c(exc):
                raise KeyboardInterrupt from None
            return None, EngineError(f"internal error: {type(exc).__name__}: {exc}")
        return result, None

    def _record(self, task: Task, decision: Decision, started: float, status: str) -> None:
        files = file_refs(task.outputs)
        outputs = [output_record(path, self.root, self.stat_cache) for path in files]
        outputs += [presence_record(path) for path in written_database_files(task)]
        written = [self.root / path for path in files]
        self.store.record_success(
            self.scope,
            task.id,
            decision.key,
            decision.components,
            outputs,
            started_at=started,
            status=status,
            owners=owners_of(written, self.scope, task.id),
        )

    def _continues(self, task: Task) -> bool:
        stage = next(s for s in self.session.plan.stages if s.name == task.stage)
        return stage.continue_on_failure


def _secret_hint(task: Task) -> str:
    """Why the keys of two workers differ when the task uses a secret (state/secretkey.py)."""
    if not uses_secret(task.used_vars) or shared_secret_key() is not None:
        return ""
    return (
        f" It uses a secret variable, which each cache hashes under its own key unless every "
        f"worker sets the same ${SHARED_KEY_VARIABLE}: docs/deploy.md"
    )
