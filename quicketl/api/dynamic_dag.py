"""What a `--mode dynamic` Airflow DAG reads from its workflow each time Airflow parses it.

The DAG file imports this module inside the Airflow process and builds its operators from the
plain data returned here; quicketl itself never imports Airflow (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from quicketl.config.orchestration import asset_namespace, task_settings
from quicketl.execute.select import select_tasks
from quicketl.export.names import BUILTIN_NAMES
from quicketl.export.options import ExportOptions
from quicketl.export.render import AIRFLOW_NAMES
from quicketl.export.settings import ExportInputs, TaskSettings
from quicketl.export.view import StageView, TaskView, VariableView, build_view
from quicketl.plan.builder import build_plan
from quicketl.values import FrozenValue

__all__ = ["DagGroup", "DagLayout", "DagParam", "DagTask", "airflow_layout"]


@dataclass(frozen=True, repr=False, eq=False)
class DagTask(FrozenValue):
    """One pipeline task: its quicketl id, its Airflow task id inside its group, the asset URIs
    of what it writes and reads, and the operator's keyword arguments (display name, the
    `orchestrator:` settings)."""

    quicketl_id: str
    task_id: str
    outlets: tuple[str, ...] = ()
    inlets: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, repr=False, eq=False)
class DagGroup(FrozenValue):
    """A stage, as one Airflow TaskGroup; `settings` holds its display name when it has one."""

    group_id: str
    tooltip: str
    tasks: tuple[DagTask, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, repr=False, eq=False)
class DagParam(FrozenValue):
    """A declared workflow variable, as the keyword arguments of an Airflow `Param`."""

    name: str
    default: Any
    schema: dict[str, Any]


@dataclass(frozen=True, repr=False, eq=False)
class DagLayout(FrozenValue):
    """Everything a dynamic DAG builds: groups of tasks, edges by quicketl id, params, and the
    raw inputs' asset URIs (what `--schedule asset` waits for)."""

    description: str | None
    groups: tuple[DagGroup, ...]
    edges: tuple[tuple[str, str], ...]
    params: tuple[DagParam, ...]
    schedule_assets: tuple[str, ...] = ()

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)


def airflow_layout(
    workflow_path: str,
    project_dir: str,
    select: Sequence[str] = (),
    *,
    asset_schedule: bool = False,
) -> DagLayout:
    """Plan the workflow as it is now; a workflow error raises with its file, field and line.

    The ids are the ones the static DAG gives (same naming, same reserved names), so switching
    modes keeps each task's Airflow history; `select` chooses tasks as `--select` does, and
    `asset_schedule` (`--schedule asset`) requires raw inputs to trigger the DAG.
    Nothing is written: planning only reads the YAML.
    """
    root = Path(project_dir).expanduser().resolve()
    # The planner alone, not quicketl.api.workflow: parsing needs no engine, DuckDB or doit.
    plan = build_plan(root / workflow_path, None, root)
    options = ExportOptions(select=tuple(select), schedule="asset" if asset_schedule else None)
    settings = task_settings(root / workflow_path, {}, root)
    inputs = ExportInputs(
        selected=tuple(select_tasks(plan, select)) if select else None,
        settings={k: TaskSettings(**v) for k, v in settings.items()},
        namespace=asset_namespace(root),
    )
    view = build_view(plan, options, BUILTIN_NAMES | AIRFLOW_NAMES, inputs=inputs)
    groups = tuple(
        DagGroup(s.group_id, s.description, tuple(map(_task, s.tasks)), _group_settings(s))
        for s in view.stages
    )
    edges = tuple((e.upstream.id, e.downstream.id) for e in view.edges)
    params = tuple(map(_param, view.variables))
    return DagLayout(view.description, groups, edges, params, view.schedule_assets)


def _task(task: TaskView) -> DagTask:
    settings: dict[str, Any] = {}
    if task.display_name:
        settings["task_display_name"] = task.display_name
    chosen = task.settings
    for key in ("pool", "priority_weight", "retries", "owner"):
        if getattr(chosen, key) is not None:
            settings[key] = getattr(chosen, key)
    if chosen.execution_timeout is not None:
        settings["execution_timeout"] = timedelta(seconds=chosen.execution_timeout)
    return DagTask(task.id, task.name, task.outlets, task.inlets, settings)


def _group_settings(stage: StageView) -> dict[str, Any]:
    return {"group_display_name": stage.display_name} if stage.display_name else {}


def _param(variable: VariableView) -> DagParam:
    schema: dict[str, Any] = {"type": variable.json_type}
    if variable.format:
        schema["format"] = variable.format
    return DagParam(variable.name, variable.default, schema)
