"""`--select`: which tasks a run covers (`name`, `+name` with upstream, `name+` downstream)."""

from __future__ import annotations

from collections.abc import Sequence

from quicketl.config.suggest import did_you_mean
from quicketl.errors import ConfigError
from quicketl.plan.graph import ancestors
from quicketl.plan.model import Plan


def select_tasks(plan: Plan, selectors: Sequence[str]) -> list[str]:
    """Task ids in plan order; every task when nothing is selected."""
    if not selectors:
        return [task.id for task in plan.tasks]
    chosen: set[str] = set()
    for selector in selectors:
        chosen |= _expand(plan, selector)
    return [task.id for task in plan.tasks if task.id in chosen]


def _expand(plan: Plan, selector: str) -> set[str]:
    name = selector.strip("+")
    matches = _matching(plan, name)
    chosen = set(matches)
    parents = _adjacency(plan, upward=True)
    children = _adjacency(plan, upward=False)
    for task_id in matches:
        if selector.startswith("+"):
            chosen |= ancestors(task_id, parents)
        if selector.endswith("+"):
            chosen |= ancestors(task_id, children)
    return chosen


def _matching(plan: Plan, name: str) -> list[str]:
    found = [t.id for t in plan.tasks if name in (t.id, t.name)]
    if not found:
        names = [t.name for t in plan.tasks] + [t.id for t in plan.tasks]
        raise ConfigError(
            f"--select: no task or pipeline named '{name}'{did_you_mean(name, names)}"
        )
    return found


def _adjacency(plan: Plan, upward: bool) -> dict[str, set[str]]:
    links: dict[str, set[str]] = {}
    for edge in plan.edges:
        start, end = (
            (edge.downstream, edge.upstream) if upward else (edge.upstream, edge.downstream)
        )
        links.setdefault(start, set()).add(end)
    return links
