"""What a `--mode dynamic` Airflow DAG reads from its workflow each time Airflow parses it.

The DAG file imports this module inside the Airflow process and builds its operators from the
plain data returned here; quicketl itself never imports Airflow (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quicketl.export.names import BUILTIN_NAMES
from quicketl.export.options import ExportOptions
from quicketl.export.render import AIRFLOW_NAMES
from quicketl.export.view import VariableView, build_view
from quicketl.plan.builder import build_plan

__all__ = ["DagGroup", "DagLayout", "DagParam", "DagTask", "airflow_layout"]


@dataclass(frozen=True)
class DagTask:
    """One pipeline task: its quicketl id and its Airflow task id inside its group."""

    quicketl_id: str
    task_id: str


@dataclass(frozen=True)
class DagGroup:
    """A stage, as one Airflow TaskGroup."""

    group_id: str
    tooltip: str
    tasks: tuple[DagTask, ...]


@dataclass(frozen=True)
class DagParam:
    """A declared workflow variable, as the keyword arguments of an Airflow `Param`."""

    name: str
    default: Any
    schema: dict[str, Any]


@dataclass(frozen=True)
class DagLayout:
    """Everything a dynamic DAG builds: groups of tasks, edges by quicketl id, params."""

    description: str | None
    groups: tuple[DagGroup, ...]
    edges: tuple[tuple[str, str], ...]
    params: tuple[DagParam, ...]

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)


def airflow_layout(workflow_path: str, project_dir: str) -> DagLayout:
    """Plan the workflow as it is now; a workflow error raises with its file, field and line.

    The ids are the ones the static DAG gives (same naming, same reserved names), so switching
    modes keeps each task's Airflow history. Nothing is written: planning only reads the YAML.
    """
    root = Path(project_dir).expanduser().resolve()
    # The planner alone, not quicketl.api.workflow: parsing needs no engine, DuckDB or doit.
    plan = build_plan(root / workflow_path, None, root)
    view = build_view(plan, ExportOptions(), BUILTIN_NAMES | AIRFLOW_NAMES)
    groups = tuple(
        DagGroup(s.group_id, s.description, tuple(DagTask(t.id, t.name) for t in s.tasks))
        for s in view.stages
    )
    edges = tuple((e.upstream.id, e.downstream.id) for e in view.edges)
    return DagLayout(view.description, groups, edges, tuple(map(_param, view.variables)))


def _param(variable: VariableView) -> DagParam:
    schema: dict[str, Any] = {"type": variable.json_type}
    if variable.format:
        schema["format"] = variable.format
    return DagParam(variable.name, variable.default, schema)
