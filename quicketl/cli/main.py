"""Entry point of the `quicketl` command; `--version` answers before typer is even imported."""

from __future__ import annotations

import gc
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from quicketl.api import QuickETLWarning

if TYPE_CHECKING:
    import typer


def version_line() -> str:
    """What `quicketl --version` prints."""
    from quicketl.api import __version__

    return f"quicketl {__version__}"


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line with `argv` (default: the process arguments). Without `argv` the
    command is the process (the console script, `python -m quicketl`): it then ends the
    process itself once the command is done, without the interpreter's teardown
    (cli/process_end.py)."""
    global _OWN_PROCESS
    from quicketl.cli.masked import masked_output

    code: str | int | None = 0
    try:
        with masked_output():
            _main(argv)
    except BrokenPipeError:
        _reader_went_away()
    except KeyboardInterrupt:  # before a command handles it (typer building its app): nothing
        sys.exit(130)  # has started, so nothing to say; 130 as typer and the commands exit
    except SystemExit as done:
        if argv is not None:
            raise
        code = done.code
    finally:
        _OWN_PROCESS = False  # a caller that goes on (a test) is a host process again
    if argv is not None:
        return
    from quicketl.cli.process_end import end_process, may_end_now

    if not may_end_now():
        sys.exit(code)
    end_process(code)


def _reader_went_away() -> None:
    """`quicketl ... | head -1`: the reader closed the pipe. End quietly with 1, as click and
    rich do on the full path, and point stdout at /dev/null so the interpreter's last flush
    cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


def _main(argv: Sequence[str] | None) -> None:
    _no_pydantic_plugin_scan()
    args = _select_environment(list(sys.argv[1:] if argv is None else argv))
    warnings.showwarning = _show_warning
    _spare_full_collections()
    if args == ["--version"]:
        print(version_line())
        return
    if args[:2] == ["workflow", "run"]:
        from quicketl.cli.noop import try_fast_workflow_run

        # `argv` None: the process's own command line, so a no-op answer may end the process
        code = try_fast_workflow_run(args[2:], own_process=argv is None)
        if code is not None:
            sys.exit(code)
    from quicketl.cli.app import app

    app(args=args, prog_name="quicketl")


def _no_pydantic_plugin_scan() -> None:
    """pydantic looks for plugins of its own through every installed package's entry points
    when the first model is built (5-10 ms of a run's start-up, more the more is installed).
    quicketl's command line has no use for them; its API, used from the user's own program,
    still has them. A value the user set is kept (pydantic's documented switch)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _select_environment(args: list[str]) -> list[str]:
    """`--env NAME` (QuickETL 1.x) selects an environment of quicketl.yml for every command,
    as `QUICKETL_ENV=NAME` does; the variables layer reads it from there."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--env" and index + 1 < len(args):
            os.environ["QUICKETL_ENV"] = args[index + 1]
            return args[:index] + args[index + 2 :]
        if arg.startswith("--env="):
            os.environ["QUICKETL_ENV"] = arg.removeprefix("--env=")
            return args[:index] + args[index + 1 :]
    return args


_python_showwarning = warnings.showwarning


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """quicketl's warnings as one `warning: ...` line on stderr; others as Python prints them."""
    if issubclass(category, QuickETLWarning):
        print(f"warning: {message}", file=sys.stderr, flush=True)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


def _spare_full_collections() -> None:
    """A command builds one large structure (the plan) that lives until it exits. Each full
    collection walks all of it, about ten times while it grows: a quarter of `workflow
    validate` at 10,000 pipelines. Young collections still run; full ones become rare."""
    global _OWN_PROCESS
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1000)
    _OWN_PROCESS = True


_OWN_PROCESS = False  # set while `main` runs: the command is the process (the console script)


@contextmanager
def kept_for_good() -> Iterator[None]:
    """When the command is the process (`main`): the collector paused while the block builds
    what lives until the command exits (a plan), and all of it moved out of the collector's
    sight after (`gc.freeze`). Planning 10,000 pipelines makes millions of objects, next to
    none in cycles; the collector walked them as they were made, and would walk them all
    again on its first pass after a pause, a quarter of a second each time. Elsewhere (the
    API, a test calling the app) this does nothing."""
    if not _OWN_PROCESS:
        yield
        return
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # before enabling: it also clears the count that would start a pass
        if was_on:
            gc.enable()


def __getattr__(name: str) -> typer.Typer:
    # `from quicketl.cli.main import app` builds the typer app only when asked for.
    if name == "app":
        from quicketl.cli.app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
