"""Scheduling through one barrier per depends_on block instead of every pair."""

from __future__ import annotations

from pathlib import Path

from quicketl.execute.barriers import schedule_links
from quicketl.plan.edgeset import Block, EdgeSet
from quicketl.plan.model import Edge, Plan, StageInfo, Task


def task(task_id: str) -> Task:
    stage, name = task_id.split(".")
    return Task(task_id, stage, name, Path(f"{name}.yml"), {}, {}, {}, (), ())


def plan_of(order: list[str], edges: EdgeSet) -> Plan:
    tasks = tuple(task(t) for t in order)
    return Plan("wf", Path("."), None, tasks, edges, (StageInfo("a", tuple(order)),))


def test_a_stage_waits_on_one_barrier_for_the_whole_stage_before_it() -> None:
    order = ["a.x", "a.y", "b.p", "b.q", "c.r"]
    edges = EdgeSet(order, [Edge("b.q", "c.r", "lineage")], [Block(("a.x", "a.y"), ("b.p", "b.q"))])
    barriers, waits = schedule_links(plan_of(order, edges), order)
    assert barriers == {"barrier-0": ["a.x", "a.y"]}
    assert waits == {
        "a.x": [],
        "a.y": [],
        "b.p": ["barrier-0"],
        "b.q": ["barrier-0"],
        "c.r": ["b.q"],
    }


def test_only_selected_tasks_are_waited_for() -> None:
    order = ["a.x", "a.y", "b.p"]
    edges = EdgeSet(order, [], [Block(("a.x", "a.y"), ("b.p",))])
    barriers, waits = schedule_links(plan_of(order, edges), ["a.y", "b.p"])
    assert barriers == {"barrier-0": ["a.y"]}
    assert waits == {"a.y": [], "b.p": ["barrier-0"]}
    barriers, waits = schedule_links(plan_of(order, edges), ["b.p"])
    assert barriers == {}
    assert waits == {"b.p": []}
