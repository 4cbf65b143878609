"""Resolving a workflow file into an immutable `Plan`, reporting every problem at once."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quicketl.config.defaults import planned_fail_fast
from quicketl.config.loader import LoadedWorkflow, load_pipeline, load_workflow
from quicketl.config.project import find_project_root
from quicketl.config.suggest import did_you_mean, format_loc
from quicketl.config.variables import VariableScope
from quicketl.config.volatile import volatile_sql_warnings
from quicketl.config.workflow import PipelineRef, StageConfig, WorkflowConfig
from quicketl.errors import ConfigError, PlanError, Problem
from quicketl.locations.paths import root_relative
from quicketl.plan.collector import collector_paused
from quicketl.plan.edges import (
    compact_order,
    declared_edges,
    lineage_edges,
    merge_edges,
    order_edges,
    stage_blocks,
    transitive_reduction,
)
from quicketl.plan.files import PipelineFiles, file_stem
from quicketl.plan.graph import ancestors, find_cycle
from quicketl.plan.model import Edge, Plan, StageInfo, Task
from quicketl.plan.reuse import StoredPipelines
from quicketl.plan.sink_guard import rules_for, sink_problems
from quicketl.plan.tasks import task_for
from quicketl.values import FrozenValue, MutableValue


@dataclass(frozen=True, repr=False, eq=False)
class Unresolved(FrozenValue):
    """A pipeline left out of a partial plan: its stage, its file and why it did not load."""

    stage: str
    path: str
    problems: tuple[Problem, ...]


@dataclass(repr=False, eq=False)
class _Draft(MutableValue):
    """What planning has gathered so far; problems accumulate instead of raising."""

    workflow: LoadedWorkflow
    variables: Mapping[str, object]
    tasks: list[Task] = field(default_factory=list)
    ids: dict[str, list[str]] = field(default_factory=dict)
    locs: dict[str, tuple[str | int, ...]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files: PipelineFiles = field(init=False)
    owners: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id: stage, name, path
    # Set: only these tasks must resolve; the others' problems go to `unresolved` instead.
    needed: frozenset[str] | None = None
    unresolved: dict[str, Unresolved] = field(default_factory=dict)
    reuse: StoredPipelines | None = None  # the per-file plan cache, when a run offers one
    base: VariableScope | None = None  # .env and quicketl.yml, read once for every pipeline

    def __post_init__(self) -> None:
        self.files = PipelineFiles(self.workflow.path.parent, self.workflow.root)

    def problem(self, message: str, *loc: str | int, warning: bool = False) -> None:
        doc = self.workflow.doc
        entry = Problem(message, str(doc.path), doc.line_of(loc), format_loc(loc) or None)
        (self.warnings if warning else self.problems).append(entry)


def build_plan(
    workflow_path: Path,
    variables: Mapping[str, object] | None = None,
    root: Path | None = None,
    *,
    allow_outside_project: bool = False,
    cache_dir: Path | None = None,
    reuse: StoredPipelines | None = None,
) -> Plan:
    """Load, check and resolve a workflow; raise PlanError listing every problem found.

    `cache_dir` is the cache whose records say which output folders quicketl wrote; `reuse`
    the last stored plan's tasks, taken for the pipeline files that have not changed."""
    plan, _ = build_partial_plan(
        workflow_path,
        variables,
        root,
        allow_outside_project=allow_outside_project,
        cache_dir=cache_dir,
        reuse=reuse,
    )
    return plan


@collector_paused(to_oldest=True)  # planning: see plan/collector.py
def build_partial_plan(
    workflow_path: Path,
    variables: Mapping[str, object] | None = None,
    root: Path | None = None,
    *,
    needed: Collection[str] | None = None,
    allow_outside_project: bool = False,
    cache_dir: Path | None = None,
    reuse: StoredPipelines | None = None,
) -> tuple[Plan, dict[str, Unresolved]]:
    """`build_plan`, except that with `needed` only those tasks' pipelines must load: the plan
    leaves out any other pipeline that does not (a `${VAR}` this machine lacks) and returns
    it as unresolved, so one task of a DAG needs only what it runs."""
    root = root or find_project_root(workflow_path)
    cli_vars = dict(variables or {})
    workflow = load_workflow(workflow_path, VariableScope.standard(cli_vars, root=root), root)
    needed_ids = None if needed is None else frozenset(needed)
    draft = _Draft(workflow, cli_vars, needed=needed_ids, reuse=reuse)
    _check_stages(draft)
    for index, stage in enumerate(workflow.config.stages):
        _add_stage_tasks(draft, index, stage)
    scope = root_relative(workflow.path, root)
    rules = rules_for(
        root,
        scope,
        cache_dir=cache_dir,
        allow_outside=allow_outside_project,
        yaml_files=[workflow.path],
        resolved_yaml=[task.pipeline_path for task in draft.tasks],  # `PipelineFiles` did it
    )
    draft.problems += sink_problems(draft.tasks, rules)
    order, edges = _edges(draft)
    if draft.problems:
        raise PlanError(draft.problems)
    return _freeze(draft, order, edges), draft.unresolved


