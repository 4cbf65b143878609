"""What a workflow run leaves in the history: its selection and each task's outcome.

Every text that may quote a value (reasons, errors) is masked before it reaches the disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from quicketl.config.secrets import mask
from quicketl.execute.outcomes import TaskOutcome, WorkflowResult
from quicketl.plan.model import Plan
from quicketl.state.history import record_run
from quicketl.state.store import StateStore


def iso(timestamp: float | None) -> str | None:
    """A Unix time as ISO-8601 UTC, to the microsecond (traces are in microseconds)."""
    if timestamp is None:
        return None
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def save_run(
    store: StateStore,
    plan: Plan,
    selection: Sequence[str],
    outcomes: Sequence[TaskOutcome],
    span: tuple[float, float],
    status: str,
    total: int | None = None,
) -> int:
    """Record one run; its run id. `total` is how many tasks were selected (an interrupted
    run has outcomes for fewer)."""
    started, finished = span
    doc = {
        "workflow": plan.name,
        "workflow_path": str(plan.workflow_path) if plan.workflow_path else None,
        "status": status,
        "selection": list(selection),
        "started_at": iso(started),
        "finished_at": iso(finished),
        "duration_ms": round((finished - started) * 1000.0, 3),
        "total": len(outcomes) if total is None else total,
        "tasks": [task_entry(o) for o in outcomes],
    }
    return record_run(store, plan.name, started, doc)


def run_status(result: WorkflowResult) -> str:
    return "success" if result.succeeded else "failed"


def task_entry(outcome: TaskOutcome) -> dict[str, Any]:
    result = outcome.result
    return {
        "task_id": outcome.task_id,
        "stage": outcome.stage,
        "pipeline": outcome.name,
        "status": outcome.status,
        "reasons": [mask(reason) for reason in outcome.reasons],
        "started_at": iso(outcome.started_at),
        "finished_at": iso(outcome.finished_at),
        "duration_ms": round(outcome.duration_ms, 3),
        "rows_read": result.rows_read if result is not None else None,
        "rows_written": result.rows_written if result is not None else None,
        "error": mask(outcome.error) if outcome.error else None,
    }
