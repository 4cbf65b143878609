"""What compiling one transform sees, and what it produces."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from quicketl.config.yamlfile import Loc
from quicketl.engine.relation import Column, Relation, fresh_name
from quicketl.engine.sql import ident
from quicketl.engine.translate import unknown_column
from quicketl.locations.lazy_pattern import lazy_pattern
from quicketl.values import FrozenValue, MutableValue

ROW_NUMBER = "__qetl_row"
_FUNCTION_NAME = lazy_pattern(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, repr=False, eq=False)
class Issue(FrozenValue):
    """A problem with a field of the step, `loc` relative to the step (e.g. `("columns", 1)`)."""

    loc: Loc
    message: str


@dataclass(repr=False, eq=False)
class CompiledStep(MutableValue):
    """One step as a SELECT over the previous relation.

    `probes` are bound one by one only when `sql` fails, to tell which field is wrong;
    `checks` always run (constant conversions DuckDB would only reject while reading data);
    `blame` is where a failure no probe explains is reported; `texts` holds the user's SQL of
    each field that has some, quoted in syntax errors.
    """

    sql: str = ""
    issues: list[Issue] = field(default_factory=list)
    probes: list[tuple[Loc, str]] = field(default_factory=list)
    checks: list[tuple[Loc, str]] = field(default_factory=list)
    blame: Loc = ()
    texts: dict[Loc, str] = field(default_factory=dict)


@dataclass(frozen=True, repr=False, eq=False)
class StepContext(FrozenValue):
    """The step's input relation, the sources it may name, and helpers that need the session."""

    prev: Relation
    sources: Mapping[str, Relation]
    primary: str
    key: Callable[..., str]
    distinct_values: Callable[[str], list[object]]
    binds: Callable[[str], bool]

    def need(self, name: str, loc: Loc, out: CompiledStep, relation: Relation | None = None) -> str:
        """The column's real name; an unknown one is recorded as an issue at `loc`."""
        relation = relation or self.prev
        column = relation.find(name)
        if column is None:
            out.issues.append(Issue(loc, unknown_column(name, relation.names)))
            return name
        return column.name

    def column(self, name: str) -> Column | None:
        return self.prev.find(name)


def function_name(written: str, aliases: Mapping[str, str], loc: Loc, out: CompiledStep) -> str:
    """The SQL function `written` names, lower-cased and unaliased.

    It is pasted into the SQL unquoted, so anything but a plain name is an issue at `loc`.
    """
    func = aliases.get(written.lower(), written.lower())
    if not _FUNCTION_NAME.match(func):
        out.issues.append(Issue(loc, f"'{written}' is not a function name"))
    return func


def numbered(ref: str, order_column: str) -> str:
    """`ref` with each row's position in input order, the tie-breaker that keeps output stable."""
    return f"(SELECT *, row_number() OVER () AS {ident(order_column)} FROM {ref})"


def order_column(*relations: Relation) -> str:
    return fresh_name(ROW_NUMBER, [n for relation in relations for n in relation.names])


def with_columns(source: str, prev: Relation, items: list[tuple[str, str]]) -> str:
    """SELECT every column plus `items` (name, expr); an existing name is replaced in place."""
    replaced = [(prev.find(name), expr) for name, expr in items if prev.find(name)]
    added = [(name, expr) for name, expr in items if not prev.find(name)]
    star = "*"
    if replaced:
        star += " REPLACE (" + ", ".join(f"{e} AS {ident(c.name)}" for c, e in replaced if c) + ")"
    columns = [star] + [f"{expr} AS {ident(name)}" for name, expr in added]
    return f"SELECT {', '.join(columns)} FROM {source}"


def duplicates(names: list[str]) -> list[str]:
    """Names that appear more than once (case-insensitively), in order of second appearance."""
    seen: set[str] = set()
    repeated = []
    for name in names:
        if name.casefold() in seen:
            repeated.append(name)
        seen.add(name.casefold())
    return repeated
