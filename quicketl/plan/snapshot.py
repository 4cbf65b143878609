"""A stored, already-validated plan, reused while its files and variables are unchanged.

The no-op fast path loads this instead of parsing YAML and building pydantic models. A
snapshot is valid while the workflow file, every pipeline file and the `.env` file have the
same bytes, and every variable they used resolves, through the same layers, to the same
value (or still falls back to its inline default). Imports neither YAML nor pydantic, by design.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quicketl.config.variables import as_text, read_dotenv
from quicketl.errors import Problem
from quicketl.plan.edgeset import edges_body, edges_from
from quicketl.plan.model import Plan, StageInfo, Task
from quicketl.state import StatCache, commit_path, hash_bytes, hash_path, temp_path_beside

SNAPSHOT_FORMAT = 2  # 2: edges stored compact (explicit edges and depends_on blocks)


def snapshot_path(cache_dir: Path, workflow_path: Path) -> Path:
    name = hash_bytes(str(workflow_path.resolve()).encode())
    return cache_dir / "plans" / f"{name}.json"


def save_snapshot(plan: Plan, cli_vars: Mapping[str, object], path: Path) -> None:
    """Write the snapshot atomically (a half-written one would only be ignored, but still)."""
    body = {
        "format": SNAPSHOT_FORMAT,
        "files": _file_hashes(plan, None),
        "lookups": _lookups(plan, cli_vars),
        "plan": _plan_body(plan),
    }
    tmp = temp_path_beside(path)
    tmp.write_text(json.dumps(body, default=str), encoding="utf-8")
    commit_path(tmp, path)


def load_snapshot(
    path: Path, cli_vars: Mapping[str, object], stat_cache: StatCache | None = None
) -> Plan | None:
    """The stored plan if it is still exactly what planning would produce now, else None."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if body.get("format") != SNAPSHOT_FORMAT:
        return None
    if any(hash_path(Path(name), stat_cache) != digest for name, digest in body["files"].items()):
        return None
    plan = _plan_from(body["plan"])
    if _lookups(plan, cli_vars) != body["lookups"]:
        return None
    return plan


def _file_hashes(plan: Plan, stat_cache: StatCache | None) -> dict[str, str]:
    assert plan.workflow_path is not None
    files = [plan.workflow_path, *(t.pipeline_path for t in plan.tasks), plan.root / ".env"]
    resolved = [path.resolve() for path in files]
    return {str(path): hash_path(path, stat_cache) for path in resolved}


def _lookups(plan: Plan, cli_vars: Mapping[str, object]) -> dict[str, dict[str, str | None]]:
    """For every variable used, the value each layer chain gives now (None: inline default)."""
    dotenv = read_dotenv(plan.root / ".env")
    base = [cli_vars]
    out = {"": _resolve(plan.used_vars, [*base, os.environ, dotenv])}
    for task in plan.tasks:
        layers = [*base, task.variables, plan.variables, os.environ, dotenv]
        out[task.id] = _resolve(task.used_vars, layers)
    return out


def _resolve(names: Mapping[str, str], layers: list[Mapping[str, Any]]) -> dict[str, str | None]:
    resolved: dict[str, str | None] = {}
    for name in sorted(names):
        resolved[name] = next((as_text(layer[name]) for layer in layers if name in layer), None)
    return resolved


def _plan_body(plan: Plan) -> dict[str, Any]:
    return {
        "name": plan.name,
        "root": str(plan.root),
        "workflow_path": str(plan.workflow_path),
        "description": plan.description,
        "fail_fast": plan.fail_fast,
        "variables": plan.variables,
        "used_vars": plan.used_vars,
        "warnings": [[w.message, w.file, w.line, w.field] for w in plan.warnings],
        "stages": [_stage_body(s) for s in plan.stages],
        "edges": edges_body(plan.edges),
        "tasks": [_task_body(t) for t in plan.tasks],
    }


def _stage_body(stage: StageInfo) -> dict[str, Any]:
    return {
        "name": stage.name,
        "task_ids": list(stage.task_ids),
        "depends_on": list(stage.depends_on),
        "parallel": stage.parallel,
        "continue_on_failure": stage.continue_on_failure,
        "description": stage.description,
    }


def _task_body(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "stage": task.stage,
        "name": task.name,
        "pipeline_path": str(task.pipeline_path),
        "config": task.config,
        "variables": task.variables,
        "used_vars": task.used_vars,
        "inputs": list(task.inputs),
        "outputs": list(task.outputs),
        "external": list(task.external),
        "description": task.description,
    }


def _plan_from(body: dict[str, Any]) -> Plan:
    tasks = tuple(_task_from(t) for t in body["tasks"])
    return Plan(
        name=body["name"],
        root=Path(body["root"]),
        workflow_path=Path(body["workflow_path"]),
        tasks=tasks,
        edges=edges_from(body["edges"], [task.id for task in tasks]),
        stages=tuple(_stage_from(s) for s in body["stages"]),
        variables=body["variables"],
        fail_fast=body["fail_fast"],
        description=body["description"],
        warnings=tuple(Problem(*w) for w in body["warnings"]),
        used_vars=body["used_vars"],
    )


def _stage_from(body: dict[str, Any]) -> StageInfo:
    return StageInfo(
        **{**body, "task_ids": tuple(body["task_ids"]), "depends_on": tuple(body["depends_on"])}
    )


def _task_from(body: dict[str, Any]) -> Task:
    return Task(
        **{
            **body,
            "pipeline_path": Path(body["pipeline_path"]),
            "inputs": tuple(body["inputs"]),
            "outputs": tuple(body["outputs"]),
            "external": tuple(body["external"]),
        }
    )
