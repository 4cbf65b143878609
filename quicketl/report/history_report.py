"""The run history for people: the list of recent runs, and one run's tasks."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from quicketl.report.task_lines import STATUS_STYLES, STATUS_WORDS, seconds

_RUN_STYLES = {"success": "green", "failed": "bold red", "interrupted": "yellow"}


def render_runs(console: Console, entries: list[dict[str, Any]]) -> None:
    """`quicketl workflow log`: one row per run, most recent first."""
    if not entries:
        console.print("no runs recorded yet", highlight=False)
        return
    table = Table(title="Runs")
    table.add_column("Run", justify="right")
    table.add_column("Started (UTC)", no_wrap=True)
    table.add_column("Workflow")
    table.add_column("Status")
    table.add_column("OK", justify="right")
    table.add_column("Ran", justify="right")
    table.add_column("Duration", justify="right")
    for doc in entries:
        tasks = doc.get("tasks", [])
        ok = sum(1 for t in tasks if t.get("status") in ("ran", "up_to_date", "restored"))
        table.add_row(
            str(doc.get("run_id")),
            _when(doc.get("started_at")),
            str(doc.get("workflow", "")),
            Text(str(doc.get("status")), style=_RUN_STYLES.get(str(doc.get("status")), "")),
            f"{ok}/{len(tasks)}",
            str(sum(1 for t in tasks if t.get("status") == "ran")),
            seconds(float(doc.get("duration_ms") or 0)),
        )
    console.print(table)


def render_run(console: Console, doc: dict[str, Any], slowest: int | None = None) -> None:
    """`quicketl workflow log RUN`: the run, then its tasks (or only the slowest)."""
    selection = ", ".join(doc.get("selection") or []) or "all"
    console.print(
        f"Run {doc.get('run_id')}: {doc.get('workflow')} {doc.get('status')}, started "
        f"{_when(doc.get('started_at'))} UTC, {seconds(float(doc.get('duration_ms') or 0))}, "
        f"selection: {selection}; {counts(doc.get('tasks', []))}",
        highlight=False,
        soft_wrap=True,
    )
    tasks = list(doc.get("tasks", []))
    title = "Tasks"
    if slowest is not None:
        tasks = sorted(tasks, key=lambda t: -float(t.get("duration_ms") or 0))[:slowest]
        title = f"Slowest {len(tasks)} tasks"
    console.print(tasks_table(title, tasks))


def tasks_table(title: str, tasks: list[dict[str, Any]]) -> Table:
    table = Table(title=title)
    table.add_column("Task", no_wrap=True)  # a task id is never cropped: it is what one greps
    table.add_column("Status", no_wrap=True)
    table.add_column("Duration", justify="right")
    table.add_column("Rows", justify="right")
    table.add_column("Reason", overflow="fold")  # folded, not cropped: a path stays whole
    for task in tasks:
        status = str(task.get("status"))
        word = STATUS_WORDS.get(status, status)
        rows = task.get("rows_written")
        reasons = [r for r in task.get("reasons") or [] if r != word]
        took = seconds(float(task.get("duration_ms") or 0)) if task.get("started_at") else "-"
        table.add_row(
            str(task.get("task_id")),
            Text(word, style=STATUS_STYLES.get(status, "")),
            took,
            "-" if rows is None else str(rows),
            Text(task.get("error") or "; ".join(reasons)),
        )
    return table


def counts(tasks: list[dict[str, Any]]) -> str:
    """`3 ran, 2 up to date, 1 failed`: the statuses of a run's tasks, in a fixed order."""
    order = ["ran", "up_to_date", "restored", "failed", "skipped", "not_run"]
    found = [(s, sum(1 for t in tasks if t.get("status") == s)) for s in order]
    return ", ".join(f"{n} {STATUS_WORDS[s]}" for s, n in found if n) or "-"


def _when(iso: object) -> str:
    """`2026-11-30 12:25:05`: an ISO time, shortened for a table."""
    text = str(iso or "")
    return text[:19].replace("T", " ")
