"""The parts of generated modules whose layout depends on names: laid out for `ruff format`."""

from __future__ import annotations

import shlex

from quicketl.export.layout import Bracket, Item, assignment, binary, lay_out
from quicketl.export.literals import python_literal as lit
from quicketl.export.options import ExportOptions
from quicketl.export.view import StageView, TaskView, WorkflowView

REASONS = {
    "depends_on": "# depends_on between stages",
    "order": "# list order in a stage that is not parallel",
    "lineage": "# lineage: reads what the upstream task writes",
}


def constant(name: str, value: object) -> str:
    """A module-level `NAME = literal`; a list is laid out like a call."""
    if isinstance(value, list | tuple):
        items: list[Item] = [lit(v) for v in value]
        return lay_out(Bracket("[", items, "]"), 0, f"{name} = ")
    return assignment(name, lit(value))


def regenerate_command(view: WorkflowView) -> str:
    """The `quicketl workflow generate` command that makes this file again."""
    options, default = view.options, ExportOptions()
    words = ["quicketl", "workflow", "generate", view.workflow_path, "--target", view.target]
    flags = [
        ("--dag-id", options.dag_id, default.dag_id),
        ("--schedule", options.schedule, default.schedule),
        ("--start-date", options.start_date, default.start_date),
        ("--retries", options.retries, default.retries),
        ("--retry-delay", options.retry_delay_seconds, default.retry_delay_seconds),
        ("--workers", options.workers, default.workers),
        ("--project-dir", options.project_dir, default.project_dir),
        ("--mode", options.mode, default.mode),
        ("--execution", options.execution, default.execution),
        ("--image", options.image, default.image),
    ]
    for flag, value, usual in flags:
        if value != usual:
            words += [flag, str(value)]
    for selector in options.select:
        words += ["--select", selector]
    for requirement in options.requirements:
        words += ["--requirements", requirement]
    return " ".join(shlex.quote(word) for word in words)


# --- Airflow ---------------------------------------------------------------------------------


def airflow_group(stage: StageView, indent: int) -> str:
    items: list[Item] = [f"group_id={lit(stage.group_id)}"]
    if stage.display_name:
        items.append(f"group_display_name={lit(stage.display_name)}")
    if stage.description:
        items.append(f"tooltip={lit(stage.description)}")
    return lay_out(Bracket("TaskGroup(", items, ")"), indent, "with ", ":")


def airflow_task(task: TaskView, indent: int) -> str:
    items: list[Item] = [lit(task.id), lit(task.name)]
    if task.display_name:
        items.append(f"task_display_name={lit(task.display_name)}")
    if task.outlets:
        items.append(("outlets=", Bracket("[", [lit(u) for u in task.outlets], "]")))
    if task.inlets:
        items.append(("inlets=", Bracket("[", [lit(u) for u in task.inlets], "]")))
    settings = task.settings
    for key, value in (
        ("pool", settings.pool),
        ("priority_weight", settings.priority_weight),
        ("retries", settings.retries),
        ("owner", settings.owner),
    ):
        if value is not None:
            items.append(f"{key}={lit(value)}")
    if settings.execution_timeout is not None:
        items.append(f"execution_timeout=timedelta(seconds={settings.execution_timeout})")
    return lay_out(Bracket("_quicketl_task(", items, ")"), indent, f"{task.var} = ")


def airflow_params(view: WorkflowView, indent: int) -> str:
    items: list[Item] = []
    for v in view.variables:
        args: list[Item] = [lit(v.default), f"type={lit(v.json_type)}"]
        if v.format:
            args.append(f"format={lit(v.format)}")
        items.append((f"{lit(v.name)}: ", Bracket("Param(", args, ")")))
    return lay_out(Bracket("{", items, "}"), indent, "params=", ",")


def airflow_schedule(view: WorkflowView, indent: int) -> str:
    if not view.schedule_assets:
        return f"schedule={lit(view.schedule)},"
    assets: list[Item] = [f"Asset({lit(uri)})" for uri in view.schedule_assets]
    if len(assets) == 1:
        return lay_out(Bracket("[", assets, "]"), indent, "schedule=", ",")
    return lay_out(Bracket("AssetAny(", assets, ")"), indent, "schedule=", ",")


def airflow_edges(view: WorkflowView, indent: int) -> list[str]:
    """`a >> b` lines, grouped under a comment per kind of edge."""
    lines: list[str] = []
    for reason, comment in REASONS.items():
        edges = [e for e in view.edges if e.reason == reason]
        if edges:
            lines.append(comment)
            lines += [binary(e.upstream.var, ">>", e.downstream.var, indent) for e in edges]
    return lines


def airflow_tags(view: WorkflowView) -> list[str]:
    return ["quicketl"]


# --- Prefect ---------------------------------------------------------------------------------


def prefect_task(task: TaskView, indent: int) -> str:
    items: list[Item] = [lit(task.prefect_name)]
    items.append(("", Bracket("[", [lit(u) for u in task.outlets], "]")))
    items.append(("", Bracket("[", [lit(u) for u in task.inlets], "]")))
    settings = task.settings
    if settings.retries is not None:
        items.append(f"retries={settings.retries}")
    if settings.execution_timeout is not None:
        items.append(f"timeout_seconds={settings.execution_timeout}")
    if settings.tags:
        items.append(("tags=", Bracket("[", [lit(t) for t in settings.tags], "]")))
    return lay_out(Bracket("_prefect_task(", items, ")"), indent, f"{task.var} = ")


def prefect_submit(view: WorkflowView, task: TaskView, indent: int) -> str:
    upstream: list[Item] = [lit(u.id) for u in view.upstream(task)]
    items: list[Item] = [
        "runs",
        task.var,
        lit(task.id),
        "variables",
        ("", Bracket("[", upstream, "]")),
    ]
    return lay_out(Bracket("_submit(", items, ")"), indent)


def prefect_serve(view: WorkflowView, indent: int) -> str:
    items: list[Item] = [f"name={lit(view.dag_id)}", "cron=SCHEDULE"]
    return lay_out(Bracket(f"{view.flow_function}.serve(", items, ")"), indent)


def prefect_signature(view: WorkflowView) -> str:
    params: list[Item] = [f"{v.param}: {v.annotation} = {lit(v.default)}" for v in view.variables]
    return lay_out(
        Bracket(f"def {view.flow_function}(", params, ")"), 0, "", " -> dict[str, dict[str, str]]:"
    )


def prefect_variables(view: WorkflowView, indent: int) -> str:
    items: list[Item] = [f"{lit(v.name)}: {v.param}" for v in view.variables]
    return lay_out(Bracket("{", items, "}"), indent, "variables: dict[str, Any] = ")
