"""`quicketl workflow run` in its plain form when tasks must run, without typer or rich.

The no-op path (cli/noop.py) gives up as soon as one task must run. Then, when neither stdout
nor stderr is a terminal (CI, a pipe, a benchmark), nothing calls for rich's live line or
colours, and this module runs the workflow through the API as `cli/workflow_cmds.run` does,
printing the same header, progress lines, report and exit code as plain text
(report/plain.py, report/plain_progress.py); errors are reported as `exit_on_error` reports
them. A result with failed or skipped tasks also has a Problems table: rich draws that one,
after the run. On a terminal, or for any other form of the command, the typer command runs.
Not importing typer and rich is what makes a cold start fast (docs/performance.md).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quicketl.api import Plan, WorkflowResult
    from quicketl.cli.noop import RunArgs

# Settings with which rich treats a stream as a terminal even when it is not one.
_FORCED_TERMINAL = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")
_SHOWN = ("ran", "up_to_date")


def try_plain_run(parsed: RunArgs) -> int | None:
    """The run's exit code, or None when the output is a terminal (the typer command runs)."""
    if not _plain_output():
        return None
    try:
        result = _run(parsed)
    except KeyboardInterrupt:  # before any task started: 130 and nothing more, as typer does
        return 130
    if isinstance(result, int):
        return result
    _print_result(result, parsed.as_json)
    return 0 if result.succeeded else 1


def _plain_output() -> bool:
    if any(os.environ.get(name) for name in _FORCED_TERMINAL):
        return False
    try:
        return not sys.stdout.isatty() and not sys.stderr.isatty()
    except ValueError:  # a closed stream: let the full path say what it says
        return False


def _run(parsed: RunArgs) -> WorkflowResult | int:
    """The result, or the exit code of an error (reported) or of Ctrl-C during the run. Ctrl-C
    while planning goes up to `try_plain_run`, as it goes up to typer on the full path."""
    from quicketl import api
    from quicketl.cli.exit_codes import report_error

    assert parsed.workflow is not None
    try:
        plan = api.plan_for_run(parsed.workflow, parsed.variables, parsed.cache_dir)
        if not parsed.as_json:
            _print_header(plan)
        return _execute(plan, parsed)
    except BrokenPipeError:
        raise  # nowhere to report it: cli/main.py ends quietly
    except Exception as exc:
        return report_error(exc, verbose=parsed.verbose, as_json=parsed.as_json)


def _execute(plan: Plan, parsed: RunArgs) -> WorkflowResult | int:
    from quicketl import api
    from quicketl.report.plain_progress import PlainProgress

    reporter = PlainProgress(quiet=parsed.quiet or parsed.as_json, verbose=parsed.verbose)
    try:
        return api.execute_plan(
            plan,
            workers=parsed.workers,
            cache_dir=parsed.cache_dir,
            wait=parsed.wait,
            reporter=reporter,
            variables=parsed.variables,
            fail_fast=parsed.fail_fast,
        )
    except KeyboardInterrupt:  # the running tasks finished and are recorded
        reporter.interrupted()
        return 130


def _print_header(plan: Plan) -> None:
    from quicketl.report.diagnostics import print_warnings
    from quicketl.report.plain import header_lines

    sys.stdout.write("\n".join(header_lines(plan)) + "\n")
    print_warnings(plan.warnings)


def _print_result(result: WorkflowResult, as_json: bool) -> None:
    if as_json:
        from quicketl.report.json_report import to_json

        sys.stdout.write(to_json(result.to_dict()) + "\n")
    elif all(task.status in _SHOWN for task in result.tasks):
        from quicketl.report.plain import console_width, result_lines

        sys.stdout.write("\n".join(result_lines(result, console_width())) + "\n")
    else:  # the Problems table too
        from rich.console import Console

        from quicketl.report.workflow_report import render_workflow_result

        render_workflow_result(Console(highlight=False), result)
    sys.stdout.flush()
