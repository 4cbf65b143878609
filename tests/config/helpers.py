"""Helpers for config tests: load pipeline text as a file of a throwaway project."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from projects import pipeline_from_text

from quicketl.config.loader import LoadedPipeline
from quicketl.config.variables import VariableScope

MINIMAL = "name: p\nsource: {path: data/in.csv}\nsink: {path: out/o.csv}\n"


def load_text(
    text: str, root: Path, variables: Mapping[str, object] | None = None
) -> LoadedPipeline:
    """Validate `text` as `root/p.yml` with `variables` as the --var layer."""
    scope = VariableScope.standard(variables, root=root)
    return pipeline_from_text(text, root / "p.yml", scope, root)
