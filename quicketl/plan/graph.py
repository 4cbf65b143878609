"""Graph algorithms on string nodes: topological order and cycle finding."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence


def find_cycle(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """One cycle as a closed path (`[a, b, a]`), or None when the graph is acyclic."""
    children = _children(nodes, edges)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in nodes:
        cycle = _visit(start, children, state)
        if cycle:
            return cycle
    return None


def _visit(start: str, children: dict[str, list[str]], state: dict[str, int]) -> list[str] | None:
    """Depth first from `start`, children in order; iterative, so a long chain of pipelines
    cannot exceed Python's recursion limit."""
    if state.get(start) == 2:
        return None
    path: list[str] = [start]
    on_path: dict[str, int] = {start: 0}
    pending = [iter(children[start])]
    state[start] = 1
    while pending:
        child = next(pending[-1], None)
        if child is None:
            state[path.pop()] = 2
            pending.pop()
            continue
        if state.get(child) == 1:
            return [*path[on_path[child] :], child]
        if state.get(child) != 2:
            state[child] = 1
            on_path[child] = len(path)
            path.append(child)
            pending.append(iter(children[child]))
    return None


def topological_order(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> list[str]:
    """Nodes ordered so every edge points forward; ties keep the given order (stable)."""
    children = _children(nodes, edges)
    indegree = {node: 0 for node in nodes}
    for kids in children.values():
        for kid in kids:
            indegree[kid] += 1
    rank = {node: index for index, node in enumerate(nodes)}
    # The ready node given first always goes next: a heap of ranks does that in log time.
    ready = [rank[n] for n in nodes if indegree[n] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node = nodes[heapq.heappop(ready)]
        order.append(node)
        for kid in children[node]:
            indegree[kid] -= 1
            if indegree[kid] == 0:
                heapq.heappush(ready, rank[kid])
    return order


def ancestors(node: str, parents: dict[str, set[str]]) -> set[str]:
    """Every node reachable upwards from `node`."""
    seen: set[str] = set()
    stack = list(parents.get(node, ()))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(parents.get(current, ()))
    return seen


def _children(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    children: dict[str, dict[str, None]] = {node: {} for node in nodes}
    for upstream, downstream in edges:
        children[upstream][downstream] = None  # a dict keeps order and drops duplicates
    return {node: list(kids) for node, kids in children.items()}
