"""Transforms that change columns and keep rows: select, rename, derive, cast, fills, keys."""

from __future__ import annotations

from quicketl.config.transforms import (
    Cast,
    Coalesce,
    DeriveColumn,
    FillNull,
    HashKey,
    Rename,
    Select,
)
from quicketl.engine.sql import ident, idents, literal, string_literal, user_sql
from quicketl.engine.transforms.context import (
    CompiledStep,
    Issue,
    StepContext,
    duplicates,
    with_columns,
)
from quicketl.engine.typenames import duckdb_type

# hash_key hashes NULL as this text rather than '', so NULL and the empty string differ.
NULL_MARK = "\\N"


def select(step: Select, ctx: StepContext) -> CompiledStep:
    out = CompiledStep(blame=("columns",))
    names = [ctx.need(name, ("columns", i), out) for i, name in enumerate(step.columns)]
    for name in duplicates(names):
        out.issues.append(Issue(("columns",), f"column '{name}' is selected twice"))
    out.sql = f"SELECT {idents(names)} FROM {ctx.prev.ref}"
    return out


def rename(step: Rename, ctx: StepContext) -> CompiledStep:
    field = ctx.key("mapping", "columns")
    out = CompiledStep(blame=(field,))
    new_names: dict[str, str] = {}
    for old, new in step.mapping.items():
        new_names[ctx.need(old, (field, old), out).casefold()] = new
    items, result = [], []
    for column in ctx.prev.columns:
        renamed = new_names.get(column.name.casefold())
        result.append(renamed or column.name)
        items.append(f"{ident(column.name)} AS {ident(renamed)}" if renamed else ident(column.name))
    for name in duplicates(result):
        out.issues.append(Issue((field,), f"renaming would create two columns named '{name}'"))
    out.sql = f"SELECT {', '.join(items)} FROM {ctx.prev.ref}"
    return out


def derive_column(step: DeriveColumn, ctx: StepContext) -> CompiledStep:
    out = CompiledStep(blame=("expr",), texts={("expr",): step.expr})
    out.sql = with_columns(ctx.prev.ref, ctx.prev, [(step.name, user_sql(step.expr))])
    return out


def cast(step: Cast, ctx: StepContext) -> CompiledStep:
    out = CompiledStep(blame=("columns",))
    items = []
    for name, type_name in step.columns.items():
        column = ctx.need(name, ("columns", name), out)
        expr = f"CAST({ident(column)} AS {duckdb_type(type_name)})"
        items.append((column, expr))
        out.probes.append((("columns", name), f"SELECT {expr} FROM {ctx.prev.ref}"))
    out.sql = with_columns(ctx.prev.ref, ctx.prev, items)
    return out


def fill_null(step: FillNull, ctx: StepContext) -> CompiledStep:
    # The fill value is cast to the column's own type, so filling never changes a column's
    # type, and a value that does not fit is reported before any data is read.
    out = CompiledStep(blame=("columns",))
    items = []
    for name, value in step.columns.items():
        column = ctx.column(name)
        if column is None:
            ctx.need(name, ("columns", name), out)
            continue
        fill = f"CAST({literal(value)} AS {column.type})"
        out.checks.append((("columns", name), f"SELECT {fill}"))
        items.append((column.name, f"COALESCE({ident(column.name)}, {fill})"))
    out.sql = with_columns(ctx.prev.ref, ctx.prev, items)
    return out


def hash_key(step: HashKey, ctx: StepContext) -> CompiledStep:
    out = CompiledStep(blame=("columns",))
    names = [ctx.need(name, ("columns", i), out) for i, name in enumerate(step.columns)]
    mark = string_literal(NULL_MARK)
    parts = [f"COALESCE(CAST({ident(name)} AS VARCHAR), {mark})" for name in names]
    joined = f"concat_ws({string_literal(step.separator)}, {', '.join(parts)})"
    out.sql = with_columns(ctx.prev.ref, ctx.prev, [(step.name, f"{step.algorithm}({joined})")])
    return out


def coalesce(step: Coalesce, ctx: StepContext) -> CompiledStep:
    out = CompiledStep(blame=("columns",))
    args = [ident(ctx.need(name, ("columns", i), out)) for i, name in enumerate(step.columns)]
    if step.default is not None:
        args.append(literal(step.default))
    out.sql = with_columns(ctx.prev.ref, ctx.prev, [(step.name, f"COALESCE({', '.join(args)})")])
    return out
