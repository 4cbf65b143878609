"""A `Task` made from a loaded pipeline: the one recipe for workflows and single runs alike."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quicketl.config.loader import LoadedPipeline, load_pipeline
from quicketl.config.pipeline import PipelineConfig
from quicketl.config.secrets import mask, masks_only_urls
from quicketl.config.variables import VariableScope, as_text
from quicketl.errors import Problem
from quicketl.plan.io import pipeline_io
from quicketl.plan.model import Plan, Task


def task_for(
    loaded: LoadedPipeline,
    *,
    stage: str,
    name: str,
    entry_variables: Mapping[str, object] | None = None,
    folders: dict[Path, Path] | None = None,
    warnings: tuple[Problem, ...] = (),
    pipeline_path: Path | None = None,
) -> Task:
    """The task `stage.name` running `loaded`, with its files and key components.
    `folders` remembers resolved folders across the tasks of one plan; `pipeline_path` is the
    file resolved already, when the caller has it."""
    io = pipeline_io(loaded.config, loaded.root)
    if pipeline_path is None:
        pipeline_path = resolve_file(loaded.path, {} if folders is None else folders)
    return Task(
        id=f"{stage}.{name}",
        stage=stage,
        name=name,
        pipeline_path=pipeline_path,
        config=config_component(loaded.config),
        variables={k: as_text(v) for k, v in (entry_variables or {}).items()},
        used_vars=loaded.used_vars,
        inputs=io.inputs,
        outputs=io.outputs,
        external=io.external,
        description=loaded.config.description,
        warnings=warnings,
        pipeline=loaded,
    )


def resolve_file(path: Path, folders: dict[Path, Path]) -> Path:
    """`path.resolve()`, resolving each folder once: pipelines share a few folders, and
    resolving walks every part of the path with a system call each."""
    if path.is_symlink():
        return path.resolve()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve()
    return folder / path.name


def config_component(config: PipelineConfig) -> dict[str, Any]:
    """The pipeline as its key sees it. The key's JSON sorts mapping keys, but the first entry
    of `sources` is the primary table, so their order is kept as a list as well. Secret values
    are masked: they are in the key as keyed hashes of the variables, never in clear."""
    dumped: dict[str, Any] = config.model_dump(mode="json")
    if config.sources:
        dumped["source_order"] = list(config.sources)
    # Nothing for `mask` to change? `repr` is one C call where the walk is one Python call
    # per value, and writes every key and string with any `://` in it as it is.
    if masks_only_urls() and "://" not in repr(dumped):
        return dumped
    masked: dict[str, Any] = _masked(dumped)
    return masked


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def load_task_pipeline(
    plan: Plan, task: Task, cli_variables: Mapping[str, object] | None = None
) -> LoadedPipeline:
    """The task's resolved pipeline. A plan restored from its snapshot carries none, and loads
    it only for the tasks that really run, with the variable layers planning used."""
    if task.pipeline is not None:
        return task.pipeline
    scope = VariableScope.standard(cli_variables, task.variables, plan.variables, root=plan.root)
    return load_pipeline(task.pipeline_path, scope, plan.root)
