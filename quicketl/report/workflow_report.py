"""A workflow run for people, as README.md shows it: header, panel, Stages table, summary."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quicketl.execute.outcomes import TaskOutcome, WorkflowResult
from quicketl.plan.model import Plan
from quicketl.report.diagnostics import print_warnings
from quicketl.report.formatting import duration
from quicketl.report.workflow_summary import summary_line

_STAGE_STYLE = {"OK": "green", "FAILED": "bold red", "SKIPPED": "yellow", "PARTIAL": "yellow"}
_TASK_LABEL = {
    "ran": ("ran", "green"),
    "up_to_date": ("up to date", "dim"),
    "restored": ("restored", "blue"),
    "failed": ("FAILED", "bold red"),
    "skipped": ("skipped", "yellow"),
    "not_run": ("not started", "yellow"),
    "would_run": ("will run", "cyan"),
    "may_run": ("may run", "cyan"),
}


def render_header(console: Console, plan: Plan) -> None:
    """`Running workflow: NAME` with the stage and pipeline counts; warnings go to stderr,
    whole (a `FILE:LINE` message is never wrapped)."""
    console.print(f"Running workflow: {plan.name}", highlight=False)
    console.print(f"  Stages: {len(plan.stages)}", highlight=False)
    console.print(f"  Pipelines: {len(plan.tasks)}", highlight=False)
    console.print()
    print_warnings(plan.warnings)


def render_workflow_result(console: Console, result: WorkflowResult) -> None:
    console.print(status_panel(result))
    console.print(stages_table(result))
    problems = [t for t in result.tasks if t.status in ("failed", "skipped", "not_run")]
    if problems:
        console.print(problems_table(problems))
    console.print(summary_line(result), highlight=False)


def status_panel(result: WorkflowResult) -> Panel:
    body = Text("SUCCESS", style="bold green") if result.succeeded else Text("FAILED", "bold red")
    return Panel(
        body,
        title=Text(f"Workflow: {result.name}"),
        subtitle=Text(f"Duration: {duration(result.duration_ms)}"),
    )


def stages_table(result: WorkflowResult) -> Table:
    table = Table(title="Stages")
    table.add_column("Stage")
    table.add_column("Status")
    table.add_column("Pipelines", justify="right")
    table.add_column("Duration", justify="right")
    for stage in result.stages():
        table.add_row(
            stage.name,
            Text(stage.status, style=_STAGE_STYLE.get(stage.status, "")),
            f"{stage.succeeded}/{stage.total}",
            duration(stage.duration_ms),
        )
    return table


def problems_table(tasks: list[TaskOutcome]) -> Table:
    """Each failed or skipped task with its reason, so failures are readable without --json."""
    table = Table(title="Problems")
    table.add_column("Pipeline")
    table.add_column("Status")
    table.add_column("Reason")
    for task in tasks:
        label, style = _TASK_LABEL[task.status]
        table.add_row(task.task_id, Text(label, style=style), Text(_why(task)))
    return table


def _why(task: TaskOutcome) -> str:
    return task.error or "; ".join(task.reasons)


def render_explain(console: Console, result: WorkflowResult) -> None:
    """The `status` view: every task, up to date or will run, with its reasons."""
    table = Table(title=f"Workflow: {result.name}")
    table.add_column("Stage")
    table.add_column("Pipeline")
    table.add_column("Decision")
    table.add_column("Reason")
    for task in result.tasks:
        label, style = _TASK_LABEL[task.status]
        why = "unchanged" if task.status == "up_to_date" else "\n".join(task.reasons)
        table.add_row(task.stage, task.name, Text(label, style=style), Text(why))
    console.print(table)
    will = result.count("would_run")
    may = result.count("may_run")
    line = f"{result.count('up_to_date')} up to date, {will} will run"
    console.print(line + (f", {may} may run" if may else ""), highlight=False)
    print_warnings(result.warnings)
