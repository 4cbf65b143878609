"""The layers of DESIGN.md section 1, checked on the imports of every module."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "quicketl"

# What each package may import of quicketl (besides itself, `quicketl`, `quicketl.errors` and
# `quicketl.locations`, the bottom layer every other one names data locations with).
BOTTOM = ("errors", "locations")
ALLOWED: dict[str, set[str]] = {
    "locations": set(),
    "config": set(),
    "state": set(),
    "plan": {"config", "state"},
    "engine": {"config", "state"},  # state: atomic writes of the sinks
    "execute": {"plan", "state", "engine", "config"},
    "export": {"plan"},
    "report": {"engine", "execute", "plan", "config"},
    "api": {"config", "state", "plan", "engine", "execute", "export", "report"},
    "cli": {"api", "report"},
}
FOREIGN_ONLY_IN = {"doit": {"execute"}, "rich": {"cli", "report"}, "typer": {"cli", "report"}}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def modules() -> list[tuple[str, Path]]:
    return [(p.relative_to(PACKAGE).parts[0], p) for p in sorted(PACKAGE.glob("*/**/*.py"))]


@pytest.mark.parametrize(("layer", "path"), modules(), ids=lambda v: str(v))
def test_module_imports_only_what_its_layer_may(layer: str, path: Path) -> None:
    for name in imports_of(path):
        parts = name.split(".")
        if parts[0] == "quicketl" and len(parts) > 1 and parts[1] not in (layer, *BOTTOM):
            assert parts[1] in ALLOWED[layer], f"{path} imports {name}"
        for foreign, layers in FOREIGN_ONLY_IN.items():
            if parts[0] == foreign:
                assert layer in layers, f"{path} imports {foreign}"


def test_the_bottom_layer_imports_only_the_standard_library() -> None:
    for path in sorted((PACKAGE / "locations").glob("*.py")):
        for name in imports_of(path):
            root = name.split(".")[0]
            assert root in sys.stdlib_module_names or name.startswith("quicketl.locations"), (
                f"{path} imports {name}"
            )


def test_core_never_imports_the_orchestrators() -> None:
    for path in PACKAGE.rglob("*.py"):
        roots = {name.split(".")[0] for name in imports_of(path)}
        assert not roots & {"airflow", "prefect"}, path
