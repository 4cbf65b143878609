"""The three sources of edges (depends_on, stage order, lineage) and their reduction."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from quicketl.config.workflow import StageConfig
from quicketl.locations.refs import reads_output
from quicketl.plan.model import Edge, EdgeReason, Task

_PRIORITY: dict[EdgeReason, int] = {"depends_on": 0, "order": 1, "lineage": 2}


def declared_edges(stages: Sequence[StageConfig], ids: dict[str, list[str]]) -> list[Edge]:
    """Edges from `depends_on` (every task of the stage waits for every task it depends on)
    and from list order inside `parallel: false` stages."""
    edges: list[Edge] = []
    for stage in stages:
        for dependency in stage.depends_on:
            for upstream in ids.get(dependency, []):
                edges += [Edge(upstream, down, "depends_on") for down in ids[stage.name]]
        if not stage.parallel:
            chain = ids[stage.name]
            edges += [Edge(a, b, "order") for a, b in pairwise(chain)]
    return edges


def lineage_edges(tasks: Sequence[Task]) -> list[tuple[Edge, str]]:
    """An edge wherever a task reads a path another task writes, with that path."""
    found: list[tuple[Edge, str]] = []
    for reader in tasks:
        for writer in tasks:
            if writer.id == reader.id:
                continue
            for output in writer.outputs:
                if any(reads_output(pattern, output) for pattern in reader.inputs):
                    found.append((Edge(writer.id, reader.id, "lineage"), output))
    return found


def merge_edges(edges: Sequence[Edge]) -> list[Edge]:
    """One edge per pair, labelled with its most explicit reason."""
    best: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        pair = (edge.upstream, edge.downstream)
        if pair not in best or _PRIORITY[edge.reason] < _PRIORITY[best[pair].reason]:
            best[pair] = edge
    return list(best.values())


def transitive_reduction(order: Sequence[str], edges: Sequence[Edge]) -> list[Edge]:
    """Drop edges implied by longer paths, so exported graphs show what matters.

    `order` must be topological. Reachability is kept as bit sets over node positions.
    """
    position = {node: index for index, node in enumerate(order)}
    children: dict[str, list[str]] = {node: [] for node in order}
    for edge in edges:
        children[edge.upstream].append(edge.downstream)
    reach: dict[str, int] = {}
    for node in reversed(order):
        bits = 0
        for child in children[node]:
            bits |= (1 << position[child]) | reach[child]
        reach[node] = bits
    kept = []
    for edge in edges:
        others = 0
        for child in children[edge.upstream]:
            others |= reach[child]
        if not others & (1 << position[edge.downstream]):
            kept.append(edge)
    return kept
