"""A stored plan read back into a `Plan`, every field checked for its type first.

A snapshot is only a cache, and a file anyone can edit: one that does not have exactly the
shape `snapshot.py` writes raises `Unreadable`, and the caller plans afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from quicketl.errors import Problem
from quicketl.locations.refs import External
from quicketl.plan.edgeset import edges_from
from quicketl.plan.model import Edge, Plan, StageInfo, Task

T = TypeVar("T")
_EDGE_REASONS = ("depends_on", "order", "lineage")
_STAGE_KEYS = {"name", "task_ids", "depends_on", "parallel", "continue_on_failure", "description"}
_TASK_KEYS = {
    "id",
    "stage",
    "name",
    "pipeline_path",
    "config",
    "config_json",
    "variables",
    "used_vars",
    "inputs",
    "outputs",
    "external",
    "description",
    "warnings",
}


class Unreadable(ValueError):
    """A stored value that does not have the shape it was written with."""


# Exact types, not isinstance: parsed JSON holds only the builtin types themselves, and
# `type(x) is int` never takes a boolean for a number. Plans can hold thousands of tasks and
# edges, so these checks stay cheap.


def need(value: object, kind: type[T]) -> T:
    """`value` when its type is exactly `kind`, else `Unreadable`."""
    if type(value) is not kind:
        raise Unreadable(f"expected {kind.__name__}, found {type(value).__name__}")
    return value


def text_or_none(value: object) -> str | None:
    return None if value is None else need(value, str)


def texts(value: object) -> tuple[str, ...]:
    items = need(value, list)
    if not all(type(item) is str for item in items):
        raise Unreadable("expected a list of strings")
    return tuple(items)


def text_map(value: object) -> dict[str, str]:
    mapping = need(value, dict)
    if not all(type(k) is str and type(v) is str for k, v in mapping.items()):
        raise Unreadable("expected a map of strings")
    return mapping


def fields(value: object, keys: set[str]) -> dict[str, Any]:
    body = need(value, dict)
    if body.keys() != keys:  # a keys view compares with a set without building one
        raise Unreadable(f"fields {sorted(body)}, expected {sorted(keys)}")
    return body


def plan_from(body: object) -> Plan:
    """The `Plan` a snapshot's "plan" part describes; `Unreadable` if it is not one."""
    plan = need(body, dict)
    tasks = _each(plan["tasks"], task_from)
    stages = _each(plan["stages"], _stage_from)
    explicit, blocks = _compact_edges(plan["edges"])
    _require_known_ids(tasks, stages, explicit, blocks)
    edges = edges_from({"explicit": explicit, "blocks": blocks}, [task.id for task in tasks])
    return Plan(
        name=need(plan["name"], str),
        root=Path(need(plan["root"], str)),
        workflow_path=Path(need(plan["workflow_path"], str)),
        tasks=tasks,
        edges=edges,
        stages=stages,
        variables=need(plan["variables"], dict),
        expressions=text_map(plan["expressions"]),
        fail_fast=need(plan["fail_fast"], bool),
        description=text_or_none(plan["description"]),
        warnings=_each(plan["warnings"], _problem_from),
        used_vars=text_map(plan["used_vars"]),
    )


def _each(value: object, convert: Callable[[object], T]) -> tuple[T, ...]:
    items = need(value, list)
    return tuple(map(convert, items)) if items else ()


def task_from(value: object) -> Task:
    """One stored task; `Unreadable` if it is not one."""
    body = fields(value, _TASK_KEYS)
    return Task(
        id=need(body["id"], str),
        stage=need(body["stage"], str),
        name=need(body["name"], str),
        pipeline_path=Path(need(body["pipeline_path"], str)),
        config=need(body["config"], dict),
        config_json=need(body["config_json"], str),
        variables=text_map(body["variables"]),
        used_vars=text_map(body["used_vars"]),
        inputs=texts(body["inputs"]),
        outputs=texts(body["outputs"]),
        external=tuple(map(External.parse, texts(body["external"]))),
        description=text_or_none(body["description"]),
        warnings=_each(body["warnings"], _problem_from),
    )


def _stage_from(value: object) -> StageInfo:
    body = fields(value, _STAGE_KEYS)
    return StageInfo(
        name=need(body["name"], str),
        task_ids=texts(body["task_ids"]),
        depends_on=texts(body["depends_on"]),
        parallel=need(body["parallel"], bool),
        continue_on_failure=need(body["continue_on_failure"], bool),
        description=text_or_none(body["description"]),
    )


def _compact_edges(value: object) -> tuple[list[list[str]], list[list[Any]]]:
    """The stored edges (explicit ones and `depends_on` blocks, see plan/edgeset.py), checked."""
    body = fields(value, {"explicit", "blocks"})
    edges = _each(body["explicit"], _edge_from)
    explicit = [[edge.upstream, edge.downstream, edge.reason] for edge in edges]
    return explicit, list(_each(body["blocks"], _block_from))


def _block_from(value: object) -> list[Any]:
    if type(value) is list and len(value) == 3:
        upstream, downstream = texts(value[0]), texts(value[1])
        removed = [texts(pair) for pair in need(value[2], list)]
        if all(len(pair) == 2 for pair in removed):
            return [upstream, downstream, removed]
    raise Unreadable(f"not a block of edges: {value!r}")


def _edge_from(value: object) -> Edge:
    if type(value) is list and len(value) == 3:
        upstream, downstream, reason = value
        if type(upstream) is str and type(downstream) is str and reason in _EDGE_REASONS:
            return Edge(upstream, downstream, reason)
    raise Unreadable(f"not an edge: {value!r}")


def _problem_from(value: object) -> Problem:
    message, file, line, field = need(value, list) if len(need(value, list)) == 4 else [None] * 4
    line_number = None if line is None else need(line, int)
    return Problem(need(message, str), text_or_none(file), line_number, text_or_none(field))


def _require_known_ids(
    tasks: tuple[Task, ...],
    stages: tuple[StageInfo, ...],
    explicit: list[list[str]],
    blocks: list[list[Any]],
) -> None:
    ids = {task.id for task in tasks}
    named = {i for stage in stages for i in stage.task_ids}
    named |= {i for upstream, downstream, _reason in explicit for i in (upstream, downstream)}
    named |= {i for upstream, downstream, _removed in blocks for i in (*upstream, *downstream)}
    if not named <= ids:
        raise Unreadable("a stage or an edge names a task the plan does not have")
