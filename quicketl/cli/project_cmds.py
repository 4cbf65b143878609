"""`quicketl init`, `schema` and `info`: project scaffolding, editor support, environment."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from quicketl.cli.exit_codes import exit_on_error
from quicketl.cli.options import JsonOption, VerboseOption, rich_console

NameArg = Annotated[
    str | None,
    typer.Argument(
        help="Project folder to create, or with --pipeline the new pipeline's name.",
        show_default=False,
    ),
]


def init(
    name: NameArg = None,
    pipeline: Annotated[
        bool, typer.Option("--pipeline", help="Write only pipelines/NAME.yml in this project.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist.")] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Create it in this folder (default: here)."),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Create a new project, or a new pipeline file.

    `quicketl init NAME` creates the folder NAME with quicketl.yml, sample data and a sample
    pipeline that runs at once. `quicketl init NAME --pipeline` writes pipelines/NAME.yml into
    the current project. `-o DIR` does either in DIR instead of the current folder.
    """
    from quicketl.cli import scaffold

    with exit_on_error(verbose=verbose):
        if pipeline:
            written = scaffold.write_pipeline(output or Path.cwd(), name, force=force)
        else:
            written = scaffold.write_project((output or Path()) / (name or "."), force=force)
    for path in written:
        typer.echo(f"created {path}")
    typer.echo(scaffold.next_steps(written, pipeline_only=pipeline))


def schema(
    workflow: Annotated[
        bool, typer.Option("--workflow", help="The workflow file's schema, not the pipeline's.")
    ] = False,
    results: Annotated[
        bool, typer.Option("--results", help="The schema of every --json output instead.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout."),
    ] = None,
    indent: Annotated[
        int, typer.Option("--indent", "-i", min=0, help="Spaces per JSON indentation level.")
    ] = 2,
    verbose: VerboseOption = False,
) -> None:
    """Print the JSON Schema of pipeline files.

    Editors use it for completion and checking (see docs/cli.md). --workflow prints the schema
    of workflow files instead, --results the schema of every document --json prints.
    """
    with exit_on_error(verbose=verbose):
        import json

        from quicketl import api

        if workflow and results:
            raise api.ConfigError("--workflow and --results ask for different schemas; give one")
        document = api.json_schema("results" if results else "workflow" if workflow else "pipeline")
        text = json.dumps(document, indent=indent, ensure_ascii=False)
        if output is None:
            typer.echo(text)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"wrote {output}", err=True)


def info(
    backends: Annotated[
        bool, typer.Option("--backends", "-b", help="List the engines, and which are supported.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show versions and platform.

    The versions of quicketl, Python and DuckDB, and the platform. --backends lists the
    engines: DuckDB, and any other engine a YAML file of this project names (not supported).
    """
    from quicketl import api

    rows = api.backends_info() if backends else api.environment_info()
    if as_json:
        from quicketl.report.json_report import to_json

        document: dict[str, object] = dict(rows)
        if backends:
            document = {"backends": [_backend_entry(name, text) for name, text in rows.items()]}
        typer.echo(to_json(document))
        return
    from quicketl.report.info_report import render_info

    render_info(rich_console(), rows)


def _backend_entry(name: str, detail: str) -> dict[str, object]:
    return {"name": name, "supported": detail.startswith("supported"), "detail": detail}