def _check_stages(draft: _Draft) -> None:
    stages = draft.workflow.config.stages
    names = [stage.name for stage in stages]
    for index, stage in enumerate(stages):
        if names.index(stage.name) != index:
            draft.problem(f"duplicate stage name '{stage.name}'", "stages", index, "name")
        for dep_index, dependency in enumerate(stage.depends_on):
            if dependency not in names:
                hint = did_you_mean(dependency, names)
                message = f"unknown stage '{dependency}' in depends_on{hint}"
                draft.problem(message, "stages", index, "depends_on", dep_index)
    deps = [(d, s.name) for s in stages for d in s.depends_on if d in names]
    cycle = find_cycle(list(dict.fromkeys(names)), deps)
    if cycle:
        draft.problem(f"cycle in stage depends_on: {' -> '.join(cycle)}", "stages")


def _add_stage_tasks(draft: _Draft, index: int, stage: StageConfig) -> None:
    draft.ids.setdefault(stage.name, [])
    for ref_index, ref in enumerate(stage.pipelines):
        loc = ("stages", index, "pipelines", ref_index)
        name = ref.name or file_stem(ref.path)
        task_id = f"{stage.name}.{name}"
        if task_id in draft.locs:  # the ids added so far (a dict: a list made this quadratic)
            draft.problem(_clash(draft, task_id, stage.name, name, ref.path), *loc, "path")
            continue
        known = len(draft.problems)
        task = _make_task(draft, stage, ref, name, loc)
        if task is None and draft.needed is not None and task_id not in draft.needed:
            problems = tuple(draft.problems[known:])
            del draft.problems[known:]
            draft.unresolved[task_id] = Unresolved(stage.name, _written_path(draft, ref), problems)
        if task is not None:
            draft.tasks.append(task)
            draft.ids[stage.name].append(task_id)
            draft.locs[task_id] = (*loc, "path")
            draft.owners[task_id] = (stage.name, name, ref.path)


def _clash(draft: _Draft, task_id: str, stage: str, name: str, path: str) -> str:
    """Why `task_id` cannot be given twice: two names in one stage, or dots that make two
    stage and pipeline names read the same (stage `a` + `b.c`, stage `a.b` + `c`)."""
    first_stage, first_name, first_path = draft.owners.get(task_id, (stage, name, path))
    if first_stage == stage:
        return f"two pipelines named '{name}' in stage '{stage}'; give one a distinct `name:`"
    return (
        f"task id '{task_id}' is ambiguous: stage '{first_stage}' pipeline '{first_name}' "
        f"({first_path}) and stage '{stage}' pipeline '{name}' ({path}) give the same id; "
        "rename a stage or give one pipeline a distinct `name:`"
    )


def _make_task(
    draft: _Draft,
    stage: StageConfig,
    ref: PipelineRef,
    name: str,
    loc: tuple[str | int, ...],
) -> Task | None:
    found = draft.files.find(ref.path)
    if found is None:
        where = f"{draft.workflow.path.parent} or {draft.workflow.root}"
        draft.problem(f"pipeline file not found: {ref.path} (looked in {where})", *loc, "path")
        return None
    path, resolved = found
    config = draft.workflow.config
    if draft.base is None:
        draft.base = VariableScope.standard(root=draft.workflow.root)
    scope = draft.base.beneath(draft.variables, ref.variables, config.variables)
    if draft.reuse is not None:  # the per-file plan cache: this file's task, if unchanged
        stored = draft.reuse.task_for(
            resolved, scope, stage=stage.name, name=name, entry_variables=ref.variables
        )
        if stored is not None:
            draft.warnings.extend(stored.warnings)
            return stored
    try:
        loaded = load_pipeline(path, scope, draft.workflow.root)
    except ConfigError as exc:
        draft.problems.extend(exc.problems)
        return None
    warnings = tuple(volatile_sql_warnings(loaded.config, loaded.doc))
    draft.warnings.extend(warnings)
    return task_for(
        loaded,
        stage=stage.name,
        name=name,
        entry_variables=ref.variables,
        warnings=warnings,
        pipeline_path=resolved,
    )


