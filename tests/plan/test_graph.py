"""quicketl.plan.graph and the edge reduction: order, cycles, reduction, by behaviour only."""

from __future__ import annotations

import itertools

import pytest

from quicketl.plan.edges import transitive_reduction
from quicketl.plan.graph import ancestors, find_cycle, topological_order
from quicketl.plan.model import Edge

LONG = 5_000  # deeper than Python's default recursion limit (1,000)


def chain(length: int) -> tuple[list[str], list[tuple[str, str]]]:
    nodes = [f"t{i:05d}" for i in range(length)]
    return nodes, list(itertools.pairwise(nodes))


def test_every_edge_points_forward_and_ties_keep_the_given_order() -> None:
    nodes = ["d", "c", "b", "a"]
    edges = [("a", "b"), ("c", "b")]
    order = topological_order(nodes, edges)
    assert order == ["d", "c", "a", "b"]  # d, c and a are ready at once: given order


def test_a_diamond_orders_its_join_last() -> None:
    order = topological_order(
        ["a", "b", "c", "d"], [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]
    )
    assert order == ["a", "b", "c", "d"]


def test_repeated_edges_count_once() -> None:
    assert topological_order(["a", "b"], [("a", "b"), ("a", "b")]) == ["a", "b"]


def test_an_acyclic_graph_has_no_cycle() -> None:
    assert find_cycle(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")]) is None


@pytest.mark.parametrize(
    ("edges", "members"),
    [
        ([("a", "a")], {"a"}),
        ([("a", "b"), ("b", "a")], {"a", "b"}),
        ([("x", "a"), ("a", "b"), ("b", "c"), ("c", "a")], {"a", "b", "c"}),
    ],
)
def test_a_cycle_is_named_as_a_closed_path(edges: list[tuple[str, str]], members: set[str]) -> None:
    nodes = sorted({n for edge in edges for n in edge})
    cycle = find_cycle(nodes, edges)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert set(cycle) == members
    assert all(pair in edges for pair in itertools.pairwise(cycle))


def test_a_5000_long_chain_needs_no_recursion() -> None:
    nodes, edges = chain(LONG)
    assert find_cycle(nodes, edges) is None
    assert topological_order(list(reversed(nodes)), edges) == nodes
    cycle = find_cycle(nodes, [*edges, (nodes[-1], nodes[0])])
    assert cycle is not None and len(cycle) == LONG + 1


def test_ancestors_of_a_5000_long_chain() -> None:
    nodes, edges = chain(LONG)
    parents: dict[str, set[str]] = {}
    for up, down in edges:
        parents.setdefault(down, set()).add(up)
    assert ancestors(nodes[-1], parents) == set(nodes[:-1])
    assert ancestors(nodes[0], parents) == set()


def edge(up: str, down: str) -> Edge:
    return Edge(up, down, "lineage")


def test_an_edge_implied_by_a_longer_path_is_dropped() -> None:
    edges = [edge("a", "b"), edge("b", "c"), edge("a", "c")]
    assert transitive_reduction(["a", "b", "c"], edges) == [edge("a", "b"), edge("b", "c")]


def test_a_diamond_keeps_all_four_edges() -> None:
    edges = [edge("a", "b"), edge("a", "c"), edge("b", "d"), edge("c", "d")]
    assert transitive_reduction(["a", "b", "c", "d"], edges) == edges


def test_reduction_keeps_the_reason_of_each_edge_it_keeps() -> None:
    edges = [Edge("a", "b", "depends_on"), Edge("b", "c", "order"), Edge("a", "c", "lineage")]
    assert transitive_reduction(["a", "b", "c"], edges) == edges[:2]


def test_reducing_a_long_chain_with_every_shortcut_leaves_the_chain() -> None:
    nodes, pairs = chain(300)
    shortcuts = [edge(nodes[0], n) for n in nodes[2:]]
    kept = transitive_reduction(nodes, [*(edge(u, d) for u, d in pairs), *shortcuts])
    assert {(e.upstream, e.downstream) for e in kept} == set(pairs)
