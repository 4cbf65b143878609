"""Transforms that keep columns and choose rows: filter, dedup, sort and limit."""

from __future__ import annotations

from quicketl.config.transforms import Dedup, Filter, Limit, Sort, SortKey
from quicketl.engine.sql import ident, idents, user_sql
from quicketl.engine.transforms.context import CompiledStep, StepContext, numbered, order_column


def filter_rows(step: Filter, ctx: StepContext) -> CompiledStep:
    sql = f"SELECT * FROM {ctx.prev.ref} WHERE {user_sql(step.predicate)}"
    return CompiledStep(sql=sql, blame=("predicate",), texts={("predicate",): step.predicate})


def dedup(step: Dedup, ctx: StepContext) -> CompiledStep:
    """Keep the first row of each key in input order, and keep that order."""
    out = CompiledStep(blame=("columns",))
    keys = ctx.prev.names
    if step.columns:
        keys = [ctx.need(name, ("columns", i), out) for i, name in enumerate(step.columns)]
    out.sql = first_per_key(ctx.prev.ref, keys, order_column(ctx.prev))
    return out


def first_per_key(source: str, keys: list[str], row: str) -> str:
    """The first row (in input order) of every distinct `keys`, output in input order."""
    return (
        f"SELECT * EXCLUDE ({ident(row)}) FROM {numbered(source, row)} "
        f"QUALIFY row_number() OVER (PARTITION BY {idents(keys)} ORDER BY {ident(row)}) = 1 "
        f"ORDER BY {ident(row)}"
    )


def sort(step: Sort, ctx: StepContext) -> CompiledStep:
    """A stable sort: ties keep their input order. NULLs sort last either way."""
    out = CompiledStep(blame=("by",))
    terms = []
    for index, (name, descending) in enumerate(step.keys()):
        loc = ("by", index, "column") if isinstance(step.by[index], SortKey) else ("by", index)
        direction = "DESC" if descending else "ASC"
        terms.append(f"{ident(ctx.need(name, loc, out))} {direction} NULLS LAST")
    row = order_column(ctx.prev)
    terms.append(ident(row))
    source = numbered(ctx.prev.ref, row)
    out.sql = f"SELECT * EXCLUDE ({ident(row)}) FROM {source} ORDER BY {', '.join(terms)}"
    return out


def limit(step: Limit, ctx: StepContext) -> CompiledStep:
    return CompiledStep(sql=f"SELECT * FROM {ctx.prev.ref} LIMIT {step.n}", blame=("n",))
