"""References to what a task reads and writes: files and globs, database tables, and the
inputs that are not files at all (external inputs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast, get_args

from quicketl.locations.globbing import has_glob, path_matches

TABLE_PREFIX = "table:"


def table_ref(database: str, table: str) -> str:
    """`table:<database file>#<table>`: tables are named by their file, so lineage links a
    writer to its readers however the URL was spelt."""
    return f"{TABLE_PREFIX}{database}#{table.lower()}"


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
    if pattern == output or (has_glob(pattern) and path_matches(pattern, output)):
        return True
    # a partitioned sink writes a folder; a reader may glob inside it
    return pattern.startswith(output + "/")


ExternalKind = Literal["database", "freshness", "url", "volatile"]
_KINDS: tuple[str, ...] = get_args(ExternalKind)


@dataclass(frozen=True, order=True)
class External:
    """An input that is not a file: a database (checked by its `freshness` query when one is
    declared), a URL, or a `volatile: true` pipeline. Without a freshness query it always runs.

    Stored (plan snapshots, task key components) as its text: `database:<url>`,
    `freshness:<url>`, `url:<url>`, or `volatile`.
    """

    kind: ExternalKind
    target: str = ""  # the connection or data URL, masked; "" for volatile

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}" if self.target else self.kind

    @property
    def checked(self) -> bool:
        """Whether a query says when it changed (else the task always runs)."""
        return self.kind == "freshness"

    @classmethod
    def parse(cls, text: str) -> External:
        """The input stored as `text`; an unknown kind (a newer quicketl's) reads as a URL."""
        kind, sep, target = text.partition(":")
        if kind in _KINDS and (sep or kind == "volatile"):
            return cls(cast(ExternalKind, kind), target)
        return cls("url", text)
