"""Names of inputs and outputs that are database tables, not files (stdlib only)."""

from __future__ import annotations

from fnmatch import fnmatchcase

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
    """Whether a read pattern covers an output path (a file, or a folder of partitions)."""
    if pattern == output or fnmatchcase(output, pattern):
        return True
    # a partitioned sink writes a folder; a reader may glob inside it
    return pattern.startswith(output + "/")
