"""The per-file plan cache: a pipeline's task taken from the last stored plan, unparsed.

When a workflow's stored plan no longer holds as a whole (one pipeline of 200 was edited), the
plan is built again, but each pipeline file whose bytes (content hash, through the stat cache's
size, mtime_ns, ctime_ns and inode) are those it was planned from, and whose variables resolve
now, through every layer, to the values they had then, gives its stored task instead of being
parsed and validated again. The workflow file itself is always parsed, so stages, edges,
lineage, two writers of one output and the sink guard are all worked out afresh from the tasks
(docs/architecture.md, "The plan cache").

A reused task carries no loaded pipeline: the file is loaded only if the task runs, as for a
plan restored whole from its snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from quicketl.config.secrets import looks_secret, remember
from quicketl.config.variables import VariableScope, as_text
from quicketl.plan.keys import mask_var
from quicketl.plan.model import Plan, Task
from quicketl.plan.snapshot_text import give_configs, read_snapshot
from quicketl.plan.stored import Unreadable, need, task_from, text_map
from quicketl.state import StatCache, hash_path
from quicketl.values import FrozenValue, MutableValue

Lookups = dict[str, str | None]


def scope_lookups(scope: VariableScope, names: Mapping[str, object], key: bytes) -> Lookups:
    """What each variable `names` holds resolves to in `scope` now (None: the inline default
    applies); secret ones as keyed hashes, so that nothing secret is stored."""
    out: Lookups = {}
    for name in sorted(names):
        value = scope.lookup(name)
        if value is not None and looks_secret(name):
            remember(value)  # as loading the file would: output masks it from now on
        out[name] = None if value is None else mask_var(name, value, key)
    return out


def plan_lookups(plan: Plan, cli_vars: Mapping[str, object], key: bytes) -> dict[str, Lookups]:
    """For every task, `scope_lookups` of the variables its file used, in the scope planning
    gives that file (--var, the pipeline entry's, the workflow's, then the standard layers)."""
    base = VariableScope.standard(root=plan.root)  # read .env and quicketl.yml once
    out = {}
    for task in plan.tasks:
        explicit = [layer for layer in (cli_vars, task.variables, plan.variables) if layer]
        scope = VariableScope([*explicit, *base.layers], environment=base.environment)
        out[task.id] = scope_lookups(scope, task.used_vars, key)
    return out


@dataclass(frozen=True, repr=False, eq=False)
class _Entry(FrozenValue):
    body: dict[str, Any]  # the task as stored (plan/stored.py reads it)
    lookups: Lookups


@dataclass(repr=False, eq=False)
class StoredPipelines(MutableValue):
    """The tasks of the last stored plan of a workflow, by the pipeline file they came from."""

    root: Path
    hashes: dict[str, str]
    by_file: dict[str, list[_Entry]]
    stat_cache: StatCache | None
    key: bytes

    def task_for(
        self,
        path: Path,
        scope: VariableScope,
        *,
        stage: str,
        name: str,
        entry_variables: Mapping[str, object],
    ) -> Task | None:
        """The stored task of the file at `path` (resolved) as stage `stage`, name `name`,
        when its bytes and the variables it used are unchanged; else None (parse it)."""
        entries = self.by_file.get(str(path))
        if not entries or hash_path(path, self.stat_cache) != self.hashes.get(str(path)):
            return None
        for entry in entries:
            if scope_lookups(scope, entry.lookups, self.key) == entry.lookups:
                return _renamed(entry.body, path, stage, name, entry_variables)
        return None


def _renamed(
    body: dict[str, Any], path: Path, stage: str, name: str, entry_variables: Mapping[str, object]
) -> Task | None:
    try:
        task = task_from(body)
    except (Unreadable, KeyError, TypeError, ValueError):
        return None  # a damaged entry: parse the file instead
    variables = {k: as_text(v) for k, v in entry_variables.items()}
    return replace(
        task, id=f"{stage}.{name}", stage=stage, name=name, pipeline_path=path, variables=variables
    )


def stored_pipelines(
    snapshot: Path,
    root: Path,
    stat_cache: StatCache | None,
    key: bytes,
    current: Callable[[object], bool],
) -> StoredPipelines | None:
    """The per-file entries of the snapshot at `snapshot`, made under project root `root`, or
    None when there is none to use (missing, not `current`: another format or version, another
    root, unreadable: all silent, since planning afresh is always right)."""
    try:
        body, text = read_snapshot(snapshot)
        if not current(need(body, dict)) or body["plan"]["root"] != str(root):
            return None
        give_configs(body, text)
        need(body["tool"], dict)  # `current` leaves a missing one to be found here
        return StoredPipelines(root, text_map(body["files"]), _by_file(body), stat_cache, key)
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None  # Unreadable is a ValueError


def _by_file(body: dict[str, Any]) -> dict[str, list[_Entry]]:
    scopes = need(body["scopes"], dict)
    by_file: dict[str, list[_Entry]] = {}
    for task in need(body["plan"]["tasks"], list):
        lookups = need(scopes.get(need(task, dict).get("id")), dict)
        if not all(type(v) in (str, type(None)) for v in lookups.values()):
            raise Unreadable("expected a map of strings or nulls")
        entry = _Entry(task, lookups)
        by_file.setdefault(need(task["pipeline_path"], str), []).append(entry)
    return by_file
