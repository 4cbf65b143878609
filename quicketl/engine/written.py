"""What a sink wrote: the new rows, the paths, and the profile of the query that read the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quicketl.values import FrozenValue


@dataclass(frozen=True, repr=False, eq=False)
class Written(FrozenValue):
    rows: int
    outputs: list[Path]
    profile: dict[str, Any] | None = field(default=None, compare=False)
