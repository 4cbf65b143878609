"""Names of inputs and outputs that are database tables, not files (no heavy imports)."""

from __future__ import annotations

from quicketl.state.globbing import has_magic, path_matches

TABLE_PREFIX = "table:"


def is_table(ref: str) -> bool:
    """A database table reference (`table:<db file>#<table>`), not a file to hash."""
    return ref.startswith(TABLE_PREFIX)


def file_refs(refs: tuple[str, ...]) -> tuple[str, ...]:
    """The references that are files (or folders, or globs), in order."""
    return tuple(ref for ref in refs if not is_table(ref))


def database_of(ref: str) -> str:
    """The database file of a table reference."""
    return ref.removeprefix(TABLE_PREFIX).rsplit("#", 1)[0]


def reads_output(pattern: str, output: str) -> bool:
    """Whether a read pattern covers an output path (a file, or a folder of partitions), by
    the rules DuckDB globs with (`*` stays inside a folder, `**` spans any number)."""
    if pattern == output or (has_magic(pattern) and path_matches(pattern, output)):
        return True
    # a partitioned sink writes a folder; a reader may glob inside it
    return pattern.startswith(output + "/")
