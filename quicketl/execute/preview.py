"""Deciding every task up front without running anything: `status` and `--dry-run`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from quicketl.execute.decide import Decider, Decision
from quicketl.execute.result import TaskOutcome, TaskStatus
from quicketl.locations.refs import reads_output
from quicketl.plan.model import Plan, Task


def preview(plan: Plan, task_ids: Sequence[str], decider: Decider) -> list[TaskOutcome]:
    """What a run would do now. A task whose only cause is an upstream that re-runs "may run":
    early cutoff skips it when the upstream writes identical bytes."""
    pending: dict[str, Task] = {}
    above_of: dict[str, set[str]] = {}  # re-running ancestors of each task, in plan order
    outcomes = []
    selected = set(task_ids)
    parents = plan.parents()
    for task in plan.tasks:
        # Any ancestor may write an input: a lineage edge implied by a longer path (list
        # order in a parallel: false stage) is gone from the reduced graph.
        above_ids = set().union(*(above_of.get(p, set()) for p in parents.get(task.id, ())))
        above_ids |= {p for p in parents.get(task.id, ()) if p in pending}
        above_of[task.id] = above_ids
        if task.id not in selected:
            continue
        above = [t for t in pending.values() if t.id in above_ids]
        decision = decider.decide(task, _rewritten_by(above))
        outcome = _outcome(task, decision, _causes(task, above, parents))
        if outcome.status != "up_to_date":
            pending[task.id] = task
        outcomes.append(outcome)
    return outcomes


def _causes(task: Task, above: list[Task], parents: dict[str, set[str]]) -> list[Task]:
    """The re-running upstream tasks worth naming: those whose outputs the task reads, else
    its direct parents (an input that is not a file may still depend on them)."""
    read = [t for t in above if any(reads_output(p, o) for p in task.inputs for o in t.outputs)]
    return read or [t for t in above if t.id in parents.get(task.id, set())]


def _rewritten_by(upstream: list[Task]) -> Callable[[str], bool]:
    outputs = [output for task in upstream for output in task.outputs]

    def pending(path: str) -> bool:
        return any(path == output or path.startswith(output + "/") for output in outputs)

    return pending


def _outcome(task: Task, decision: Decision, upstream: list[Task]) -> TaskOutcome:
    status: TaskStatus
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
    return TaskOutcome(task.id, task.stage, task.name, status, reasons)
