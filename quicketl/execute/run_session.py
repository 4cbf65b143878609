"""The shared state of one run: decisions, outcomes, failures and the fail-fast stop."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from quicketl.execute.decide import Decision
from quicketl.execute.events import RunReporter
from quicketl.execute.outcomes import TaskOutcome, TaskStatus
from quicketl.plan.model import Plan, Task
from quicketl.values import FrozenValue, MutableValue

if TYPE_CHECKING:
    from quicketl.engine.pipeline_result import PipelineResult


@dataclass(frozen=True, repr=False, eq=False)
class Blocker(FrozenValue):
    """Why a task must not start, and the status it finishes with instead."""

    status: Literal["skipped", "not_run"]  # skipped: an upstream failed; not_run: a stop
    reason: str


@dataclass(repr=False, eq=False)
class RunSession(MutableValue):
    """Mutable bookkeeping shared by the scheduler thread and the worker threads."""

    plan: Plan
    reporter: RunReporter
    outcomes: dict[str, TaskOutcome] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    stopped_by: str | None = None
    interrupted: bool = False
    failed: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # For each task below a failed one, the first failed task above it (by id). Marked once
    # per failure, so deciding whether a task may start never walks the graph.
    _failed_above: dict[str, str] = field(default_factory=dict)

    def finish(
        self,
        task: Task,
        status: TaskStatus,
        reasons: list[str],
        *,
        started_at: float | None = None,
        result: PipelineResult | None = None,
        error: str | None = None,
        exception: BaseException | None = None,
    ) -> None:
        outcome = TaskOutcome(task.id, task.stage, task.name, status, reasons, started_at)
        outcome.error, outcome.result, outcome.exception = error, result, exception
        if outcome.finished_at is None and outcome.started_at is not None:
            outcome.finished_at = time.time()
        with self._lock:
            self.outcomes[task.id] = outcome
        self.reporter.task_finished(outcome)

    def blocker(self, task: Task) -> Blocker | None:
        """Why the task must not start: a failed upstream, or fail-fast after a failure."""
        with self._lock:
            failed_above = self._failed_above.get(task.id)
            if failed_above is not None:
                return Blocker("skipped", f"upstream {failed_above} failed")
            if self.stopped_by is not None:
                reason = f"not started: {self.stopped_by} failed and fail_fast is on"
                return Blocker("not_run", reason)
            if self.interrupted:
                return Blocker("not_run", "not started: the run was interrupted")
        return None

    def interrupt(self) -> None:
        """Ctrl-C: the tasks running now finish and are recorded; no other starts."""
        with self._lock:
            self.interrupted = True

    def record_failure(self, task: Task, stop: bool) -> None:
        below = self.plan.links.descendants(task.id)
        with self._lock:
            self.failed.add(task.id)
            for task_id in below:
                current = self._failed_above.get(task_id)
                if current is None or task.id < current:
                    self._failed_above[task_id] = task.id
            if stop and self.stopped_by is None:
                self.stopped_by = task.id
