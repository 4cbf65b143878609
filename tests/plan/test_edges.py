"""Edges at scale: the compact reduction, order and lineage index agree with simple references.

The references below are the straightforward quadratic algorithms planning used before:
every `depends_on` pair listed one by one, every reader compared with every writer, and an
edge dropped when its end is reachable from another child of its start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from quicketl.config.workflow import StageConfig
from quicketl.locations.refs import reads_output
from quicketl.plan.edges import (
    compact_order,
    declared_edges,
    lineage_edges,
    merge_edges,
    order_edges,
    stage_blocks,
    transitive_reduction,
)
from quicketl.plan.edgeset import Block, EdgeSet, Links, edges_body, edges_from
from quicketl.plan.graph import find_cycle
from quicketl.plan.lineage import OutputIndex
from quicketl.plan.model import Edge, Task


@dataclass(frozen=True)
class Stage:
    """What edge building reads of a stage."""

    name: str
    depends_on: list[str]
    parallel: bool


@dataclass(frozen=True)
class Workflow:
    stages: list[Stage]
    ids: dict[str, list[str]]
    lineage: list[Edge]

    @property
    def task_ids(self) -> list[str]:
        return [task for stage in self.stages for task in self.ids[stage.name]]

    @property
    def configs(self) -> Sequence[StageConfig]:
        return cast(Sequence[StageConfig], self.stages)


@st.composite
def workflows(draw: Any, acyclic: bool = True) -> Workflow:
    sizes = draw(st.lists(st.integers(0, 5), min_size=1, max_size=5))
    stages, ids = [], {}
    for index, size in enumerate(sizes):
        name = f"s{index}"
        choices = range(index) if acyclic else range(len(sizes))
        names = [f"s{i}" for i in choices]
        deps = draw(st.lists(st.sampled_from(names), max_size=3)) if names else []
        stages.append(Stage(name, deps, draw(st.booleans())))
        ids[name] = [f"{name}.t{i}" for i in range(size)]
    every = [task for stage in stages for task in ids[stage.name]]
    last = max(len(every) - 1, 0)
    pairs = st.tuples(st.integers(0, last), st.integers(0, last))
    lineage = []
    for a, b in draw(st.lists(pairs, max_size=12)) if every else []:
        if a != b and (a < b or not acyclic):
            lineage.append(Edge(every[a], every[b], "lineage"))
    return Workflow(stages, ids, lineage)


def reference_order(nodes: Sequence[str], edges: Sequence[Edge]) -> list[str]:
    """Kahn's algorithm, the first-listed ready node first (the order planning always used)."""
    children: dict[str, list[str]] = {node: [] for node in nodes}
    for edge in edges:
        if edge.downstream not in children[edge.upstream]:
            children[edge.upstream].append(edge.downstream)
    indegree = {node: 0 for node in nodes}
    for kids in children.values():
        for kid in kids:
            indegree[kid] += 1
    ready = [node for node in nodes if indegree[node] == 0]
    order = []
    while ready:
        ready.sort(key=list(nodes).index)
        node = ready.pop(0)
        order.append(node)
        for kid in children[node]:
            indegree[kid] -= 1
            if indegree[kid] == 0:
                ready.append(kid)
    return order


