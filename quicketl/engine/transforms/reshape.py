"""Transforms that reshape the table: aggregate, pivot and unpivot.

Aggregate and pivot output is ordered by the group (index) columns, so the same input always
gives byte-identical output, which lets unchanged downstream work be skipped.
"""

from __future__ import annotations

from quicketl.config.transforms import Aggregate, Pivot, Unpivot
from quicketl.engine.sql import ident, idents, literal, user_sql
from quicketl.engine.transforms.aggfuncs import aggregate_call, rewrite_aggregates
from quicketl.engine.transforms.context import (
    CompiledStep,
    Issue,
    StepContext,
    function_name,
    numbered,
    order_column,
)


def _ordered(names: list[str]) -> str:
    return ", ".join(f"{ident(name)} NULLS LAST" for name in names)


def aggregate(step: Aggregate, ctx: StepContext) -> CompiledStep:
    field = ctx.key("aggs", "aggregations")
    out = CompiledStep()
    groups = [ctx.need(name, ("group_by", i), out) for i, name in enumerate(step.group_by)]
    items = [ident(name) for name in groups]
    grouping = f" GROUP BY {idents(groups)}" if groups else ""
    row = order_column(ctx.prev)
    rewritten = {name: rewrite_aggregates(expr, row) for name, expr in step.aggs.items()}
    # Numbering rows costs a pass in input order: only when an aggregate reads it.
    ordered = any(reads_row for _, reads_row in rewritten.values())
    source = numbered(ctx.prev.ref, row) if ordered else ctx.prev.ref
    for name, expr in step.aggs.items():
        if name.casefold() in {g.casefold() for g in groups}:
            out.issues.append(Issue((field, name), f"'{name}' is also a group_by column"))
        sql = rewritten[name][0]
        items.append(f"{user_sql(sql)} AS {ident(name)}")
        # count(*) makes the probe an aggregate query even without group_by, so a bare
        # column is rejected here just as it is in the real query.
        probe = f"SELECT count(*), {user_sql(sql)} FROM {source}{grouping}"
        out.probes.append(((field, name), probe))
        out.texts[(field, name)] = expr
    order = f" ORDER BY {_ordered(groups)}" if groups else ""
    out.sql = f"SELECT {', '.join(items)} FROM {source}{grouping}{order}"
    return out


def pivot(step: Pivot, ctx: StepContext) -> CompiledStep:
    """One column per distinct non-null value of `columns`, in sorted order.

    Without `aggfunc` each cell is the first value in input order, as QuickETL 1.x documents.
    """
    out = CompiledStep(blame=("aggfunc",))
    index = [ctx.need(name, ("index", i), out) for i, name in enumerate(step.index)]
    spread = ctx.need(step.columns, ("columns",), out)
    value = ctx.need(step.values, ("values",), out)
    func = function_name(step.aggfunc, {}, ("aggfunc",), out)
    if out.issues:
        return out
    row = order_column(ctx.prev)
    using, ordered = aggregate_call(func, ident(value), row)
    values = ctx.distinct_values(spread)
    if not values:
        grouped = idents(index)
        out.sql = (
            f"SELECT {grouped} FROM {ctx.prev.ref} GROUP BY {grouped} ORDER BY {_ordered(index)}"
        )
        return out
    source = numbered(ctx.prev.ref, row) if ordered else ctx.prev.ref
    inner = f"SELECT {idents([*index, spread, value, *([row] if ordered else [])])} FROM {source}"
    listed = ", ".join(literal(v) for v in values)
    out.sql = (
        f"SELECT * FROM (PIVOT ({inner}) ON {ident(spread)} IN ({listed}) "
        f"USING {using} GROUP BY {idents(index)}) ORDER BY {_ordered(index)}"
    )
    return out


def unpivot(step: Unpivot, ctx: StepContext) -> CompiledStep:
    """Melt `value_vars` into (var_name, value_name) rows; rows whose value is NULL are kept.

    Columns not named in `id_vars` or `value_vars` are dropped, as pandas' melt does. Values of
    different types are combined in their common type, or as text when they have none.
    """
    out = CompiledStep(blame=("value_vars",))
    ids = [ctx.need(name, ("id_vars", i), out) for i, name in enumerate(step.id_vars)]
    melted = [ctx.need(name, ("value_vars", i), out) for i, name in enumerate(step.value_vars)]
    out.sql = _unpivot_sql(ctx, step, ids, [ident(name) for name in melted], melted)
    if not out.issues and not ctx.binds(out.sql):
        as_text = [f"CAST({ident(name)} AS VARCHAR) AS {ident(name)}" for name in melted]
        out.sql = _unpivot_sql(ctx, step, ids, as_text, melted)
    return out


def _unpivot_sql(
    ctx: StepContext, step: Unpivot, ids: list[str], values: list[str], melted: list[str]
) -> str:
    inner = ", ".join([*(ident(name) for name in ids), *values])
    into = f"{ident(step.value_name)} FOR {ident(step.var_name)} IN ({idents(melted)})"
    return f"SELECT * FROM (SELECT {inner} FROM {ctx.prev.ref}) UNPIVOT INCLUDE NULLS ({into})"
