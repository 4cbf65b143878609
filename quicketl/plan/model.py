"""The immutable `Plan`: the tasks of a workflow, their files and the edges between them."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from quicketl.errors import Problem
from quicketl.locations.refs import External
from quicketl.values import FrozenValue

if TYPE_CHECKING:
    from quicketl.config.loader import LoadedPipeline
    from quicketl.plan.edgeset import Links

EdgeReason = Literal["depends_on", "order", "lineage"]


@dataclass(frozen=True, repr=False, eq=False)
class Task(FrozenValue):
    """One pipeline reference in one stage: the unit that is keyed, run and skipped.

    `inputs` are the file patterns the pipeline reads (relative to the project root where they
    are inside it, globs unexpanded); `outputs` the paths it writes; `external` the inputs that
    are not files (a database, a URL, `volatile: true`), which make the task always run unless
    a `freshness` query is declared.
    """

    id: str
    stage: str
    name: str
    pipeline_path: Path
    config: dict[str, Any]
    variables: dict[str, str]
    used_vars: dict[str, str]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    external: tuple[External, ...] = ()
    description: str | None = None
    # The pipeline file's own located warnings (e.g. non-deterministic SQL): kept with the
    # task so that the per-file plan cache gives them again without reading the file.
    warnings: tuple[Problem, ...] = ()
    pipeline: LoadedPipeline | None = field(default=None, compare=False, repr=False)
    # The canonical JSON of `config` when already known (a stored plan keeps it), so that
    # keying the task does not encode the config again (plan/snapshot.py).
    config_json: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, repr=False, eq=False)
class Edge(FrozenValue):
    """`upstream` must finish before `downstream` starts."""

    upstream: str
    downstream: str
    reason: EdgeReason


@dataclass(frozen=True, repr=False, eq=False)
class StageInfo(FrozenValue):
    """A stage as declared, with the ids of its tasks in list order."""

    name: str
    task_ids: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    parallel: bool = False
    continue_on_failure: bool = False
    description: str | None = None


@dataclass(frozen=True, repr=False, eq=False)
class Plan(FrozenValue):
    """A resolved workflow. Tasks are in a topological order; edges are deduplicated (a
    built plan holds them as an `EdgeSet`, which keeps `depends_on` between stages compact)."""

    name: str
    root: Path
    workflow_path: Path | None
    tasks: tuple[Task, ...]
    edges: Sequence[Edge]
    stages: tuple[StageInfo, ...]
    variables: dict[str, Any] = field(default_factory=dict)
    fail_fast: bool = True
    description: str | None = None
    warnings: tuple[Problem, ...] = ()
    used_vars: dict[str, str] = field(default_factory=dict)
    # Workflow variables as written, for those that refer to other variables (`${DB_PASSWORD}`):
    # generated code carries these, never the values they had on the generating machine.
    expressions: dict[str, str] = field(default_factory=dict)
    # When planning began to read the plan's files (time.time_ns()); None when not known. A
    # file changed since then may not be what the plan was made from (plan/snapshot.py).
    planned_at_ns: int | None = None

    def task(self, task_id: str) -> Task:
        by_id = _cached(self, "by_id", lambda: {task.id: task for task in self.tasks})
        try:
            return by_id[task_id]
        except KeyError:
            raise KeyError(task_id) from None

    @property
    def links(self) -> Links:
        """The graph for queries (parents, ancestors, depths) without listing every edge."""
        from quicketl.plan.edgeset import Links

        return _cached(self, "links", lambda: Links(self.edges))

    def parents(self) -> dict[str, set[str]]:
        """Each task's direct upstream tasks (tasks without any are left out). Lists every
        edge: prefer `links` on large plans."""
        return _adjacency((e.downstream, e.upstream) for e in self.edges)

    def children(self) -> dict[str, set[str]]:
        """Each task's direct downstream tasks (tasks without any are left out)."""
        return _adjacency((e.upstream, e.downstream) for e in self.edges)

    def upstream_of(self, task_id: str) -> tuple[str, ...]:
        return tuple(sorted(self.links.parents_of(task_id)))

    def levels(self) -> list[list[str]]:
        """Task ids grouped by their depth: a level may run at once when its upstream is done."""
        depth = self.links.depths([task.id for task in self.tasks])  # topological order
        groups: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for task in self.tasks:
            groups[depth[task.id]].append(task.id)
        return groups


def _adjacency(links: Iterator[tuple[str, str]]) -> dict[str, set[str]]:
    adjacent: dict[str, set[str]] = {}
    for start, end in links:
        adjacent.setdefault(start, set()).add(end)
    return adjacent


_T = TypeVar("_T")
# Derived lookups of a plan, kept beside it rather than in it, so `plan.__dict__` stays
# exactly its fields; an entry goes when its plan does.
_DERIVED: dict[int, dict[str, Any]] = {}


def _cached(plan: Plan, name: str, make: Callable[[], _T]) -> _T:
    entry = _DERIVED.get(id(plan))
    if entry is None:
        entry = _DERIVED[id(plan)] = {}
        weakref.finalize(plan, _DERIVED.pop, id(plan), None)
    if name not in entry:
        entry[name] = make()
    value: _T = entry[name]
    return value
