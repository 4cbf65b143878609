"""A pipeline run for people: a status panel, the steps, the quality checks, the row counts."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quicketl.engine.pipeline_result import CheckResult, PipelineResult, StepResult
from quicketl.report.formatting import MAX_SAMPLES, cell_text, duration, rows, step_duration

_STEP_STATUS = {
    "ok": ("OK", "green"),
    "failed": ("FAILED", "bold red"),
    "skipped": ("SKIPPED", "dim"),
}


RESTORED = "restored from "  # how the reason of a task restored from the output cache begins


def render_pipeline_result(console: Console, result: PipelineResult) -> None:
    """Print the whole report of one run."""
    console.print(status_panel(result))
    if result.steps:
        console.print(steps_table(result.steps))
    if result.checks:
        console.print(checks_table(result.checks))
    for check in result.checks:
        if not check.passed and check.samples:
            console.print(samples_table(check))
    if result.up_to_date:
        return
    if result.reasons and result.reasons[0].startswith(RESTORED):  # nothing ran
        console.print(f"Not run: {'; '.join(result.reasons)}", highlight=False)
        return
    if result.reasons:
        console.print(f"Ran because: {'; '.join(result.reasons)}", highlight=False)
    console.print(rows_line(result))


def status_panel(result: PipelineResult) -> Panel:
    """`SUCCESS` or `FAILED` with the error, titled by the pipeline, the duration below."""
    body = Text("SUCCESS", style="bold green") if result.succeeded else Text("FAILED", "bold red")
    if result.dry_run:
        body.append("  (dry run: nothing was written)", style="yellow")
    if result.up_to_date:
        body.append("  (up to date: nothing changed since the last run)", style="dim")
    parts: list[Text] = [body]
    if result.up_to_date:  # e.g. that the last run's checks failed: never forgotten
        parts += [Text(note, style="yellow") for note in result.reasons if note != "up to date"]
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
            step_duration(step.duration_ms),
        )
    return table


def _step_label(step: StepResult) -> Text:
    label = Text(step.name)
    if step.detail:
        label.append(f"  {step.detail}", style="dim")
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
    """What a failed check found; nothing for a check that passed."""
    return "" if check.passed else check.message


def samples_table(check: CheckResult) -> Group:
    """A few of the rows a check rejected, under their column names."""
    shown = check.samples[:MAX_SAMPLES]
    table = Table()
    for column in shown[0]:
        table.add_column(column)
    for row in shown:
        table.add_row(*(Text(cell_text(value)) for value in row.values()))
    parts: list[Text | Table] = [Text(f"Failing rows: {check.name}", style="bold"), table]
    hidden = check.failed_rows - len(shown)
    if hidden > 0:
        parts.append(Text(f"... and {hidden} more"))
    return Group(*parts)


def rows_line(result: PipelineResult) -> Text:
    written = f"{result.rows_written}" + (" (dry run)" if result.dry_run else "")
    return Text(f"Rows read: {result.rows_read}  Rows written: {written}")
