"""Warnings for `--var` values that look like SQL and are pasted raw into a SQL field.

Plain `${VAR}` is text substitution by design (a variable may hold a whole predicate), so a
value is never refused; but a value from the command line that would change the SQL around it
gets a warning naming the safe form. What counts depends on where the token sits:

- inside a quoted string (`region = '${REGION}'`): only the closing quote can escape it, so the
  value warns when it holds that quote;
- anywhere else: a quote, a comment (`--`, `/*`), a `;`, a function call (`name(`) or a keyword
  that changes the logic (`OR`, `UNION`, `SELECT`, ...). Numbers, dates, times, identifiers
  and arithmetic do not warn.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from quicketl.errors import Problem
from quicketl.locations.lazy_pattern import lazy_pattern

if TYPE_CHECKING:
    from quicketl.config.variables import Splice
    from quicketl.config.yamlfile import Loc, YamlDoc

# The string fields of a pipeline that are SQL: predicates, expressions and queries.
_SQL_FIELDS = frozenset({"predicate", "expr", "query", "freshness"})
_SQL_MAPS = frozenset({"aggs", "aggregations"})
_KEYWORDS = (
    "or and not union select from where except intersect like ilike is in between exists "
    "case attach copy pragma install load set"
)
_KEYWORD = lazy_pattern(rf"\b({'|'.join(_KEYWORDS.split())})\b", re.IGNORECASE)
_CALL = lazy_pattern(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_MARKS = (("'", "a quote '"), ('"', 'a double quote "'), ("--", "a comment --"))
_MORE_MARKS = (("/*", "a comment /*"), (";", "a semicolon"))


def is_sql_field(loc: Loc) -> bool:
    """Whether the string at `loc` of a pipeline document is SQL."""
    if not loc or not isinstance(loc[-1], str):
        return False
    return loc[-1] in _SQL_FIELDS or (len(loc) > 1 and loc[-2] in _SQL_MAPS)


def raw_sql_warnings(splices: list[Splice], doc: YamlDoc) -> list[Problem]:
    """One located warning per `--var` value pasted into SQL that looks like SQL itself."""
    warnings: list[Problem] = []
    for splice in splices:
        if not is_sql_field(splice.loc):
            continue
        quote = _open_quote(splice.text[: splice.start])
        reason = _in_quotes(splice.value, quote) if quote else sql_syntax(splice.value)
        if reason:
            warnings.append(doc.problem(splice.loc, _message(splice.name, reason, quote)))
    return warnings


def sql_syntax(value: str) -> str | None:
    """What in `value` is SQL syntax, for a value pasted outside quotes; None if nothing."""
    found = [reason for mark, reason in (*_MARKS, *_MORE_MARKS) if mark in value]
    if call := _CALL.search(value):
        found.append(f"a function call {call.group(1)}(")
    if keyword := _KEYWORD.search(value):
        found.append(f"the keyword {keyword.group(1).upper()}")
    return ", ".join(found) or None


def _in_quotes(value: str, quote: str) -> str | None:
    return next((reason for mark, reason in _MARKS if mark == quote and mark in value), None)


def _open_quote(before: str) -> str | None:
    """The quote character left open at the end of `before`, if any (`''` is an escape)."""
    open_quote: str | None = None
    for char in before:
        if open_quote is None and char in "'\"":
            open_quote = char
        elif char == open_quote:
            open_quote = None
    return open_quote


def _message(name: str, reason: str, quote: str | None) -> str:
    unquoted = " (without quotes around it)" if quote else ""
    # Inside double quotes the value is a name, not a string.
    form, what = ("sql_identifier", "identifier") if quote == '"' else ("sql_string", "string")
    return (
        f"--var {name} is pasted into SQL as raw text and contains SQL syntax ({reason}); "
        f"to pass it as a value, write ${{{name}|{form}}}{unquoted}, which inserts it "
        f"as a quoted SQL {what}"
    )
