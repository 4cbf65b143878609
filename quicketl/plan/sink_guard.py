"""Where a sink may write, checked before any task starts.

A sink never replaces what quicketl did not create. Refused, for file sinks, with paths
compared after `~`, `..` and symlinks are resolved:

- a target that holds the project folder, or lies in (or holds) the cache folder;
- a target outside the project root, unless `quicketl.yml` lists a folder holding it in
  `allowed_output_roots` or `--allow-outside-project` is given;
- a target whose parent is a file;
- a YAML file (a pipeline, workflow or project file, or any existing *.yml/*.yaml);
- an input of the same pipeline, and a file the workflow reads as a raw input;
- for a partitioned sink, an existing folder (or file) that is not this sink's own output
  (see `sink_folder`).

Every check is a set or dict lookup per sink or input, so the whole guard stays linear.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quicketl.config.defaults import project_cache_dir
from quicketl.config.project import (
    PROJECT_FILE,
    ProjectSettings,
    project_settings,
)
from quicketl.errors import ConfigError, PlanError, Problem
from quicketl.locations.globbing import has_glob
from quicketl.locations.refs import file_refs, is_table
from quicketl.locations.urls import is_remote
from quicketl.plan.model import Plan, Task
from quicketl.plan.scope import plan_scope
from quicketl.plan.sink_folder import foreign_entries
from quicketl.state.cachedir import DEFAULT_CACHE_DIR_NAME, resolve_cache_dir
from quicketl.state.owners import owns, read_owners
from quicketl.state.store import SinkOwner
from quicketl.values import FrozenValue

_YAML_SUFFIXES = (".yml", ".yaml")
_SINK_PATH = ("sink", "path")


@dataclass(frozen=True, repr=False, eq=False)
class SinkRules(FrozenValue):
    """What the checks need to know beyond the tasks themselves."""

    root: Path
    scope: str
    cache_dirs: tuple[Path, ...]
    settings: ProjectSettings
    allow_outside: bool
    owners: Mapping[str, SinkOwner]
    yaml_files: frozenset[Path]
    resolved_yaml: frozenset[str] = frozenset()  # YAML files resolved already (as `real` does)


@dataclass(frozen=True, repr=False, eq=False)
class _Sink(FrozenValue):
    task: Task
    target: str  # absolute and resolved
    shown: str
    partition_by: list[str]


class _Disk:
    """Resolved paths and folder checks, memoised: sinks and inputs share few folders, so
    a plan of thousands of tasks costs a few system calls per task."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._real: dict[str, str] = {}
        self._isdir: dict[str, bool] = {}
        self._resolved: dict[str, str] = {}  # a sink's path is often another task's input
        self._above_file: dict[str, str | None] = {}

    def real(self, path: str) -> str:
        """`path` (relative to the root) absolute, with `~`, `..` and symlinks resolved."""
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = self._real_path(path)
        return resolved

    def _real_path(self, path: str) -> str:
        path = os.path.join(self.root, os.path.expanduser(path) if path[:1] == "~" else path)
        if "/../" in path or path.endswith("/.."):
            return os.path.realpath(path)
        folder, name = os.path.split(os.path.normpath(path))
        if folder not in self._real:
            self._real[folder] = os.path.realpath(folder)
        full = os.path.join(self._real[folder], name)
        if not self.isdir(self._real[folder]):
            return full  # nothing, so no link, can be in a folder that is not there
        return os.path.realpath(full) if os.path.islink(full) else full

    def file_above(self, path: str) -> str | None:
        """The nearest folder above `path` that is not a folder but exists (a file), if any
        before a real folder is met; remembered by `path`'s folder, which sinks share."""
        parent = os.path.dirname(path)
        if parent not in self._above_file:
            self._above_file[parent] = self._file_at_or_above(parent)
        return self._above_file[parent]

    def _file_at_or_above(self, parent: str) -> str | None:
        while not self.isdir(parent):
            if os.path.lexists(parent):
                return parent
            if parent == os.path.dirname(parent):
                break
            parent = os.path.dirname(parent)
        return None

    def isdir(self, path: str) -> bool:
        if path not in self._isdir:
            self._isdir[path] = os.path.isdir(path)
        return self._isdir[path]

    def shown(self, path: str) -> str:
        """A path as messages show it: relative to the project root when inside it."""
        if path == self.root:
            return "."
        return path[len(self.root) + 1 :] if within(path, self.root) else path


@dataclass(frozen=True, repr=False, eq=False)
class _Check(FrozenValue):
    """The rules with every path resolved once."""

    rules: SinkRules
    disk: _Disk
    caches: tuple[str, ...]
    allowed: tuple[str, ...]
    yaml_files: frozenset[str]
    raw: Mapping[str, str]


