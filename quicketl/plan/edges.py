"""The three sources of edges (depends_on, stage order, lineage) and their reduction."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from quicketl.config.workflow import StageConfig
from quicketl.plan.edgeset import Block, EdgeSet
from quicketl.plan.graph import topological_order
from quicketl.plan.lineage import OutputIndex
from quicketl.plan.model import Edge, EdgeReason, Task

_PRIORITY: dict[EdgeReason, int] = {"depends_on": 0, "order": 1, "lineage": 2}

StageBlock = tuple[list[str], list[str]]  # every task of the first before every one of the second


def declared_edges(stages: Sequence[StageConfig], ids: dict[str, list[str]]) -> list[Edge]:
    """Edges from `depends_on` (every task of the stage waits for every task it depends on)
    and from list order inside `parallel: false` stages, one by one. Quadratic: only for
    naming a cycle; planning uses `stage_blocks` and `order_edges`."""
    edges: list[Edge] = []
    for stage in stages:
        for dependency in stage.depends_on:
            for upstream in ids.get(dependency, []):
                edges += [Edge(upstream, down, "depends_on") for down in ids[stage.name]]
        if not stage.parallel:
            chain = ids[stage.name]
            edges += [Edge(a, b, "order") for a, b in pairwise(chain)]
    return edges


def stage_blocks(stages: Sequence[StageConfig], ids: dict[str, list[str]]) -> list[StageBlock]:
    """`depends_on` as one block per (stage, dependency), never as every pair of tasks."""
    pairs = dict.fromkeys((d, s.name) for s in stages for d in s.depends_on if d in ids)
    return [(ids[up], ids[down]) for up, down in pairs if ids[up] and ids[down]]


def order_edges(stages: Sequence[StageConfig], ids: dict[str, list[str]]) -> list[Edge]:
    """List order inside `parallel: false` stages."""
    return [Edge(a, b, "order") for s in stages if not s.parallel for a, b in pairwise(ids[s.name])]


def lineage_edges(tasks: Sequence[Task]) -> list[tuple[Edge, str]]:
    """An edge wherever a task reads a path another task writes, with that path; in the
    order of (reader, writer, output) as the tasks are listed."""
    index = OutputIndex(tasks)
    found: list[tuple[Edge, str]] = []
    for reader in tasks:
        for writer_index, output_index in index.read_by(reader.inputs):
            writer = tasks[writer_index]
            if writer.id != reader.id:
                edge = Edge(writer.id, reader.id, "lineage")
                found.append((edge, writer.outputs[output_index]))
    return found


def merge_edges(edges: Sequence[Edge]) -> list[Edge]:
    """One edge per pair, labelled with its most explicit reason."""
    best: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        pair = (edge.upstream, edge.downstream)
        if pair not in best or _PRIORITY[edge.reason] < _PRIORITY[best[pair].reason]:
            best[pair] = edge
    return list(best.values())


def compact_order(
    ids: Sequence[str], edges: Sequence[Edge], blocks: Sequence[StageBlock]
) -> list[str]:
    """`topological_order` of the tasks, as if every block were expanded into its pairs.

    A block is a virtual node between its two sides, ranked before every task: it is taken
    the moment its last upstream task is, so tasks become ready exactly when they would have.
    A result shorter than `ids` means a cycle.
    """
    hubs = [f"\0block{index}" for index in range(len(blocks))]
    links = [(e.upstream, e.downstream) for e in edges]
    for hub, (upstream, downstream) in zip(hubs, blocks, strict=True):
        links += [(up, hub) for up in upstream] + [(hub, down) for down in downstream]
    order = topological_order([*hubs, *ids], links)
    return [node for node in order if not node.startswith("\0block")]


def transitive_reduction(
    order: Sequence[str], edges: Sequence[Edge], blocks: Sequence[StageBlock] = ()
) -> EdgeSet:
    """Drop edges implied by longer paths, so exported graphs show what matters.

    `order` must be topological. Reachability is kept as bit sets over node positions, one
    per task and one per block, so the work grows with the tasks and the explicit edges, not
    with the pairs a block stands for. An edge is implied when its end is reachable from
    another child of its start (paths of two steps or more).
    """
    reducer = _Reducer(order, edges, blocks)
    return reducer.run()


class _Reducer:
    """One pass over the tasks in reverse order; each block is a virtual node whose reach is
    the union of its downstream side's."""

    def __init__(
        self, order: Sequence[str], edges: Sequence[Edge], blocks: Sequence[StageBlock]
    ) -> None:
        self.order = list(order)
        self.position = {node: index for index, node in enumerate(order)}
        self.blocks = blocks
        self.rows = [set(upstream) for upstream, _ in blocks]
        self.below: dict[str, list[int]] = {}
        self.above: dict[str, list[int]] = {}
        for index, (upstream, downstream) in enumerate(blocks):
            for up in upstream:
                self.below.setdefault(up, []).append(index)
            for down in downstream:
                self.above.setdefault(down, []).append(index)
        # An edge that a block also covers merges into it (`depends_on` outranks the rest).
        self.edges = [e for e in edges if not self._in_block(e.upstream, e.downstream)]
        self.children: dict[str, list[int]] = {}
        for edge in self.edges:
            self.children.setdefault(edge.upstream, []).append(self.position[edge.downstream])
        self.reach: list[int] = [0] * len(order)
        self.hub: dict[int, tuple[int, int, int]] = {}  # block -> (columns, reach, beyond)

    def _in_block(self, up: str, down: str) -> bool:
        return any(up in self.rows[index] for index in self.above.get(down, ()))

    def run(self) -> EdgeSet:
        kept_edges: set[tuple[str, str]] = set()
        row_removed: dict[tuple[int, str], int] = {}
        for node in reversed(self.order):
            beyond = self._visit(node)  # reachable from node in two steps or more
            for child in self.children.get(node, ()):
                if not beyond >> child & 1:
                    kept_edges.add((node, self.order[child]))
            for index in self.below.get(node, ()):
                row_removed[(index, node)] = beyond & self.hub[index][0]
        edges = [e for e in self.edges if (e.upstream, e.downstream) in kept_edges]
        blocks = [self._block(index, row_removed) for index in range(len(self.blocks))]
        return EdgeSet(self.order, edges, blocks)

    def _visit(self, node: str) -> int:
        reach = beyond = 0
        for child in self.children.get(node, ()):
            below = self.reach[child]
            reach |= (1 << child) | below
            beyond |= below
        for index in self.below.get(node, ()):
            _, hub_reach, hub_beyond = self._hub(index)
            reach |= hub_reach
            beyond |= hub_beyond
        self.reach[self.position[node]] = reach
        return beyond

    def _hub(self, index: int) -> tuple[int, int, int]:
        # Every upstream task of a block comes before every downstream one, so the
        # downstream side is complete when the first upstream task asks.
        if index not in self.hub:
            columns = beyond = 0
            for down in self.blocks[index][1]:
                position = self.position[down]
                columns |= 1 << position
                beyond |= self.reach[position]
            self.hub[index] = (columns, columns | beyond, beyond)
        return self.hub[index]

    def _block(self, index: int, row_removed: dict[tuple[int, str], int]) -> Block:
        upstream, downstream = self.blocks[index]
        columns, _, beyond = self.hub[index]
        common = beyond & columns  # reached from a sibling: implied for every row
        rows = [up for up in upstream if row_removed[(index, up)] != columns]
        removed: set[tuple[str, str]] = set()
        for up in rows:
            extra = row_removed[(index, up)] & ~common
            removed.update((up, self.order[bit]) for bit in _bits(extra))
        kept = tuple(d for d in downstream if not common >> self.position[d] & 1)
        return Block(tuple(rows), kept, frozenset(removed))


def _bits(value: int) -> list[int]:
    found = []
    while value:
        low = value & -value
        found.append(low.bit_length() - 1)
        value ^= low
    return found
