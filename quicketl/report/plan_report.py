"""A plan for people: `workflow info` (levels, stages, variables) and `workflow validate`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from quicketl.locations.paths import root_relative
from quicketl.plan.model import Plan, Task
from quicketl.plan.shown import shown_variables
from quicketl.report.diagnostics import print_warnings
from quicketl.report.fast_tree import FastTree, Node, plain_tree_text


def render_info(console: Console, plan: Plan) -> None:
    console.print(f"Workflow: {plan.name}", highlight=False)
    if plan.description:
        console.print(f"  {plan.description}", highlight=False)
    console.print(f"  Project root: {plan.root}", highlight=False)
    console.print(f"  fail_fast: {str(plan.fail_fast).lower()}", highlight=False)
    console.print(stages_table(plan))
    levels = Table(title="Execution levels")
    levels.add_column("Level", justify="right")
    levels.add_column("Pipelines (may run at the same time)")
    for index, ids in enumerate(plan.levels()):
        levels.add_row(str(index), ", ".join(ids))
    console.print(levels)
    console.print(variables_table(plan))


def stages_table(plan: Plan) -> Table:
    table = Table(title="Stages")
    table.add_column("Stage")
    table.add_column("Pipelines")
    table.add_column("Parallel")
    table.add_column("Depends on")
    for stage in plan.stages:
        names = ", ".join(plan.task(t).name for t in stage.task_ids)
        table.add_row(
            stage.name, names, "yes" if stage.parallel else "no", ", ".join(stage.depends_on) or "-"
        )
    return table


def variables_table(plan: Plan) -> Table:
    table = Table(title="Variables")
    table.add_column("Name")
    table.add_column("Default")
    for name, value in shown_variables(plan).items():
        table.add_row(name, repr(value))
    if not plan.variables:
        table.add_row("-", "-")
    return table


def render_structure(console: Console, plan: Plan, verbose: bool = False) -> None:
    """`workflow validate`: the stages and pipelines as a tree, then warnings."""
    root = f"{plan.name}: valid"
    stages = _structure(plan, verbose)
    text = plain_tree_text(root, stages, console)
    if text is not None:  # the same characters, without a rich node per pipeline
        console.file.write(text)
        console.file.flush()
    else:
        tree = FastTree(Text(root, style="bold green"))
        _grow(tree, stages)
        console.print(tree)
    print_warnings(plan.warnings)


def _structure(plan: Plan, verbose: bool) -> list[Node]:
    stages: list[Node] = []
    top = str(plan.root)
    for stage in plan.stages:
        mode = "parallel" if stage.parallel else "in order"
        after = f", after {', '.join(stage.depends_on)}" if stage.depends_on else ""
        tasks: list[Node] = []
        for task_id in stage.task_ids:
            task = plan.task(task_id)
            label = f"{task.name}  {_shown_path(task.pipeline_path, plan.root, top)}"
            tasks.append((label, _details(plan, task) if verbose else []))
        stages.append((f"{stage.name} ({mode}{after})", tasks))
    return stages


def _details(plan: Plan, task: Task) -> list[Node]:
    ups = plan.upstream_of(task.id)
    return [
        (f"reads: {', '.join(task.inputs) or '-'}", []),
        (f"writes: {', '.join(task.outputs)}", []),
        (f"waits for: {', '.join(ups) or '-'}", []),
    ]


def _grow(tree: Tree, children: list[Node]) -> None:
    for label, grandchildren in children:
        _grow(tree.add(label), grandchildren)


def _shown_path(path: Path, root: Path, top: str) -> str:
    """A task's pipeline file relative to the root (`top` is `str(root)`). Plans hold it
    resolved already, and resolving 10,000 paths again cost more than the rest of the
    report; so did `pathlib`'s `relative_to` (a file below the root is cut as text)."""
    text = str(path)
    if top != "/" and text.startswith(top + "/") and path.is_absolute():
        return text[len(top) + 1 :]
    if path.is_absolute() and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return root_relative(path, root)
