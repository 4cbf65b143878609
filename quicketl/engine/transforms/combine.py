"""Transforms that bring in another source: join and union.

Join output follows the left input's order, each left row followed by its matches in the
right input's order; unmatched right rows (right and full joins) come last. With `on` as a
list, each key column appears once, as with SQL's USING (for a full join it is the key from
whichever side has one). With `on` as a map, both sides' columns are kept. Either way a right
column whose name is already taken is renamed `<name>_right` (then `_right_2`, ...).
"""

from __future__ import annotations

from quicketl.config.transforms import Join, Union
from quicketl.engine.relation import Relation, fresh_name
from quicketl.engine.sql import ident
from quicketl.engine.transforms.context import (
    ROW_NUMBER,
    CompiledStep,
    StepContext,
    numbered,
    order_column,
)
from quicketl.engine.transforms.rows import first_per_key

_JOIN_SQL = {"inner": "INNER", "left": "LEFT", "right": "RIGHT", "outer": "FULL", "full": "FULL"}


def join(step: Join, ctx: StepContext) -> CompiledStep:
    out = CompiledStep(blame=("on",))
    right = ctx.sources[step.right]
    pairs = _key_pairs(step, ctx, right, out)
    row = order_column(ctx.prev, right)
    left_in = f"{numbered(ctx.prev.ref, row)} AS l"
    right_in = f"{numbered(right.ref, row)} AS r"
    condition = " AND ".join(f"l.{ident(a)} = r.{ident(b)}" for a, b in pairs)
    if step.how in ("semi", "anti"):
        out.sql = (
            f"SELECT l.* EXCLUDE ({ident(row)}) FROM {left_in} {step.how.upper()} JOIN "
            f"{right_in} ON {condition} ORDER BY l.{ident(row)}"
        )
        return out
    columns = _output_columns(step, ctx.prev, right, pairs)
    out.sql = (
        f"SELECT {', '.join(columns)} FROM {left_in} {_JOIN_SQL[step.how]} JOIN {right_in} "
        f"ON {condition} ORDER BY l.{ident(row)} NULLS LAST, r.{ident(row)}"
    )
    return out


def _key_pairs(
    step: Join, ctx: StepContext, right: Relation, out: CompiledStep
) -> list[tuple[str, str]]:
    if isinstance(step.on, list):
        return [
            (ctx.need(key, ("on", i), out), ctx.need(key, ("on", i), out, right))
            for i, key in enumerate(step.on)
        ]
    return [
        (ctx.need(left, ("on", left), out), ctx.need(other, ("on", left), out, right))
        for left, other in step.on.items()
    ]


def _output_columns(
    step: Join, left: Relation, right: Relation, pairs: list[tuple[str, str]]
) -> list[str]:
    shared = isinstance(step.on, list)
    key_of = {a.casefold(): b for a, b in pairs} if shared else {}
    columns = [_left_column(name, key_of, step.how) for name in left.names]
    right_keys = {b.casefold() for b in key_of.values()}
    taken = list(left.names)
    for name in right.names:
        if name.casefold() in right_keys:
            continue
        output = fresh_name(f"{name}_right", taken) if _taken(name, taken) else name
        taken.append(output)
        columns.append(f"r.{ident(name)} AS {ident(output)}")
    return columns


def _taken(name: str, names: list[str]) -> bool:
    """Whether `name` is in `names`, ignoring case as DuckDB's identifiers do."""
    return name.casefold() in {other.casefold() for other in names}


def _left_column(name: str, key_of: dict[str, str], how: str) -> str:
    right_key = key_of.get(name.casefold())
    if right_key is None or how in ("inner", "left"):
        return f"l.{ident(name)}"
    if how == "right":
        return f"r.{ident(right_key)} AS {ident(name)}"
    return f"COALESCE(l.{ident(name)}, r.{ident(right_key)}) AS {ident(name)}"


def union(step: Union, ctx: StepContext) -> CompiledStep:
    """Append the listed sources by column name, keeping duplicates unless `distinct`.

    The current table already is the primary source (as transformed so far), so listing the
    primary, as QuickETL's examples do (`sources: [north, south]`), does not add it twice.
    """
    out = CompiledStep(blame=("sources",))
    others = [name for name in step.sources if name != ctx.primary]
    parts = [f"SELECT * FROM {ctx.prev.ref}"]
    parts += [f"SELECT * FROM {ctx.sources[name].ref}" for name in others]
    body = " UNION ALL BY NAME ".join(parts)
    if not step.distinct:
        out.sql = body
        return out
    relations = [ctx.prev, *(ctx.sources[name] for name in others)]
    names = _merged_names(relations)
    out.sql = first_per_key(f"({body})", names, fresh_name(ROW_NUMBER, names))
    return out


def _merged_names(relations: list[Relation]) -> list[str]:
    names: list[str] = []
    for relation in relations:
        names += [name for name in relation.names if not _taken(name, names)]
    return names
