"""The order generated code lists things in: stages by dependency, tasks topologically."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quicketl.errors import ExportError
from quicketl.plan.model import Plan, StageInfo


def ordered_stages(plan: Plan) -> list[StageInfo]:
    """Stages in dependency order (declaration order among independent ones).

    Both `depends_on` and task edges that cross stages count; should they disagree in a cycle
    (lineage running backwards), the rest keep declaration order rather than failing.
    """
    stage_of = {task_id: s.name for s in plan.stages for task_id in s.task_ids}
    after: dict[str, set[str]] = {s.name: set(s.depends_on) for s in plan.stages}
    for edge in plan.edges:
        if stage_of[edge.upstream] != stage_of[edge.downstream]:
            after[stage_of[edge.downstream]].add(stage_of[edge.upstream])
    declared = [s.name for s in plan.stages]
    order = _kahn(declared, after)
    by_name = {s.name: s for s in plan.stages}
    return [by_name[name] for name in order + [n for n in declared if n not in order]]


def topological_task_ids(plan: Plan) -> list[str]:
    """Task ids so that every upstream comes before its downstreams; plan order breaks ties."""
    after: dict[str, set[str]] = {t.id: set() for t in plan.tasks}
    for edge in plan.edges:
        after[edge.downstream].add(edge.upstream)
    order = _kahn([t.id for t in plan.tasks], after)
    if len(order) < len(plan.tasks):
        raise ExportError(f"workflow {plan.name!r} has a cycle between its tasks")
    return order


def _kahn(items: Sequence[str], after: Mapping[str, set[str]]) -> list[str]:
    """Kahn's sort, always taking the earliest ready item; items caught in a cycle are left out."""
    done: list[str] = []
    pending = list(items)
    while ready := [i for i in pending if not after[i].intersection(pending)][:1]:
        done.append(ready[0])
        pending.remove(ready[0])
    return done
