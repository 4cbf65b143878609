"""How a generated DAG builds its tasks (`--mode`) and where they run (`--execution`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from quicketl import __version__
from quicketl.errors import ExportError

if TYPE_CHECKING:
    from quicketl.export.options import ExportOptions

MODES = ("static", "dynamic")
EXECUTIONS = ("local", "virtualenv", "docker", "kubernetes")
IN_IMAGE = ("docker", "kubernetes")
_PACKAGE_NAME = re.compile(r"[A-Za-z0-9]")


def default_requirements() -> tuple[str, ...]:
    """What a `--execution virtualenv` task installs when no `--requirements` is given."""
    return (f"quicketl=={__version__}",)


def check_modes(options: ExportOptions) -> None:
    """Refuse a mode, execution or deployment option that cannot be generated as given."""
    if options.mode not in MODES:
        raise ExportError(f"--mode must be static or dynamic, not {options.mode!r}")
    if options.execution not in EXECUTIONS:
        raise ExportError(
            "--execution must be local, virtualenv, docker or kubernetes,"
            f" not {options.execution!r}"
        )
    _check_image(options)
    if options.requirements and options.execution != "virtualenv":
        raise ExportError("--requirements is only for --execution virtualenv")
    for requirement in options.requirements:
        _check_requirement(requirement)
    if options.work_pool is not None and not options.work_pool.strip():
        raise ExportError("--work-pool is empty: give the name of a Prefect work pool")
    if options.work_pool is not None and not options.deployment:
        raise ExportError("--work-pool is only for --deployment")
    if options.deployment and options.work_pool is None:
        raise ExportError("--deployment needs --work-pool NAME: the Prefect work pool that runs it")


def _check_requirement(requirement: str) -> None:
    if not requirement.strip():
        raise ExportError("--requirements has an empty requirement")
    # Airflow reads each one as a PEP 508 requirement, which starts with the package's name.
    if not _PACKAGE_NAME.match(requirement):
        raise ExportError(
            f"--requirements {requirement!r}: give a requirement that starts with the package"
            " name, such as quicketl==2.0.0 or 'quicketl @ file:///path/to/quicketl'"
        )


def _check_image(options: ExportOptions) -> None:
    if options.execution in IN_IMAGE and not (options.image or "").strip():
        raise ExportError(
            f"--execution {options.execution} needs --image: an image with quicketl"
            " installed and the project folder inside or mounted"
        )
    if options.image is not None and options.execution not in IN_IMAGE:
        raise ExportError("--image is only for --execution docker or kubernetes")


def check_target(options: ExportOptions, target: str) -> None:
    """Refuse options that the other orchestrator has no use for (a reason in each message)."""
    if target == "prefect":
        if options.mode != "static":
            raise ExportError(
                "--mode dynamic is for --target airflow: a Prefect flow's parameters are fixed"
                " by its signature and its deployment; regenerate the flow when the workflow"
                " changes"
            )
        if options.execution != "local":
            raise ExportError(
                "--execution is for --target airflow: with Prefect, the work pool decides"
                " where a flow runs (process, docker or kubernetes pools); use --deployment"
            )
    elif options.deployment:
        raise ExportError(
            "--deployment is for --target prefect: an Airflow DAG is deployed by copying"
            " it into the DAGs folder"
        )


def airflow_template(options: ExportOptions) -> str:
    """The template an Airflow DAG is rendered from (both share the pieces named `_airflow_*`,
    which hold what differs by --execution)."""
    return "airflow_dynamic.py.j2" if options.mode == "dynamic" else "airflow.py.j2"
