"""Deciding every task up front without running anything: `status` and `--dry-run`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from quicketl.execute.decide import Decider, Decision
from quicketl.execute.outcomes import TaskOutcome, TaskStatus
from quicketl.plan.edgeset import Links
from quicketl.plan.lineage import OutputIndex
from quicketl.plan.model import Plan, Task


def preview(plan: Plan, task_ids: Sequence[str], decider: Decider) -> list[TaskOutcome]:
    """What a run would do now. A task whose only cause is an upstream that re-runs "may run":
    early cutoff skips it when the upstream writes identical bytes."""
    selected = set(task_ids)
    context = _Context(plan)
    outcomes = []
    for task in plan.tasks:
        if task.id not in selected:
            continue
        # Nothing re-runs above (the usual no-op): no input can be about to change.
        rewritten = context.rewritten_for(task) if context.pending else None
        decision = decider.decide(task, rewritten)
        causes = [] if decision.run or not context.pending else context.causes(task)
        outcome = _outcome(task, decision, causes)
        if outcome.status != "up_to_date":
            context.pending[task.id] = task
        outcomes.append(outcome)
    return outcomes


class _Context:
    """The tasks found to (maybe) re-run so far, in plan order, and lookups about them that
    cost the size of the plan once rather than once per task."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.links: Links = plan.links
        self.pending: dict[str, Task] = {}
        self._index: OutputIndex | None = None
        self._position = {task.id: index for index, task in enumerate(plan.tasks)}

    @property
    def index(self) -> OutputIndex:
        if self._index is None:
            self._index = OutputIndex(self.plan.tasks)
        return self._index

    def lineage_writers(self, task: Task) -> list[Task]:
        """The tasks whose outputs `task` reads (each a parent by lineage), in plan order."""
        tasks = self.plan.tasks
        found = {tasks[i].id: tasks[i] for i, _ in self.index.read_by(task.inputs)}
        found.pop(task.id, None)
        return sorted(found.values(), key=lambda t: self._position[t.id])

    def rewritten_for(self, task: Task) -> Callable[[str], bool]:
        """Whether a path the task reads is about to be rewritten by a re-running ancestor.
        Any ancestor may write an input: a lineage edge implied by a longer path (list order
        in a parallel: false stage) is gone from the reduced graph."""
        readers_of = {t.id for t in self.lineage_writers(task)}
        ancestors: set[str] | None = None

        def pending(path: str) -> bool:
            nonlocal ancestors
            for writer_index, _ in self.index.writers_of(path):
                writer = self.plan.tasks[writer_index].id
                if writer not in self.pending or writer == task.id:
                    continue
                if writer in readers_of:
                    return True
                if ancestors is None:  # rare: a path matched without a lineage edge
                    ancestors = self.links.ancestors(task.id)
                if writer in ancestors:
                    return True
            return False

        return pending

    def causes(self, task: Task) -> list[Task]:
        """The re-running upstream tasks worth naming: those whose outputs the task reads,
        else its direct parents (an input that is not a file may still depend on them)."""
        read = [t for t in self.lineage_writers(task) if t.id in self.pending]
        return read or self._pending_parents(task)

    def _pending_parents(self, task: Task) -> list[Task]:
        if len(self.pending) < 64:
            ids = [t for t in self.pending if self.links.is_parent(t, task.id)]
        else:
            parents = self.links.parents_of(task.id)
            ids = sorted((t for t in parents if t in self.pending), key=self._position.__getitem__)
        return [self.pending[t] for t in ids]


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
