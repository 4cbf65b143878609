"""A plan as a JSON document: stages, tasks with their files, edges, levels and warnings."""

from __future__ import annotations

from typing import Any

from quicketl.plan.model import Plan
from quicketl.plan.shown import shown_variables


def plan_document(plan: Plan) -> dict[str, Any]:
    return {
        "workflow": plan.name,
        "description": plan.description,
        "root": str(plan.root),
        "fail_fast": plan.fail_fast,
        "variables": shown_variables(plan),
        "stages": [
            {
                "name": s.name,
                "pipelines": list(s.task_ids),
                "parallel": s.parallel,
                "depends_on": list(s.depends_on),
                "continue_on_failure": s.continue_on_failure,
            }
            for s in plan.stages
        ],
        "tasks": [
            {
                "id": t.id,
                "stage": t.stage,
                "pipeline": t.name,
                "file": str(t.pipeline_path),
                "inputs": list(t.inputs),
                "outputs": list(t.outputs),
                "external": [str(e) for e in t.external],
                "upstream": list(plan.upstream_of(t.id)),
            }
            for t in plan.tasks
        ],
        "edges": [
            {"upstream": e.upstream, "downstream": e.downstream, "reason": e.reason}
            for e in plan.edges
        ],
        "levels": plan.levels(),
        "warnings": [str(w) for w in plan.warnings],
    }
