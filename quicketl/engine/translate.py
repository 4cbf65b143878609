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

from quicketl.config.secrets import mask
from quicketl.config.suggest import did_you_mean
from quicketl.engine.duckdb_module import duckdb
from quicketl.errors import ConfigError, Problem
from quicketl.locations.lazy_pattern import lazy_pattern

PREPARE_ERRORS = (
    duckdb.ProgrammingError,
    duckdb.DataError,
    duckdb.NotSupportedError,
    duckdb.PermissionException,  # SQL reading a file outside the project (engine/access.py)
)

_UNKNOWN_COLUMN = lazy_pattern(
    r'Referenced column "([^"]+)" not found|does not have a column named "([^"]+)"'
)
_SYNTAX = lazy_pattern(r'syntax error at or near "([^"]*)"')
_MISSING = lazy_pattern(
    r"(Scalar Function|Aggregate Function|Table Function|Function|Type|Table)"
    r' with name "?([^"!]+?)"? does not exist!(?:\s*Did you mean "([^"]+)"\?)?'
)
_TOO_DEEP = lazy_pattern(r"Max expression depth limit of (\d+) exceeded")
_PREFIX = lazy_pattern(r"^[A-Za-z ]*Error:\s*")
_DENIED = lazy_pattern(r'Cannot access (?:file|directory) "([^"]*)" - file system operations')
_NO_EXTENSION = lazy_pattern(r"install the required extension '(\w+)")
OUTSIDE_HINT = (
    "outside the project; SQL in a pipeline may read only the project's files, its declared "
    "sources and the folders listed under allowed_input_roots: in quicketl.yml"
)


def message_of(exc: duckdb.Error, columns: Sequence[str] = (), sql: str | None = None) -> str:
    """A one-line, user-facing message for a DuckDB error, with a close match when known.

    `sql` is the user's own SQL text the error is about, quoted in syntax errors.
    """
    text = str(exc)
    if denied := _denied(text):
        return denied
    if match := _UNKNOWN_COLUMN.search(text):
        name = match.group(1) or match.group(2)
        return unknown_column(name, list(columns) or _candidates(text))
    if match := _SYNTAX.search(text):
        return _syntax_message(match.group(1), sql)
    if "syntax error at end of input" in text:
        return _syntax_message("", sql)
    if match := _MISSING.search(text):
        return _missing_message(match)
    if match := _TOO_DEEP.search(text):
        # DuckDB's own advice (a SET statement) is not something a pipeline file can do.
        return f"the expression is nested more than {match.group(1)} levels deep; simplify it"
    return first_line(text)


def unknown_column(name: str, columns: Sequence[str]) -> str:
    """`unknown column 'x'; did you mean 'y'?`, or the list of columns when nothing is close."""
    hint = did_you_mean(name, columns)
    if not hint and 0 < len(columns) <= 30:
        hint = f" (columns: {', '.join(columns)})"
    return f"unknown column '{name}'{hint}"


def _syntax_message(token: str, sql: str | None) -> str:
    # The generated SQL around the user's text can be what DuckDB trips on (a closing
    # parenthesis after `amount >`): then the user's text is incomplete.
    if sql is None:
        return f"SQL syntax error at or near '{token}'" if token else "SQL syntax error"
    if not token or token not in sql:
        return f"SQL syntax error: `{sql.strip()}` is incomplete"
    return f"SQL syntax error at or near '{token}' in `{sql.strip()}`"


def _candidates(text: str) -> list[str]:
    """The columns DuckDB lists as candidates, for when the caller does not know them."""
    listed = (
        text.split("Candidate bindings:", 1)[1].split("\n\n", 1)[0] if "Candidate" in text else ""
    )
    return [name.rsplit(".", 1)[-1] for name in re.findall(r'"([^"]+)"', listed)]


def _missing_message(match: re.Match[str]) -> str:
    kind = match.group(1).lower().replace("scalar ", "").replace("aggregate ", "")
    hint = f"; did you mean '{match.group(3)}'?" if match.group(3) else ""
    return f"unknown {kind} '{match.group(2)}'{hint}"


def first_line(text: str) -> str:
    """DuckDB's message without its error-class prefix and the echo of our generated SQL."""
    head = text.split("\n\nLINE ", 1)[0].strip()
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    return _PREFIX.sub("", " ".join(lines)) if lines else text


def _denied(text: str) -> str | None:
    """The message for what the locked connection refused (engine/access.py), if it was that."""
    if match := _NO_EXTENSION.search(text):
        # Extensions cannot load once file access is locked, so only preloaded ones work.
        return (
            f"DuckDB's {match.group(1)} extension is needed but not installed (quicketl never "
            f"downloads extensions during a run); install it once with: "
            f"python -c \"import duckdb; duckdb.install_extension('{match.group(1)}')\""
        )
    if match := _DENIED.search(text):
        return f"cannot read {match.group(1)}: {OUTSIDE_HINT}"
    return None


def runtime_message(exc: BaseException) -> str:
    """An error while data flows, on one line, without the echo of the generated SQL."""
    text = mask(str(exc).split("\n\n", 1)[0].strip())
    if denied := _denied(text):
        return denied
    return "; ".join(line.strip() for line in text.splitlines() if line.strip()) or repr(exc)


@contextmanager
def config_errors(
    located: Callable[[str], Problem], columns: Sequence[str] = (), sql: str | None = None
) -> Iterator[None]:
    """Turn a DuckDB preparation error raised inside the block into a located ConfigError."""
    try:
        yield
    except PREPARE_ERRORS as exc:
        raise ConfigError([located(message_of(exc, columns, sql))]) from None


@contextmanager
def collected_errors(
    problems: list[Problem],
    located: Callable[[str], Problem],
    columns: Sequence[str] = (),
    sql: str | None = None,
) -> Iterator[None]:
    """As `config_errors`, but the problem is added to `problems`, so checking goes on."""
    try:
        yield
    except PREPARE_ERRORS as exc:
        problems.append(located(message_of(exc, columns, sql)))
