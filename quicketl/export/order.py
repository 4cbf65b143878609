"""The order generated code lists things in: stages by dependency, tasks topologically."""

from __future__ import annotations

from quicketl.errors import ExportError
from quicketl.plan.graph import topological_order
from quicketl.plan.model import Plan, StageInfo


def ordered_stages(plan: Plan) -> list[StageInfo]:
    """Stages in dependency order (declaration order among independent ones).

    Both `depends_on` and task edges that cross stages count; should they disagree in a cycle
    (lineage running backwards), the rest keep declaration order rather than failing.
    """
    stage_of = {task_id: s.name for s in plan.stages for task_id in s.task_ids}
    declared = [s.name for s in plan.stages]
    declared_links = [(d, s.name) for s in plan.stages for d in s.depends_on if d in declared]
    task_links = [(stage_of[e.upstream], stage_of[e.downstream]) for e in plan.edges]
    crossing = [(up, down) for up, down in task_links if up != down]
    order = topological_order(declared, declared_links + crossing)
    by_name = {s.name: s for s in plan.stages}
    return [by_name[name] for name in order + [n for n in declared if n not in order]]


def topological_task_ids(plan: Plan) -> list[str]:
    """Task ids so that every upstream comes before its downstreams; plan order breaks ties."""
    ids = [t.id for t in plan.tasks]
    order = topological_order(ids, [(e.upstream, e.downstream) for e in plan.edges])
    if len(order) < len(ids):
        raise ExportError(f"workflow {plan.name!r} has a cycle between its tasks")
    return order
