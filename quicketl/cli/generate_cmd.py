"""`quicketl workflow generate`: an Airflow DAG or a Prefect flow that runs a workflow task by
task (registered on the `workflow` app by cli/workflow_cmds.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from quicketl.cli.exit_codes import exit_on_error
from quicketl.cli.generate_options import (
    DeploymentOption,
    ExecutionOption,
    ImageOption,
    ModeOption,
    RequirementsOption,
    WorkPoolOption,
    deployment_file,
    isolation_options,
)
from quicketl.cli.options import SelectOption, VarsOption, VerboseOption, WorkflowArg, variables_of


def generate(
    workflow: WorkflowArg,
    target: Annotated[str, typer.Option("--target", "-t", help="airflow or prefect.")] = "airflow",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    dag_id: Annotated[str | None, typer.Option("--dag-id", help="DAG / flow id.")] = None,
    schedule: Annotated[
        str | None,
        typer.Option("--schedule", help="Cron, preset (@daily), or asset (Airflow: on new data)."),
    ] = None,
    start_date: Annotated[
        str, typer.Option("--start-date", help="First logical date (ISO).")
    ] = "2025-01-01",
    retries: Annotated[int, typer.Option("--retries", min=0, help="Retries per task.")] = 0,
    retry_delay: Annotated[
        int, typer.Option("--retry-delay", min=0, help="Seconds between retries.")
    ] = 300,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Tasks at once.")] = 4,
    project_dir: Annotated[
        str | None,
        typer.Option(
            "--project-dir",
            help="Bake this project folder in (default: read QUICKETL_PROJECT_DIR at run time).",
        ),
    ] = None,
    select: SelectOption = None,
    var: VarsOption = None,
    remote_cache: Annotated[
        str | None,
        typer.Option(
            "--remote-cache",
            metavar="URL",
            help="Each task pulls the upstream outputs it reads from this cache and pushes its "
            "own (workers without a shared disk; credentials from the workers' environment).",
            show_default=False,
        ),
    ] = None,
    verbose: VerboseOption = False,
    mode: ModeOption = "static",
    execution: ExecutionOption = "local",
    image: ImageOption = None,
    requirements: RequirementsOption = None,
    deployment: DeploymentOption = False,
    work_pool: WorkPoolOption = None,
) -> None:
    """Generate an Airflow DAG or a Prefect flow that runs this workflow task by task."""
    with exit_on_error(verbose=verbose):
        from quicketl import api

        options = api.ExportOptions(
            dag_id=dag_id,
            schedule=schedule,
            start_date=start_date,
            retries=retries,
            retry_delay_seconds=retry_delay,
            workers=workers,
            project_dir=str(Path(project_dir).expanduser().resolve()) if project_dir else None,
            select=tuple(select or ()),
            remote_cache=remote_cache,
            **isolation_options(mode, execution, image, requirements, deployment, work_pool),
        )
        code = api.generate(workflow, target.lower(), options, variables_of(var))
        beside = deployment_file(workflow, options, output, variables_of(var))
        if output is None:
            import sys

            sys.stdout.write(code)
            return
        api.write_text_atomically(output, code)
        if beside is not None:
            api.write_text_atomically(*beside)
            typer.echo(f"Wrote {beside[0]}", err=True)
    typer.echo(f"Wrote {output}", err=True)
