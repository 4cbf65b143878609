"""Engines the project's YAML files name: quicketl runs on DuckDB only, 1.x files may say more."""

from __future__ import annotations

import os
import re
from pathlib import Path

SUPPORTED = "duckdb"
# `engine: polars` at any depth (a pipeline's own, or an environment's in quicketl.yml); read
# as text so that a file too broken to parse still says what it asks for.
_ENGINE = re.compile(r"^\s*engine\s*:\s*['\"]?([A-Za-z][A-Za-z0-9_.-]*)", re.M)
_SKIPPED = {".quicketl-cache", ".git", ".venv", "venv", "node_modules", "__pycache__"}


def engines_named(root: Path) -> dict[str, list[Path]]:
    """Every engine other than DuckDB named in a YAML file under `root`, with those files."""
    named: dict[str, list[Path]] = {}
    for path in _yaml_files(root):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for engine in dict.fromkeys(m.lower() for m in _ENGINE.findall(text)):
            if engine != SUPPORTED:
                named.setdefault(engine, []).append(path.relative_to(root))
    return dict(sorted(named.items()))


def _yaml_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED)
        found += [Path(folder, f) for f in sorted(files) if f.endswith((".yml", ".yaml"))]
    return found
