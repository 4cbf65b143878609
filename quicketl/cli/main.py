"""Entry point of the `quicketl` command; `--version` answers before typer is even imported."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer


def version_line() -> str:
    """What `quicketl --version` prints."""
    from quicketl import __version__

    return f"quicketl {__version__}"


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line with `argv` (default: the process arguments)."""
    args = list(sys.argv[1:] if argv is None else argv)
    _spare_full_collections()
    if args == ["--version"]:
        print(version_line())
        return
    if args[:2] == ["workflow", "run"]:
        from quicketl.cli.fast import try_fast_workflow_run

        code = try_fast_workflow_run(args[2:])
        if code is not None:
            sys.exit(code)
    from quicketl.cli.app import app

    app(args=args, prog_name="quicketl")


def _spare_full_collections() -> None:
    """A command builds one large structure (the plan) that lives until it exits. Each full
    collection walks all of it, about ten times while it grows: a quarter of `workflow
    validate` at 10,000 pipelines. Young collections still run; full ones become rare."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1000)


def __getattr__(name: str) -> typer.Typer:
    # `from quicketl.cli.main import app` builds the typer app only when asked for.
    if name == "app":
        from quicketl.cli.app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
