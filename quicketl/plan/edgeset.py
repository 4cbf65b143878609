"""A plan's edges kept compact: `depends_on` between stages as blocks, not every pair.

A stage of 2,000 pipelines depending on another of 2,000 means four million task edges, all
of them kept by the transitive reduction. Stored one by one they made planning quadratic. A
`Block` says "every task of these before every task of those, but for these pairs", and
`EdgeSet` is the plan's edges as a sequence that expands blocks only when iterated (for
export, graphs, JSON). `Links` answers the questions running and previewing ask (parents,
ancestors, depths) from the compact form, with one virtual node per block.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from quicketl.plan.model import Edge
from quicketl.values import FrozenValue


@dataclass(frozen=True, repr=False, eq=False)
class Block(FrozenValue):
    """`depends_on` edges: each of `upstream` before each of `downstream`, except `removed`
    (pairs the transitive reduction dropped); their reason is always `depends_on`."""

    upstream: tuple[str, ...]
    downstream: tuple[str, ...]
    removed: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def pairs(self) -> Iterator[tuple[str, str]]:
        for up in self.upstream:
            for down in self.downstream:
                if (up, down) not in self.removed:
                    yield up, down

    def __len__(self) -> int:
        return len(self.upstream) * len(self.downstream) - len(self.removed)


class EdgeSet(Sequence[Edge]):
    """Explicit edges plus blocks, iterated as one deduplicated list sorted by the plan
    order of (upstream, downstream), which is the order a plan's edges have always had."""

    def __init__(
        self, order: Sequence[str], explicit: Iterable[Edge] = (), blocks: Iterable[Block] = ()
    ) -> None:
        self.order = tuple(order)
        self.explicit = tuple(explicit)
        self.blocks = tuple(block for block in blocks if len(block))
        self._listed: tuple[Edge, ...] | None = None

    def __iter__(self) -> Iterator[Edge]:
        if self._listed is not None:
            yield from self._listed
            return
        position = {node: index for index, node in enumerate(self.order)}
        out: dict[str, list[Edge]] = {}
        for edge in self.explicit:
            out.setdefault(edge.upstream, []).append(edge)
        by_row: dict[str, list[Block]] = {}
        for block in self.blocks:
            for up in block.upstream:
                by_row.setdefault(up, []).append(block)
        for node in self.order:
            edges = list(out.get(node, ()))
            for block in by_row.get(node, ()):
                edges += [
                    Edge(node, down, "depends_on")
                    for down in block.downstream
                    if (node, down) not in block.removed
                ]
            yield from sorted(edges, key=lambda e: position[e.downstream])

    def __len__(self) -> int:
        return len(self.explicit) + sum(len(block) for block in self.blocks)

    @overload
    def __getitem__(self, index: int) -> Edge: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Edge, ...]: ...

    def __getitem__(self, index: int | slice) -> Edge | tuple[Edge, ...]:
        if self._listed is None:
            self._listed = tuple(self)
        return self._listed[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        counts = f"{len(self.explicit)} explicit, {len(self.blocks)} blocks, {len(self)} edges"
        return f"EdgeSet({counts})"


class Links:
    """A plan's graph for queries: each block is one virtual node between its two sides,
    so a task's ancestors cost the size of the graph, not the number of edges."""

    def __init__(self, edges: Sequence[Edge]) -> None:
        explicit, blocks = _parts(edges)
        self.blocks = blocks
        self._up: dict[str, list[str]] = {}  # task -> its explicit parents
        self._down: dict[str, list[str]] = {}
        for edge in explicit:
            self._up.setdefault(edge.downstream, []).append(edge.upstream)
            self._down.setdefault(edge.upstream, []).append(edge.downstream)
        self._row_sets: dict[int, frozenset[str]] = {}
        self._blocks_above: dict[str, list[int]] = {}  # task -> blocks it is downstream of
        self._blocks_below: dict[str, list[int]] = {}
        for index, block in enumerate(blocks):
            for down in block.downstream:
                self._blocks_above.setdefault(down, []).append(index)
            for up in block.upstream:
                self._blocks_below.setdefault(up, []).append(index)

    def parents_of(self, task_id: str) -> set[str]:
        """The task's direct upstream tasks in the reduced graph."""
        found = set(self._up.get(task_id, ()))
        for index in self._blocks_above.get(task_id, ()):
            block = self.blocks[index]
            found.update(up for up in block.upstream if (up, task_id) not in block.removed)
        return found

    def waits_for(self, task_id: str) -> tuple[list[str], list[int]]:
        """What a scheduler needs: the task's explicit parents and the blocks it is below.
        Waiting for a whole block is the same as waiting for its kept pairs: a dropped pair
        is implied by a longer path, so its upstream task finishes first anyway."""
        return list(self._up.get(task_id, ())), list(self._blocks_above.get(task_id, ()))

    def is_parent(self, up: str, down: str) -> bool:
        """Whether `up` -> `down` is an edge of the reduced graph."""
        if up in self._up.get(down, ()):
            return True
        for index in self._blocks_above.get(down, ()):
            block = self.blocks[index]
            if (up, down) not in block.removed and up in self._rows(index):
                return True
        return False

    def _rows(self, index: int) -> frozenset[str]:
        if index not in self._row_sets:
            self._row_sets[index] = frozenset(self.blocks[index].upstream)
        return self._row_sets[index]

    def children_of(self, task_id: str) -> set[str]:
        """The task's direct downstream tasks in the reduced graph."""
        found = set(self._down.get(task_id, ()))
        for index in self._blocks_below.get(task_id, ()):
            block = self.blocks[index]
            found.update(d for d in block.downstream if (task_id, d) not in block.removed)
        return found

    def ancestors(self, task_id: str) -> set[str]:
        """Every task upstream of `task_id`, however far."""
        return self._walk(task_id, self._up, self._blocks_above, upwards=True)

    def descendants(self, task_id: str) -> set[str]:
        """Every task downstream of `task_id`, however far."""
        return self._walk(task_id, self._down, self._blocks_below, upwards=False)

    def _walk(
        self,
        start: str,
        direct: dict[str, list[str]],
        via: dict[str, list[int]],
        upwards: bool,
    ) -> set[str]:
        seen: set[str] = set()
        blocks_seen: set[int] = set()
        stack = [start]
        while stack:
            node = stack.pop()
            nexts = list(direct.get(node, ()))
            for index in via.get(node, ()):
                if index not in blocks_seen:  # a block is crossed once, whoever reaches it
                    blocks_seen.add(index)
                    block = self.blocks[index]
                    nexts += block.upstream if upwards else block.downstream
            for other in nexts:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        seen.discard(start)
        return seen

    def depths(self, order: Sequence[str]) -> dict[str, int]:
        """Each task's longest distance from a task without parents (`order` topological).
        Implied edges never lie on a longest path, so blocks count as whole."""
        depth: dict[str, int] = {}
        block_depth: dict[int, int] = {}
        for node in order:
            ups = [depth[u] for u in self._up.get(node, ())]
            for index in self._blocks_above.get(node, ()):
                if index not in block_depth:
                    block_depth[index] = max(depth[u] for u in self.blocks[index].upstream)
                ups.append(block_depth[index])
            depth[node] = 1 + max(ups, default=-1)
        return depth


def _parts(edges: Sequence[Edge]) -> tuple[tuple[Edge, ...], tuple[Block, ...]]:
    if isinstance(edges, EdgeSet):
        return edges.explicit, edges.blocks
    return tuple(edges), ()


def edges_body(edges: Sequence[Edge]) -> dict[str, Any]:
    """The compact form as JSON-ready lists (for the stored plan)."""
    explicit, blocks = _parts(edges)
    return {
        "explicit": [[e.upstream, e.downstream, e.reason] for e in explicit],
        "blocks": [
            [list(b.upstream), list(b.downstream), sorted(map(list, b.removed))] for b in blocks
        ],
    }


def edges_from(body: dict[str, Any], order: Sequence[str]) -> EdgeSet:
    """The inverse of `edges_body`."""
    explicit = (Edge(u, d, r) for u, d, r in body["explicit"])
    blocks = (
        Block(tuple(up), tuple(down), frozenset((a, b) for a, b in removed))
        for up, down, removed in body["blocks"]
    )
    return EdgeSet(order, explicit, blocks)
