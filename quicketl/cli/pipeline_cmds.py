"""`quicketl run` and `quicketl validate`: one pipeline file, loaded and run through the API."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quicketl.cli.exit_codes import exit_on_error
from quicketl.cli.options import (
    AllowOutsideOption,
    CacheDirOption,
    ForceOption,
    JsonOption,
    PipelineArg,
    RemoteCacheModeOption,
    RemoteCacheOption,
    VarsOption,
    VerboseOption,
    rich_console,
    variables_of,
)

if TYPE_CHECKING:
    from quicketl.api import PipelineResult

DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Show whether it would run, and why; run nothing."),
]
NoWriteOption = Annotated[
    bool,
    typer.Option("--no-write", help="Read, transform and check the data, but write nothing."),
]
FailOnChecksOption = Annotated[
    bool,
    typer.Option(
        "--fail-on-checks/--no-fail-on-checks",
        help="Fail (and write nothing) when an error-level quality check fails.",
    ),
]


def run(
    pipeline: PipelineArg,
    var: VarsOption = None,
    dry_run: DryRunOption = False,
    fail_on_checks: FailOnChecksOption = True,
    force: ForceOption = False,
    cache_dir: CacheDirOption = None,
    allow_outside_project: AllowOutsideOption = False,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
    no_write: NoWriteOption = False,
    remote_cache: RemoteCacheOption = None,
    remote_cache_mode: RemoteCacheModeOption = None,
) -> None:
    """Run a pipeline file.

    Reads its sources, applies the transforms, runs the quality checks and writes the sink.
    Skipped while its config, variables and inputs are unchanged since its last success.
    Exit code 0 on success, 1 when the run or an error-level check failed, 2 on invalid input.
    """
    remote = {"remote_cache": remote_cache, "remote_cache_mode": remote_cache_mode}
    if dry_run:
        flags = (allow_outside_project, as_json, verbose, no_write)
        _dry_run(pipeline, var, cache_dir, flags, remote)
        return
    with exit_on_error(verbose=verbose, as_json=as_json):
        from quicketl import api
        from quicketl.report.query_progress import QueryProgressLine

        variables = variables_of(var)
        probe = api.QueryProgress()
        result: PipelineResult | None = None
        # DuckDB's own progress of a long query, on stderr and only on a terminal
        try:
            with api.watching_queries(probe), QueryProgressLine(rich_console(stderr=True), probe):
                result = api.run_pipeline(
                    pipeline,
                    variables=variables,
                    dry_run=no_write,
                    fail_on_checks=fail_on_checks,
                    force=force,
                    cache_dir=cache_dir,
                    allow_outside_project=allow_outside_project,
                    **remote,
                )
            _show(result, as_json)
        except KeyboardInterrupt as exc:  # at any moment: one line says what became of it
            typer.echo(_interrupted_line(pipeline, exc, result), err=True)
            raise typer.Exit(130) from None
    assert result is not None
    raise typer.Exit(0 if result.succeeded else 1)


def _show(result: PipelineResult, as_json: bool) -> None:
    if as_json:
        from quicketl.report.json_report import pipeline_document, to_json

        typer.echo(to_json(pipeline_document(result)))
    else:
        from quicketl.report.pipeline_report import render_pipeline_result

        render_pipeline_result(rich_console(), result)


def _interrupted_line(
    pipeline: Path, interrupt: KeyboardInterrupt, result: PipelineResult | None
) -> str:
    """`result`: the run's, when Ctrl-C came after it (while it was shown)."""
    from quicketl.api import InterruptedAfterCommit

    # A Ctrl-C that lands as the sink commits waits until the run is recorded.
    ran = result is not None and result.succeeded and not (result.dry_run or result.up_to_date)
    if isinstance(interrupt, InterruptedAfterCommit) or ran:
        return f"interrupted: {pipeline} had finished: its output was written and recorded"
    # sinks write to a temporary file and rename it only on success
    return f"interrupted: {pipeline} did not finish and its output was not replaced"


def _dry_run(
    pipeline: Path,
    var: list[str] | None,
    cache_dir: Path | None,
    flags: tuple[bool, bool, bool, bool],
    remote: dict[str, str | None],
) -> None:
    """`run --dry-run`, as `workflow run --dry-run`: the decision and its reasons. `flags`:
    allow_outside_project, as_json, verbose, no_write."""
    allow_outside, as_json, verbose, no_write = flags
    with exit_on_error(verbose=verbose, as_json=as_json):
        from quicketl import api

        if no_write:
            message = "--dry-run shows what a run would do; --no-write runs it: give one"
            raise api.ConfigError(message)
        outcome = api.explain_pipeline(
            pipeline,
            variables_of(var),
            cache_dir=cache_dir,
            allow_outside_project=allow_outside,
            **remote,
        )
    from quicketl.report.pipeline_decision import decision_document, decision_line

    if as_json:
        from quicketl.report.json_report import to_json

        typer.echo(to_json(decision_document(outcome)))
    else:
        typer.echo(decision_line(outcome))


def validate(
    pipeline: PipelineArg,
    var: VarsOption = None,
    allow_outside_project: AllowOutsideOption = False,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Validate a pipeline file without running it.

    Checks the YAML, every field, and every column and expression against the real sources.
    """
    with exit_on_error(verbose=verbose, as_json=as_json):
        from quicketl import api

        loaded = api.validate_pipeline(
            pipeline, variables=variables_of(var), allow_outside_project=allow_outside_project
        )
    from quicketl.report.validation_report import (
        describe_pipeline,
        render_validation,
        validation_document,
    )

    facts = describe_pipeline(loaded.config)
    if as_json:
        from quicketl.report.json_report import to_json

        typer.echo(to_json(validation_document(loaded.config, str(pipeline))))
    else:
        render_validation(rich_console(), loaded.config.name, str(pipeline), facts)
