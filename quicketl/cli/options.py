"""Options, `--var` parsing and the console shared by several commands, spelt once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quicketl.api import parse_var_assignments

if TYPE_CHECKING:
    from rich.console import Console

PipelineArg = Annotated[
    Path,
    typer.Argument(help="The pipeline YAML file.", show_default=False, metavar="PIPELINE"),
]
VarsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--var",
        metavar="KEY=VALUE",
        help="Set a variable used as ${KEY} in the YAML; repeat for several.",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON document on stdout (logs go to stderr)."),
]
VerboseOption = Annotated[
    bool,
    typer.Option("--verbose", help="Show tracebacks and more detail on errors."),
]
CacheDirOption = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="The state folder [default: .quicketl-cache in the project root].",
    ),
]
RemoteCacheOption = Annotated[
    str | None,
    typer.Option(
        "--remote-cache",
        metavar="URL",
        help="A shared cache of task outputs: a folder or s3://BUCKET/PREFIX (credentials from "
        "the AWS environment) [default: $QUICKETL_REMOTE_CACHE, else quicketl.yml's].",
        show_default=False,
    ),
]
RemoteCacheModeOption = Annotated[
    str | None,
    typer.Option(
        "--remote-cache-mode",
        metavar="MODE",
        help="read, write or readwrite (pull-request jobs: read) [default: readwrite].",
        show_default=False,
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option("--force", help="Run even what is up to date (every selected task)."),
]
AllowOutsideOption = Annotated[
    bool,
    typer.Option(
        "--allow-outside-project",
        help="Let sinks write outside the project folder (quicketl.yml: allowed_output_roots).",
    ),
]


def variables_of(var: list[str] | None) -> dict[str, str]:
    """The `--var KEY=VALUE` pairs as a mapping; a malformed pair raises ConfigError."""
    return parse_var_assignments(var or [])


def rich_console(*, stderr: bool = False) -> Console:
    """A rich console on the current stdout, or stderr (looked up late, so test runners can
    capture it); with `--json` the report goes to stderr and stdout keeps only the document."""
    from rich.console import Console

    return Console(highlight=False, stderr=stderr)


WorkflowArg = Annotated[
    Path, typer.Argument(help="The workflow YAML file.", show_default=False, metavar="WORKFLOW")
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="SEL",
        help="Run only: NAME alone, +NAME with its upstream, NAME+ with its downstream.",
        show_default=False,
    ),
]
