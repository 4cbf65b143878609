"""State-store scopes: which records of the cache belong to a plan (stdlib only)."""

from __future__ import annotations

from pathlib import Path

from quicketl.locations.paths import root_relative
from quicketl.plan.model import Plan

PIPELINE_SCOPE = "pipeline:"


def plan_scope(plan: Plan) -> str:
    """A workflow's scope is its file, relative to the project root; a single pipeline run's
    is `pipeline:` and the pipeline file."""
    if plan.workflow_path is not None:
        return root_relative(plan.workflow_path, plan.root)
    return PIPELINE_SCOPE + root_relative(plan.tasks[0].pipeline_path, plan.root)


def scope_file(scope: str, root: Path) -> Path:
    """The workflow or pipeline file a scope was recorded for."""
    path = Path(scope.removeprefix(PIPELINE_SCOPE))
    return path if path.is_absolute() else root / path
