"""Aggregate function names of QuickETL 1.x, and order-sensitive aggregates made deterministic.

`count_distinct(x)`, `collect(x)`, `std(x)` and the like are rewritten to DuckDB's own
spelling. Aggregates whose value depends on row order (first, last, any, list) are given
`ORDER BY` the input position, so the same input always gives the same output: `first` is
the first row in input order, not whichever a parallel scan met first.
"""

from __future__ import annotations

from itertools import pairwise

from quicketl.config.sqlscan import Call, calls, words
from quicketl.engine.sql import ident

# 1.x name -> (DuckDB function, what goes before the argument, whether row order matters)
_FUNCTIONS = {
    "count_distinct": ("count", "DISTINCT ", False),
    "nunique": ("count", "DISTINCT ", False),
    "collect": ("list", "", True),
    "collect_list": ("list", "", True),
    "list": ("list", "", True),
    "array_agg": ("list", "", True),
    "any": ("any_value", "", True),
    "arbitrary": ("any_value", "", True),
    "any_value": ("any_value", "", True),
    "first": ("first", "", True),
    "last": ("last", "", True),
    "std": ("stddev_samp", "", False),
    "var": ("var_samp", "", False),
    "mean": ("avg", "", False),
}
# `x = ANY (...)` is a comparison, not the aggregate; `s.first(...)` is not ours either.
_NOT_AN_AGGREGATE_AFTER = {"=", "<", ">", "!", "."}


def aggregate_call(func: str, argument: str, row: str) -> tuple[str, bool]:
    """`func(argument)` in DuckDB's spelling, and whether it reads the input-order column."""
    spec = _FUNCTIONS.get(func.lower())
    if spec is None:
        return f"{func}({argument})", False
    return _render(spec, argument, row)


def _render(spec: tuple[str, str, bool], argument: str, row: str) -> tuple[str, bool]:
    name, prefix, ordered = spec
    ordered = ordered and not _has_order_by(argument)
    order = f" ORDER BY {ident(row)}" if ordered else ""
    return f"{name}({prefix}{argument}{order})", ordered


def rewrite_aggregates(text: str, row: str) -> tuple[str, bool]:
    """User SQL with 1.x aggregate names rewritten; and whether it reads the order column."""
    out: list[str] = []
    pos, used = 0, False
    for call in calls(text):
        spec = _FUNCTIONS.get(call.name.lower())
        if call.start < pos or spec is None or not _rewritable(call, text):
            continue
        inner, inner_used = rewrite_aggregates(text[call.args_start : call.args_end], row)
        rendered, ordered = _render(spec, inner, row)
        out += [text[pos : call.start], rendered]
        pos = call.end
        used = used or inner_used or ordered
    out.append(text[pos:])
    return "".join(out), used


def _rewritable(call: Call, text: str) -> bool:
    return call.args_end < len(text) and call.after not in _NOT_AN_AGGREGATE_AFTER


def _has_order_by(args: str) -> bool:
    """An ORDER BY the user wrote is theirs to keep."""
    names = [w.text.lower() for w in words(args)]
    return ("order", "by") in set(pairwise(names))
