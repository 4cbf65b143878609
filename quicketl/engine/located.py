"""Problems located in a pipeline file: its path, the line and the field path."""

from __future__ import annotations

from collections.abc import Callable

from quicketl.config.loader import LoadedPipeline
from quicketl.config.yamlfile import Loc
from quicketl.errors import Problem


def problem_at(loaded: LoadedPipeline, loc: Loc, message: str) -> Problem:
    """A problem at `loc` (e.g. `("transforms", 2, "predicate")`) of the pipeline file."""
    return loaded.doc.problem(loc, message)


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
    node = loaded.doc.node_at(loc)
    if isinstance(node, dict):
        for spelling in spellings:
            if spelling in node:
                return spelling
    return spellings[0]
