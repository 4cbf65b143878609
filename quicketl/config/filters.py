"""Filters of `${VAR|filter}`: each turns a variable's text into what is substituted.

Plain `${VAR}` pastes the text as it is, which inside SQL makes it code. These filters make it a
value instead. A new filter is one function here and one entry in `FILTERS`.
"""

from __future__ import annotations

from collections.abc import Callable


class FilterRefused(ValueError):
    """A value the filter cannot represent; the message says why."""


def sql_string(text: str) -> str:
    """A single-quoted SQL string literal: quotes are doubled, nothing else is special.

    DuckDB reads backslashes, `%`, `$` and any Unicode literally between single quotes. A NUL
    is spliced in as `chr(0)`, in parentheses so the result is still one operand.
    """
    parts = ["'" + part.replace("'", "''") + "'" for part in text.split("\x00")]
    return f"({' || chr(0) || '.join(parts)})" if len(parts) > 1 else parts[0]


def sql_identifier(text: str) -> str:
    """A double-quoted SQL identifier (a column or table name); double quotes are doubled."""
    if not text:
        raise FilterRefused("an empty value is not a SQL identifier")
    if "\x00" in text:
        raise FilterRefused("a SQL identifier cannot hold a NUL character")
    return '"' + text.replace('"', '""') + '"'


FILTERS: dict[str, Callable[[str], str]] = {
    "sql_string": sql_string,
    "sql_identifier": sql_identifier,
}
