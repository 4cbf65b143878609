"""Outcomes of a workflow run, per task and per stage, as plain values."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from quicketl.values import MutableValue

if TYPE_CHECKING:
    from quicketl.engine.pipeline_result import PipelineResult
    from quicketl.plan.model import Plan

TaskStatus = Literal[
    "ran", "up_to_date", "restored", "failed", "skipped", "not_run", "would_run", "may_run"
]
# A restored task counts as one that ran: its outputs are the bytes a run would have written.
OK_STATUSES = ("ran", "up_to_date", "restored")


@dataclass(repr=False, eq=False)
class TaskOutcome(MutableValue):
    """What happened to one task, and why."""

    task_id: str
    stage: str
    name: str
    status: TaskStatus
    reasons: list[str] = field(default_factory=list)
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    result: PipelineResult | None = None
    exception: BaseException | None = field(default=None, repr=False, compare=False)

    @property
    def duration_ms(self) -> float:
        if self.started_at is None or self.finished_at is None:
            return 0.0
        return (self.finished_at - self.started_at) * 1000.0

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "stage": self.stage,
            "pipeline": self.name,
            "status": self.status,
            "reasons": list(self.reasons),
            "started_at": iso_utc(self.started_at),
            "finished_at": iso_utc(self.finished_at),
            "duration_ms": round(self.duration_ms, 3),
            "error": self.error,
            "result": self.result.document() if self.result is not None else None,
        }


@dataclass(repr=False, eq=False)
class StageSummary(MutableValue):
    name: str
    status: Literal["OK", "FAILED", "SKIPPED", "PARTIAL", "PENDING"]
    total: int
    succeeded: int
    up_to_date: int
    duration_ms: float


@dataclass(repr=False, eq=False)
class WorkflowResult(MutableValue):
    """The outcome of a workflow run (or, with `dry_run`, of deciding one)."""

    name: str
    tasks: list[TaskOutcome]
    stage_order: list[str]
    duration_ms: float = 0.0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    run_id: int | None = None  # its number in the history (`quicketl workflow log RUN`)

    @property
    def succeeded(self) -> bool:
        return all(t.status not in ("failed", "skipped", "not_run") for t in self.tasks)

    @property
    def status(self) -> str:
        if self.dry_run:
            return "dry_run"
        return "success" if self.succeeded else "failed"

    def count(self, *statuses: str) -> int:
        return sum(1 for t in self.tasks if t.status in statuses)

    def summary(self) -> dict[str, int]:
        """Counts of the tasks; a dry run has run nothing, so nothing in it "succeeded"."""
        return {
            "total": len(self.tasks),
            "succeeded": 0 if self.dry_run else self.count(*OK_STATUSES),
            "up_to_date": self.count("up_to_date"),
            "ran": self.count("ran"),
            "restored": self.count("restored"),
            "would_run": self.count("would_run"),
            "may_run": self.count("may_run"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped", "not_run"),
        }

    def stages(self) -> list[StageSummary]:
        return [self._stage(name) for name in self.stage_order]

    def _stage(self, name: str) -> StageSummary:
        tasks = [t for t in self.tasks if t.stage == name]
        ok = sum(1 for t in tasks if t.ok)
        starts = [t.started_at for t in tasks if t.started_at is not None]
        ends = [t.finished_at for t in tasks if t.finished_at is not None]
        duration = (max(ends) - min(starts)) * 1000.0 if starts and ends else 0.0
        return StageSummary(
            name,
            _stage_status(tasks, ok),
            len(tasks),
            ok,
            sum(1 for t in tasks if t.status == "up_to_date"),
            duration,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "workflow": self.name,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "dry_run": self.dry_run,
            "summary": self.summary(),
            "stages": [_stage_dict(s, self.dry_run) for s in self.stages()],
            "tasks": [t.to_dict() for t in self.tasks],
            "warnings": list(self.warnings),
            "run_id": self.run_id,
        }


def iso_utc(epoch: float | None) -> str | None:
    """An epoch time as ISO-8601 in UTC, e.g. 2025-01-15T08:30:00.123456Z (the JSON contract)."""
    if epoch is None:
        return None
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _stage_dict(stage: StageSummary, dry_run: bool) -> dict[str, Any]:
    """A stage in JSON: statuses are lower-case there, as every status in every document is;
    in a dry run nothing succeeded, and a stage with nothing to run is up to date."""
    data = vars(stage).copy()
    data["status"] = stage.status.lower()
    data["duration_ms"] = round(stage.duration_ms, 3)
    if dry_run:
        data["succeeded"] = 0
        data["status"] = "pending" if stage.status == "PENDING" else "up_to_date"
    return data


def _stage_status(
    tasks: list[TaskOutcome], ok: int
) -> Literal["OK", "FAILED", "SKIPPED", "PARTIAL", "PENDING"]:
    if any(t.status in ("would_run", "may_run") for t in tasks):
        return "PENDING"
    if ok == len(tasks):
        return "OK"
    if any(t.status == "failed" for t in tasks):
        return "FAILED"
    return "SKIPPED" if ok == 0 else "PARTIAL"


def workflow_result(
    plan: Plan, outcomes: list[TaskOutcome], started: float, *, dry_run: bool = False
) -> WorkflowResult:
    """The result of a run (full or no-op) or a dry run; `started` is a `perf_counter()`."""
    return WorkflowResult(
        name=plan.name,
        tasks=outcomes,
        stage_order=[s.name for s in plan.stages if any(o.stage == s.name for o in outcomes)],
        duration_ms=(time.perf_counter() - started) * 1000.0,
        dry_run=dry_run,
        warnings=[str(w) for w in plan.warnings],
    )
