"""Errors to one clear message on stderr (or one JSON document) and quicketl's exit codes.

typer is imported only by `exit_on_error`: the plain `workflow run` (cli/plain_run.py) reports
its errors with `report_error` and never loads it.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from quicketl.api import ConfigError, QuickETLError

INTERNAL_ERROR_EXIT = 1


@contextmanager
def exit_on_error(*, verbose: bool, as_json: bool = False) -> Iterator[None]:
    """Turn a raised error into its message and `typer.Exit` with the error's exit code."""
    import typer

    try:
        yield
    except (typer.Exit, typer.Abort, BrokenPipeError):
        raise  # a closed stdout is no error to report (there is nowhere to report it)
    except Exception as exc:
        raise typer.Exit(report_error(exc, verbose=verbose, as_json=as_json)) from None


def error_text(exc: BaseException) -> str:
    """The message for people: a config error's problems one per line, else `error: ...`."""
    if isinstance(exc, ConfigError):
        return "\n".join(dict.fromkeys(str(problem) for problem in exc.problems))
    if isinstance(exc, QuickETLError):
        return f"error: {exc}"
    return f"error: {type(exc).__name__}: {exc}"


def report_error(exc: Exception, *, verbose: bool, as_json: bool) -> int:
    """Say what went wrong (and, with --json, the error document on stdout); the exit code.
    A foreign error that escaped its layer is still one message, but says what it was."""
    if verbose:
        _echo("".join(traceback.format_exception(exc)), err=True)
    if as_json:
        from quicketl.report.json_report import error_document, to_json

        _echo(to_json(error_document(exc)))
    _echo(error_text(exc), err=True)
    if isinstance(exc, QuickETLError):
        return exc.exit_code
    if not verbose:
        _echo("(run with --verbose for the traceback)", err=True)
    return INTERNAL_ERROR_EXIT


def _echo(text: str, *, err: bool = False) -> None:
    """One line, flushed, as `typer.echo` writes it (looked up late: tests capture streams)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()
