"""No import cycles among quicketl's modules, counting the imports that run at import time."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "quicketl"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements run when the module is imported: not in functions, not TYPE_CHECKING."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            pending += node.orelse if _is_type_checking(node) else [*node.body, *node.orelse]
        elif isinstance(node, ast.Try):
            pending += [*node.body, *node.orelse, *node.finalbody]
            pending += [stmt for handler in node.handlers for stmt in handler.body]
        elif isinstance(node, ast.With):
            pending += node.body


def _base(name: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imported_modules(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The quicketl modules `name` imports at import time, spelt fully."""
    found: set[str] = set()
    for node in module_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
            continue
        base = _base(name, path, node)
        # `from pkg import sub` imports the module pkg.sub when there is one, else a name of pkg.
        found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names}
    return {module for module in found if module in known and module != name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a closed path, by an iterative depth-first search (no recursion limit)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for root in sorted(graph):
        if root in state:
            continue
        path = [root]
        stack = [iter(sorted(graph[root]))]
        state[root] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(child) == 1:
                return [*path[path.index(child) :], child]
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append(iter(sorted(graph[child])))
    return None


def import_graph() -> dict[str, set[str]]:
    known = all_modules()
    return {name: imported_modules(name, path, known) for name, path in known.items()}


def test_the_package_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]


def test_the_graph_sees_submodules_and_skips_type_checking_imports() -> None:
    graph = import_graph()
    assert "quicketl.cli.main" in graph["quicketl.__main__"]
    assert "quicketl.cli.pipeline_cmds" in graph["quicketl.cli.app"]
    # quicketl.api names its modules under TYPE_CHECKING only, and imports them on first use.
    assert "quicketl.api.pipeline" not in graph["quicketl.api"]


def test_relative_imports_resolve_against_the_package() -> None:
    path = PACKAGE / "plan" / "graph.py"
    node = ast.parse("from ..config import loader").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _base("quicketl.plan.graph", path, node) == "quicketl.config"
    init = ast.parse("from . import model").body[0]
    assert isinstance(init, ast.ImportFrom)
    assert _base("quicketl.plan", PACKAGE / "plan" / "__init__.py", init) == "quicketl.plan"
