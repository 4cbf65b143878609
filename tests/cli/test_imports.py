"""The command line reaches quicketl only through `quicketl.api` (and prints with `report`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLI = Path(__file__).parents[2] / "quicketl" / "cli"
ALLOWED = ("quicketl.api", "quicketl.report", "quicketl.cli")


def quicketl_imports(path: Path) -> list[str]:
    """Every quicketl module `path` imports, at the top or inside a function, spelt fully."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the cli package itself
                names.append("quicketl.cli")
            elif node.module == "quicketl":  # `from quicketl import api` names a module
                names += [f"quicketl.{alias.name}" for alias in node.names]
            elif node.module:
                names.append(node.module)
    return [name for name in names if name.split(".")[0] == "quicketl"]


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_cli_imports_only_the_api_the_reports_and_itself(path: Path) -> None:
    for name in quicketl_imports(path):
        assert name.startswith(ALLOWED), f"{path.name} imports {name}"
