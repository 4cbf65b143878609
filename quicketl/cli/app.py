"""The root typer app: every command registered, none of their work imported yet."""

from __future__ import annotations

from typing import Annotated

import typer

from quicketl.cli import log_cmds, pipeline_cmds, project_cmds, task_cmds
from quicketl.cli.cache_cmds import app as cache_app
from quicketl.cli.workflow_cmds import app as workflow_app

app = typer.Typer(
    name="quicketl",
    help="Run declarative YAML pipelines on DuckDB, and workflows of them as an incremental build.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(requested: bool) -> None:
    if requested:
        from quicketl.cli.main import version_line

        typer.echo(version_line())
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """quicketl: declarative YAML ETL pipelines on DuckDB, run as an incremental build."""


app.command("run")(pipeline_cmds.run)
app.command("validate")(pipeline_cmds.validate)
workflow_app.command("log")(log_cmds.log)
workflow_app.command("run-task")(task_cmds.run_task)
app.command("init")(project_cmds.init)
app.command("schema")(project_cmds.schema)
app.command("info")(project_cmds.info)
app.add_typer(workflow_app)
app.add_typer(cache_app)
