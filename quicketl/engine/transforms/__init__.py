"""Each transform compiled to one DuckDB SELECT over the previous step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quicketl.config import transforms as model
from quicketl.config.transforms import Transform
from quicketl.engine.transforms import columns, combine, reshape, rows, window
from quicketl.engine.transforms.context import CompiledStep, StepContext

_COMPILERS: dict[type[Any], Callable[[Any, StepContext], CompiledStep]] = {
    model.Select: columns.select,
    model.Rename: columns.rename,
    model.DeriveColumn: columns.derive_column,
    model.Cast: columns.cast,
    model.FillNull: columns.fill_null,
    model.HashKey: columns.hash_key,
    model.Coalesce: columns.coalesce,
    model.Filter: rows.filter_rows,
    model.Dedup: rows.dedup,
    model.Sort: rows.sort,
    model.Limit: rows.limit,
    model.Join: combine.join,
    model.Union: combine.union,
    model.Aggregate: reshape.aggregate,
    model.Pivot: reshape.pivot,
    model.Unpivot: reshape.unpivot,
    model.Window: window.window,
}


def compile_step(step: Transform, ctx: StepContext) -> CompiledStep:
    """The SELECT for `step`, or the issues that prevent writing one."""
    return _COMPILERS[type(step)](step, ctx)


__all__ = ["CompiledStep", "StepContext", "compile_step"]
