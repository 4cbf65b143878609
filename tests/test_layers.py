"""What the import-linter contract (pyproject.toml, `make lint`) cannot say about the layers."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "quicketl"


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom):  # relative: still inside the package
            names.append("quicketl.locations")
    return names


def test_the_bottom_layers_import_only_the_standard_library() -> None:
    # import-linter names forbidden packages; it cannot say "the standard library only".
    bottom = [*sorted((PACKAGE / "locations").glob("*.py")), PACKAGE / "values.py"]
    for path in bottom:
        for name in imports_of(path):
            root = name.split(".")[0]
            ours = name.startswith(("quicketl.locations", "quicketl.values"))
            assert root in sys.stdlib_module_names or ours, f"{path} imports {name}"
