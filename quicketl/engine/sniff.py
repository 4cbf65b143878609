"""One CSV detection per run instead of two.

`read_csv` detects a file's dialect and types whenever a query using it is bound, which costs
a sample read (about 90 ms for a 200 MB file). The engine binds the source twice (to check the
pipeline, then to run it), so for a single CSV file it asks DuckDB's `sniff_csv` once for the
detected options and reads with those, detection off. Anything unusual (a glob, a failed
sniff, an unexpected answer) keeps the plain auto-detecting read.

The read is built from sniff_csv's typed columns, every value quoted here. Its `Prompt` column
spells the same call as text, but pastes column names from the file's header unquoted: a header
such as `it's` would make it invalid SQL, and a crafted one would make it someone else's SQL.
"""

from __future__ import annotations

from typing import Any

from quicketl.config.sources import FileOptions, FileSource
from quicketl.engine.duckdb_module import duckdb
from quicketl.engine.duckdb_session import Session
from quicketl.engine.readers import csv_options, encoding_name, file_reader
from quicketl.engine.sql import literal, string_literal, struct_literal
from quicketl.engine.translate import PREPARE_ERRORS
from quicketl.locations.globbing import has_glob
from quicketl.locations.urls import is_remote

SAMPLE_ROWS = 20480
_FIELDS = (
    "Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, HasHeader, Columns, "
    "DateFormat, TimestampFormat"
)
_EMPTY = "(empty)"  # sniff_csv's spelling of "no quote / escape / comment character"


def csv_reader(session: Session, source: FileSource, pattern: str, *, sniff: bool = True) -> str:
    """The read_csv call for `source`, with detection done once up front when possible.

    `sniff=False` (a read bound only once, engine/copyfirst.py): a detection already stored
    is used, but none is made; the plain auto-detecting read detects as it reads."""
    auto = file_reader(source, pattern)
    if has_glob(pattern) or is_remote(pattern) or source.options.header is False:
        return auto
    path = string_literal(pattern)
    # read_csv's own sample size: sniff_csv reads more by default, for nothing
    options = f"sample_size={SAMPLE_ROWS}{csv_options(source.options)}"
    found = _cached(session, pattern, options)
    if found is None and not sniff:
        return auto
    if found is None:
        found = _sniffed(session, path, options)
        if found is None:
            return auto
        if session.sniffs is not None:
            session.sniffs.remember(pattern, _cache_key(options), list(found))
    return f"read_csv({path}, auto_detect=false, {_detected(found, source.options)})"


def _sniffed(session: Session, path: str, options: str) -> tuple[Any, ...] | None:
    try:
        found = session.run(f"SELECT {_FIELDS} FROM sniff_csv({path}, {options})")
    except PREPARE_ERRORS:
        return None
    if len(found) != 1 or not _columns(found[0][7]):
        return None
    return found[0]


def _cached(session: Session, pattern: str, options: str) -> tuple[Any, ...] | None:
    """A result sniffed before from the same bytes with the same options, checked."""
    if session.sniffs is None:
        return None
    found = session.sniffs.detected(pattern, _cache_key(options))
    return tuple(found) if _well_formed(found) else None


def _cache_key(options: str) -> str:
    # What the detection depends on besides the bytes: the options, and DuckDB's version.
    return f"duckdb {duckdb.__version__}: {options}"


def _well_formed(found: Any) -> bool:
    """The shape `_detected` needs, as sniff_csv gives it (a stored copy may be damaged)."""
    if not isinstance(found, list) or len(found) != len(_FIELDS.split(",")):
        return False
    delim, quote, escape, new_line, comment, skip, header, columns, dates, stamps = found
    texts = (delim, quote, escape, new_line, comment)
    return (
        all(isinstance(text, str) for text in texts)
        and isinstance(skip, int)
        and isinstance(header, bool)
        and all(isinstance(c, dict) and set(c) >= {"name", "type"} for c in columns or [0])
        and bool(_columns(columns))
        and all(value is None or isinstance(value, str) for value in (dates, stamps))
    )


def _detected(row: tuple[Any, ...], options: FileOptions) -> str:
    delim, quote, escape, new_line, comment, skip, header, columns, dates, stamps = row
    parts = [
        f"delim={string_literal(delim)}",
        f"quote={string_literal(_char(quote))}",
        f"escape={string_literal(_char(escape))}",
        f"new_line={string_literal(new_line)}",
        f"comment={string_literal(_char(comment))}",
        f"skip={int(skip)}",
        f"header={literal(bool(header))}",
        f"columns={struct_literal(_columns(columns))}",
    ]
    if dates is not None:
        parts.append(f"dateformat={string_literal(dates)}")
    if stamps is not None:
        parts.append(f"timestampformat={string_literal(stamps)}")
    # What the sniffer does not report back: the user's null strings and encoding.
    if options.null_values is not None:
        parts.append(f"nullstr={literal(options.null_values)}")
    if options.encoding is not None:
        parts.append(f"encoding={string_literal(encoding_name(options.encoding))}")
    return ", ".join(parts)


def _char(value: str) -> str:
    return "" if value == _EMPTY else value


def _columns(columns: Any) -> dict[str, str]:
    if not isinstance(columns, list):
        return {}
    return {str(c["name"]): str(c["type"]) for c in columns if isinstance(c, dict)}
