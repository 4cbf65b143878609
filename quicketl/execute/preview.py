"""Deciding every task up front without running anything: `status` and `--dry-run`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from quicketl.execute.decide import Decider, Decision
from quicketl.execute.result import TaskOutcome
from quicketl.plan.model import Plan, Task


def preview(plan: Plan, task_ids: Sequence[str], decider: Decider) -> list[TaskOutcome]:
    """What a run would do now. A task whose only cause is an upstream that re-runs "may run":
    early cutoff skips it when the upstream writes identical bytes."""
    pending: dict[str, Task] = {}
    outcomes = []
    selected = set(task_ids)
    for task in plan.tasks:
        if task.id not in selected:
            continue
        upstream = [pending[u] for u in plan.upstream_of(task.id) if u in pending]
        decision = decider.decide(task, _rewritten_by(upstream))
        outcome = _outcome(task, decision, upstream)
        if outcome.status != "up_to_date":
            pending[task.id] = task
        outcomes.append(outcome)
    return outcomes


def _rewritten_by(upstream: list[Task]) -> Callable[[str], bool]:
    outputs = [output for task in upstream for output in task.outputs]

    def pending(path: str) -> bool:
        return any(path == output or path.startswith(output + "/") for output in outputs)

    return pending


def _outcome(task: Task, decision: Decision, upstream: list[Task]) -> TaskOutcome:
    if decision.run:
        status = "would_run"
        reasons = list(decision.reasons)
    elif upstream:
        status = "may_run"
        reasons = [
            f"upstream {u.id} re-runs (skipped if its output is unchanged)" for u in upstream
        ]
    else:
        status = "up_to_date"
        reasons = list(decision.reasons)
    return TaskOutcome(task.id, task.stage, task.name, status, reasons)  # type: ignore[arg-type]
