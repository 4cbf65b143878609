"""Problems located in a pipeline file: its path, the line and the field path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quicketl.config.loader import LoadedPipeline
from quicketl.config.suggest import format_loc
from quicketl.config.yamlfile import Loc
from quicketl.errors import Problem


def problem_at(loaded: LoadedPipeline, loc: Loc, message: str) -> Problem:
    """A problem at `loc` (e.g. `("transforms", 2, "predicate")`) of the pipeline file."""
    return Problem(message, str(loaded.path), loaded.line_of(*loc), format_loc(loc) or None)


def locator(loaded: LoadedPipeline, loc: Loc) -> Callable[[str], Problem]:
    """A function placing a message at `loc`, for `translate.config_errors`."""

    def located(message: str) -> Problem:
        return problem_at(loaded, loc, message)

    return located


def source_loc(loaded: LoadedPipeline, name: str) -> Loc:
    """Where a source is declared: `source` alone, or its entry in the `sources` map."""
    return ("sources", name) if loaded.config.sources else ("source",)


def yaml_key(loaded: LoadedPipeline, loc: Loc, *spellings: str) -> str:
    """Which spelling of an aliased key the file uses at `loc` (e.g. `aggs` or `aggregations`)."""
    node: Any = loaded.doc.data
    for part in loc:
        node = _child(node, part)
    if isinstance(node, dict):
        for spelling in spellings:
            if spelling in node:
                return spelling
    return spellings[0]


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None
