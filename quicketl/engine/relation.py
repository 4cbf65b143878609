"""A table-like relation in the session: its name and its columns, in order."""

from __future__ import annotations

from dataclasses import dataclass

from quicketl.engine.sql import ident
from quicketl.values import FrozenValue


@dataclass(frozen=True, repr=False, eq=False)
class Column(FrozenValue):
    name: str
    type: str


@dataclass(frozen=True, repr=False, eq=False)
class Relation(FrozenValue):
    """A view or table the engine created; `name` is unquoted."""

    name: str
    columns: tuple[Column, ...]

    @property
    def ref(self) -> str:
        return ident(self.name)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def find(self, name: str) -> Column | None:
        """The column called `name`; DuckDB matches identifiers case-insensitively."""
        wanted = name.casefold()
        return next((c for c in self.columns if c.name.casefold() == wanted), None)


def fresh_name(base: str, taken: list[str]) -> str:
    """`base`, or `base_2`, `base_3`, ... whichever no column is called yet."""
    used = {name.casefold() for name in taken}
    candidate, n = base, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{base}_{n}"
    return candidate
