"""Options shared by several commands, spelt once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
