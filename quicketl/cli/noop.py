"""`quicketl workflow run` when nothing needs to run: answered before typer or rich load.

Only the plain form is taken here (a workflow file with --var, --workers, --json,
--cache-dir, --no-wait, --verbose). Anything else, or anything the no-op path cannot settle,
returns None and the full command line takes over, so behaviour never differs, only speed.
That includes any error raised in here: the full path, with its error handling, answers.
When the no-op path gives up, a plain form whose output is no terminal is run by
cli/plain_run.py, still without typer or rich.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quicketl.api import Plan, WorkflowResult

_VALUE_OPTIONS = ("--var", "--workers", "-j", "--cache-dir")
# --fail-fast changes nothing when nothing runs, so a no-op run may ignore it.
_FLAGS = (
    "--json",
    "--no-wait",
    "--verbose",
    "-v",
    "--quiet",
    "-q",
    "--fail-fast",
    "--no-fail-fast",
)


class RunArgs:
    """The plain form of `workflow run`'s arguments. A plain class: a dataclass costs more to
    create at import (about 0.6 ms) than this whole parse."""

    def __init__(self) -> None:
        self.workflow: Path | None = None
        self.variables: dict[str, str] = {}
        self.cache_dir: str | None = None
        self.as_json = False
        self.verbose = False
        self.quiet = False
        self.workers: int | None = None
        self.wait = True
        self.fail_fast: bool | None = None


def try_fast_workflow_run(args: Sequence[str], *, own_process: bool = False) -> int | None:
    """The exit code after answering a no-op run, or None to take the full path.
    `own_process`: the command is the process (`main()` on the process's own arguments),
    which then ends as soon as a no-op answer is out (`_end_process`)."""
    parsed = _parse(args)
    if parsed is None or parsed.workflow is None or not parsed.workflow.is_file():
        return None
    from quicketl.api.noop import environment_defaults_valid

    if not environment_defaults_valid():  # the full path refuses them, with its message
        return None
    if _answered(parsed, own_process):
        return 0
    from quicketl.cli.plain_run import try_plain_run

    return try_plain_run(parsed)


def _answered(parsed: RunArgs, own_process: bool) -> bool:
    """Whether the no-op answer was printed; `own_process`: the process ends once it is.

    The collector is off from importing the no-op path to the last line printed: the imports
    alone made it run some ten young passes, the plan's objects all sit in its youngest
    generation, and the --json document alone makes enough objects to start passes over every
    one of them (0.1-0.2 s at 10,000 tasks). Turned on again, it would first walk everything
    made meanwhile, so a process that ends ends inside the pause. It is on again before a run
    that has work to do."""
    from quicketl.api.noop import collector_paused

    with collector_paused():
        answer = _try_noop(parsed)
        if answer is None:
            return False
        _print(*answer, parsed)
        if own_process:  # inside the pause: the collector never runs again
            from quicketl.cli.process_end import end_process

            end_process(0)
    return True


def _try_noop(parsed: RunArgs) -> tuple[Plan, WorkflowResult] | None:
    assert parsed.workflow is not None
    try:
        from quicketl.api.noop import try_noop_run

        answer: tuple[Plan, WorkflowResult] | None = try_noop_run(
            parsed.workflow, parsed.variables, parsed.cache_dir
        )
    except Exception as exc:  # never a traceback from here: the full path answers instead
        if parsed.verbose:
            sys.stderr.write(f"(no-op check gave up: {type(exc).__name__}: {exc})\n")
        return None
    return answer


def _parse(args: Sequence[str]) -> RunArgs | None:
    parsed = RunArgs()
    items = list(args)
    while items:
        item = _split_short_j(items.pop(0))
        name, eq, inline = item.partition("=")
        if name in _VALUE_OPTIONS:
            value = inline if eq else (items.pop(0) if items else None)
            if value is None or not _take(parsed, name, value):
                return None
        elif item in _FLAGS:
            _flag(parsed, item)
        elif item.startswith("-") or parsed.workflow is not None:
            return None
        else:
            parsed.workflow = Path(item)
    return parsed


def _flag(parsed: RunArgs, item: str) -> None:
    parsed.as_json = parsed.as_json or item == "--json"
    parsed.verbose = parsed.verbose or item in ("--verbose", "-v")
    parsed.quiet = parsed.quiet or item in ("--quiet", "-q")
    parsed.wait = parsed.wait and item != "--no-wait"
    if item in ("--fail-fast", "--no-fail-fast"):
        parsed.fail_fast = item == "--fail-fast"  # the last one given wins, as in click


def _split_short_j(item: str) -> str:
    """`-j4` as click reads it: `-j=4`, so the loop below sees one spelling."""
    return f"-j={item[2:]}" if item.startswith("-j") and item[2:].isdigit() else item


def _take(parsed: RunArgs, name: str, value: str) -> bool:
    if name == "--var":
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            return False
        parsed.variables[key.strip()] = text
    elif name == "--cache-dir":
        parsed.cache_dir = value
    elif value.isdigit() and int(value) >= 1:  # --workers, -j
        parsed.workers = int(value)
    else:
        return False
    return True


def _print(plan: Plan, result: WorkflowResult, parsed: RunArgs) -> None:
    if parsed.as_json:
        from quicketl.report.json_report import to_json

        sys.stdout.write(to_json(result.to_dict()) + "\n")
        return
    from quicketl.report.plain import (
        console_width,
        header_lines,
        result_lines,
        use_color,
        warning_lines,
    )
    from quicketl.report.task_lines import plain_finish_lines

    sys.stdout.write("\n".join(header_lines(plan)) + "\n")
    sys.stdout.flush()
    diagnostics = warning_lines(plan)  # as the full path: warnings and progress on stderr
    if not parsed.quiet:
        diagnostics += plain_finish_lines(result.tasks, parsed.verbose)
    if diagnostics:
        sys.stderr.write("\n".join(diagnostics) + "\n")
        sys.stderr.flush()
    lines = result_lines(result, console_width(), use_color())
    sys.stdout.write("\n".join(lines) + "\n")
