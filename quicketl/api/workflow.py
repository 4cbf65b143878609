"""The workflow part of the public API: plan, run, explain and export workflow files."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from quicketl.config.defaults import project_cache_dir
from quicketl.config.project import find_project_root
from quicketl.errors import ExportError
from quicketl.execute.events import RunReporter
from quicketl.execute.outcomes import WorkflowResult
from quicketl.execute.plan_run import RunOptions, run_plan
from quicketl.execute.plan_run import explain_plan as _explain
from quicketl.execute.remote_cache import open_remote_cache
from quicketl.plan.builder import build_plan
from quicketl.plan.cached import read_only_reuse, stored_or_replanned
from quicketl.plan.model import Plan
from quicketl.state import resolve_cache_dir

if TYPE_CHECKING:
    from quicketl.export.options import ExportOptions
    from quicketl.export.settings import ExportInputs

__all__ = [
    "Workflow",
    "execute_plan",
    "explain",
    "explain_plan",
    "generate",
    "plan_for_run",
    "plan_workflow",
    "run_workflow",
]


def plan_workflow(
    path: str | Path,
    variables: Mapping[str, object] | None = None,
    root: str | Path | None = None,
    *,
    allow_outside_project: bool = False,
    cache_dir: str | Path | None = None,
    reuse_cache: bool = False,
) -> Plan:
    """Load and check a workflow file into its immutable `Plan` (raises PlanError/ConfigError).

    Sinks outside the project root are refused unless `quicketl.yml` allows their folder or
    `allow_outside_project` is set; `cache_dir` is the cache a run would use. `reuse_cache`:
    take each pipeline file unchanged since the last run from that run's stored plan instead
    of parsing it again (docs/architecture.md, "The plan cache"); the cache is only read."""
    workflow = Path(path)
    top = Path(root).resolve() if root else None
    cache = Path(cache_dir) if cache_dir is not None else None
    reuse = read_only_reuse(workflow, top, cache) if reuse_cache else None
    return build_plan(
        workflow,
        variables,
        top,
        allow_outside_project=allow_outside_project,
        cache_dir=cache,
        reuse=reuse,
    )


def plan_for_run(
    path: str | Path,
    variables: Mapping[str, object] | None = None,
    cache_dir: str | Path | None = None,
    *,
    allow_outside_project: bool = False,
) -> Plan:
    """The plan stored by the last run while its files and variables are unchanged (so only
    the pipelines that run are parsed), else a fresh one, in which only the pipeline files
    that changed are parsed again (docs/architecture.md, "The plan cache"). (A run checks a
    stored plan's sinks again before any task starts.)"""
    from quicketl.plan.snapshot import snapshot_path
    from quicketl.state.store import DB_NAME

    started = time.time_ns()  # before any file is read: see Plan.planned_at_ns
    workflow = Path(path)
    root = find_project_root(workflow)
    cache = resolve_cache_dir(root, cache_dir, project_cache_dir(root))
    snapshot = snapshot_path(cache, workflow)
    if not (cache / DB_NAME).is_file() or not snapshot.is_file():  # never creates the cache
        plan = plan_workflow(
            path, variables, allow_outside_project=allow_outside_project, cache_dir=cache_dir
        )
    else:
        plan = stored_or_replanned(workflow, snapshot, variables, cache_dir, allow_outside_project)
    return replace(plan, planned_at_ns=started)


def _cache_of(plan: Plan, cache_dir: str | Path | None) -> Path:
    return resolve_cache_dir(plan.root, cache_dir, project_cache_dir(plan.root))


def execute_plan(
    plan: Plan,
    *,
    workers: int | None = None,
    force: bool = False,
    select: Sequence[str] = (),
    cache_dir: str | Path | None = None,
    wait: bool = True,
    reporter: RunReporter | None = None,
    variables: Mapping[str, object] | None = None,
    allow_outside_project: bool = False,
    fail_fast: bool | None = None,
    remote_cache: str | None = None,
    remote_cache_mode: str | None = None,
) -> WorkflowResult:
    """Run an already planned workflow against its cache. `variables` are those it was
    planned with, so the stored plan can be reused while they stay the same. `fail_fast`
    None takes $QUICKETL_FAIL_FAST, else the workflow's, else quicketl.yml's, else true.
    `remote_cache` (a folder or an s3:// URL; else $QUICKETL_REMOTE_CACHE, else quicketl.yml's)
    is pulled from before a task would run and pushed to after it succeeds, as
    `remote_cache_mode` (read, write or readwrite) allows."""
    options = RunOptions(
        cache_dir=_cache_of(plan, cache_dir),
        workers=workers,
        fail_fast=fail_fast,
        force=force,
        select=tuple(select),
        wait=wait,
        variables=dict(variables or {}),
        allow_outside_project=allow_outside_project,
        history=True,
        remote=open_remote_cache(remote_cache, remote_cache_mode, plan.root),
        # The validated plan is stored, so an unchanged re-run skips YAML and pydantic.
        store_plan=True,
    )
    return run_plan(plan, options, reporter)


def check_workflow_sources(plan: Plan, variables: Mapping[str, object] | None = None) -> None:
    """Check every pipeline whose inputs exist already against them (columns, expressions);
    one ConfigError lists every problem of every pipeline."""
    from quicketl.execute.validate import check_against_sources

    check_against_sources(plan, variables)


def explain_plan(
    plan: Plan,
    *,
    select: Sequence[str] = (),
    force: bool = False,
    cache_dir: str | Path | None = None,
    remote_cache: str | None = None,
    remote_cache_mode: str | None = None,
    variables: Mapping[str, object] | None = None,
) -> WorkflowResult:
    """What running an already planned workflow would do now, with the reasons; a task the
    remote cache (`remote_cache`, else $QUICKETL_REMOTE_CACHE, else quicketl.yml's) holds
    is said to be restored from it, as a run would (its entry is read, not its outputs).
    `variables`: those the plan was made with (a database an interrupted append went to may
    be named by one, and is asked whether the append was committed)."""
    options = RunOptions(
        cache_dir=_cache_of(plan, cache_dir),
        select=tuple(select),
        force=force,
        remote=open_remote_cache(remote_cache, remote_cache_mode, plan.root),
        variables=variables or {},
    )
    return _explain(plan, options)


def run_workflow(
    path: str | Path,
    variables: Mapping[str, object] | None = None,
    *,
    workers: int | None = None,
    dry_run: bool = False,
    force: bool = False,
    select: Sequence[str] = (),
    cache_dir: str | Path | None = None,
    wait: bool = True,
    reporter: RunReporter | None = None,
    allow_outside_project: bool = False,
    remote_cache: str | None = None,
    remote_cache_mode: str | None = None,
) -> WorkflowResult:
    """Run a workflow incrementally: up-to-date tasks are skipped, the rest run in parallel."""
    plan = plan_for_run(path, variables, cache_dir, allow_outside_project=allow_outside_project)
    if dry_run:
        remote = {"remote_cache": remote_cache, "remote_cache_mode": remote_cache_mode}
        return explain_plan(
            plan, select=select, force=force, cache_dir=cache_dir, variables=variables, **remote
        )
    return execute_plan(
        plan,
        workers=workers,
        force=force,
        select=select,
        cache_dir=cache_dir,
        wait=wait,
        reporter=reporter,
        variables=variables,
        allow_outside_project=allow_outside_project,
        remote_cache=remote_cache,
        remote_cache_mode=remote_cache_mode,
    )


def explain(
    path: str | Path,
    variables: Mapping[str, object] | None = None,
    *,
    select: Sequence[str] = (),
    force: bool = False,
    cache_dir: str | Path | None = None,
    allow_outside_project: bool = False,
    remote_cache: str | None = None,
    remote_cache_mode: str | None = None,
) -> WorkflowResult:
    """What a run would do now, task by task, with the reasons; runs nothing."""
    plan = plan_for_run(path, variables, cache_dir, allow_outside_project=allow_outside_project)
    remote = {"remote_cache": remote_cache, "remote_cache_mode": remote_cache_mode}
    return explain_plan(
        plan, select=select, force=force, cache_dir=cache_dir, variables=variables, **remote
    )


def generate(
    path: str | Path,
    target: str,
    options: ExportOptions | None = None,
    variables: Mapping[str, object] | None = None,
) -> str:
    """Airflow DAG or Prefect flow code for a workflow; a workflow that fails validation
    raises its PlanError and generates nothing."""
    if target not in ("airflow", "prefect"):
        raise ExportError(f"--target must be airflow or prefect, not {target!r}")
    return Workflow.from_yaml(path, variables).generate(target, options)


DYNAMIC_VARS = (
    "--var is not used by --mode dynamic: the DAG's parameters take the workflow's defaults when"
    " Airflow parses it; pass values per run (the Trigger form, or airflow dags trigger --conf)"
)


class Workflow:
    """A workflow file as an object: plan it once, then run, explain or export it.

    >>> wf = Workflow.from_yaml("workflows/medallion.yml", variables={"RUN_DATE": "2025-01-15"})
    >>> wf.status().count("would_run")      # what a run would do, and why
    >>> wf.run(workers=4).succeeded
    """

    def __init__(
        self,
        plan: Plan,
        variables: Mapping[str, object] | None = None,
        *,
        allow_outside_project: bool = False,
    ) -> None:
        self.plan = plan
        self.variables = dict(variables or {})
        self.allow_outside_project = allow_outside_project

    @classmethod
    def from_yaml(
        cls,
        path: str | Path,
        variables: Mapping[str, object] | None = None,
        *,
        allow_outside_project: bool = False,
    ) -> Workflow:
        plan = plan_workflow(path, variables, allow_outside_project=allow_outside_project)
        return cls(plan, variables, allow_outside_project=allow_outside_project)

    @property
    def name(self) -> str:
        return self.plan.name

    def run(
        self,
        *,
        workers: int | None = None,
        force: bool = False,
        select: Sequence[str] = (),
        cache_dir: str | Path | None = None,
        wait: bool = True,
        reporter: RunReporter | None = None,
        allow_outside_project: bool | None = None,
    ) -> WorkflowResult:
        """Run it incrementally, as `execute_plan` does; `allow_outside_project` defaults to
        what the workflow was loaded with."""
        allow = (
            self.allow_outside_project if allow_outside_project is None else allow_outside_project
        )
        return execute_plan(
            self.plan,
            workers=workers,
            force=force,
            select=select,
            cache_dir=cache_dir,
            wait=wait,
            reporter=reporter,
            variables=self.variables,
            allow_outside_project=allow,
        )

    def status(
        self,
        *,
        select: Sequence[str] = (),
        force: bool = False,
        cache_dir: str | Path | None = None,
    ) -> WorkflowResult:
        """Every task's decision with its reasons, as `explain_plan` gives them."""
        return explain_plan(self.plan, select=select, force=force, cache_dir=cache_dir)

    def generate(self, target: str, options: ExportOptions | None = None) -> str:
        """Airflow or Prefect code for this workflow (the tasks `options.select` chooses)."""
        from quicketl.export.options import ExportOptions as Options
        from quicketl.export.render import render_airflow, render_prefect

        if target not in ("airflow", "prefect"):
            raise ExportError(f"target must be airflow or prefect, not {target!r}")
        if options is not None and options.mode == "dynamic" and self.variables:
            raise ExportError(DYNAMIC_VARS)
        render = render_airflow if target == "airflow" else render_prefect
        options = options or Options()
        return render(self.plan, options, _export_inputs(self.plan, options, self.variables))


def _export_inputs(
    plan: Plan, options: ExportOptions, variables: Mapping[str, object]
) -> ExportInputs:
    """What export needs beside the plan: the selection, each task's `orchestrator:` block,
    the generate-time variables and the project's name for asset URIs."""
    from quicketl.config.orchestration import asset_namespace, task_settings
    from quicketl.execute.select import select_tasks
    from quicketl.export.settings import ExportInputs, TaskSettings

    assert plan.workflow_path is not None  # a workflow file was planned
    settings = task_settings(plan.workflow_path, variables, plan.root)
    # A secret given with --var never goes into the file: the task resolves it on the worker.
    given = {k: v for k, v in variables.items() if not _is_secret(k, v)}
    return ExportInputs(
        selected=tuple(select_tasks(plan, options.select)) if options.select else None,
        settings={k: TaskSettings(**v) for k, v in settings.items()},
        variables=given,
        namespace=asset_namespace(plan.root),
    )


def _is_secret(name: str, value: object) -> bool:
    from quicketl.config.secrets import holds_secret, looks_secret

    return looks_secret(name) or holds_secret(str(value))