def rules_for(
    root: Path,
    scope: str,
    *,
    cache_dir: Path | None,
    allow_outside: bool,
    yaml_files: Iterable[Path],
    owners: Mapping[str, SinkOwner] | None = None,
    resolved_yaml: Iterable[Path] = (),
) -> SinkRules:
    """The rules for a project: its settings file, its cache and the owners recorded there.
    `resolved_yaml`: more YAML files, whose paths are absolute and resolved already (a plan
    of 10,000 pipelines resolved each one as it found it)."""
    cache = resolve_cache_dir(root, cache_dir, project_cache_dir(root))
    return SinkRules(
        root=root,
        scope=scope,
        cache_dirs=(cache, root / DEFAULT_CACHE_DIR_NAME),
        settings=project_settings(root),
        allow_outside=allow_outside,
        owners=read_owners(cache) if owners is None else owners,
        yaml_files=frozenset([*yaml_files, root / PROJECT_FILE]),
        resolved_yaml=frozenset(map(str, resolved_yaml)),
    )


def plan_sink_problems(
    plan: Plan,
    *,
    cache_dir: Path | None,
    allow_outside: bool,
    owners: Mapping[str, SinkOwner] | None = None,
) -> list[Problem]:
    """`sink_problems` for a whole plan, before it runs."""
    files = [t.pipeline_path for t in plan.tasks]
    files += [plan.workflow_path] if plan.workflow_path else []
    rules = rules_for(
        plan.root,
        plan_scope(plan),
        cache_dir=cache_dir,
        allow_outside=allow_outside,
        yaml_files=files,
        owners=owners,
    )
    return sink_problems(plan.tasks, rules)


def require_safe_sinks(
    plan: Plan,
    *,
    cache_dir: Path | None,
    allow_outside: bool,
    owners: Mapping[str, SinkOwner] | None = None,
) -> None:
    """Raise PlanError naming every sink of `plan` that must not be written."""
    problems = plan_sink_problems(
        plan, cache_dir=cache_dir, allow_outside=allow_outside, owners=owners
    )
    if problems:
        raise PlanError(problems)


def sink_problems(tasks: Sequence[Task], rules: SinkRules) -> list[Problem]:
    """One located problem per task whose file sink must not be written."""
    disk = _Disk(os.path.realpath(rules.root))
    check = _Check(
        rules,
        disk,
        tuple(disk.real(str(path)) for path in rules.cache_dirs),
        (disk.root, *(disk.real(str(p)) for p in rules.settings.allowed_output_roots)),
        frozenset(disk.real(str(path)) for path in rules.yaml_files) | rules.resolved_yaml,
        raw_inputs(tasks, disk),
    )
    problems = []
    for task in tasks:
        sink = _file_sink(task, disk)
        message = sink and _first_problem(sink, check)
        if sink and message:
            problems.append(_locate(task, message))
    return problems


def _file_sink(task: Task, disk: _Disk) -> _Sink | None:
    sink: dict[str, Any] = task.config.get("sink") or {}
    path = sink.get("path")
    if sink.get("type") != "file" or not isinstance(path, str) or is_remote(path):
        return None  # database sinks and URLs are checked where they are written
    target = disk.real(path.rstrip("/") or path)
    return _Sink(task, target, disk.shown(target), list(sink.get("partition_by") or []))


def _first_problem(sink: _Sink, check: _Check) -> str | None:
    checks = (
        _holds_project,
        _in_cache,
        _outside_project,
        _parent_is_file,
        _over_yaml,
        _over_foreign_folder,
        _over_own_input,
        _over_raw_input,
    )
    for rule in checks:
        message = rule(sink, check)
        if message:
            return message
    return None


def _holds_project(sink: _Sink, check: _Check) -> str | None:
    if within(check.disk.root, sink.target):
        return f"{sink.shown} holds the project folder itself; a sink may never replace it"
    return None


def _in_cache(sink: _Sink, check: _Check) -> str | None:
    for cache in check.caches:
        if within(sink.target, cache) or within(cache, sink.target):
            where = check.disk.shown(cache)
            return f"{sink.shown} is in or holds the cache folder {where}; write outputs elsewhere"
    return None


def _outside_project(sink: _Sink, check: _Check) -> str | None:
    if check.rules.allow_outside or any(within(sink.target, f) for f in check.allowed):
        return None
    return (
        f"{sink.shown} is outside the project folder {check.disk.root}; list a folder holding "
        "it under allowed_output_roots in quicketl.yml, or pass --allow-outside-project"
    )


