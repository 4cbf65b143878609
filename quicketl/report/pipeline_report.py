"""A pipeline run for people: a status panel, the steps, the quality checks, the row counts."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quicketl.engine.result import CheckResult, PipelineResult, StepResult
from quicketl.report.formatting import MAX_SAMPLES, duration, rows, sample_row

_STEP_STATUS = {
    "ok": ("OK", "green"),
    "failed": ("FAILED", "bold red"),
    "skipped": ("SKIPPED", "dim"),
}


def render_pipeline_result(console: Console, result: PipelineResult) -> None:
    """Print the whole report of one run."""
    console.print(status_panel(result))
    if result.steps:
        console.print(steps_table(result.steps))
    if result.checks:
        console.print(checks_table(result.checks))
    console.print(rows_line(result))


def status_panel(result: PipelineResult) -> Panel:
    """`SUCCESS` or `FAILED` with the error, titled by the pipeline, the duration below."""
    body = Text("SUCCESS", style="bold green") if result.succeeded else Text("FAILED", "bold red")
    if result.dry_run:
        body.append("  (dry run: nothing was written)", style="yellow")
    parts: list[Text] = [body]
    if result.error:
        parts.append(Text(result.error))
    return Panel(
        Group(*parts),
        title=Text(f"Pipeline: {result.name}"),
        subtitle=Text(f"Duration: {duration(result.duration_ms)}"),
    )


def steps_table(steps: list[StepResult]) -> Table:
    table = Table(title="Steps")
    table.add_column("Step")
    table.add_column("Type")
    table.add_column("Status")
    table.add_column("Rows", justify="right")
    table.add_column("Duration", justify="right")
    for step in steps:
        label, style = _STEP_STATUS.get(step.status, (step.status.upper(), ""))
        table.add_row(
            _step_label(step),
            step.kind,
            Text(label, style=style),
            rows(step.rows),
            duration(step.duration_ms),
        )
    return table


def _step_label(step: StepResult) -> Text:
    label = Text(step.name)
    if step.detail:
        label.append(f"\n{step.detail}", style="dim")
    return label


def checks_table(checks: list[CheckResult]) -> Table:
    table = Table(title="Quality checks")
    table.add_column("Check")
    table.add_column("Severity")
    table.add_column("Status")
    table.add_column("Failed rows", justify="right")
    table.add_column("Details")
    for check in checks:
        table.add_row(
            Text(check.name),
            check.severity,
            check_status(check),
            str(check.failed_rows),
            Text(check_details(check)),
        )
    return table


def check_status(check: CheckResult) -> Text:
    if check.passed:
        return Text("PASS", style="green")
    if check.severity == "warn":
        return Text("WARN", style="yellow")
    return Text("FAIL", style="bold red")


def check_details(check: CheckResult) -> str:
    """The check's message and, for a failure, a few of the offending rows."""
    lines = [check.message] if check.message else []
    if not check.passed:
        lines += [sample_row(row) for row in check.samples[:MAX_SAMPLES]]
        hidden = check.failed_rows - min(len(check.samples), MAX_SAMPLES)
        if check.samples and hidden > 0:
            lines.append(f"... and {hidden} more")
    return "\n".join(lines)


def rows_line(result: PipelineResult) -> Text:
    written = f"{result.rows_written}" + (" (dry run)" if result.dry_run else "")
    return Text(f"Rows read: {result.rows_read}  Rows written: {written}")
