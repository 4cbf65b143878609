"""The window transform: ranking, offset and running aggregate columns.

Rows keep their input order. Ranking ties (rank, dense_rank, ...) follow SQL; row_number, lag,
lead, first_value and last_value break ties by input order, so results are deterministic.
An aggregate (sum, avg, ...) with `order_by` is a running total (SQL's default frame, where
equal keys share a value); without it, it covers the whole partition. first_value and
last_value always look at the whole partition.
"""

from __future__ import annotations

import re

from quicketl.config.transforms import Window, WindowColumn, WindowOrder
from quicketl.engine.sql import ident, idents, literal
from quicketl.engine.transforms.context import (
    CompiledStep,
    Issue,
    StepContext,
    function_name,
    numbered,
    order_column,
    with_columns,
)
from quicketl.locations.lazy_pattern import lazy_pattern

_RANKING = {"row_number", "rank", "dense_rank", "percent_rank", "cume_dist"}
_OFFSET = {"lag", "lead"}
_WHOLE_PARTITION = {"first_value", "last_value"}
_INPUT_ORDER_TIES = {"row_number"} | _OFFSET | _WHOLE_PARTITION
_NEED_COLUMN = _OFFSET | _WHOLE_PARTITION | {"sum", "avg", "min", "max", "median", "stddev"}
_ALIASES = {"mean": "avg", "first": "first_value", "last": "last_value"}
_DIRECTION = lazy_pattern(r"^(.*?)\s+(asc|desc)$", re.IGNORECASE)


def window(step: Window, ctx: StepContext) -> CompiledStep:
    out = CompiledStep(blame=("columns",))
    row = order_column(ctx.prev)
    source = numbered(ctx.prev.ref, row)
    items = []
    for index, spec in enumerate(step.columns):
        expr = _window_call(spec, ("columns", index), ctx, out, row)
        items.append((spec.name, expr))
        out.probes.append((("columns", index), f"SELECT {expr} FROM {source}"))
    inner = with_columns(source, ctx.prev, items)
    out.sql = f"SELECT * EXCLUDE ({ident(row)}) FROM ({inner}) ORDER BY {ident(row)}"
    return out


def _window_call(
    spec: WindowColumn, loc: tuple[str, int], ctx: StepContext, out: CompiledStep, row: str
) -> str:
    func = function_name(spec.func, _ALIASES, (*loc, "func"), out)
    arguments = _arguments(spec, func, loc, ctx, out)
    over = _over(spec, loc, ctx, out, row if func in _INPUT_ORDER_TIES else None)
    frame = ""
    if func in _WHOLE_PARTITION:
        frame = " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
    return f"{func}({arguments}) OVER ({over}{frame})"


def _arguments(
    spec: WindowColumn, func: str, loc: tuple[str, int], ctx: StepContext, out: CompiledStep
) -> str:
    if func in _RANKING:
        return ""
    if spec.column is None:
        if func in _NEED_COLUMN:
            out.issues.append(Issue(loc, f"window function '{func}' needs 'column'"))
        return "*" if func == "count" else ""
    column = ident(ctx.need(spec.column, (*loc, "column"), out))
    if func not in _OFFSET:
        return column
    default = f", {literal(spec.default)}" if spec.default is not None else ""
    return f"{column}, {spec.offset}{default}"


def _over(
    spec: WindowColumn, loc: tuple[str, int], ctx: StepContext, out: CompiledStep, row: str | None
) -> str:
    partition = [
        ctx.need(name, (*loc, "partition_by", i), out) for i, name in enumerate(spec.partition_by)
    ]
    terms = [
        _order_term(item, (*loc, "order_by", i), ctx, out) for i, item in enumerate(spec.order_by)
    ]
    if row is not None:
        terms.append(ident(row))
    clauses = []
    if partition:
        clauses.append(f"PARTITION BY {idents(partition)}")
    if terms:
        clauses.append(f"ORDER BY {', '.join(terms)}")
    return " ".join(clauses)


def _order_term(
    item: str | WindowOrder, loc: tuple[str | int, ...], ctx: StepContext, out: CompiledStep
) -> str:
    """`amount`, `amount desc` or `{column: amount, descending: true}`; NULLs sort last."""
    if isinstance(item, WindowOrder):
        name, direction = item.column, "DESC" if item.descending else "ASC"
        loc = (*loc, "column")
    elif match := _DIRECTION.match(item.strip()):
        name, direction = match.group(1), match.group(2).upper()
    else:
        name, direction = item.strip(), "ASC"
    return f"{ident(ctx.need(name, loc, out))} {direction} NULLS LAST"
