"""`quicketl workflow run-task`: run one task of a workflow (docker and kubernetes DAG tasks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from quicketl.cli.exit_codes import exit_on_error
from quicketl.cli.options import CacheDirOption, VarsOption, VerboseOption, variables_of


def run_task(
    workflow: Annotated[
        Path,
        typer.Argument(
            help="The workflow file, relative to the project folder.", show_default=False
        ),
    ],
    task_id: Annotated[
        str, typer.Argument(help="The quicketl task id (stage.pipeline).", show_default=False)
    ],
    project_dir: Annotated[
        Path | None,
        typer.Option(
            "--project-dir",
            envvar="QUICKETL_PROJECT_DIR",
            help="The project folder [default: $QUICKETL_PROJECT_DIR, else found from WORKFLOW].",
            show_default=False,
        ),
    ] = None,
    vars_json: Annotated[
        str | None,
        typer.Option(
            "--vars-json",
            metavar="JSON",
            help="Variables as one JSON object, with their types (a DAG run's params).",
            show_default=False,
        ),
    ] = None,
    var: VarsOption = None,
    cache_dir: CacheDirOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Run exactly one task of a workflow against the cache, as generated DAGs do."""
    with exit_on_error(verbose=verbose):
        from quicketl import api

        variables = {**json_variables(vars_json), **variables_of(var)}
        if project_dir is not None and not project_dir.expanduser().is_dir():
            raise api.ConfigError(
                f"project folder {str(project_dir)!r} (--project-dir or QUICKETL_PROJECT_DIR)"
                " is not a folder on this machine"
            )
        summary = api.run_task(
            str(workflow),
            task_id,
            project_dir=str(project_dir.expanduser()) if project_dir else None,
            variables=variables,
            cache_dir=str(cache_dir) if cache_dir else None,
        )
    typer.echo(f"{summary['task_id']}: {summary['status']} ({summary['reason']})")


def json_variables(text: str | None) -> dict[str, Any]:
    """`--vars-json`'s object; anything else is refused (exit 2), naming the option."""
    from quicketl.api import ConfigError

    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ConfigError(f"--vars-json is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise ConfigError(f"--vars-json must be a JSON object, not {type(value).__name__}")
    return value
