"""`quicketl workflow ...`: run, status, validate, info and graph over workflow files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quicketl.cli.exit_codes import exit_on_error
from quicketl.cli.generate_cmd import generate
from quicketl.cli.main import kept_for_good
from quicketl.cli.options import (
    AllowOutsideOption,
    CacheDirOption,
    ForceOption,
    JsonOption,
    RemoteCacheModeOption,
    RemoteCacheOption,
    SelectOption,
    VarsOption,
    VerboseOption,
    WorkflowArg,
    rich_console,
    variables_of,
)
from quicketl.cli.run_output import interrupted, print_result, progress_reporter

if TYPE_CHECKING:
    from quicketl.api import Plan, WorkflowResult

app = typer.Typer(
    name="workflow",
    help="Run and inspect workflows of pipelines, incrementally.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers", "-j", min=1, help="Pipelines run at the same time [default: CPU count]."
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would run and why; run nothing.")
]
FailFastOption = Annotated[
    bool | None,
    typer.Option(
        "--fail-fast/--no-fail-fast",
        help="Start nothing new after a failure [default: the workflow's or quicketl.yml's].",
        show_default=False,
    ),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print only the summary and errors.")
]
RunVerboseOption = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Every reason of every task; tracebacks on errors."),
]
TraceOption = Annotated[
    Path | None,
    typer.Option(
        "--trace",
        metavar="FILE",
        help="Write the run as Chrome trace-event JSON (Perfetto, chrome://tracing).",
        show_default=False,
    ),
]
NoWaitOption = Annotated[
    bool, typer.Option("--no-wait", help="Fail at once if another run holds the cache lock.")
]


@app.command("run")
def run(
    workflow: WorkflowArg,
    var: VarsOption = None,
    workers: WorkersOption = None,
    dry_run: DryRunOption = False,
    force: ForceOption = False,
    select: SelectOption = None,
    cache_dir: CacheDirOption = None,
    no_wait: NoWaitOption = False,
    allow_outside_project: AllowOutsideOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    verbose: RunVerboseOption = False,
    trace: TraceOption = None,
    fail_fast: FailFastOption = None,
    remote_cache: RemoteCacheOption = None,
    remote_cache_mode: RemoteCacheModeOption = None,
) -> None:
    """Run a workflow; up-to-date pipelines are skipped, ready ones run in parallel."""
    with exit_on_error(verbose=verbose, as_json=as_json):
        from quicketl import api

        variables = variables_of(var)
        allow = allow_outside_project
        if trace is not None:
            from quicketl.cli.log_cmds import check_trace_path

            check_trace_path(trace)
        plan = api.plan_for_run(workflow, variables, cache_dir, allow_outside_project=allow)
        console = rich_console(stderr=as_json)
        if dry_run:
            remote = (remote_cache, remote_cache_mode)
            result = _explained(plan, select, force, cache_dir, remote, variables)
        else:
            if not as_json:
                from quicketl.report.workflow_report import render_header

                render_header(console, plan)
            reporter = progress_reporter(as_json, quiet=quiet, verbose=verbose)
            try:
                result = api.execute_plan(
                    plan,
                    workers=workers,
                    force=force,
                    select=select or (),
                    cache_dir=cache_dir,
                    wait=not no_wait,
                    reporter=reporter,
                    variables=variables,
                    allow_outside_project=allow,
                    fail_fast=fail_fast,
                    remote_cache=remote_cache,
                    remote_cache_mode=remote_cache_mode,
                )
            except KeyboardInterrupt:
                interrupted(reporter)
            if trace is not None and result.run_id is not None:
                from quicketl.cli.log_cmds import write_trace

                write_trace(api.run_record(result.run_id, cache_dir, workflow=workflow), trace)
    print_result(result, console, as_json)
    raise typer.Exit(0 if result.succeeded else 1)


@app.command("status")
def status(
    workflow: WorkflowArg,
    var: VarsOption = None,
    select: SelectOption = None,
    force: ForceOption = False,
    cache_dir: CacheDirOption = None,
    allow_outside_project: AllowOutsideOption = False,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
    remote_cache: RemoteCacheOption = None,
    remote_cache_mode: RemoteCacheModeOption = None,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code", help="Exit 1 when a pipeline would run, 0 when all are up to date."
        ),
    ] = False,
) -> None:
    """Explain, for every pipeline, whether it is up to date or will run, and why."""
    with exit_on_error(verbose=verbose, as_json=as_json):
        from quicketl import api

        # The plan stored by the last run, while every file and variable is unchanged: a
        # status of 10,000 pipelines then parses none of them.
        variables = variables_of(var)
        plan = api.plan_for_run(
            workflow, variables, cache_dir, allow_outside_project=allow_outside_project
        )
        remote = (remote_cache, remote_cache_mode)
        result = _explained(plan, select, force, cache_dir, remote, variables)
    print_result(result, rich_console(stderr=as_json), as_json)
    if exit_code and any(not t.ok for t in result.tasks):
        # like `git diff --exit-code`: 1 means there is work to do (2 stays a bad input)
        raise typer.Exit(1)


def _explained(
    plan: Plan,
    select: list[str] | None,
    force: bool,
    cache_dir: Path | None,
    remote: tuple[str | None, str | None],
    variables: dict[str, str],
) -> WorkflowResult:
    """`workflow status` and `run --dry-run`: the decisions, with what the remote cache (a URL
    and a mode, or None for the project's) would restore."""
    from quicketl import api

    remote_cache, mode = remote
    return api.explain_plan(
        plan,
        select=select or (),
        force=force,
        cache_dir=cache_dir,
        remote_cache=remote_cache,
        remote_cache_mode=mode,
        variables=variables,
    )


@app.command("validate")
def validate(
    workflow: WorkflowArg,
    var: VarsOption = None,
    allow_outside_project: AllowOutsideOption = False,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Check a workflow and every pipeline it names, without running anything."""
    plan = _plan_or_exit(
        workflow,
        var,
        verbose=verbose,
        as_json=as_json,
        allow_outside=allow_outside_project,
        against_sources=True,
    )
    if not as_json:
        from quicketl.report.plan_report import render_structure

        render_structure(rich_console(), plan, verbose=verbose)


@app.command("info")
def info(
    workflow: WorkflowArg,
    var: VarsOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Show the execution levels, the stages and the variables of a workflow."""
    plan = _plan_or_exit(workflow, var, verbose=verbose, as_json=as_json)
    if not as_json:
        from quicketl.report.plan_report import render_info

        render_info(rich_console(), plan)


def _plan_or_exit(
    workflow: Path,
    var: list[str] | None,
    *,
    verbose: bool,
    as_json: bool,
    allow_outside: bool = False,
    against_sources: bool = False,
) -> Plan:
    """The plan, or the exit with its problems; with --json the plan document is printed.
    `against_sources` also checks each pipeline's columns and expressions on its inputs."""
    with exit_on_error(verbose=verbose, as_json=as_json):
        from quicketl import api

        variables = variables_of(var)
        with kept_for_good():
            plan: Plan = api.plan_workflow(
                workflow,
                variables,
                allow_outside_project=allow_outside,
                reuse_cache=against_sources,
            )
        if against_sources:
            api.check_workflow_sources(plan, variables)
    if as_json:
        from quicketl.report.json_report import to_json
        from quicketl.report.plan_json import plan_document

        typer.echo(to_json(plan_document(plan)))
    return plan


@app.command("graph")
def graph(
    workflow: WorkflowArg,
    graph_format: Annotated[
        str, typer.Option("--format", help="mermaid or dot.", case_sensitive=False)
    ] = "mermaid",
    with_status: Annotated[
        bool, typer.Option("--status", help="Label each task with its current decision.")
    ] = False,
    var: VarsOption = None,
    cache_dir: CacheDirOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Print the task graph as Mermaid or Graphviz dot (or, with --json, as nodes and edges)."""
    with exit_on_error(verbose=verbose, as_json=as_json):
        from quicketl import api

        if graph_format.lower() not in ("mermaid", "dot"):
            raise api.ConfigError(f"--format must be mermaid or dot, not {graph_format!r}")
        plan = api.plan_workflow(workflow, variables_of(var))
        statuses = None
        if with_status:
            result = api.explain_plan(plan, cache_dir=cache_dir)
            statuses = {t.task_id: str(t.status) for t in result.tasks}
    if as_json:
        from quicketl.report.graph_json import graph_document
        from quicketl.report.json_report import to_json

        typer.echo(to_json(graph_document(plan, statuses)))
        return
    from quicketl.report.graph_text import dot, mermaid

    render = dot if graph_format.lower() == "dot" else mermaid
    labels = {k: v.replace("_", " ") for k, v in statuses.items()} if statuses else None
    typer.echo(render(plan, labels), nl=False)


app.command("generate")(generate)
