"""The task graph as a JSON document: tasks (with their decision, if asked) and edges."""

from __future__ import annotations

from typing import Any

from quicketl.plan.model import Plan


def graph_document(plan: Plan, statuses: dict[str, str] | None = None) -> dict[str, Any]:
    """`workflow graph --json`; a task's `status` is null unless `--status` asked for it."""
    return {
        "workflow": plan.name,
        "tasks": [
            {
                "id": task.id,
                "stage": task.stage,
                "pipeline": task.name,
                "status": statuses.get(task.id) if statuses else None,
            }
            for task in plan.tasks
        ],
        "edges": [
            {"upstream": e.upstream, "downstream": e.downstream, "reason": e.reason}
            for e in plan.edges
        ],
    }
