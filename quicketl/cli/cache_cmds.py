"""`quicketl cache ...`: see what the incremental cache holds, and clean it up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from quicketl.cli.exit_codes import exit_on_error
from quicketl.cli.options import CacheDirOption, JsonOption, RemoteCacheOption, VerboseOption

if TYPE_CHECKING:
    from quicketl.api import CacheReport

app = typer.Typer(
    name="cache",
    help="Inspect and clean the incremental cache.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

WhereArg = Annotated[
    Path | None,
    typer.Argument(
        help="A project folder or a file in it [default: the working directory].",
        show_default=False,
    ),
]


@app.command("status")
def status(
    where: WhereArg = None,
    cache_dir: CacheDirOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Show where the cache is, its size, and how many tasks each workflow has recorded."""
    _answer("cache_status", where, cache_dir, as_json=as_json, verbose=verbose)


@app.command("clean")
def clean(
    where: WhereArg = None,
    cache_dir: CacheDirOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Forget every recorded task: the next runs run everything once."""
    _answer("cache_clean", where, cache_dir, as_json=as_json, verbose=verbose)


MaxSizeOption = Annotated[
    str | None,
    typer.Option(
        "--max-size",
        help="Trim the output store to this size (bytes, or 500M, 2G...): the oldest entries "
        "go first, those the current task records use last.",
        show_default=False,
    ),
]
OlderThanOption = Annotated[
    str | None,
    typer.Option(
        "--older-than",
        metavar="DAYS",
        help="Drop output-store entries older than DAYS that no current task record uses.",
        show_default=False,
    ),
]


@app.command("gc")
def gc(
    where: WhereArg = None,
    cache_dir: CacheDirOption = None,
    max_size: MaxSizeOption = None,
    older_than: OlderThanOption = None,
    remote: Annotated[
        bool,
        typer.Option(
            "--remote",
            help="Collect the remote cache instead (--remote-cache, $QUICKETL_REMOTE_CACHE or "
            "quicketl.yml's), by the same rules.",
        ),
    ] = False,
    remote_cache: RemoteCacheOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Drop records of workflows and files that no longer exist, and output-store blobs and
    entries nothing needs."""
    limits = {"max_size": max_size, "older_than": older_than}
    if remote:  # the remote store, by the local rules (quicketl.state.objects.remote_gc)
        limits["remote_cache"] = remote_cache
        _answer("cache_gc_remote", where, cache_dir, as_json=as_json, verbose=verbose, **limits)
        return
    _answer("cache_gc", where, cache_dir, as_json=as_json, verbose=verbose, **limits)


def _answer(
    action: Literal["cache_status", "cache_clean", "cache_gc", "cache_gc_remote"],
    where: Path | None,
    cache_dir: Path | None,
    *,
    as_json: bool,
    verbose: bool,
    **options: str | None,
) -> None:
    """Call `quicketl.api.<action>` (imported only now) and print its report."""
    with exit_on_error(verbose=verbose, as_json=as_json):
        from quicketl import api

        report: CacheReport = getattr(api, action)(where, cache_dir, **options)
    _print(report, as_json)


def _print(report: CacheReport, as_json: bool) -> None:
    if as_json:
        from quicketl.report.json_report import to_json

        typer.echo(to_json(report.to_dict()))
        return
    typer.echo(f"Cache: {report.cache_dir}" + ("" if report.exists else " (empty)"))
    if report.exists:
        typer.echo(
            f"  size: {report.size_bytes} bytes, stored plans: {report.plans}, "
            f"stat-cache entries: {report.stat_entries}"
        )
        for scope, count in sorted(report.tasks.items()):
            typer.echo(f"  {scope}: {count} task(s) recorded")
    if report.entries or report.objects:
        typer.echo(
            f"  output store: {report.entries} entries, {report.objects} blobs, "
            f"{report.objects_bytes} bytes"
        )
    last = report.last_run
    if last is not None:
        typer.echo(
            f"  last run (#{last.run_id}, {last.workflow}): {last.restored} restored, "
            f"{last.up_to_date} up to date, {last.ran} ran"
        )
    for item in report.removed:
        typer.echo(f"  removed {item}")
