"""The templates' view of a `Plan`: sanitised names, stages and tasks in order, typed variables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from quicketl import __version__
from quicketl.errors import ExportError
from quicketl.export import names
from quicketl.export.assets import asset_uris, raw_inputs
from quicketl.export.options import ExportOptions, start_datetime
from quicketl.export.order import ordered_stages, topological_task_ids
from quicketl.export.schedule import ASSET
from quicketl.export.settings import NO_SETTINGS, ExportInputs, TaskSettings
from quicketl.locations.paths import relative_path
from quicketl.plan.fingerprint import plan_fingerprint
from quicketl.plan.model import Edge, Plan, StageInfo
from quicketl.values import FrozenValue

# Module variables stay short enough that a statement using one fits in ruff's line length.
VAR_LENGTH = 48


@dataclass(frozen=True, repr=False, eq=False)
class TaskView(FrozenValue):
    """One pipeline task: its quicketl id and the names it gets in the generated module."""

    id: str
    var: str
    name: str
    group_id: str
    display_name: str = ""  # the pipeline's own name, when `name` had to change it
    settings: TaskSettings = NO_SETTINGS
    outlets: tuple[str, ...] = ()  # asset URIs of what it writes
    inlets: tuple[str, ...] = ()  # ...and of what it reads

    @property
    def airflow_id(self) -> str:
        return f"{self.group_id}.{self.name}"

    @property
    def prefect_name(self) -> str:
        return names.prefect_name(self.id)


@dataclass(frozen=True, repr=False, eq=False)
class StageView(FrozenValue):
    """A stage and its tasks (one Airflow TaskGroup)."""

    name: str
    group_id: str
    description: str
    tasks: tuple[TaskView, ...]
    display_name: str = ""  # the stage's own name, when `group_id` had to change it


@dataclass(frozen=True, repr=False, eq=False)
class EdgeView(FrozenValue):
    upstream: TaskView
    downstream: TaskView
    reason: str


@dataclass(frozen=True, repr=False, eq=False)
class VariableView(FrozenValue):
    """A declared workflow variable: its name, a Python parameter name and its typed default."""

    name: str
    param: str
    default: Any
    json_type: str | list[str]
    annotation: str
    format: str | None = None


@dataclass(frozen=True, repr=False, eq=False)
class WorkflowView(FrozenValue):
    """Everything a template needs, already sanitised and ordered."""

    name: str
    dag_id: str
    flow_function: str
    description: str | None
    workflow_path: str
    project_dir: str | None
    schedule: str | None
    start: datetime
    options: ExportOptions
    stages: tuple[StageView, ...]
    tasks: tuple[TaskView, ...]
    edges: tuple[EdgeView, ...]
    variables: tuple[VariableView, ...]
    fingerprint: str = ""
    quicketl_version: str = __version__
    schedule_assets: tuple[str, ...] = ()  # `--schedule asset`: the raw inputs' asset URIs
    target: str = "airflow"

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    @property
    def start_args(self) -> str:
        """The arguments of `datetime(...)` for the start date, as plain integers."""
        start = self.start
        fields = [start.year, start.month, start.day]
        if (start.hour, start.minute, start.second) != (0, 0, 0):
            fields += [start.hour, start.minute, start.second]
        return ", ".join(str(int(f)) for f in fields)

    @property
    def start_iso(self) -> str:
        """The start date in UTC, as `datetime.fromisoformat` reads it on any Python."""
        return self.start.isoformat() + "+00:00"

    def upstream(self, task: TaskView) -> tuple[TaskView, ...]:
        return tuple(e.upstream for e in self.edges if e.downstream == task)


def build_view(
    plan: Plan,
    options: ExportOptions,
    reserved: Iterable[str],
    *,
    target: str = "airflow",
    inputs: ExportInputs | None = None,
) -> WorkflowView:
    """Name everything in `plan` so that no name clashes with another or with `reserved`.

    Only the tasks `inputs.selected` are kept, with their `orchestrator:` settings; the
    variables given at generate time become the parameters' defaults."""
    inputs = inputs or ExportInputs()
    namer = names.Namer(reserved)
    selected = inputs.selected
    chosen = [t.id for t in plan.tasks] if selected is None else list(selected)
    namespace = inputs.namespace
    stages = _stage_views(plan, namer, set(chosen), inputs.settings, namespace)
    by_id = {t.id: t for s in stages for t in s.tasks}
    dag_id = options.dag_id or names.dag_id(plan.name)
    return WorkflowView(
        name=plan.name,
        dag_id=dag_id,
        flow_function=namer.take(dag_id, fallback="workflow"),
        description=plan.description,
        workflow_path=relative_workflow_path(plan),
        project_dir=options.project_dir,
        schedule=None if options.schedule == ASSET else options.schedule,
        start=_utc(start_datetime(options.start_date)),
        options=options,
        stages=stages,
        tasks=tuple(by_id[task_id] for task_id in topological_task_ids(plan) if task_id in by_id),
        edges=tuple(_edge_views(plan.edges, by_id)),
        # A variable referring to others (`${DB_PASSWORD}`) is emitted as written and resolved
        # on the worker: never a value read from this machine's environment.
        variables=tuple(_variable_views(_defaults(plan, inputs.variables), namer)),
        fingerprint=plan_fingerprint(plan, None if selected is None else chosen),
        schedule_assets=_schedule_assets(plan, options, chosen, namespace),
        target=target,
    )


