"""The DuckDB table functions that read a file source, with every CSV option mapped."""

from __future__ import annotations

from quicketl.config.sources import FileOptions, FileSource
from quicketl.engine.sql import literal, string_literal, struct_literal
from quicketl.engine.typenames import duckdb_type

_ENCODINGS = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf16": "utf-16",
    "utf-16": "utf-16",
    "latin1": "latin-1",
    "latin-1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "iso_8859_1": "latin-1",
}


def file_reader(source: FileSource, pattern: str, *, with_types: bool = True) -> str:
    """`read_csv(...)`, `read_parquet(...)` or `read_json(...)` over `pattern`."""
    path = string_literal(pattern)
    fmt = source.resolved_format
    if fmt == "parquet":
        return f"read_parquet({path})"
    if fmt == "json":
        return f"read_json({path})"
    return f"read_csv({path}{csv_options(source.options, with_types=with_types)})"


def csv_options(options: FileOptions, *, with_types: bool = True) -> str:
    """read_csv arguments, each with a leading comma; unset options keep DuckDB's detection."""
    parts = []
    if options.delimiter is not None:
        parts.append(f"delim = {string_literal(options.delimiter)}")
    if options.header is not None:
        parts.append(f"header = {literal(options.header)}")
    if options.skip_rows:
        parts.append(f"skip = {options.skip_rows}")
    if options.null_values is not None:
        parts.append(f"nullstr = {literal(options.null_values)}")
    if options.quote is not None:
        parts.append(f"quote = {string_literal(options.quote)}")
    if options.encoding is not None:
        parts.append(f"encoding = {string_literal(encoding_name(options.encoding))}")
    if options.columns and with_types:
        parts.append(_column_types(options))
    return "".join(f", {part}" for part in parts)


def _column_types(options: FileOptions) -> str:
    # Without a header, `columns` names every column in order (DuckDB's `columns`); with one,
    # it overrides the types of the columns it names and leaves the rest detected (`types`).
    types = {name: duckdb_type(kind) for name, kind in (options.columns or {}).items()}
    key = "columns" if options.header is False else "types"
    return f"{key} = {struct_literal(types)}"


def encoding_name(name: str) -> str:
    """DuckDB's spelling of an encoding (it knows utf-8, utf-16 and latin-1)."""
    return _ENCODINGS.get(name.strip().lower(), name.strip().lower())
