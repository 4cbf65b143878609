"""Quality checks on the final table: how many rows offend, and a few of them.

`not_null`, `accepted_values` and `expression` are counted together in one pass. NULL handling:
`accepted_values` treats NULL as invalid unless `null` is one of the values (as QuickETL
documents); `unique` treats NULLs as equal, so two rows with a NULL key are duplicates; an
`expression` that evaluates to NULL counts as failing.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from typing import Any

from quicketl.config.checks import AcceptedValues, Check, Expression, NotNull, RowCount, Unique
from quicketl.config.loader import LoadedPipeline
from quicketl.engine.duckdb_session import Session
from quicketl.engine.pipeline_result import CheckResult
from quicketl.engine.relation import Column, Relation
from quicketl.engine.sql import ident, idents, literal, user_sql
from quicketl.engine.translate import collected_errors, unknown_column
from quicketl.errors import Problem
from quicketl.values import FrozenValue

SAMPLE_ROWS = 5
_NUMERIC = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
)


def check_name(check: Check) -> str:
    """The check's own name, or one built from what it checks, e.g. `not_null(id, email)`."""
    if check.name:
        return check.name
    if isinstance(check, NotNull | Unique):
        return f"{check.type}({', '.join(check.columns)})"
    if isinstance(check, AcceptedValues):
        return f"accepted_values({check.column})"
    if isinstance(check, RowCount):
        bounds = [f"{k}={v}" for k, v in (("min", check.min), ("max", check.max)) if v is not None]
        return f"row_count({', '.join(bounds)})"
    return f"expression({check.expr})"


def check_problems(session: Session, loaded: LoadedPipeline, final: Relation) -> list[Problem]:
    """Every check's columns and expression, validated against the final table's schema."""
    problems: list[Problem] = []
    for index, check in enumerate(loaded.config.checks):
        here = ("checks", index)
        problems += [
            loaded.doc.problem((*here, *loc), unknown_column(name, final.names))
            for loc, name in _named_columns(check)
            if final.find(name) is None
        ]
        if isinstance(check, Expression):
            sql = f"SELECT * FROM {final.ref} WHERE {_failing(check.expr)} LIMIT 0"
            located = loaded.doc.locator((*here, "expr"))
            with collected_errors(problems, located, final.names, check.expr):
                session.run_user_sql(sql)
    return problems


def _named_columns(check: Check) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(check, NotNull | Unique):
        return [(("columns", i), name) for i, name in enumerate(check.columns)]
    if isinstance(check, AcceptedValues):
        return [(("column",), check.column)]
    return []


def _failing(expr: str) -> str:
    return f"NOT coalesce({user_sql(expr)}, FALSE)"


@dataclass(frozen=True, repr=False, eq=False)
class _Outcome(FrozenValue):
    failed_rows: int
    message: str
    samples_where: str | None = None
    failed: bool | None = None

    @property
    def passed(self) -> bool:
        return not self.failed if self.failed is not None else self.failed_rows == 0


def run_checks(
    session: Session, table: Relation, checks: list[Check], total: int
) -> list[CheckResult]:
    """Run every check against the materialised final table (`total` rows)."""
    predicates = {i: p for i, c in enumerate(checks) if (p := _predicate(c, table)) is not None}
    counts = _count_all(session, table, predicates)
    results = []
    for index, check in enumerate(checks):
        where = predicates.get(index)
        if isinstance(check, RowCount):
            outcome = _row_count(check, total)
        elif isinstance(check, Unique):
            outcome = _unique(session, table, check)
        else:
            assert where is not None
            count = counts[index]
            outcome = _Outcome(count, _message(session, table, check, where, count), where)
        results.append(_result(session, table, check, outcome, total))
    return results


def _predicate(check: Check, table: Relation) -> str | None:
    if isinstance(check, NotNull):
        return "(" + " OR ".join(f"{ident(name)} IS NULL" for name in check.columns) + ")"
    if isinstance(check, AcceptedValues):
        column = table.find(check.column)
        return _not_accepted(check, column) if column else None
    if isinstance(check, Expression):
        return _failing(check.expr)
    return None


