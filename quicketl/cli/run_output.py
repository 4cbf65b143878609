"""How `workflow run` and `workflow status` show their result: progress on stderr, the
result (or the --json document) on stdout, and Ctrl-C's exit."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

from quicketl.cli.options import rich_console

if TYPE_CHECKING:
    from rich.console import Console

    from quicketl.api import WorkflowResult
    from quicketl.report.progress import LiveProgress


def progress_reporter(as_json: bool, *, quiet: bool, verbose: bool) -> LiveProgress:
    """Progress goes to stderr: stdout keeps the result (with --json, only the document)."""
    from quicketl.report.progress import LiveProgress

    return LiveProgress(rich_console(stderr=True), quiet=quiet or as_json, verbose=verbose)


def interrupted(reporter: LiveProgress) -> NoReturn:
    """Ctrl-C: the running tasks have finished and are recorded; say so and exit 130."""
    reporter.interrupted()
    raise typer.Exit(130)


def print_result(result: WorkflowResult, console: Console, as_json: bool) -> None:
    if as_json:
        from quicketl.report.json_report import to_json

        typer.echo(to_json(result.to_dict()))
    elif result.dry_run:
        from quicketl.report.workflow_report import render_explain

        render_explain(console, result)
    else:
        from quicketl.report.workflow_report import render_workflow_result

        render_workflow_result(console, result)