def _written_path(draft: _Draft, ref: PipelineRef) -> str:
    """The pipeline file relative to the root, as `plan_fingerprint` names resolved ones."""
    path = _resolve_pipeline_path(draft.workflow, ref.path)
    return ref.path if path is None else root_relative(path, draft.workflow.root)


def _resolve_pipeline_path(workflow: LoadedWorkflow, ref_path: str) -> Path | None:
    """The workflow file's folder first, then the project root (`PipelineFiles.find` is the
    same, faster)."""
    raw = Path(ref_path).expanduser()
    if raw.is_absolute():
        return raw if raw.is_file() else None
    for base in (workflow.path.parent, workflow.root):
        candidate = base / raw
        if candidate.is_file():
            return candidate
    return None


def _edges(draft: _Draft) -> tuple[list[str], Sequence[Edge]]:
    """The task ids in topological order and the reduced edges (no order after a cycle)."""
    _check_output_clashes(draft)
    stages = draft.workflow.config.stages
    lineage = lineage_edges(draft.tasks)
    _warn_undeclared_lineage(draft, lineage)
    edges = merge_edges([*order_edges(stages, draft.ids), *(edge for edge, _ in lineage)])
    blocks = stage_blocks(stages, draft.ids)
    ids = [task.id for task in draft.tasks]
    order = compact_order(ids, edges, blocks)
    if len(order) < len(ids):  # a cycle: name it from the edges one by one (rare, so slow is fine)
        every = merge_edges([*declared_edges(stages, draft.ids), *(edge for edge, _ in lineage)])
        cycle = find_cycle(ids, [(e.upstream, e.downstream) for e in every]) or ids[:1]
        draft.problem(f"cycle between pipelines: {' -> '.join(cycle)}", *draft.locs[cycle[0]])
        return [], every
    # Dropping implied edges changes no task's ancestors, so this order stays topological.
    return order, transitive_reduction(order, edges, blocks)


def _check_output_clashes(draft: _Draft) -> None:
    writers: dict[str, str] = {}
    for task in draft.tasks:
        for output in task.outputs:
            if output in writers:
                message = f"{writers[output]} and {task.id} both write {output}"
                draft.problem(message, *draft.locs[task.id])
            writers.setdefault(output, task.id)


def _warn_undeclared_lineage(draft: _Draft, lineage: list[tuple[Edge, str]]) -> None:
    stage_of = {task.id: task.stage for task in draft.tasks}
    parents = {s.name: set(s.depends_on) for s in draft.workflow.config.stages}
    above = {stage: ancestors(stage, parents) for stage in parents}  # once per stage, not edge
    for edge, output in lineage:
        upstream, downstream = stage_of[edge.upstream], stage_of[edge.downstream]
        if upstream == downstream or upstream in above[downstream]:
            continue
        message = (
            f"{edge.downstream} reads {output}, written by {edge.upstream}, but stage "
            f"'{downstream}' does not depend on '{upstream}'; add depends_on: [{upstream}] "
            "(quicketl orders them by lineage anyway)"
        )
        draft.problem(message, *draft.locs[edge.downstream], warning=True)


def _freeze(draft: _Draft, order: list[str], edges: Sequence[Edge]) -> Plan:
    by_id = {task.id: task for task in draft.tasks}
    config = draft.workflow.config
    stages = tuple(
        StageInfo(
            name=s.name,
            task_ids=tuple(draft.ids[s.name]),
            depends_on=tuple(s.depends_on),
            parallel=s.parallel,
            continue_on_failure=s.continue_on_failure,
            description=s.description,
        )
        for s in config.stages
    )
    return Plan(
        name=config.name,
        root=draft.workflow.root,
        workflow_path=draft.workflow.path.resolve(),
        tasks=tuple(by_id[i] for i in order),
        edges=edges,  # an EdgeSet: sorted by the order of (upstream, downstream)
        stages=stages,
        variables=dict(config.variables),
        fail_fast=planned_fail_fast(_set_fail_fast(config), draft.workflow.root),
        description=config.description,
        warnings=tuple(draft.warnings),
        used_vars=dict(draft.workflow.used_vars),
        expressions=_expressions(draft.workflow),
    )


def _expressions(workflow: LoadedWorkflow) -> dict[str, str]:
    raw = workflow.doc.data.get("variables") if isinstance(workflow.doc.data, dict) else None
    if not isinstance(raw, dict):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, str) and "${" in v}


def _set_fail_fast(config: WorkflowConfig) -> bool | None:
    """The workflow file's own `fail_fast:`, or None when it leaves it to quicketl.yml."""
    return config.fail_fast if "fail_fast" in config.model_fields_set else None
