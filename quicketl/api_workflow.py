"""The workflow half of the public API (re-exported by `quicketl.api`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quicketl.config.project import find_project_root
from quicketl.config.suggest import did_you_mean
from quicketl.errors import ConfigError, EngineError, ExportError
from quicketl.execute.events import RunReporter
from quicketl.execute.result import WorkflowResult
from quicketl.execute.runner import RunOptions, run_plan
from quicketl.execute.runner import explain_plan as _explain
from quicketl.plan.builder import build_plan
from quicketl.plan.model import Plan
from quicketl.plan.scope import plan_scope
from quicketl.state import hash_bytes, resolve_cache_dir
from quicketl.state.store import DB_NAME

if TYPE_CHECKING:
    from quicketl.config.loader import LoadedPipeline
    from quicketl.engine.result import PipelineResult
    from quicketl.export.options import ExportOptions


def plan_workflow(
    path: str | Path,
    variables: Mapping[str, object] | None = None,
    root: str | Path | None = None,
    *,
    allow_outside_project: bool = False,
    cache_dir: str | Path | None = None,
) -> Plan:
    """Load and check a workflow file into its immutable `Plan` (raises PlanError/ConfigError).

    Sinks outside the project root are refused unless `quicketl.yml` allows their folder or
    `allow_outside_project` is set; `cache_dir` is the cache a run would use."""
    return build_plan(
        Path(path),
        variables,
        Path(root).resolve() if root else None,
        allow_outside_project=allow_outside_project,
        cache_dir=Path(cache_dir) if cache_dir is not None else None,
    )


def remember_plan(plan: Plan, variables: Mapping[str, object] | None, cache_dir: Path) -> None:
    """Store the validated plan so an unchanged re-run can skip YAML and pydantic entirely."""
    from quicketl.plan.snapshot import save_snapshot, snapshot_path

    assert plan.workflow_path is not None
    save_snapshot(plan, dict(variables or {}), snapshot_path(cache_dir, plan.workflow_path))


def plan_for_run(
    path: str | Path,
    variables: Mapping[str, object] | None = None,
    cache_dir: str | Path | None = None,
    *,
    allow_outside_project: bool = False,
) -> Plan:
    """The plan stored by the last run while its files and variables are unchanged (so only
    the pipelines that run are parsed), else a fresh one. (A run checks a stored plan's sinks
    again before any task starts.)"""
    from quicketl.execute.noop import stored_plan

    stored = stored_plan(Path(path), dict(variables or {}), cache_dir)
    if stored is not None:
        return stored
    return plan_workflow(
        path, variables, allow_outside_project=allow_outside_project, cache_dir=cache_dir
    )


def run_options(plan: Plan, cache_dir: str | Path | None = None, **kwargs: Any) -> RunOptions:
    return RunOptions(cache_dir=resolve_cache_dir(plan.root, cache_dir), **kwargs)


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
) -> WorkflowResult:
    """Run an already planned workflow against its cache. `variables` are those it was
    planned with, so the stored plan can be reused while they stay the same."""
    options = run_options(
        plan,
        cache_dir,
        workers=workers,
        force=force,
        select=tuple(select),
        wait=wait,
        variables=dict(variables or {}),
        allow_outside_project=allow_outside_project,
        history=True,
    )
    result = run_plan(plan, options, reporter)
    if plan.workflow_path is not None:
        remember_plan(plan, variables, options.cache_dir)
    return result


def explain_plan(
    plan: Plan,
    *,
    select: Sequence[str] = (),
    force: bool = False,
    cache_dir: str | Path | None = None,
) -> WorkflowResult:
    """What running an already planned workflow would do now, with the reasons."""
    return _explain(plan, run_options(plan, cache_dir, select=tuple(select), force=force))


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
) -> WorkflowResult:
    """Run a workflow incrementally: up-to-date tasks are skipped, the rest run in parallel."""
    plan = plan_for_run(path, variables, cache_dir, allow_outside_project=allow_outside_project)
    if dry_run:
        return explain_plan(plan, select=select, force=force, cache_dir=cache_dir)
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
    )


def explain(
    path: str | Path,
    variables: Mapping[str, object] | None = None,
    *,
    select: Sequence[str] = (),
    force: bool = False,
    cache_dir: str | Path | None = None,
    allow_outside_project: bool = False,
) -> WorkflowResult:
    """What a run would do now, task by task, with the reasons; runs nothing."""
    plan = plan_workflow(
        path, variables, allow_outside_project=allow_outside_project, cache_dir=cache_dir
    )
    return explain_plan(plan, select=select, force=force, cache_dir=cache_dir)


def run_task(
    workflow_path: str,
    task_id: str,
    *,
    project_dir: str | None = None,
    variables: Mapping[str, object] | None = None,
    cache_dir: str | None = None,
    allow_outside_project: bool = False,
) -> dict[str, Any]:
    """Run exactly one task of a workflow against the cache (as generated DAGs do).

    Skips when the task is up to date; raises EngineError with the pipeline's error when it
    fails. `workflow_path` is relative to `project_dir` (the project root) unless absolute.
    """
    root = Path(project_dir).resolve() if project_dir else None
    path = (root / workflow_path) if root else Path(workflow_path)
    project = root or find_project_root(path)
    plan = plan_workflow(
        path, variables, project, allow_outside_project=allow_outside_project, cache_dir=cache_dir
    )
    # A generated DAG passes a variable's own expression (`${DB_PASSWORD}`) unless someone set
    # it: then the workflow file resolves it here, on the worker.
    passed = {k: v for k, v in (variables or {}).items() if plan.expressions.get(k) != v}
    if passed != dict(variables or {}):
        plan = plan_workflow(
            path, passed, project, allow_outside_project=allow_outside_project, cache_dir=cache_dir
        )
    _require_task(plan, task_id)
    # Orchestrators run independent tasks at once: lock this task only, not the whole cache.
    lock = f"locks/{hash_bytes(f'{plan_scope(plan)}:{task_id}'.encode())}"
    options = run_options(
        plan,
        cache_dir,
        select=(task_id,),
        workers=1,
        lock_name=lock,
        allow_outside_project=allow_outside_project,
    )
    result = run_plan(plan, options)
    outcome = result.tasks[0]
    if not outcome.ok:
        raise EngineError(f"{task_id}: {outcome.error or '; '.join(outcome.reasons)}")
    return {"task_id": task_id, "status": outcome.status, "reason": "; ".join(outcome.reasons)}


def _require_task(plan: Plan, task_id: str) -> None:
    ids = [t.id for t in plan.tasks]
    if task_id not in ids:
        hint = did_you_mean(task_id, ids)
        raise ConfigError(f"no task '{task_id}' in workflow {plan.name}{hint}")


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


def run_pipeline_cached(
    loaded: LoadedPipeline,
    *,
    force: bool = False,
    fail_on_checks: bool = True,
    cache_dir: str | Path | None = None,
    allow_outside_project: bool = False,
) -> PipelineResult:
    """`quicketl run`: one pipeline as a one-task plan, skipped while its key is unchanged.

    Invalid input found while running (an unknown column, a missing file) is raised as the
    ConfigError it is, exactly as an uncached run would.
    """
    from quicketl.engine.result import PipelineResult
    from quicketl.plan.single import single_task_plan
    from quicketl.plan.sink_guard import require_safe_sinks

    plan = single_task_plan(loaded)
    options = run_options(
        plan,
        cache_dir,
        force=force,
        fail_on_checks=fail_on_checks,
        workers=1,
        allow_outside_project=allow_outside_project,
    )
    # Checked before the run takes its lock, so a refused sink leaves no cache folder behind.
    require_safe_sinks(plan, cache_dir=options.cache_dir, allow_outside=allow_outside_project)
    if not (options.cache_dir / DB_NAME).is_file():
        _refuse_before_the_cache_exists(loaded)
    outcome = run_plan(plan, options).tasks[0]
    if isinstance(outcome.exception, ConfigError):
        raise outcome.exception
    if outcome.result is not None:
        outcome.result.reasons = list(outcome.reasons)
        return outcome.result
    status: Literal["success", "failed"] = "success" if outcome.ok else "failed"
    return PipelineResult(
        loaded.config.name,
        status,
        error=outcome.error,
        up_to_date=outcome.status == "up_to_date",
        reasons=list(outcome.reasons),
    )


def _refuse_before_the_cache_exists(loaded: LoadedPipeline) -> None:
    """With nothing recorded the pipeline runs anyway: check it against its sources first, so
    that input it refuses leaves nothing behind, not even the cache folder. (With a cache, the
    run checks it as it starts; this costs one more schema detection, on a first run only.)"""
    from quicketl.engine.prepare import validate_pipeline

    try:
        validate_pipeline(loaded)
    except EngineError:
        return  # a failure while reading is the run's to report, as a failed run


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

    def run(self, **options: Any) -> WorkflowResult:
        """Run it incrementally (options as `execute_plan`: workers, force, select, ...)."""
        options.setdefault("allow_outside_project", self.allow_outside_project)
        return execute_plan(self.plan, variables=self.variables, **options)

    def status(self, **options: Any) -> WorkflowResult:
        """Every task's decision with its reasons (options as `explain_plan`)."""
        return explain_plan(self.plan, **options)

    def generate(self, target: str, options: ExportOptions | None = None) -> str:
        """Airflow or Prefect code for this workflow."""
        from quicketl.export.options import ExportOptions as Options
        from quicketl.export.render import render_airflow, render_prefect

        if target not in ("airflow", "prefect"):
            raise ExportError(f"target must be airflow or prefect, not {target!r}")
        render = render_airflow if target == "airflow" else render_prefect
        return render(self.plan, options or Options())
