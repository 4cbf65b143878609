"""`quicketl workflow log`: recent runs, one run's tasks, and a run's trace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from quicketl.cli.exit_codes import exit_on_error
from quicketl.cli.options import CacheDirOption, JsonOption, VerboseOption, rich_console
from quicketl.cli.workflow_cmds import TraceOption


def log(
    target: Annotated[
        str | None,
        typer.Argument(
            help="A run number (its tasks), or a workflow file or name (its runs).",
            metavar="[WORKFLOW|RUN]",
            show_default=False,
        ),
    ] = None,
    slowest: Annotated[
        int | None,
        typer.Option("--slowest", min=1, metavar="N", help="Only the N slowest tasks of RUN."),
    ] = None,
    trace: TraceOption = None,
    cache_dir: CacheDirOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """List recent workflow runs, or show one run's tasks (the last 100 runs are kept)."""
    with exit_on_error(verbose=verbose, as_json=as_json):
        from quicketl import api
        from quicketl.api import ConfigError

        if target is not None and target.isdigit():
            if trace is not None:
                check_trace_path(trace)
            entry = api.run_record(int(target), cache_dir)
            if trace is not None:
                write_trace(entry, trace)
            _show_run(entry, slowest, as_json)
            return
        if slowest is not None or trace is not None:
            raise ConfigError("--slowest and --trace take a run number: quicketl workflow log RUN")
        entries = api.run_history(target, cache_dir)
    _show_runs(entries, as_json)


def check_trace_path(path: Path) -> None:
    """Refuse a --trace path that cannot be a file before anything runs."""
    from quicketl.api import ConfigError

    if path.is_dir():
        raise ConfigError(
            f"--trace {path}: that is a folder; give a file name, e.g. {path}/run.json"
        )


def write_trace(entry: dict[str, Any], path: Path) -> None:
    """The run as Chrome trace-event JSON at `path`, written whole or not at all."""
    import json
    import os

    from quicketl.api import ConfigError
    from quicketl.report.trace import trace_document

    check_trace_path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(trace_document(entry), indent=1) + "\n", "utf-8")
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"--trace {path}: cannot write it: {error.strerror or error}") from None
    typer.echo(f"Wrote trace {path}", err=True)


def _show_run(entry: dict[str, Any], slowest: int | None, as_json: bool) -> None:
    if as_json:
        from quicketl.report.json_report import to_json

        typer.echo(to_json(entry))
        return
    from quicketl.report.history_report import render_run

    render_run(rich_console(), entry, slowest)


def _show_runs(entries: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        from quicketl.report.json_report import to_json

        typer.echo(to_json({"runs": entries}))
        return
    from quicketl.report.history_report import render_runs

    render_runs(rich_console(), entries)
