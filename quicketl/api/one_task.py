"""One task of a workflow, run the way a generated Airflow DAG or Prefect flow runs it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from quicketl.config.defaults import project_cache_dir
from quicketl.config.project import find_project_root
from quicketl.config.suggest import did_you_mean
from quicketl.errors import ConfigError, EngineError, StalePlanError, TransientError
from quicketl.execute.failure_kind import is_transient
from quicketl.execute.plan_run import RunOptions, run_plan
from quicketl.execute.remote_cache import open_remote_cache, upstream_read
from quicketl.execute.select import select_tasks
from quicketl.plan.builder import Unresolved, build_partial_plan
from quicketl.plan.fingerprint import plan_fingerprint, same_structure
from quicketl.plan.model import Plan
from quicketl.plan.scope import plan_scope
from quicketl.state import hash_bytes, resolve_cache_dir
from quicketl.values import FrozenValue

PROJECT_ENV = "QUICKETL_PROJECT_DIR"


@dataclass(frozen=True, repr=False, eq=False)
class Generated(FrozenValue):
    """What a generated file knows of the plan it was made from (all optional)."""

    fingerprint: str | None = None
    select: tuple[str, ...] = ()
    regenerate: str | None = None


def run_task(
    workflow_path: str,
    task_id: str,
    *,
    project_dir: str | None = None,
    variables: Mapping[str, object] | None = None,
    cache_dir: str | None = None,
    allow_outside_project: bool = False,
    fingerprint: str | None = None,
    select: Sequence[str] = (),
    regenerate: str | None = None,
    parallel: int | None = None,
    remote_cache: str | None = None,
) -> dict[str, str]:
    """Run exactly one task of a workflow against the cache (as generated DAGs do).

    Skips when the task is up to date. Only this task's pipeline must resolve: another one
    that cannot (a `${VAR}` this worker lacks) is left out. With the `fingerprint` of the plan
    a DAG was made from (over the tasks `select` chose), a changed workflow raises
    StalePlanError naming the `regenerate` command. A failed run raises TransientError when
    a retry may pass, EngineError otherwise. `parallel` is how many tasks run at once, so
    DuckDB takes its share of the cores. `workflow_path` is relative to `project_dir`.
    With `remote_cache` (workers without a shared disk, docs/deploy.md) the outputs of the
    upstream tasks it reads are restored from the remote first, never run here, and its own
    outputs are pushed after it succeeds.
    """
    root = _project_root(project_dir)
    path = (root / workflow_path) if root else Path(workflow_path)
    _require_workflow_file(path, root)
    project = root or find_project_root(path)
    plan, unresolved = _plan(path, task_id, project, variables, cache_dir, allow_outside_project)
    generated = Generated(fingerprint, tuple(select), regenerate)
    _require_current(plan, unresolved, generated, workflow_path)
    _require_task(plan, task_id, unresolved)
    remote = open_remote_cache(remote_cache, None, plan.root) if remote_cache else None
    pulled = tuple(upstream_read(plan, task_id)) if remote is not None else ()
    # Orchestrators run independent tasks at once: lock this task only, not the whole cache.
    lock = f"locks/{hash_bytes(f'{plan_scope(plan)}:{task_id}'.encode())}"
    options = RunOptions(
        cache_dir=resolve_cache_dir(plan.root, cache_dir, project_cache_dir(plan.root)),
        select=(*pulled, task_id),
        workers=parallel or 1,  # one task runs; this only divides DuckDB's threads
        lock_name=lock,
        allow_outside_project=allow_outside_project,
        remote=remote,
        restore_only=frozenset(pulled),
    )
    outcomes = {t.task_id: t for t in run_plan(plan, options).tasks}
    for upstream in pulled:
        if not outcomes[upstream].ok:
            why = outcomes[upstream].error or "; ".join(outcomes[upstream].reasons)
            raise EngineError(f"{task_id}: cannot restore upstream {upstream}: {why}")
    outcome = outcomes[task_id]
    if not outcome.ok:
        error = TransientError if is_transient(outcome) else EngineError
        raise error(f"{task_id}: {outcome.error or '; '.join(outcome.reasons)}")
    return {"task_id": task_id, "status": outcome.status, "reason": "; ".join(outcome.reasons)}


def _project_root(project_dir: str | None) -> Path | None:
    if not project_dir:
        return None
    root = Path(project_dir).expanduser().resolve()
    if not root.is_dir():
        raise ConfigError(
            f"the project folder {root} does not exist on this machine; set {PROJECT_ENV} to "
            "the folder that holds quicketl.yml (or generate again with --project-dir)"
        )
    return root


def _require_workflow_file(path: Path, root: Path | None) -> None:
    if path.is_file():
        return
    if root is None:
        raise ConfigError(f"workflow file not found: {path}")
    raise ConfigError(
        f"workflow file not found: {path}; is {root} the project folder? Set {PROJECT_ENV} "
        "to the folder that holds quicketl.yml and the workflow (or generate again with "
        "--project-dir)"
    )


def _plan(
    path: Path,
    task_id: str,
    project: Path,
    variables: Mapping[str, object] | None,
    cache_dir: str | None,
    allow_outside: bool,
) -> tuple[Plan, dict[str, Unresolved]]:
    def plan(passed: Mapping[str, object] | None) -> tuple[Plan, dict[str, Unresolved]]:
        return build_partial_plan(
            path,
            passed,
            project,
            needed=(task_id,),
            allow_outside_project=allow_outside,
            cache_dir=Path(cache_dir) if cache_dir is not None else None,
        )

    planned = plan(variables)
    # A generated DAG passes a variable's own expression (`${DB_PASSWORD}`) unless someone set
    # it: then the workflow file resolves it here, on the worker.
    passed = {k: v for k, v in (variables or {}).items() if planned[0].expressions.get(k) != v}
    return plan(passed) if passed != dict(variables or {}) else planned


def _require_current(
    plan: Plan, unresolved: Mapping[str, Unresolved], generated: Generated, workflow: str
) -> None:
    """The plan a DAG was generated from must be this one (both over the same selection)."""
    if generated.fingerprint is None:
        return
    left_out = {task_id: (u.stage, u.path) for task_id, u in unresolved.items()}
    covered = _covered(plan, generated.select, left_out) if generated.select else None
    now = plan_fingerprint(plan, covered, left_out)
    # Edges need every pipeline resolved; with some left out, the structure alone is checked.
    if unresolved:
        same = same_structure(now, generated.fingerprint)
    else:
        same = now == generated.fingerprint
    if not same:
        command = generated.regenerate or f"quicketl workflow generate {workflow} ..."
        raise StalePlanError(
            f"{workflow}: the workflow changed since this DAG was generated (plan "
            f"{generated.fingerprint}, now {now}); run `{command}` again"
        )


def _covered(plan: Plan, select: Sequence[str], left_out: Mapping[str, object]) -> set[str]:
    try:
        chosen = set(select_tasks(plan, select))
    except ConfigError as exc:
        raise StalePlanError(f"the selection of this DAG no longer matches: {exc}") from None
    return chosen | {t for t in left_out if t in select}


def _require_task(plan: Plan, task_id: str, unresolved: Mapping[str, Unresolved]) -> None:
    if task_id in unresolved:
        raise ConfigError(list(unresolved[task_id].problems))
    ids = [t.id for t in plan.tasks]
    if task_id not in ids:
        hint = did_you_mean(task_id, ids)
        raise ConfigError(f"no task '{task_id}' in workflow {plan.name}{hint}")