def reachable(start: str, children: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(children.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(children.get(node, ()))
    return seen


def reference_reduction(order: Sequence[str], edges: Sequence[Edge]) -> list[Edge]:
    """Keep an edge unless its end is reachable from another child of its start; sorted."""
    children: dict[str, set[str]] = {}
    for edge in edges:
        children.setdefault(edge.upstream, set()).add(edge.downstream)
    kept = [
        edge
        for edge in edges
        if not any(
            edge.downstream in reachable(child, children)
            for child in children[edge.upstream] - {edge.downstream}
        )
    ]
    position = {node: index for index, node in enumerate(order)}
    return sorted(kept, key=lambda e: (position[e.upstream], position[e.downstream]))


def every_edge(workflow: Workflow) -> list[Edge]:
    return merge_edges([*declared_edges(workflow.configs, workflow.ids), *workflow.lineage])


def compact(workflow: Workflow) -> tuple[list[str], list[Edge], list[tuple[list[str], list[str]]]]:
    explicit = merge_edges([*order_edges(workflow.configs, workflow.ids), *workflow.lineage])
    blocks = stage_blocks(workflow.configs, workflow.ids)
    return compact_order(workflow.task_ids, explicit, blocks), explicit, blocks


@settings(max_examples=400, deadline=None)
@given(workflows())
def test_the_reduction_keeps_exactly_the_edges_of_the_reference(workflow: Workflow) -> None:
    every = every_edge(workflow)
    expected_order = reference_order(workflow.task_ids, every)
    order, explicit, blocks = compact(workflow)
    assert order == expected_order
    reduced = transitive_reduction(order, explicit, blocks)
    assert list(reduced) == reference_reduction(order, every)
    assert len(reduced) == len(list(reduced))


@settings(max_examples=300, deadline=None)
@given(workflows(acyclic=False))
def test_a_cycle_is_found_exactly_when_the_reference_finds_one(workflow: Workflow) -> None:
    every = every_edge(workflow)
    has_cycle = find_cycle(workflow.task_ids, [(e.upstream, e.downstream) for e in every])
    order, _, _ = compact(workflow)
    assert (len(order) < len(workflow.task_ids)) == (has_cycle is not None)


@settings(max_examples=200, deadline=None)
@given(workflows())
def test_links_answer_as_the_listed_edges_do(workflow: Workflow) -> None:
    order, explicit, blocks = compact(workflow)
    reduced = transitive_reduction(order, explicit, blocks)
    listed = list(reduced)
    links, plain = Links(reduced), Links(listed)
    parents: dict[str, set[str]] = {}
    children: dict[str, set[str]] = {}
    for edge in listed:
        parents.setdefault(edge.downstream, set()).add(edge.upstream)
        children.setdefault(edge.upstream, set()).add(edge.downstream)
    for task in order:
        assert links.parents_of(task) == parents.get(task, set())
        assert links.children_of(task) == children.get(task, set())
        assert links.ancestors(task) == reachable(task, parents)
        assert links.descendants(task) == reachable(task, children)
        assert all(links.is_parent(p, task) for p in parents.get(task, ()))
        assert not any(links.is_parent(o, task) for o in set(order) - parents.get(task, set()))
    assert links.depths(order) == plain.depths(order)
    assert list(edges_from(edges_body(reduced), order)) == listed


def test_depends_on_between_two_wide_stages_is_one_block_not_every_pair() -> None:
    ids = {"a": [f"a.{i}" for i in range(300)], "b": [f"b.{i}" for i in range(300)]}
    stages = cast(Sequence[StageConfig], [Stage("a", [], True), Stage("b", ["a"], True)])
    blocks = stage_blocks(stages, ids)
    order = compact_order([*ids["a"], *ids["b"]], [], blocks)
    reduced = transitive_reduction(order, [], blocks)
    assert reduced.explicit == ()
    assert reduced.blocks == (Block(tuple(ids["a"]), tuple(ids["b"])),)
    assert len(reduced) == 90_000
    assert reduced[0] == Edge("a.0", "b.0", "depends_on")
    assert reduced == tuple(reduced)


def test_an_edge_set_compares_equal_to_the_same_edges_listed() -> None:
    edges = EdgeSet(["x", "y"], [Edge("x", "y", "lineage")])
    assert edges == (Edge("x", "y", "lineage"),)
    assert edges != ()
    assert EdgeSet(["x"]) == ()


PATH_PARTS = st.sampled_from(["a", "b", "out", "x.csv", "*", "?", "[ab]", "[", "*.csv", ".."])
PATHS = st.lists(PATH_PARTS, min_size=1, max_size=4).map("/".join)


def reference_reads(pattern: str, output: str) -> bool:
    return reads_output(pattern, output)  # DuckDB's glob rules, one pattern and output at a time


def task(name: str, inputs: Sequence[str], outputs: Sequence[str]) -> Task:
    return Task(name, "s", name, cast(Any, None), {}, {}, {}, tuple(inputs), tuple(outputs))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(PATHS, max_size=2), min_size=1, max_size=6), st.lists(PATHS, max_size=3))
def test_the_output_index_reads_what_reads_output_reads(
    outputs: list[list[str]], patterns: list[str]
) -> None:
    tasks = [task(f"t{i}", [], outs) for i, outs in enumerate(outputs)]
    expected = sorted(
        (t, o)
        for t, outs in enumerate(outputs)
        for o, output in enumerate(outs)
        if any(reference_reads(p, output) for p in patterns)
    )
    assert OutputIndex(tasks).read_by(patterns) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(PATHS, max_size=2), st.lists(PATHS, max_size=2)), max_size=6))
def test_lineage_edges_are_those_of_comparing_every_pair(
    specs: list[tuple[list[str], list[str]]],
) -> None:
    tasks = [task(f"t{i}", reads, writes) for i, (reads, writes) in enumerate(specs)]
    expected = [
        (Edge(writer.id, reader.id, "lineage"), output)
        for reader in tasks
        for writer in tasks
        if writer.id != reader.id
        for output in writer.outputs
        if any(reference_reads(p, output) for p in reader.inputs)
    ]
    assert lineage_edges(tasks) == expected  # the same edges in the same order
