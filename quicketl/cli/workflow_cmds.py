"""`quicketl workflow ...`: commands over workflow files (registered by the workflow layer)."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="workflow",
    help="Run, validate and inspect workflows: stages of pipelines run as an incremental build.",
    no_args_is_help=True,
)
