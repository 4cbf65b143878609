"""The options of `workflow generate` for --mode, --execution and --deployment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from quicketl.api import ExportOptions

ModeOption = Annotated[
    str,
    typer.Option(
        "--mode",
        help="static: the tasks are written into the file; dynamic (Airflow): the DAG reads"
        " the workflow whenever Airflow parses it.",
    ),
]
ExecutionOption = Annotated[
    str,
    typer.Option(
        "--execution",
        help="Airflow: where each task runs: local (the worker), virtualenv, docker or kubernetes.",
    ),
]
ImageOption = Annotated[
    str | None,
    typer.Option(
        "--image",
        help="--execution docker|kubernetes: an image with quicketl and the project folder.",
        show_default=False,
    ),
]
RequirementsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--requirements",
        metavar="REQ",
        help="--execution virtualenv: a pip requirement; repeat for several"
        " [default: quicketl==this version].",
        show_default=False,
    ),
]
DeploymentOption = Annotated[
    bool,
    typer.Option(
        "--deployment", help="Prefect: write prefect.yaml beside the flow (needs -o, --work-pool)."
    ),
]
WorkPoolOption = Annotated[
    str | None,
    typer.Option("--work-pool", help="--deployment: the Prefect work pool.", show_default=False),
]


def isolation_options(
    mode: str,
    execution: str,
    image: str | None,
    requirements: list[str] | None,
    deployment: bool,
    work_pool: str | None,
) -> dict[str, Any]:
    """ExportOptions' fields for these options."""
    return {
        "mode": mode.lower(),
        "execution": execution.lower(),
        "image": image,
        "requirements": tuple(requirements or ()),
        "deployment": deployment,
        "work_pool": work_pool,
    }


def deployment_file(
    workflow: Path,
    options: ExportOptions,
    output: Path | None,
    variables: dict[str, str],
) -> tuple[Path, str] | None:
    """prefect.yaml's path and text for --deployment, checked before anything is written."""
    if not options.deployment:
        return None
    from quicketl import api

    return api.prefect_deployment(workflow, options, output, variables)
