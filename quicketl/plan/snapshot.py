"""A stored, already-validated plan, reused while its files and variables are unchanged.

The no-op fast path loads this instead of parsing YAML and building pydantic models. A
snapshot is valid while the workflow file, every pipeline file and the `.env` file have the
same bytes, and every variable they used resolves, through the same layers, to the same
value (or still falls back to its inline default). Imports neither YAML nor pydantic, by design.

No secret is written: secret variables are compared as keyed hashes (HMAC under the cache's
key), and a workflow variable whose value holds a secret is stored as its expression
(`${DB_PASSWORD}`) and resolved again on loading. A plan whose pipeline entries pass a secret
in their `variables:` is not stored at all (the full path runs instead).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from quicketl.config.secrets import holds_secret
from quicketl.config.variables import VariableScope, as_text, read_dotenv
from quicketl.errors import Problem
from quicketl.plan.edgeset import edges_body
from quicketl.plan.keys import mask_var, tool_versions
from quicketl.plan.model import Plan, StageInfo, Task
from quicketl.plan.snapshot_text import (
    SNAPSHOT_FORMAT,
    give_configs,
    read_snapshot_body,
    read_snapshot_text,
    snapshot_head,
    snapshot_text,
    write_snapshot_text,
)
from quicketl.plan.stored import Unreadable, need, plan_from, text_map
from quicketl.state import (
    StatCache,
    canonical_json,
    commit_path,
    hash_bytes,
    hash_path,
    temp_path_beside,
)
from quicketl.state.notices import cache_warning
from quicketl.state.records import is_int
from quicketl.state.secretkey import cache_secret_key

__all__ = ["SNAPSHOT_FORMAT", "load_snapshot", "save_snapshot", "snapshot_path"]

# 3: edges stored compact; secrets as expressions and keyed hashes. 4: per-file plan cache
# (each task's own warnings, and `scopes`: what its variables resolve to through every layer),
# and the versions of quicketl and DuckDB that made it (another one may validate differently).
# 5 and 6: each task's canonical config text, which its key is made of (plan/snapshot_text.py).
UNREADABLE = "stored plan {path} could not be read (damaged or edited by hand); planning afresh"


def snapshot_path(cache_dir: Path, workflow_path: Path) -> Path:
    name = hash_bytes(str(workflow_path.resolve()).encode())
    return cache_dir / "plans" / f"{name}.json"


def save_snapshot(
    plan: Plan, cli_vars: Mapping[str, object], path: Path, stat_cache: StatCache | None = None
) -> None:
    """Write the snapshot atomically (a half-written one would only be ignored, but still).
    `stat_cache`: the run's, so that only the files it has not hashed as they are are read."""
    if any(holds_secret(as_text(v)) for t in plan.tasks for v in t.variables.values()):
        path.unlink(missing_ok=True)
        return
    from quicketl.plan.reuse import plan_lookups  # only storing needs it, not the no-op run

    files = _plan_files(plan)
    if _changed_since_planning(files, plan.planned_at_ns):
        path.unlink(missing_ok=True)  # the next run plans afresh from the files as they are
        return
    key = cache_secret_key(path.parent.parent)
    body = {
        "format": SNAPSHOT_FORMAT,
        "tool": tool_versions(),
        "files": {str(file): hash_path(file, stat_cache) for file in files},
        "lookups": _lookups(plan, cli_vars, key),
        "plan": _plan_body(plan, key),
        "scopes": plan_lookups(plan, cli_vars, key),
    }
    tmp = temp_path_beside(path)
    write_snapshot_text(tmp, snapshot_text(body, [_config_text(task) for task in plan.tasks]))
    commit_path(tmp, path)


