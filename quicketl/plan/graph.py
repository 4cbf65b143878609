"""Graph algorithms on string nodes: topological order and cycle finding."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def find_cycle(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """One cycle as a closed path (`[a, b, a]`), or None when the graph is acyclic."""
    children = _children(nodes, edges)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in nodes:
        cycle = _visit(start, children, state, [])
        if cycle:
            return cycle
    return None


def _visit(
    node: str, children: dict[str, list[str]], state: dict[str, int], path: list[str]
) -> list[str] | None:
    if state.get(node) == 2:
        return None
    if state.get(node) == 1:
        return [*path[path.index(node) :], node]
    state[node] = 1
    path.append(node)
    for child in children[node]:
        cycle = _visit(child, children, state, path)
        if cycle:
            return cycle
    path.pop()
    state[node] = 2
    return None


def topological_order(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> list[str]:
    """Nodes ordered so every edge points forward; ties keep the given order (stable)."""
    children = _children(nodes, edges)
    indegree = {node: 0 for node in nodes}
    for kids in children.values():
        for kid in kids:
            indegree[kid] += 1
    rank = {node: index for index, node in enumerate(nodes)}
    ready = sorted((n for n in nodes if indegree[n] == 0), key=rank.__getitem__)
    order: list[str] = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for kid in children[node]:
            indegree[kid] -= 1
            if indegree[kid] == 0:
                ready.append(kid)
                ready.sort(key=rank.__getitem__)
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
    children: dict[str, list[str]] = {node: [] for node in nodes}
    for upstream, downstream in edges:
        if downstream not in children[upstream]:
            children[upstream].append(downstream)
    return children