def _parent_is_file(sink: _Sink, check: _Check) -> str | None:
    parent = check.disk.file_above(sink.target)
    if parent is not None:
        return f"cannot write {sink.shown}: {check.disk.shown(parent)} is a file"
    return None


def _over_yaml(sink: _Sink, check: _Check) -> str | None:
    target = sink.target
    is_yaml = target.lower().endswith(_YAML_SUFFIXES) and os.path.lexists(target)
    if target in check.yaml_files or is_yaml:
        return f"{sink.shown} is a YAML file of the project; a sink may not overwrite it"
    return None


def _over_own_input(sink: _Sink, check: _Check) -> str | None:
    for pattern, fmt in _file_sources(sink.task.config, check.disk):
        if _reads(pattern, fmt, sink.target, check.disk) or within(pattern, sink.target):
            return (
                f"{sink.shown} is an input of this pipeline; a sink may not overwrite what it reads"
            )
    return None


def _over_raw_input(sink: _Sink, check: _Check) -> str | None:
    reader = check.raw.get(sink.target)
    if reader is None:
        return None
    return (
        f"{sink.shown} is read by {reader} as a raw input (no pipeline writes that path); "
        "a sink may not overwrite it"
    )


def _over_foreign_folder(sink: _Sink, check: _Check) -> str | None:
    if not sink.partition_by or not os.path.lexists(sink.target):
        return None
    target, rules = Path(sink.target), check.rules
    owned = owns(rules.owners.get(sink.target), target, rules.scope, sink.task.id)
    replace = "a partitioned sink replaces its whole folder"
    if not target.is_dir():
        if owned:
            return None  # this sink wrote a file there before it was partitioned
        return f"{sink.shown} is a file, and {replace}; point it at a new or empty folder"
    found = foreign_entries(target, sink.partition_by, any_columns=owned)
    if not found:
        return None
    return f"{found.describe(sink.shown)}; {replace}: point it at a new or empty folder"


def raw_inputs(tasks: Sequence[Task], disk: _Disk) -> dict[str, str]:
    """Resolved file inputs that no task writes (by the paths as planned), with a reader."""
    outputs = {out for task in tasks for out in file_refs(task.outputs)}
    raw: dict[str, str] = {}
    for task in tasks:
        for ref in task.inputs:
            if is_table(ref) or has_glob(ref) or _produced(ref, outputs):
                continue
            raw.setdefault(disk.real(ref), task.id)
    return raw


def _produced(ref: str, outputs: set[str]) -> bool:
    # an output folder of partitions produces every path below it
    parts = ref.split("/")
    return any("/".join(parts[:end]) in outputs for end in range(len(parts), 0, -1))


def _file_sources(config: Mapping[str, Any], disk: _Disk) -> Iterable[tuple[str, str | None]]:
    """(resolved path or glob, explicit format) of each file source."""
    sources = config.get("sources") or {"source": config.get("source")}
    for source in sources.values():
        if (
            isinstance(source, dict)
            and source.get("type") == "file"
            and not is_remote(source["path"])
        ):
            yield _resolve_pattern(source["path"], disk), source.get("format")


def _resolve_pattern(pattern: str, disk: _Disk) -> str:
    """A path or glob with the part before its first wildcard resolved."""
    if not has_glob(pattern):
        return disk.real(pattern)
    parts = Path(pattern).expanduser().parts
    cut = next(i for i, part in enumerate(parts) if has_glob(part))
    head = disk.real(str(Path(*parts[:cut])) if cut else ".")
    return os.path.join(head, *parts[cut:])


def _reads(pattern: str, fmt: str | None, target: str, disk: _Disk) -> bool:
    """Whether a source reading `pattern` reads the file `target`."""
    if has_glob(pattern):
        return fnmatch.fnmatchcase(target, pattern)
    if target == pattern:
        return True
    # a folder source reads its files of the source's format, at any depth
    return within(target, pattern) and disk.isdir(pattern) and _has_format(target, fmt)


def _has_format(target: str, fmt: str | None) -> bool:
    name = target.lower().removesuffix(".gz").removesuffix(".zst")
    return fmt is None or name.endswith(f".{fmt}")


def _locate(task: Task, message: str) -> Problem:
    if task.pipeline is not None:
        return task.pipeline.doc.problem(_SINK_PATH, message)
    from quicketl.config.yamlfile import load_yaml_file  # YAML loads only on a refusal

    try:  # a stored plan keeps no YAML; read the file again, only to place the message
        return load_yaml_file(task.pipeline_path).problem(_SINK_PATH, message)
    except ConfigError:
        return Problem(message, str(task.pipeline_path), None, "sink.path")


def within(path: str, folder: str) -> bool:
    """`path` is `folder` or lies below it (both absolute and resolved)."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")
