"""Errors to one clear message on stderr (or one JSON document) and quicketl's exit codes."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from quicketl.api import ConfigError, QuickETLError

INTERNAL_ERROR_EXIT = 1


@contextmanager
def exit_on_error(*, verbose: bool, as_json: bool = False) -> Iterator[None]:
    """Turn a raised error into its message and `typer.Exit` with the error's exit code."""
    try:
        yield
    except (typer.Exit, typer.Abort, BrokenPipeError):
        raise  # a closed stdout is no error to report (there is nowhere to report it)
    except QuickETLError as exc:
        _report(exc, verbose=verbose, as_json=as_json)
        raise typer.Exit(exc.exit_code) from None
    except Exception as exc:
        # A foreign error that escaped its layer: still one message, but say what it was.
        _report(exc, verbose=verbose, as_json=as_json)
        raise typer.Exit(INTERNAL_ERROR_EXIT) from None


def error_text(exc: BaseException) -> str:
    """The message for people: a config error's problems one per line, else `error: ...`."""
    if isinstance(exc, ConfigError):
        return "\n".join(dict.fromkeys(str(problem) for problem in exc.problems))
    if isinstance(exc, QuickETLError):
        return f"error: {exc}"
    return f"error: {type(exc).__name__}: {exc}"


def _report(exc: Exception, *, verbose: bool, as_json: bool) -> None:
    if verbose:
        typer.echo("".join(traceback.format_exception(exc)), err=True)
    if as_json:
        from quicketl.report.json_report import error_document, to_json

        typer.echo(to_json(error_document(exc)))
    typer.echo(error_text(exc), err=True)
    if not verbose and not isinstance(exc, QuickETLError):
        typer.echo("(run with --verbose for the traceback)", err=True)
