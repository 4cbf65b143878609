"""The one boundary where DuckDB's errors become quicketl's.

While a pipeline is being prepared (sources bound, each step's SQL bound over empty stand-in
tables), a DuckDB error can only come from what the user wrote: a misspelt column, a syntax
error, an unknown function or type. Those become a `ConfigError` naming the field. Errors
while data flows (a failed conversion, a full disk) are runtime failures, handled by the runner.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import duckdb

from quicketl.config.suggest import did_you_mean
from quicketl.errors import ConfigError, Problem

PREPARE_ERRORS = (duckdb.ProgrammingError, duckdb.DataError, duckdb.NotSupportedError)

_UNKNOWN_COLUMN = re.compile(
    r'Referenced column "([^"]+)" not found|does not have a column named "([^"]+)"'
)
_SYNTAX = re.compile(r'syntax error at or near "([^"]*)"')
_MISSING = re.compile(
    r"(Scalar Function|Aggregate Function|Table Function|Function|Type|Table)"
    r' with name "?([^"!]+?)"? does not exist!(?:\s*Did you mean "([^"]+)"\?)?'
)
_PREFIX = re.compile(r"^[A-Za-z ]*Error:\s*")


def message_of(exc: duckdb.Error, columns: Sequence[str] = ()) -> str:
    """A one-line, user-facing message for a DuckDB error, with a close match when known."""
    text = str(exc)
    if match := _UNKNOWN_COLUMN.search(text):
        name = match.group(1) or match.group(2)
        return f"unknown column '{name}'{did_you_mean(name, columns)}"
    if match := _SYNTAX.search(text):
        return f"SQL syntax error at or near '{match.group(1)}'"
    if "syntax error at end of input" in text:
        return "SQL syntax error: the expression ends too early"
    if match := _MISSING.search(text):
        return _missing_message(match)
    return first_line(text)


def _missing_message(match: re.Match[str]) -> str:
    kind = match.group(1).lower().replace("scalar ", "").replace("aggregate ", "")
    hint = f"; did you mean '{match.group(3)}'?" if match.group(3) else ""
    return f"unknown {kind} '{match.group(2)}'{hint}"


def first_line(text: str) -> str:
    """DuckDB's message without its error-class prefix and the echo of our generated SQL."""
    head = text.split("\n\nLINE ", 1)[0].strip()
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    return _PREFIX.sub("", " ".join(lines)) if lines else text


@contextmanager
def config_errors(located: Callable[[str], Problem], columns: Sequence[str] = ()) -> Iterator[None]:
    """Turn a DuckDB preparation error raised inside the block into a located ConfigError."""
    try:
        yield
    except PREPARE_ERRORS as exc:
        raise ConfigError([located(message_of(exc, columns))]) from None