def _not_accepted(check: AcceptedValues, column: Column) -> str:
    # Values are compared in the column's type; one that cannot be that type matches nothing.
    name = ident(column.name)
    numeric = column.type.upper().startswith(_NUMERIC)
    items = [
        literal(v) if numeric and _is_number(v) else f"TRY_CAST({literal(v)} AS {column.type})"
        for v in check.values
        if v is not None
    ]
    outside = f"NOT coalesce({name} IN ({', '.join(items)}), FALSE)" if items else "TRUE"
    if any(v is None for v in check.values):
        return f"({name} IS NOT NULL AND {outside})"
    return f"({name} IS NULL OR {outside})"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def _count_all(session: Session, table: Relation, predicates: dict[int, str]) -> dict[int, int]:
    if not predicates:
        return {}
    items = ", ".join(f"count_if({p})" for p in predicates.values())
    row = session.run(f"SELECT {items} FROM {table.ref}")[0]
    return {index: int(count) for index, count in zip(predicates, row, strict=True)}


def _row_count(check: RowCount, total: int) -> _Outcome:
    if check.min is not None and total < check.min:
        return _Outcome(0, f"{total} rows; expected at least {check.min}", failed=True)
    if check.max is not None and total > check.max:
        return _Outcome(0, f"{total} rows; expected at most {check.max}", failed=True)
    return _Outcome(0, f"{total} rows", failed=False)


def _unique(session: Session, table: Relation, check: Unique) -> _Outcome:
    keys = idents(check.columns)
    rows, values = session.run(
        f"SELECT coalesce(sum(n), 0), count(*) FROM "
        f"(SELECT count(*) AS n FROM {table.ref} GROUP BY {keys} HAVING count(*) > 1)"
    )[0]
    what = f"({', '.join(check.columns)})"
    if not rows:
        return _Outcome(0, f"every {what} is unique")
    where = f"count(*) OVER (PARTITION BY {keys}) > 1"
    message = f"{rows} rows share {values} duplicated {what} values"
    return _Outcome(int(rows), message, where)


def _message(session: Session, table: Relation, check: Check, where: str, count: int) -> str:
    if not count:
        return _passed_message(check)
    if isinstance(check, NotNull):
        return f"NULL in {', '.join(check.columns)}"
    if isinstance(check, AcceptedValues):
        column = ident(check.column)
        found = session.run(
            f"SELECT DISTINCT {column} FROM {table.ref} WHERE {where} ORDER BY 1 NULLS FIRST "
            f"LIMIT {SAMPLE_ROWS}"
        )
        shown = ", ".join(_shown(row[0]) for row in found)
        return f"values of {check.column} not accepted: {shown}"
    assert isinstance(check, Expression)
    return f"rows where this is not true: {check.expr}"


def _passed_message(check: Check) -> str:
    if isinstance(check, NotNull):
        return f"no NULL in {', '.join(check.columns)}"
    if isinstance(check, AcceptedValues):
        return f"every value of {check.column} is accepted"
    return "true for every row"


def _shown(value: Any) -> str:
    return "NULL" if value is None else repr(_plain(value))


def _result(
    session: Session, table: Relation, check: Check, outcome: _Outcome, total: int
) -> CheckResult:
    passed = outcome.passed
    message = outcome.message
    if outcome.failed_rows and not isinstance(check, Unique):
        message = f"{outcome.failed_rows} of {total} rows: {message}"
    samples = []
    if not passed and outcome.samples_where:
        samples = _samples(session, table, check, outcome.samples_where)
    return CheckResult(
        check_name(check), check.type, check.severity, passed, outcome.failed_rows, samples, message
    )


def _samples(session: Session, table: Relation, check: Check, where: str) -> list[dict[str, Any]]:
    """Up to five offending rows, in table order (grouped by key for `unique`)."""
    order = "rowid"
    if isinstance(check, Unique):
        order = ", ".join(f"{ident(c)} NULLS LAST" for c in check.columns) + ", rowid"
    clause = "QUALIFY" if isinstance(check, Unique) else "WHERE"
    cursor = session.con.execute(
        f"SELECT * FROM {table.ref} {clause} {where} ORDER BY {order} LIMIT {SAMPLE_ROWS}"
    )
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _plain(value: Any) -> Any:
    """A JSON-friendly value: numbers, text, booleans and None pass; others become text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