def load_snapshot(
    path: Path, cli_vars: Mapping[str, object], stat_cache: StatCache | None = None
) -> Plan | None:
    """The stored plan if it is still exactly what planning would produce now, else None.

    A snapshot that cannot be read, or does not have the shape this version writes, is no
    snapshot: said once on stderr, and the caller plans afresh (and writes a good one).
    """
    try:
        text = read_snapshot_text(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        _unreadable(path)
        return None
    head = snapshot_head(text)
    if head is not None and (not current(head) or _changed(head["files"], stat_cache)):
        return None  # another version, or a file changed: the plan is not even parsed
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        _unreadable(path)
        return None
    if not current(body):
        return None  # written by another version of quicketl: a normal miss
    try:
        files, lookups = text_map(body["files"]), need(body["lookups"], dict)
        need(body["tool"], dict)
        if head is None and _changed(files, stat_cache):  # else the head's, checked above
            return None
        give_configs(body, text)
        plan = plan_from(body["plan"])
    except (Unreadable, KeyError, TypeError):
        _unreadable(path)
        return None
    resolved = _with_expressions_resolved(plan, cli_vars)
    key = cache_secret_key(path.parent.parent)
    return resolved if resolved and _lookups(resolved, cli_vars, key) == lookups else None


def current(body: object) -> bool:
    """Whether a snapshot's body may be what this version would write: not another format,
    not made by other versions of quicketl and DuckDB (a malformed body is checked further,
    and found unreadable)."""
    if not isinstance(body, dict) or not is_int(body.get("format")):
        return True
    tool = body.get("tool")
    other_tool = isinstance(tool, dict) and tool != tool_versions()
    return body["format"] == SNAPSHOT_FORMAT and not other_tool


def _changed(files: Mapping[str, str], stat_cache: StatCache | None) -> bool:
    return any(hash_path(name, stat_cache) != digest for name, digest in files.items())


def _unreadable(path: Path) -> None:
    cache_warning(UNREADABLE.format(path=path))


def _with_expressions_resolved(plan: Plan, cli_vars: Mapping[str, object]) -> Plan | None:
    """The plan with the variables stored as expressions (secrets) resolved again now."""
    variables = dict(plan.variables)
    scope = VariableScope.standard(cli_vars, root=plan.root)
    for name, expression in plan.expressions.items():
        if variables.get(name) == expression:
            value = scope.resolve_text(expression)
            if value is None:
                return None
            variables[name] = value
    return replace(plan, variables=variables)


def _plan_files(plan: Plan) -> list[Path]:
    assert plan.workflow_path is not None
    # quicketl.yml: the environment `--env` selects may define variables.
    files = [plan.workflow_path, *(t.pipeline_path for t in plan.tasks), plan.root / ".env"]
    files.append(plan.root / "quicketl.yml")
    folders: dict[Path, Path] = {}
    return [_resolved(path, folders) for path in files]


def _changed_since_planning(files: list[Path], planned_at_ns: int | None) -> bool:
    """Whether a file was changed (or replaced) after planning began to read it: stored now,
    its hash would stand for content the plan was not made from, and the next run would
    trust a plan that no longer matches its files (an edit during a long run). A ctime
    cannot be set back by hand. The kernel stamps it from a clock that may lag by a tick, so
    an edit in the first few milliseconds of planning may look older; never a later one,
    and a file written before planning began never looks newer."""
    if planned_at_ns is None:
        return False
    for file in files:
        try:
            if os.stat(file).st_ctime_ns > planned_at_ns:
                return True
        except OSError:
            continue  # absent (.env, quicketl.yml): hashed as missing, as before
    return False


def _resolved(path: Path, folders: dict[Path, Path]) -> Path:
    """`path.resolve()`, each folder resolved once (`resolve` makes a system call for every
    part of a path, and the 200 pipelines of a workflow share a few folders)."""
    if path.name in ("", ".", "..") or os.path.islink(path):
        return path.resolve()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve()
    return folder / path.name


def _lookups(
    plan: Plan, cli_vars: Mapping[str, object], key: bytes
) -> dict[str, dict[str, str | None]]:
    """For every variable used, the value each layer chain gives now (None: inline default);
    secret ones as keyed hashes."""
    environment: list[Mapping[str, Any]] = [os.environ, read_dotenv(plan.root / ".env")]
    out = {"": _resolve(plan.used_vars, [cli_vars, *environment], environment, key)}
    out["QUICKETL_ENV"] = {"": os.environ.get("QUICKETL_ENV")}
    for task in plan.tasks:
        layers = [cli_vars, task.variables, plan.variables, *environment]
        out[task.id] = _resolve(task.used_vars, layers, environment, key)
    return out


def _resolve(
    names: Mapping[str, str],
    layers: list[Mapping[str, Any]],
    environment: list[Mapping[str, Any]],
    key: bytes,
) -> dict[str, str | None]:
    resolved: dict[str, str | None] = {}
    for name in sorted(names):
        # `secret:X` and `env:X` read the environment layers only.
        provider, _, bare = name.rpartition(":")
        chain = environment if provider else layers
        value = next((as_text(layer[bare]) for layer in chain if bare in layer), None)
        resolved[name] = None if value is None else mask_var(name, value, key)
    return resolved


def _masked(used: Mapping[str, str], key: bytes) -> dict[str, str]:
    return {name: mask_var(name, value, key) for name, value in used.items()}


def _stored_variables(plan: Plan) -> dict[str, Any]:
    """The workflow's variables, with the expression instead of a value holding a secret."""
    return {
        name: plan.expressions[name]
        if name in plan.expressions and holds_secret(as_text(value))
        else value
        for name, value in plan.variables.items()
    }


def _plan_body(plan: Plan, key: bytes) -> dict[str, Any]:
    return {
        "name": plan.name,
        "root": str(plan.root),
        "workflow_path": str(plan.workflow_path),
        "description": plan.description,
        "fail_fast": plan.fail_fast,
        "variables": _stored_variables(plan),
        "expressions": plan.expressions,
        "used_vars": _masked(plan.used_vars, key),
        "warnings": _problems_body(plan.warnings),
        "stages": [_stage_body(s) for s in plan.stages],
        "edges": edges_body(plan.edges),
        "tasks": [_task_body(t, key) for t in plan.tasks],
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


def _task_body(task: Task, key: bytes) -> dict[str, Any]:
    return {
        "id": task.id,
        "stage": task.stage,
        "name": task.name,
        "pipeline_path": str(task.pipeline_path),
        # Its config (and the text its key is made of) is in "configs", at the end of the file.
        "variables": task.variables,
        "used_vars": _masked(task.used_vars, key),
        "inputs": list(task.inputs),
        "outputs": list(task.outputs),
        "external": [str(e) for e in task.external],
        "description": task.description,
        "warnings": _problems_body(task.warnings),
    }


def _config_text(task: Task) -> str:
    """The canonical text its key is made of: a task taken from the last snapshot has it
    already (after a one-file edit, 199 of 200 do), so it is not encoded again."""
    return canonical_json(task.config) if task.config_json is None else task.config_json


def _problems_body(problems: tuple[Problem, ...]) -> list[list[Any]]:
    return [[p.message, p.file, p.line, p.field] for p in problems]


def snapshot_workflow(snapshot: Path) -> Path | None:
    """The workflow file a stored plan was made from; None when the snapshot cannot be read."""
    try:
        workflow = read_snapshot_body(snapshot)["plan"]["workflow_path"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    return Path(workflow) if isinstance(workflow, str) else None
