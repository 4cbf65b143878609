"""`--select`: which tasks a run covers (`name`, `+name` with upstream, `name+` downstream)."""

from __future__ import annotations

from collections.abc import Sequence

from quicketl.config.suggest import did_you_mean
from quicketl.errors import ConfigError, Problem
from quicketl.locations.refs import reads_output
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


def require_unselected_outputs(plan: Plan, task_ids: Sequence[str]) -> None:
    """A selected task cannot read what an unselected task of the workflow has not written
    yet; say which output is missing and how to select its writer too."""
    chosen = set(task_ids)
    problems = [
        Problem(
            f"--select: {task.id} reads {output}, which does not exist yet; it is written by "
            f"{writer.id}, which is not selected (select +{task.name} to build it too)"
        )
        for task in plan.tasks
        if task.id in chosen
        for writer in plan.tasks
        if writer.id not in chosen
        for output in writer.outputs
        if any(reads_output(p, output) for p in task.inputs) and not (plan.root / output).exists()
    ]
    if problems:
        raise ConfigError(problems)


def _expand(plan: Plan, selector: str) -> set[str]:
    name = selector.strip("+")
    matches = _matching(plan, name)
    chosen = set(matches)
    parents, children = plan.parents(), plan.children()
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