def _defaults(plan: Plan, given: Mapping[str, object]) -> dict[str, Any]:
    """Declared defaults (expressions as written), then `--var` values in the declared type."""
    defaults: dict[str, Any] = {**plan.variables, **plan.expressions}
    for name, value in given.items():
        defaults[name] = _typed_like(defaults.get(name), value)
    return defaults


def _typed_like(declared: Any, value: object) -> object:
    if not isinstance(value, str) or isinstance(declared, str) or declared is None:
        return value
    try:
        if isinstance(declared, bool):
            return {"true": True, "false": False}[value.strip().lower()]
        if isinstance(declared, int):
            return int(value)
        if isinstance(declared, float):
            return float(value)
    except (KeyError, ValueError):
        return value
    return value


def _schedule_assets(
    plan: Plan, options: ExportOptions, chosen: list[str], namespace: str
) -> tuple[str, ...]:
    if options.schedule != ASSET:
        return ()
    uris = asset_uris(raw_inputs(plan, chosen), namespace)
    if not uris:
        raise ExportError(
            "--schedule asset: the workflow reads no file that its own tasks do not write, so"
            " no asset can trigger it; use a cron expression or a preset"
        )
    return uris


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC without tzinfo (a naive moment is taken as UTC already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def relative_workflow_path(plan: Plan) -> str:
    """The workflow file relative to the project root, with '/' separators.

    A relative `workflow_path` is taken as the planner gives it: relative to the working folder.
    """
    if plan.workflow_path is None:
        raise ExportError(
            f"workflow {plan.name!r} has no file: only a workflow file can be exported"
        )
    return relative_path(plan.workflow_path, plan.root)


def _stage_views(
    plan: Plan,
    namer: names.Namer,
    chosen: set[str],
    settings: Mapping[str, TaskSettings],
    namespace: str,
) -> tuple[StageView, ...]:
    groups = names.Namer()
    views = []
    for stage in ordered_stages(plan):
        if not any(task_id in chosen for task_id in stage.task_ids) and stage.task_ids:
            continue
        group_id = groups.take(stage.name, fallback="stage")
        tasks = _task_views(stage, group_id, plan, namer, chosen, settings, namespace)
        shown = "" if group_id == stage.name else stage.name
        views.append(StageView(stage.name, group_id, stage.description or "", tasks, shown))
    return tuple(views)


def _task_views(
    stage: StageInfo,
    group_id: str,
    plan: Plan,
    namer: names.Namer,
    chosen: set[str],
    settings: Mapping[str, TaskSettings],
    namespace: str,
) -> tuple[TaskView, ...]:
    in_stage = names.Namer()
    tasks = []
    for task_id in stage.task_ids:
        if task_id not in chosen:
            continue
        task = plan.task(task_id)
        name = in_stage.take(task.name, fallback="pipeline")
        view = TaskView(
            task_id,
            namer.claim(f"{group_id}__{name}"[:VAR_LENGTH].rstrip("_")),
            name,
            group_id,
            display_name="" if name == task.name else task.name,
            settings=settings.get(task_id, NO_SETTINGS),
            outlets=asset_uris(task.outputs, namespace),
            inlets=asset_uris(task.inputs, namespace),
        )
        tasks.append(view)
    return tuple(tasks)


def _edge_views(edges: Iterable[Edge], by_id: Mapping[str, TaskView]) -> Iterable[EdgeView]:
    seen: set[tuple[str, str]] = set()
    for edge in edges:
        if (edge.upstream, edge.downstream) not in seen:
            seen.add((edge.upstream, edge.downstream))
            if edge.upstream in by_id and edge.downstream in by_id:  # both selected
                yield EdgeView(by_id[edge.upstream], by_id[edge.downstream], edge.reason)


def _variable_views(variables: Mapping[str, Any], namer: names.Namer) -> Iterable[VariableView]:
    for name, default in variables.items():
        yield _variable_view(name, namer.take(name, fallback="var"), default)


def _variable_view(name: str, param: str, default: Any) -> VariableView:
    if isinstance(default, bool):
        return VariableView(name, param, default, "boolean", "bool")
    if isinstance(default, int):
        return VariableView(name, param, default, "integer", "int")
    if isinstance(default, float):
        return VariableView(name, param, default, "number", "float")
    if isinstance(default, str):
        return VariableView(name, param, default, "string", "str")
    if isinstance(default, datetime):
        return VariableView(name, param, default.isoformat(), "string", "str", "date-time")
    if isinstance(default, date):
        return VariableView(name, param, default.isoformat(), "string", "str", "date")
    if default is None:
        return VariableView(name, param, None, ["null", "string"], "str | None")
    raise ExportError(
        f"variable {name!r}: a default of type {type(default).__name__} cannot be a parameter;"
        " use a string, number or boolean"
    )
