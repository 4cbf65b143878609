"""What export takes beside the plan: each task's `orchestrator:` settings, the selection,
the generate-time variables and the assets' project name (the API layer reads them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from quicketl.values import FrozenValue


@dataclass(frozen=True, repr=False, eq=False)
class TaskSettings(FrozenValue):
    """What a task asks of the orchestrator; None (or no tags) leaves the DAG's default."""

    pool: str | None = None
    priority_weight: int | None = None
    execution_timeout: int | None = None  # seconds
    retries: int | None = None
    owner: str | None = None
    tags: tuple[str, ...] = ()


NO_SETTINGS = TaskSettings()
DEFAULT_NAMESPACE = "project"


@dataclass(frozen=True, repr=False, eq=False)
class ExportInputs(FrozenValue):
    """`selected`: the task ids `--select` chose (None: all); `settings`: task id -> settings;
    `variables`: `--var` values, the parameters' defaults; `namespace`: the asset URIs' host."""

    selected: tuple[str, ...] | None = None
    settings: Mapping[str, TaskSettings] = field(default_factory=dict)
    variables: Mapping[str, object] = field(default_factory=dict)
    namespace: str = DEFAULT_NAMESPACE
